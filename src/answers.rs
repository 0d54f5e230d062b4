//! Reading answer files (`kensa-answers`, docs/answers-format.md): bytes to a checked JSON value.
//!
//! One typed reader with the rules of the published schema (`offline::answers_schema`), so that a
//! file the form's import would refuse is never inspected as if it were blank: `answer: true`,
//! `date: 20231001` or a missing `definition_hash` is an invalid file, not an unanswered item.
//! themes/default/static/js/answers.js is the same reader for the browser (the form's import, the
//! inspection page); a differential test (tests/browser/inspect-differential.test.js) proves the
//! two agree on thousands of files.

use serde_json::{Map, Value};

use crate::model::Checklist;

/// The `format` every answer file states.
pub const ANSWERS_FORMAT: &str = "kensa-answers";
/// The `version` of the format this reader and `kensa migrate` know; other versions are refused.
pub const ANSWERS_FORMAT_VERSION: u64 = 1;
/// A real answer file is a few tens of KB (the longest list, 92 items with notes, stays well
/// under 1 MB). Anything larger is another file picked by mistake, and reading it whole would
/// cost memory for nothing.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The years a 確認日 or 目標日 may fall in. A check of these lists cannot predate them, and a
/// year like 1899 or 2923 is a slip of the keyboard. Published to the form (the checklist
/// page's rules, `item_rules`) and to the inspection page, which refuse the same years.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// Why a file cannot be read as answers: a message for the user, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Set once the file named a checklist of this site.
    pub checklist: Option<String>,
    /// Why, in Japanese, for the person who chose the file.
    pub message: String,
}

fn unreadable(message: impl Into<String>) -> Unreadable {
    Unreadable {
        checklist: None,
        message: message.into(),
    }
}

/// The message for a file over `MAX_FILE_BYTES`, with its size in MB.
pub fn too_large_message(len: u64) -> String {
    format!(
        "ファイルが大きすぎます（{:.1} MB）。回答ファイルは通常 100 KB 未満です。別のファイルを選んでいないか確認してください。",
        len as f64 / (1024.0 * 1024.0)
    )
}

/// The message for a file that is not UTF-8 (the same words as answers.js).
pub const NOT_UTF8: &str = "文字コードが UTF-8 ではありません。メモ帳などで Shift_JIS（ANSI）として保存し直された可能性があります。チェックリストのページから書き出し直すか、UTF-8 で保存し直してください。";
/// The message for a file that is not JSON (the same words as answers.js).
pub const NOT_JSON: &str = "JSON として読めません。ファイルが途中で切れているか、書き換えられています。チェックリストのページから書き出し直してください。";
/// The message for JSON that is not an answer file (the same words as answers.js).
pub const NOT_ANSWERS: &str =
    "チェックリストの回答ファイルではありません（format が kensa-answers ではありません）。";

/// Bytes to JSON: a UTF-8 BOM (Notepad adds one) is skipped; text that is not UTF-8 (a file
/// re-saved as Shift_JIS) is refused rather than read as garbled text.
pub fn parse(bytes: &[u8]) -> Result<Value, Unreadable> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(unreadable(too_large_message(bytes.len() as u64)));
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| unreadable(NOT_UTF8))?;
    serde_json::from_str(text).map_err(|_| unreadable(NOT_JSON))
}

/// Text from a file, safe to print: control characters (which could move a terminal's cursor or
/// fake a line of the report) become U+FFFD.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// A format_version as a message shows it, printed alike by Rust and by JS (inspect.js): both
/// write the shortest digits that read back as the same f64, and both write plain digits between
/// 1e-6 and 1e21, where JS would switch to an exponent.
fn shown_version(version: Option<&Value>) -> String {
    match version {
        None => "（なし）".into(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(0.0) => "0".into(), // -0.0 too: JS prints both as 0
            Some(f) if (1e-6..1e21).contains(&f.abs()) => format!("{f}"),
            _ => "（範囲外の数値）".into(),
        },
        Some(Value::String(s)) => format!("「{}」", printable(s)),
        Some(_) => "（数値ではありません）".into(),
    }
}

/// The checklist id a parsed file names, once its format and version are ones this reader knows.
pub fn checklist_id(doc: &Value) -> Result<&str, Unreadable> {
    if doc.get("format").and_then(Value::as_str) != Some(ANSWERS_FORMAT) {
        return Err(unreadable(NOT_ANSWERS));
    }
    let version = doc.get("format_version");
    // JSON does not tell 1 from 1.0; the schema's `const: 1` accepts both.
    if version.and_then(Value::as_f64) != Some(ANSWERS_FORMAT_VERSION as f64) {
        let shown = shown_version(version);
        return Err(unreadable(format!(
            "回答ファイルの形式バージョン {shown} には対応していません（対応：{ANSWERS_FORMAT_VERSION}）。新しい版のサイトで書き出されたファイルなら、新しい版のサイトで確認してください。"
        )));
    }
    match doc
        .get("checklist")
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
    {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(unreadable(
            "どのチェックリストの回答か（checklist.id）が書かれていません。",
        )),
    }
}

/// The first place where `doc` breaks the schema for `checklist`, as (path, what is wrong).
pub fn check_shape(doc: &Value, checklist: &Checklist) -> Result<(), (String, String)> {
    let root = At::Root;
    let top = object(doc, &root)?;
    let known_top = [
        "format",
        "format_version",
        "generator",
        "checklist",
        "copy",
        "updated_at",
        "exported_at",
        "fields",
        "gate",
        "switches",
        "items",
        "earlier",
    ];
    only_keys(top, &root, &known_top)?;
    string(required(top, &root, "generator")?, &root.key("generator"))?;
    check_checklist_block(required(top, &root, "checklist")?, &root.key("checklist"))?;
    if let Some(copy) = top.get("copy") {
        check_copy(copy, &root.key("copy"))?;
    }
    timestamp(required(top, &root, "updated_at")?, &root.key("updated_at"))?;
    if let Some(t) = top.get("exported_at") {
        timestamp(t, &root.key("exported_at"))?;
    }
    let at = root.key("fields");
    for (key, value) in sorted(object(required(top, &root, "fields")?, &at)?) {
        if !checklist.def.form_fields.iter().any(|f| &f.id == key) {
            return Err(wrong(&at.key(key), UNKNOWN_KEY));
        }
        string(value, &at.key(key))?;
    }
    answer(required(top, &root, "gate")?, &root.key("gate"))?;
    let at = root.key("switches");
    for (key, value) in sorted(object(required(top, &root, "switches")?, &at)?) {
        if !checklist.def.switches.iter().any(|s| &s.id == key) {
            return Err(wrong(&at.key(key), UNKNOWN_KEY));
        }
        answer(value, &at.key(key))?;
    }
    let at = root.key("items");
    for (key, value) in sorted(object(required(top, &root, "items")?, &at)?) {
        if !checklist.def.items.iter().any(|i| &i.id == key) {
            return Err(wrong(
                &at.key(key),
                "このチェックリストにない項目です（別の版のファイルではないか確認してください）",
            ));
        }
        check_item(value, &at.key(key), false)?;
    }
    if let Some(earlier) = top.get("earlier") {
        check_earlier(earlier, &root.key("earlier"))?;
    }
    Ok(())
}

/// `earlier`: answers carried over from earlier editions that the file's edition has no place
/// for (src/migrate.rs), one entry per carry-over, each naming the checklist they were given to.
fn check_earlier(v: &Value, at: &At) -> Result<(), (String, String)> {
    let list = v.as_array().ok_or_else(|| wrong(at, "配列（[ … ]）"))?;
    for (n, entry) in list.iter().enumerate() {
        let n = n.to_string();
        let at = at.key(&n);
        let o = object(entry, &at)?;
        only_keys(
            o,
            &at,
            &["checklist", "fields", "gate", "switches", "items"],
        )?;
        let block = required(o, &at, "checklist")?;
        let block_at = at.key("checklist");
        check_checklist_block(block, &block_at)?;
        string(
            required(object(block, &block_at)?, &block_at, "id")?,
            &block_at.key("id"),
        )?;
        let fields = at.key("fields");
        for (key, value) in sorted(object(required(o, &at, "fields")?, &fields)?) {
            string(value, &fields.key(key))?;
        }
        if let Some(g) = o.get("gate") {
            answer(g, &at.key("gate"))?;
        }
        let switches = at.key("switches");
        for (key, value) in sorted(object(required(o, &at, "switches")?, &switches)?) {
            answer(value, &switches.key(key))?;
        }
        let items = at.key("items");
        for (key, value) in sorted(object(required(o, &at, "items")?, &items)?) {
            check_item(value, &items.key(key), true)?;
        }
    }
    Ok(())
}

const UNKNOWN_KEY: &str = "この形式にないキーです";

/// Where in the file a check is, as it descends: written out (`items.current-1-1.r1`) only
/// for a message, so that a valid file costs no string per key.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
}

impl<'a> At<'a> {
    fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }
    fn shown(&self) -> String {
        match self {
            At::Root => String::new(),
            At::Key(At::Root, key) => key.to_string(),
            At::Key(parent, key) => format!("{}.{key}", parent.shown()),
        }
    }
}

fn check_copy(v: &Value, at: &At) -> Result<(), (String, String)> {
    let o = object(v, at)?;
    only_keys(o, at, &["id", "name"])?;
    let id = string(required(o, at, "id")?, &at.key("id"))?;
    let id_ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !id_ok {
        return Err(wrong(&at.key("id"), "英数字・_・- の64文字以内"));
    }
    string(required(o, at, "name")?, &at.key("name"))?;
    Ok(())
}

fn check_checklist_block(v: &Value, at: &At) -> Result<(), (String, String)> {
    let o = object(v, at)?;
    only_keys(
        o,
        at,
        &["id", "edition", "definition_hash", "title", "form"],
    )?;
    string(required(o, at, "edition")?, &at.key("edition"))?;
    let hash = string(
        required(o, at, "definition_hash")?,
        &at.key("definition_hash"),
    )?;
    let hex = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return Err(wrong(&at.key("definition_hash"), "64桁の16進数の文字列"));
    }
    for key in ["title", "form"] {
        if let Some(t) = o.get(key) {
            string(t, &at.key(key))?;
        }
    }
    Ok(())
}

/// An item's answers; `kept` ones (under `earlier`) also carry the item's label and text.
fn check_item(v: &Value, at: &At, kept: bool) -> Result<(), (String, String)> {
    let o = object(v, at)?;
    let keys: &[&str] = if kept {
        &[
            "r1", "target", "r2", "note", "status", "confirm", "label", "text",
        ]
    } else {
        &["r1", "target", "r2", "note", "status", "confirm"]
    };
    only_keys(o, at, keys)?;
    check_round(required(o, at, "r1")?, &at.key("r1"), true)?;
    if let Some(t) = o.get("target") {
        check_round(t, &at.key("target"), false)?;
    }
    if let Some(r) = o.get("r2") {
        check_round(r, &at.key("r2"), true)?;
    }
    string(required(o, at, "note")?, &at.key("note"))?;
    let status = required(o, at, "status")?;
    if !matches!(status.as_str(), Some("applicable" | "not_applicable")) {
        return Err(wrong(
            &at.key("status"),
            "\"applicable\" または \"not_applicable\"",
        ));
    }
    if o.get("confirm").is_some_and(|c| c != "reworded") {
        return Err(wrong(&at.key("confirm"), "\"reworded\""));
    }
    if kept {
        for key in ["label", "text"] {
            string(required(o, at, key)?, &at.key(key))?;
        }
    }
    Ok(())
}

/// A round (`r1`, `r2`: an answer and maybe a date) or the 目標日 (`target`: a date only).
fn check_round(v: &Value, at: &At, has_answer: bool) -> Result<(), (String, String)> {
    let o = object(v, at)?;
    let keys: &[&str] = if has_answer {
        &["answer", "date", "date_input"]
    } else {
        &["date", "date_input"]
    };
    only_keys(o, at, keys)?;
    if has_answer {
        answer(required(o, at, "answer")?, &at.key("answer"))?;
    }
    let date = if has_answer {
        o.get("date")
    } else {
        Some(required(o, at, "date")?)
    };
    if let Some(d) = date {
        if !(d.is_null() || d.as_str().is_some_and(date_shape)) {
            return Err(wrong(&at.key("date"), "\"YYYY-MM-DD\" の形の日付か null"));
        }
    }
    if let Some(typed) = o.get("date_input") {
        let at = at.key("date_input");
        let t = object(typed, &at)?;
        only_keys(t, &at, &["y", "m", "d"])?;
        for (key, value) in sorted(t) {
            string(value, &at.key(key))?;
        }
    }
    Ok(())
}

fn wrong(at: &At, what: &str) -> (String, String) {
    (at.shown(), what.to_string())
}

fn object<'a>(v: &'a Value, at: &At) -> Result<&'a Map<String, Value>, (String, String)> {
    v.as_object().ok_or_else(|| match at {
        At::Root => ("ファイル全体".into(), "オブジェクト（{ … }）".into()),
        _ => wrong(at, "オブジェクト（{ … }）"),
    })
}

fn required<'a>(
    o: &'a Map<String, Value>,
    at: &At,
    key: &str,
) -> Result<&'a Value, (String, String)> {
    o.get(key)
        .ok_or_else(|| wrong(&at.key(key), "必要ですが、ありません"))
}

fn string<'a>(v: &'a Value, at: &At) -> Result<&'a str, (String, String)> {
    v.as_str().ok_or_else(|| wrong(at, "文字列"))
}

fn answer(v: &Value, at: &At) -> Result<(), (String, String)> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) if s == "yes" || s == "no" => Ok(()),
        _ => Err(wrong(at, "\"yes\"・\"no\"・null のいずれか")),
    }
}

fn timestamp(v: &Value, at: &At) -> Result<(), (String, String)> {
    if v.as_str().is_some_and(timestamp_shape) {
        Ok(())
    } else {
        Err(wrong(at, "\"2023-10-01T09:00:00.000Z\" の形の日時"))
    }
}

/// Keys in code point order, so the first problem reported is the same in every reader.
fn sorted(o: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = o.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

fn only_keys(o: &Map<String, Value>, at: &At, allowed: &[&str]) -> Result<(), (String, String)> {
    let unknown = o.keys().filter(|k| !allowed.contains(&k.as_str())).min();
    match unknown {
        Some(k) => Err(wrong(&at.key(k), UNKNOWN_KEY)),
        None => Ok(()),
    }
}

/// The schema's date pattern: `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`. Whether
/// the day exists is a rule of the inspection, not of the file's shape.
pub fn date_shape(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return false;
    }
    if !digits(8..10) {
        return false;
    }
    let month = (b[5] - b'0') * 10 + (b[6] - b'0');
    let day = (b[8] - b'0') * 10 + (b[9] - b'0');
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// The schema's timestamp pattern:
/// `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`.
pub fn timestamp_shape(s: &str) -> bool {
    let b = s.as_bytes();
    // Each byte of the fixed part: a digit (b'9' here) or the separator itself.
    let fixed = b"9999-99-99T99:99:99";
    if b.len() < fixed.len() + 1 {
        return false;
    }
    let head_ok = fixed.iter().zip(b).all(|(want, got)| match want {
        b'9' => got.is_ascii_digit(),
        sep => got == sep,
    });
    if !head_ok {
        return false;
    }
    let mut rest = &b[fixed.len()..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        b"Z" => true,
        [sign, h1, h2, b':', m1, m2] => {
            (*sign == b'+' || *sign == b'-') && [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_is_skipped_and_shift_jis_refused() {
        assert!(parse(b"\xEF\xBB\xBF{}").is_ok());
        // 「はい」 in Shift_JIS.
        let sjis = b"{\"note\": \"\x82\xCD\x82\xA2\"}";
        assert_eq!(parse(sjis).unwrap_err().message, NOT_UTF8);
        assert_eq!(parse(b"{").unwrap_err().message, NOT_JSON);
    }

    #[test]
    fn format_version_one_point_zero_is_version_one() {
        let v: Value = serde_json::from_str(
            r#"{"format":"kensa-answers","format_version":1.0,"checklist":{"id":"x"}}"#,
        )
        .unwrap();
        assert_eq!(checklist_id(&v), Ok("x"));
        for (bad, shown) in [
            ("1.5", " 1.5 "),
            ("2", " 2 "),
            ("2.0", " 2 "),
            ("-0.0", " 0 "),
            ("1e20", " 100000000000000000000 "),
            ("1e21", "（範囲外の数値）"),
            ("1e-7", "（範囲外の数値）"),
            ("\"1\"", "「1」"),
            ("null", "（数値ではありません）"),
        ] {
            let text = format!(
                r#"{{"format":"kensa-answers","format_version":{bad},"checklist":{{"id":"x"}}}}"#
            );
            let v: Value = serde_json::from_str(&text).unwrap();
            let e = checklist_id(&v).unwrap_err();
            assert!(e.message.contains(shown), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn shapes_follow_the_schema_patterns() {
        assert!(date_shape("2023-10-01"));
        assert!(date_shape("1899-02-31")); // shape only: the day is checked by the rules
        for bad in [
            "2023-1-01",
            "2023-13-01",
            "2023-00-10",
            "2023-10-32",
            "+023-10-01",
            "",
        ] {
            assert!(!date_shape(bad), "{bad}");
        }
        assert!(timestamp_shape("2023-10-01T09:00:00.000Z"));
        assert!(timestamp_shape("2023-10-01T09:00:00+09:00"));
        for bad in [
            "2023-10-01T09:00:00",
            "2023-10-01T09:00:00.Z",
            "2023-10-01 09:00:00Z",
        ] {
            assert!(!timestamp_shape(bad), "{bad}");
        }
    }
}
