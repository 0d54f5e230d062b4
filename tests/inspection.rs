//! The inspection engine against the shared vectors (tests/inspection/vectors.json), which the
//! browser engine is tested against too, and `kensa inspect` end to end.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(repo().join("tests/inspection/vectors.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The files of the vector called `name`, for the site of content/.
fn named_vector_files(name: &str) -> Vec<(String, Vec<u8>)> {
    let (site, _) = kensa::pipeline::load_site(repo()).unwrap();
    let case = vectors().into_iter().find(|c| c["name"] == name).unwrap();
    vector_files(&case, &site)
}

/// A vector's files as bytes, with `@hash:<checklist id>` replaced by that checklist's current
/// definition hash (the vectors must not change each time a definition does).
fn vector_files(v: &Value, site: &kensa::model::Site) -> Vec<(String, Vec<u8>)> {
    use base64::Engine;
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let bytes = match f["content"].as_str() {
                Some(text) => with_hashes(text, site).into_bytes(),
                None => {
                    let b64 = f["content_base64"].as_str().unwrap();
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .unwrap();
                    match String::from_utf8(bytes) {
                        Ok(text) => with_hashes(&text, site).into_bytes(),
                        Err(e) => e.into_bytes(),
                    }
                }
            };
            (f["name"].as_str().unwrap().to_string(), bytes)
        })
        .collect()
}

fn with_hashes(text: &str, site: &kensa::model::Site) -> String {
    let mut out = text.to_string();
    for c in &site.checklists {
        // The closing quote keeps `@hash:r5-yakkyoku` from matching `@hash:r5-yakkyoku-jigyosha`.
        let token = format!("@hash:{}\"", c.def.id);
        out = out.replace(&token, &format!("{}\"", c.definition_hash));
    }
    out
}

fn today(v: &Value) -> kensa::inspect::Day {
    kensa::inspect::Day::parse(v["today"].as_str().unwrap()).unwrap()
}

fn key(file: &str, rule: &str, status: &str, item: Option<&str>) -> String {
    format!("{file} {rule} {status} {}", item.unwrap_or("-"))
}

#[test]
fn engine_matches_every_vector() {
    let (site, _) = kensa::pipeline::load_site(repo()).expect("content loads");
    let vectors = vectors();
    assert!(vectors.len() >= 30);
    for v in &vectors {
        let files = vector_files(v, &site);
        let report = kensa::inspect::inspect(&site, &files, today(v));
        let mut got: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                key(
                    &f.file,
                    &f.rule,
                    kensa::inspect::status_word(f.status),
                    f.item.as_deref(),
                )
            })
            .collect();
        let mut want: Vec<String> = v["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                key(
                    e[0].as_str().unwrap(),
                    e[1].as_str().unwrap(),
                    e[2].as_str().unwrap(),
                    e[3].as_str(),
                )
            })
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "vector `{}`: {}", v["name"], v["description"]);
        for f in &report.findings {
            assert!(!f.message.is_empty());
            if f.rule != "file" {
                assert!(
                    f.quote.as_deref().is_some_and(|q| !q.is_empty()),
                    "every rule finding quotes the 手引き"
                );
            }
        }
    }
}

/// The messages a reviewer reads for the cases the 手引き leaves to judgement: each says what
/// it found and where the answer is.
#[test]
fn messages_name_the_sheet_and_the_reason() {
    let (site, _) = kensa::pipeline::load_site(repo()).unwrap();
    let v = vectors();
    let messages = |name: &str| -> Vec<String> {
        let case = v.iter().find(|c| c["name"] == name).unwrap();
        let report = kensa::inspect::inspect(&site, &vector_files(case, &site), today(case));
        report.findings.into_iter().map(|f| f.message).collect()
    };
    let all = |name: &str| messages(name).join("\n");

    let blanks = all("vendor-blanks-answered-elsewhere-are-onsite");
    assert!(blanks.contains("「事業者確認用」（B社） ２（２）（医療情報システム全般）：未記入です。「薬局確認用」の２（２）（医療情報システム全般）に記入があります。"), "{blanks}");
    assert!(blanks.contains("「事業者確認用」（B社） １（１）：未記入です。「事業者確認用」（A社）の１（１）に記入があります。"), "{blanks}");
    assert!(
        !blanks.contains("（B社）：確認対象の項目すべて"),
        "{blanks}"
    );

    let ambiguous = all("two-pharmacies-are-two-facilities");
    assert!(
        ambiguous.contains("「薬局確認用」が複数（pharmacy.json、pharmacy-2.json）あるため"),
        "{ambiguous}"
    );
    assert!(
        !ambiguous.contains("同じ施設の確認用チェックリストが複数"),
        "{ambiguous}"
    );

    let newer = all("edition-the-site-lacks");
    assert!(
        newer.contains(
            "版「r6」のチェックリストはこのサイトにありません（このサイトの版：r5、y2021）。"
        ),
        "{newer}"
    );

    let unconfirmed = all("reworded-unconfirmed");
    assert!(
        unconfirmed.contains("２（５）（サーバ）：前の版から引き継いだ回答ですが、項目の文言が変わったあと、まだ確認されていません。"),
        "{unconfirmed}"
    );

    let outside = all("target-date-outside-the-fiscal-year");
    assert!(outside.contains("目標日（2024年4月1日）が令和5年度（2023年4月1日～2024年3月31日）の日付ではありません。"), "{outside}");
    let second = all("second-round-yes");
    assert!(
        second.contains("２回目の確認（2023年11月15日）で「はい」になっています。"),
        "{second}"
    );
    assert!(!second.contains("取組を促してください"), "{second}");
    let passed = all("target-date-passed");
    assert!(
        passed.contains("（目標日の2023年12月31日を過ぎています。）"),
        "{passed}"
    );
    let future = all("check-date-in-the-future");
    assert!(
        future.contains("１回目の確認日（2023年12月2日）が今日（2023年12月1日）より後の日付です。"),
        "{future}"
    );

    let typed = all("typed-reader");
    for wanted in [
        "items.current-1-1.r1.answer：\"yes\"・\"no\"・null のいずれか",
        "items.current-1-1.r1.date：\"YYYY-MM-DD\" の形の日付か null",
        "checklist.definition_hash：必要ですが、ありません",
        "checklist.definition_hash：文字列",
        "回答ファイルの形式バージョン 1.5 には対応していません",
        "switches.vendor_contrakt：この形式にないキーです",
    ] {
        assert!(typed.contains(wanted), "missing `{wanted}` in:\n{typed}");
    }
    let encodings = all("bom-and-shift-jis");
    assert!(encodings.contains("Shift_JIS"), "{encodings}");
}

/// Each rule quote is the 手引き's own text: it must appear in the guide page.
#[test]
fn rule_quotes_are_in_the_guides() {
    let (site, _) = kensa::pipeline::load_site(repo()).unwrap();
    for c in &site.checklists {
        let Some(insp) = &c.def.inspection else {
            continue;
        };
        let guide = site.guide(c.def.guide.as_deref().unwrap()).unwrap();
        let text: String = guide
            .file
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let plain = strip_links(&text);
        for rule in &insp.rules {
            for sentence in rule.quote.split('。').filter(|s| !s.trim().is_empty()) {
                let s: String = sentence.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(
                    plain.contains(&s),
                    "{}: rule `{}` quotes text not in the guide: {s}",
                    c.def.id,
                    rule.id
                );
            }
        }
    }
}

/// `[２（２）](@/x.md#a)` → `２（２）`, so quotes match the guide's text.
fn strip_links(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match (after.find("]("), after.find(')')) {
            (Some(close), Some(end)) if close < end => {
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn cli_reports_and_exits_one_on_failures() {
    let (site, _) = kensa::pipeline::load_site(repo()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let v = vectors();
    let write_case = |name: &str, folder: &str| {
        let case = v.iter().find(|c| c["name"] == name).unwrap();
        let sub = dir.path().join(folder);
        std::fs::create_dir_all(&sub).unwrap();
        for (name, bytes) in vector_files(case, &site) {
            std::fs::write(sub.join(name), bytes).unwrap();
        }
        sub
    };
    let ok = write_case("complete-no-contract", "hospital-ok");
    let bad = write_case("two-vendors-cover-each-other", "hospital-bad");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kensa"))
            .args(["inspect", "--today", "2023-12-01", "--root"])
            .arg(repo())
            .args(args)
            .output()
            .unwrap()
    };
    let good = run(&[ok.join("facility.json").to_str().unwrap()]);
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let text = String::from_utf8_lossy(&good.stdout);
    assert!(
        text.contains("①「医療機関確認用」チェックリストについて"),
        "{text}"
    );
    assert!(text.contains("現物を見て確認"), "{text}");

    let files: Vec<String> = ["facility.json", "vendor-a.json", "vendor-b.json"]
        .iter()
        .map(|f| bad.join(f).to_string_lossy().into_owned())
        .collect();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    let failed = run(&args);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stdout).contains("[不足]"));

    // many facilities at once, as JSON and CSV
    let ok_file = ok.join("facility.json").to_string_lossy().into_owned();
    args.push(&ok_file);
    let mut json_args = vec!["--format", "json"];
    json_args.extend(args.iter());
    let json = run(&json_args);
    assert_eq!(json.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&json.stdout).unwrap();
    let groups = value.as_array().unwrap();
    assert_eq!(groups.len(), 2, "files are grouped by folder");
    assert!(
        groups.iter().any(|g| g["failed"] == true) && groups.iter().any(|g| g["failed"] == false)
    );
    let mut csv_args = vec!["--format", "csv-plain"];
    csv_args.extend(args.iter());
    let csv = run(&csv_args);
    let csv_text = String::from_utf8_lossy(&csv.stdout);
    assert!(csv_text.starts_with("facility,file,checklist,heading,rule,status,item,message\n"));
    assert!(csv_text.lines().count() > 10);
}

/// Excel on a Japanese Windows PC decodes a double-clicked .csv as Shift_JIS (CP932) unless it
/// starts with a UTF-8 BOM. `--format csv` must survive that; `csv-plain` is for DuckDB.
fn as_excel_reads(bytes: &[u8]) -> String {
    match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(utf8) => String::from_utf8(utf8.to_vec()).unwrap(),
        None => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    }
}

fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    files
        .iter()
        .map(|(name, bytes)| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect()
}

fn inspect_cli(args: &[&str]) -> std::process::Output {
    inspect_cli_in(Path::new("."), args)
}

fn inspect_cli_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .current_dir(cwd)
        .args(["inspect", "--today", "2023-12-01", "--root"])
        .arg(repo())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn csv_opens_in_excel_and_defuses_formulas() {
    let files = named_vector_files("vendor-manager-is-not-the-facility-manager");
    let dir = tempfile::tempdir().unwrap();
    // A folder name Excel would run as a formula.
    let folder = "=HYPERLINK(\"x\")";
    write_files(&dir.path().join(folder), &files);
    let paths: Vec<String> = ["facility.json", "vendor-a.json"]
        .iter()
        .map(|f| format!("{folder}/{f}"))
        .collect();
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let run =
        |format: &str| inspect_cli_in(dir.path(), &[&["--format", format], &args[..]].concat());

    let excel = run("csv");
    assert!(excel.stdout.starts_with(b"\xEF\xBB\xBF"), "a BOM first");
    let text = as_excel_reads(&excel.stdout);
    assert!(text.starts_with("facility,file,checklist,heading,rule,status,item,message\r\n"));
    assert!(
        text.contains("②「事業者確認用」チェックリストについて"),
        "{text}"
    );
    assert!(
        text.contains("「事業者確認用」（A社） １（１）：１回目の確認結果"),
        "{text}"
    );
    for row in text.lines().skip(1) {
        assert!(row.starts_with("\"'="), "formula defused: {row}");
    }

    let plain = run("csv-plain");
    let plain_text = String::from_utf8(plain.stdout.clone()).unwrap();
    assert!(
        plain_text.starts_with("facility,"),
        "no BOM in the plain form"
    );
    assert!(plain_text
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("\"=HYPERLINK"));
    // Without the BOM, Excel's reading garbles the Japanese: the reason for the default.
    assert!(!as_excel_reads(&plain.stdout).contains("事業者確認用"));
}

#[test]
fn cli_goes_on_past_special_unreadable_and_oversized_files() {
    let files = named_vector_files("complete-no-contract");
    let dir = tempfile::tempdir().unwrap();
    let mut paths = write_files(dir.path(), &files);
    let big = dir.path().join("big.json");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(kensa::answers::MAX_FILE_BYTES as u64 + 1)
        .unwrap();
    paths.push(big.to_string_lossy().into_owned());
    paths.push(
        dir.path()
            .join("missing.json")
            .to_string_lossy()
            .into_owned(),
    );
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe.json");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        paths.push(fifo.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let out = inspect_cli(&[&["--format", "json"], &args[..]].concat());
    assert_eq!(out.status.code(), Some(1), "unreadable files fail the run");
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = value[0]["findings"].as_array().unwrap();
    let message_of = |file: &str| {
        findings
            .iter()
            .find(|f| f["file"] == file)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(message_of("big.json").contains("大きすぎます"));
    assert!(message_of("missing.json").contains("読めません"));
    #[cfg(unix)]
    assert!(message_of("pipe.json").contains("通常のファイルではない"));
    assert!(
        findings.iter().any(|f| f["file"] == "facility.json"
            && f["rule"] == "first-round"
            && f["status"] == "pass"),
        "the good file is still inspected"
    );
}

#[test]
fn text_report_prints_no_control_characters() {
    let mut files = named_vector_files("vendor-manager-is-not-the-facility-manager");
    let vendor = files
        .iter_mut()
        .find(|(n, _)| n == "vendor-a.json")
        .unwrap();
    let text = String::from_utf8(vendor.1.clone()).unwrap();
    vendor.1 = text.replace("A社", "A社\\u001b[2J\\r偽の行").into_bytes();
    let dir = tempfile::tempdir().unwrap();
    let paths = write_files(&dir.path().join("x\u{7}"), &files);
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let out = inspect_cli(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("A社\u{FFFD}[2J\u{FFFD}偽の行"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}
