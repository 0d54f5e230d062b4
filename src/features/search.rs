//! Offline full-text search. The build cuts the site into small documents (a checklist item, a
//! section of a Markdown page between two headings, …), tokenizes them and writes the index as
//! classic scripts under `search/`: pages opened from `file://` cannot `fetch`, but they can add
//! `<script src>` elements, and each file calls `KensaSearch.add(…)` when it runs.
//!
//! - `search/index-meta.js`: the document list (kind, title, URL with anchor, label), the number
//!   of shards and the first document of each text chunk.
//! - `search/shard-NN.js`: postings, sharded by a hash of the token, so a query loads only the
//!   shards of its own tokens.
//! - `search/text-NN.js`: the plain text of the documents, for phrase ranking and the snippet
//!   shown under a result; loaded only for the documents a query matched.
//!
//! Index and query must cut text the same way, so the tokenizer exists twice: here and in
//! `themes/default/static/js/search.js`. `tests/search_vectors.json` holds the cases both are
//! tested against.

use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::diag::Diagnostics;
use crate::kit::Output;
use crate::model::search::{Doc, DocKind};
use crate::model::{item_anchor, Checklist, Page, PageKind, Provenance, Site};
use crate::plugin::{Build, Feature};
use crate::render::base_context;

// ---------------------------------------------------------------- normalization and tokens

/// Folds the width and case differences a reader does not see as different words: full-width
/// ASCII (ＭＤＳ, ２) → half-width, half-width katakana → full-width (with ﾞ/ﾟ composed), Latin
/// lower-cased. Katakana and hiragana stay distinct, and ①/Ⅱ are kept (NFKC would turn
/// `3.1.2②` into `3.1.22`).
pub fn normalize(text: &str) -> String {
    let mut chars = Vec::new();
    normalize_chars(text, &mut chars);
    chars.into_iter().collect()
}

/// [`normalize`] into a buffer of chars (cleared first), which the tokenizer reads.
fn normalize_chars(text: &str, out: &mut Vec<char>) {
    out.clear();
    out.reserve(text.len());
    for c in text.chars() {
        match normalized(out.last().copied(), c) {
            Normalized::Push(c) => out.push(c),
            Normalized::ReplaceLast(c) => {
                if let Some(last) = out.last_mut() {
                    *last = c;
                }
            }
        }
    }
}

enum Normalized {
    Push(char),
    /// A sound mark composed with the character before it.
    ReplaceLast(char),
}

/// What `c` becomes after `prev` (the last character written so far).
#[inline]
fn normalized(prev: Option<char>, c: char) -> Normalized {
    let cp = c as u32;
    if cp < 0x80 {
        return Normalized::Push(c.to_ascii_lowercase());
    }
    let mapped = match cp {
        0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        0xFF61..=0xFF9D => HALF_WIDTH_KANA[(cp - 0xFF61) as usize],
        0xFF9E | 0xFF9F | 0x3099 | 0x309A => {
            let semi = cp == 0xFF9F || cp == 0x309A;
            if let Some(composed) = prev.and_then(|p| compose(p, semi)) {
                return Normalized::ReplaceLast(composed);
            }
            match cp {
                0xFF9E => '\u{309B}',
                0xFF9F => '\u{309C}',
                _ => c,
            }
        }
        _ => c,
    };
    Normalized::Push(mapped.to_ascii_lowercase())
}

/// ｡ through ﾝ (U+FF61..U+FF9D) in full width.
const HALF_WIDTH_KANA: [char; 61] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン',
];

/// Kana + (semi-)voiced sound mark → the precomposed kana, as NFKC composes them.
fn compose(prev: char, semi: bool) -> Option<char> {
    let p = prev as u32;
    // Hiragana sit 0x60 below their katakana: compose in katakana and shift back.
    let hira = (0x3041..=0x3096).contains(&p) || p == 0x309D;
    let k = if hira { p + 0x60 } else { p };
    const HA_ROW: [u32; 5] = [0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB];
    const VOICED: [u32; 15] = [
        0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF,
        0x30C1, 0x30C4, 0x30C6, 0x30C8,
    ];
    let composed = if semi {
        HA_ROW.contains(&k).then_some(k + 2)
    } else if VOICED.contains(&k) || HA_ROW.contains(&k) {
        Some(k + 1)
    } else {
        match k {
            0x30A6 => Some(0x30F4),
            0x30FD => Some(0x30FE),
            0x30EF..=0x30F2 if !hira => Some(k + 8),
            _ => None,
        }
    }?;
    char::from_u32(if hira { composed - 0x60 } else { composed })
}

/// Kana and kanji: runs of these are cut into bigrams, since Japanese has no spaces between words.
pub fn is_kana_kanji(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007            // 々 〆 〇
        | 0x3041..=0x3096          // hiragana
        | 0x309D..=0x309F          // ゝ ゞ ゟ
        | 0x30A1..=0x30FA          // katakana
        | 0x30FC..=0x30FF          // ー ヽ ヾ ヿ
        | 0x31F0..=0x31FF          // small katakana extensions
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FFFF)
}

/// Signs that number things (①, ㉑, Ⅱ): each is a token of its own.
fn is_ordinal_sign(c: char) -> bool {
    matches!(c as u32, 0x2160..=0x217F | 0x2460..=0x2473 | 0x3251..=0x325F | 0x32B1..=0x32BF)
}

/// Cuts text into tokens, in order (with repeats):
/// - a run of kana/kanji → its bigrams (`連絡体制図` → 連絡 絡体 体制 制図), or the character
///   itself if the run is one character long, so any part of ≥ 2 characters can be found;
/// - a run of Latin letters and digits → one token (`MDS/SDS` → mds sds);
/// - a number with dotted parts or a parenthesized sub-number → the whole number, then each
///   shorter prefix (`13.1.3` → 13.1.3 13.1 13; `2(3)` → 2(3) 2), so a chapter finds its sections;
/// - ①, Ⅱ and the like → one token each. Everything else separates tokens.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// [`tokenize`] without a `String` per token.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let mut chars = Vec::new();
    let mut buf = String::new();
    for_each_token_chars(text, &mut chars, |cs| {
        buf.clear();
        buf.extend(cs);
        f(&buf);
    });
}

/// The tokenizer itself, handing each token over as its characters: the index calls this for
/// every token of the site and keys most tokens by their characters, with no string at all.
/// `chars` is a scratch buffer, reused from call to call.
fn for_each_token_chars(text: &str, chars: &mut Vec<char>, mut emit: impl FnMut(&[char])) {
    normalize_chars(text, chars);
    let chars = &chars[..];
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c.is_ascii_alphanumeric() {
            let start = i;
            while i < n && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if !chars[start..i].iter().all(char::is_ascii_digit) {
                emit(&chars[start..i]);
                continue;
            }
            let first_end = i;
            while i + 1 < n && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                i += 1;
                while i < n && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let dotted_end = i;
            if i + 2 < n && chars[i] == '(' && chars[i + 1].is_ascii_digit() {
                let mut j = i + 1;
                while j < n && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j < n && chars[j] == ')' {
                    i = j + 1;
                    emit(&chars[start..i]);
                }
            }
            // The whole number, then each shorter prefix: the dotted parts end where a '.'
            // follows a digit.
            let mut end = dotted_end;
            loop {
                emit(&chars[start..end]);
                if end == first_end {
                    break;
                }
                end = (first_end..end)
                    .rev()
                    .find(|&k| chars[k] == '.')
                    .unwrap_or(first_end);
            }
        } else if is_kana_kanji(c) {
            let start = i;
            while i < n && is_kana_kanji(chars[i]) {
                i += 1;
            }
            if i - start == 1 {
                emit(&chars[start..i]);
            } else {
                for w in chars[start..i].windows(2) {
                    emit(w);
                }
            }
        } else {
            if is_ordinal_sign(c) {
                emit(&chars[i..i + 1]);
            }
            i += 1;
        }
    }
}

/// FNV-1a over the token's code points: cheap, and easy to compute the same way in JavaScript.
pub fn token_hash(token: &str) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for c in token.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

// ---------------------------------------------------------------- documents

/// Every document of the site, in a stable order: checklists, the Markdown pages in site
/// order, then each feature's documents in table order.
pub fn collect_docs(site: &Site, features: &[&dyn Feature]) -> Vec<Doc> {
    let mut docs = Vec::new();
    checklist_docs(site, &mut docs);
    markdown_docs(site, &mut docs);
    for f in features {
        f.search_documents(site, &mut docs);
    }
    docs
}

fn checklist_docs(site: &Site, docs: &mut Vec<Doc>) {
    for c in &site.checklists {
        checklist(site, c, docs);
    }
}

fn checklist(site: &Site, c: &Checklist, docs: &mut Vec<Doc>) {
    let def = &c.def;
    let edition = site
        .edition(&def.edition)
        .map(|e| e.name.as_str())
        .unwrap_or(&def.edition);
    let list = format!("{edition}・{}", def.form);
    let refs = |refs: &[String]| -> String {
        refs.iter()
            .map(|r| format!("▶{}", r.strip_prefix("GL6 ").unwrap_or(r)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The 2021 lists are named by their form alone: no 「X（X）」.
    let name = if def.form == def.title {
        def.title.clone()
    } else {
        format!("{}（{}）", def.title, def.form)
    };
    docs.push(Doc {
        kind: DocKind::Checklist,
        title: name,
        url: c.url.clone(),
        label: format!("{edition}・{}", def.facility.label()),
        keys: String::new(),
        body: join(&[
            def.description.as_deref().unwrap_or(""),
            &def.source.title,
            def.source.part.as_deref().unwrap_or(""),
        ]),
    });
    for n in &def.notes {
        docs.push(Doc {
            kind: DocKind::Note,
            title: n.text.clone(),
            url: format!("{}#note-{}", c.url, n.id),
            label: list.clone(),
            keys: String::new(),
            body: String::new(),
        });
    }
    if let Some(g) = &def.gate {
        docs.push(Doc {
            kind: DocKind::Item,
            title: g.text.clone(),
            url: format!("{}#gate", c.url),
            label: format!("{list} ＞ {}", g.label),
            keys: String::new(),
            body: join(&[g.note.as_deref().unwrap_or(""), &refs(&g.refs)]),
        });
    }
    for s in &def.switches {
        docs.push(Doc {
            kind: DocKind::Item,
            title: s.text.clone(),
            url: format!("{}#switch-{}", c.url, s.id),
            label: format!("{list} ＞ {}", s.label),
            keys: String::new(),
            body: s.note.clone().unwrap_or_default(),
        });
    }
    for item in &def.items {
        let section = def.sections.iter().find(|s| s.id == item.section);
        let phase = def.phases.iter().find(|p| p.id == item.phase);
        let target = item
            .target
            .as_ref()
            .and_then(|t| def.targets.iter().find(|x| &x.id == t));
        let viewpoint = item
            .viewpoint
            .as_ref()
            .and_then(|v| def.viewpoints.iter().find(|x| &x.id == v));
        let mut label = list.clone();
        // A section named like the whole form (the 2021 lists have one) adds nothing.
        if let Some(s) = section.filter(|s| s.title != def.form && s.title != def.title) {
            label.push_str(&format!(" ＞ {} {}", s.number, s.title).replace("  ", " "));
        }
        if let Some(p) = phase.filter(|p| p.reference) {
            label.push_str(&format!("［{}］", p.label));
        }
        // The number as printed on the form: ２（３） for r5 lists, the plain running number
        // for the 2021 ones, whose section number is not part of the item's.
        let number = match section {
            Some(s) if item.number.starts_with(['（', '(']) => {
                format!("{}{}", s.number, item.number)
            }
            _ => item.number.clone(),
        };
        docs.push(Doc {
            kind: DocKind::Item,
            title: format!("{number} {}", item.text),
            url: format!("{}#{}", c.item_page_url(&item.id), item.id),
            label,
            keys: item.key.clone(),
            body: join(&[
                target.map(|t| t.text.as_str()).unwrap_or(""),
                item.note.as_deref().unwrap_or(""),
                viewpoint
                    .map(|v| format!("視点：{}", v.label))
                    .as_deref()
                    .unwrap_or(""),
                &refs(&item.refs),
            ]),
        });
    }
}

fn markdown_docs(site: &Site, docs: &mut Vec<Doc>) {
    let per_page: Vec<Vec<Doc>> = site
        .pages
        .par_iter()
        .map(|page| {
            let mut docs = Vec::new();
            let (kind, place) = match page.kind {
                PageKind::ManualPage => {
                    let manual = page.manual.as_deref().and_then(|m| site.manual(m));
                    let name = manual
                        .map(|m| m.meta.short_title.as_ref().unwrap_or(&m.meta.title).clone())
                        .unwrap_or_default();
                    (DocKind::Manual, name)
                }
                PageKind::Guide => (DocKind::Guide, String::new()),
                PageKind::Plain | PageKind::Home => (DocKind::Page, String::new()),
            };
            page_docs(page, kind, &place, &mut docs);
            docs
        })
        .collect();
    docs.extend(per_page.into_iter().flatten());
}

/// A Markdown page becomes one document for the text before its first heading (titled with the
/// page's title) and one per heading, so a result links to the section that matched.
fn page_docs(page: &Page, kind: DocKind, place: &str, docs: &mut Vec<Doc>) {
    let title = &page.front.title;
    let page_label = if place.is_empty() {
        title.clone()
    } else {
        format!("{place} ＞ {title}")
    };
    let html = &page.markdown.html;
    let headings: HashMap<&str, &crate::markdown::Heading, FnvBuild> = page
        .markdown
        .headings
        .iter()
        .map(|h| (h.id.as_str(), h))
        .collect();
    let cuts = heading_tags(html);
    let intro_end = cuts.first().map(|h| h.start).unwrap_or(html.len());
    // A result from text this site adapted says so, as the page does.
    let marked = |label: String, id: Option<&str>| match page
        .front
        .provenance_at(&page.markdown.headings, id)
    {
        Provenance::Derived => format!("{label}〔本サイトが他の資料を元に作成〕"),
        _ => label,
    };
    docs.push(Doc {
        kind,
        title: title.clone(),
        url: page.url.clone(),
        label: marked(
            if place.is_empty() {
                kind.label().to_string()
            } else {
                place.to_string()
            },
            None,
        ),
        keys: String::new(),
        body: join(&[
            page.front.description.as_deref().unwrap_or(""),
            &html_text(&html[..intro_end]),
        ]),
    });
    // The nearest enclosing heading of each level, for labels like 「ページ ＞ 節」.
    let mut parents: Vec<(u8, String)> = Vec::new();
    for (n, cut) in cuts.iter().enumerate() {
        let end = cuts.get(n + 1).map(|h| h.start).unwrap_or(html.len());
        let heading = headings.get(cut.id.as_str());
        let level = heading.map(|h| h.level).unwrap_or(cut.level);
        let text = match heading {
            Some(h) => h.text.clone(),
            None => html_text(&html[cut.start..cut.body_start]),
        };
        parents.retain(|(l, _)| *l < level);
        let mut label = page_label.clone();
        for (_, p) in &parents {
            label.push_str(" ＞ ");
            label.push_str(p);
        }
        // A manual section explaining an item answers to the item's key (`2(3)`) as well.
        let keys: Vec<&str> = page
            .front
            .explains
            .iter()
            .filter(|k| item_anchor(k) == cut.id)
            .map(String::as_str)
            .collect();
        docs.push(Doc {
            kind,
            title: text.clone(),
            url: format!("{}#{}", page.url, cut.id),
            label: marked(label, Some(&cut.id)),
            keys: keys.join(" "),
            body: html_text(&html[cut.body_start.min(end)..end]),
        });
        parents.push((level, text));
    }
}

/// The non-empty parts, trimmed, separated by spaces.
pub fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- HTML → text

struct HeadingTag {
    level: u8,
    id: String,
    /// Byte offset of `<hN`.
    start: usize,
    /// Byte offset just after `</hN>`.
    body_start: usize,
}

/// Headings with an id in rendered Markdown, in document order. Headings without an id (raw
/// HTML) have no anchor to link to and stay part of the section around them.
fn heading_tags(html: &str) -> Vec<HeadingTag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = html[from..].find("<h") {
        let start = from + rel;
        from = start + 2;
        let Some(&digit) = bytes.get(start + 2) else {
            break;
        };
        if !(b'1'..=b'6').contains(&digit) || !matches!(bytes.get(start + 3), Some(b' ' | b'>')) {
            continue;
        }
        let Some(gt) = html[start..].find('>') else {
            break;
        };
        let tag = &html[start..start + gt];
        let Some(id) = attr(tag, "id") else { continue };
        let close = format!("</h{}>", digit as char);
        let body_start = html[start..]
            .find(&close)
            .map(|p| start + p + close.len())
            .unwrap_or(start + gt + 1);
        out.push(HeadingTag {
            level: digit - b'0',
            id,
            start,
            body_start,
        });
        from = body_start;
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(decode_entities(&tag[start..start + len]))
}

/// Tags that do not break a line: text on both sides belongs to one phrase.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "rb", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr",
];

/// Plain text of an HTML fragment: tags dropped (block tags become a space, so a phrase does not
/// run from one paragraph into the next), entities decoded, whitespace collapsed. A line break
/// between two Japanese characters is dropped, as CSS does, since it is only a line break in the
/// source.
pub fn html_text(html: &str) -> String {
    // \u{1} marks a block boundary until whitespace is collapsed.
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut raw, &rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/');
        let name_len = tag
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        if !INLINE_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
            raw.push('\u{1}');
        }
        rest = &rest[lt + gt + 1..];
    }
    push_decoded(&mut raw, rest);
    collapse_whitespace(&raw)
}

fn collapse_whitespace(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if !(c.is_whitespace() || c == '\u{1}') {
            out.push(c);
            continue;
        }
        let (mut block, mut newline) = (c == '\u{1}', c == '\n');
        while let Some(&d) = chars.peek() {
            if !(d.is_whitespace() || d == '\u{1}') {
                break;
            }
            block |= d == '\u{1}';
            newline |= d == '\n';
            chars.next();
        }
        let (Some(prev), Some(&next)) = (out.chars().next_back(), chars.peek()) else {
            continue; // leading or trailing
        };
        if !block && newline && is_wide(prev) && is_wide(next) {
            continue;
        }
        out.push(' ');
    }
    out
}

fn is_wide(c: char) -> bool {
    is_kana_kanji(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_decoded(&mut out, s);
    out
}

/// Appends `s` with its character references decoded.
fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

// ---------------------------------------------------------------- the index files

/// Raw bytes per postings shard and per text chunk the index aims at: small enough that a query
/// loads little (a shard per token, the chunks of the results shown), large enough that the
/// index stays a small part of the site's file count (8 KB shards made 4,700 files at 10,000
/// pages, and creating a file is what a build's write stage waits on).
const SHARD_TARGET_BYTES: usize = 64 * 1024;
const CHUNK_TARGET_BYTES: usize = 256 * 1024;

/// Token → one entry per document holding it, ascending: `doc << 1 | in_own_text`. Tokens of
/// up to three characters (bigrams, single kanji, short numbers: nearly all of them) are keyed
/// by their characters packed in a `u64`, so indexing builds no string for them; longer ones
/// by their text.
#[derive(Default)]
struct Postings {
    short: HashMap<u64, Vec<u32>, MixBuild>,
    long: HashMap<String, Vec<u32>, FnvBuild>,
    /// Scratch for a long token's text.
    text: String,
}

/// Three 21-bit code points; a token has no NUL, so the unused high places tell the length.
fn pack(token: &[char]) -> Option<u64> {
    if token.len() > 3 {
        return None;
    }
    Some(
        token
            .iter()
            .enumerate()
            .fold(0, |key, (k, &c)| key | u64::from(c) << (21 * k)),
    )
}

/// A packed token's text (UTF-8, at most 3 × 4 bytes).
#[derive(Clone, Copy)]
struct Unpacked {
    bytes: [u8; 12],
    len: u8,
}

impl Unpacked {
    fn new(key: u64) -> Self {
        let mut out = Unpacked {
            bytes: [0; 12],
            len: 0,
        };
        for k in 0..3 {
            let cp = (key >> (21 * k)) as u32 & 0x1F_FFFF;
            let Some(c) = char::from_u32(cp).filter(|_| cp != 0) else {
                break;
            };
            let len = c.encode_utf8(&mut out.bytes[out.len as usize..]).len();
            out.len += len as u8;
        }
        out
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }
}

/// A token of the finished index, whichever map holds it.
enum TokenText<'a> {
    Short(Unpacked),
    Long(&'a str),
}

impl TokenText<'_> {
    fn as_str(&self) -> &str {
        match self {
            TokenText::Short(u) => u.as_str(),
            TokenText::Long(s) => s,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            TokenText::Short(u) => &u.bytes[..u.len as usize],
            TokenText::Long(s) => s.as_bytes(),
        }
    }
}

impl Postings {
    /// Documents arrive in ascending order, so a token already seen in this document is the
    /// last entry of its list: no map per document.
    fn add(&mut self, token: &[char], doc_id: u32, own: bool) {
        let list = match pack(token) {
            Some(key) => self.short.entry(key).or_default(),
            None => {
                self.text.clear();
                self.text.extend(token);
                if !self.long.contains_key(self.text.as_str()) {
                    self.long.insert(self.text.clone(), Vec::new());
                }
                self.long
                    .get_mut(self.text.as_str())
                    .expect("inserted above")
            }
        };
        match list.last_mut() {
            Some(last) if *last >> 1 == doc_id => *last |= own as u32,
            _ => list.push(doc_id << 1 | own as u32),
        }
    }

    /// Appends a later run's postings (all of its documents come after this run's).
    fn append(&mut self, later: Postings) {
        use std::collections::hash_map::Entry;
        for (key, mut list) in later.short {
            match self.short.entry(key) {
                Entry::Occupied(mut all) => all.get_mut().append(&mut list),
                Entry::Vacant(slot) => {
                    slot.insert(list);
                }
            }
        }
        for (token, mut list) in later.long {
            match self.long.get_mut(&token) {
                Some(all) => all.append(&mut list),
                None => {
                    self.long.insert(token, list);
                }
            }
        }
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn iter(&self) -> impl Iterator<Item = (TokenText<'_>, &Vec<u32>)> {
        let short = self
            .short
            .iter()
            .map(|(&key, list)| (TokenText::Short(Unpacked::new(key)), list));
        let long = self
            .long
            .iter()
            .map(|(token, list)| (TokenText::Long(token.as_str()), list));
        short.chain(long)
    }
}

/// Adds one document's tokens to a run's postings. `chars` is the tokenizer's scratch buffer.
fn add_doc_terms(postings: &mut Postings, doc_id: u32, doc: &Doc, chars: &mut Vec<char>) {
    for_each_token_chars(&doc.title, chars, |t| postings.add(t, doc_id, true));
    for_each_token_chars(&doc.keys, chars, |t| postings.add(t, doc_id, true));
    for_each_token_chars(&doc.body, chars, |t| postings.add(t, doc_id, false));
    for_each_token_chars(&doc.label, chars, |t| postings.add(t, doc_id, false));
}

/// FNV-1a for the index's hash maps: keys are short tokens, which SipHash is slow on, and
/// nothing here is exposed to untrusted input at build time.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// For the packed tokens: one `u64` mixed (splitmix64's finalizer), every bit of the key
/// reaching the bits the table uses.
#[derive(Default)]
struct Mix(u64);

impl std::hash::Hasher for Mix {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(self.0 ^ u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        let mut z = n;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        self.0 = z ^ (z >> 31);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type MixBuild = std::hash::BuildHasherDefault<Mix>;

/// The search index of a site: its documents, and for each token the documents holding it.
pub struct Index {
    /// Every document, in index order: the index names a document by its place here.
    pub docs: Vec<Doc>,
    postings: Postings,
    /// How many shard files the token lists are spread over: a power of two, 16 to 4096.
    pub shard_count: usize,
}

/// Indexes `docs` (runs in parallel), keeping their order.
pub fn build_index(docs: Vec<Doc>) -> Index {
    // Runs of documents are indexed in parallel, then joined in order, which keeps every
    // postings list ascending.
    let run = (docs.len() / (rayon::current_num_threads() * 4)).max(64);
    let parts: Vec<Postings> = docs
        .par_chunks(run)
        .enumerate()
        .map(|(n, part)| {
            let mut postings = Postings::default();
            let mut chars = Vec::new();
            for (k, doc) in part.iter().enumerate() {
                let doc_id = (n * run + k) as u32;
                add_doc_terms(&mut postings, doc_id, doc, &mut chars);
            }
            postings
        })
        .collect();
    let mut parts = parts.into_iter();
    let mut postings = parts.next().unwrap_or_default();
    for part in parts {
        postings.append(part);
    }
    let bytes: usize = postings
        .iter()
        .map(|(t, list)| t.as_str().len() + 4 + 3 * list.len())
        .sum();
    let shard_count = (bytes / SHARD_TARGET_BYTES)
        .next_power_of_two()
        .clamp(16, 4096);
    Index {
        docs,
        postings,
        shard_count,
    }
}

impl Index {
    /// How many distinct tokens the site has.
    pub fn token_count(&self) -> usize {
        self.postings.len()
    }

    /// The script files, as `(path under search/, text)`.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut shards: Vec<Vec<(TokenText, &Vec<u32>)>> =
            (0..self.shard_count).map(|_| Vec::new()).collect();
        for (token, list) in self.postings.iter() {
            shards[token_hash(token.as_str()) as usize % self.shard_count].push((token, list));
        }
        let mut files: Vec<(String, String)> = shards
            .into_par_iter()
            .enumerate()
            .map(|(n, mut entries)| {
                // Byte order is code point order: the same order as comparing the strings.
                entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                let size: usize = entries
                    .iter()
                    .map(|(t, list)| t.as_str().len() + 4 + 3 * list.len())
                    .sum();
                let js = registration("shard", n, size, |js| {
                    js.push('{');
                    for (k, (token, list)) in entries.iter().enumerate() {
                        if k > 0 {
                            js.push(',');
                        }
                        push_json_string(js, token.as_str());
                        js.push(':');
                        encode_postings(js, list);
                    }
                    js.push('}');
                });
                (format!("shard-{n:02}.js"), js)
            })
            .collect();

        let mut chunk_starts = Vec::new();
        let mut chunk: Vec<&str> = Vec::new();
        let mut chunk_bytes = 0;
        let flush = |chunk: &mut Vec<&str>, files: &mut Vec<(String, String)>, n: usize| {
            let size = chunk.iter().map(|t| t.len() + 3).sum::<usize>() + 2;
            let js = registration("text", n, size, |js| json_into(js, &chunk));
            files.push((format!("text-{n:02}.js"), js));
            chunk.clear();
        };
        for (i, doc) in self.docs.iter().enumerate() {
            if chunk.is_empty() {
                chunk_starts.push(i);
            }
            chunk.push(&doc.body);
            chunk_bytes += doc.body.len();
            if chunk_bytes >= CHUNK_TARGET_BYTES {
                flush(&mut chunk, &mut files, chunk_starts.len() - 1);
                chunk_bytes = 0;
            }
        }
        if !chunk.is_empty() {
            flush(&mut chunk, &mut files, chunk_starts.len() - 1);
        }

        // The version lets the page ask for shards and chunks of this build only, even when an
        // older copy of one is still cached.
        // CRC-32, not a cryptographic hash: it runs at memory speed over the whole index, and
        // two builds collide only once in 4 billion.
        let mut hasher = crc32fast::Hasher::new();
        for (path, text) in &files {
            hasher.update(path.as_bytes());
            hasher.update(text.as_bytes());
        }
        let version = format!("{:08x}", hasher.finalize());
        // Labels repeat (every item of a section has the same one): listed once, referred to by
        // number.
        let mut labels: Vec<&str> = Vec::new();
        let mut label_ids: HashMap<&str, usize, FnvBuild> = HashMap::default();
        let docs: Vec<Value> = self
            .docs
            .iter()
            .map(|d| {
                let label = *label_ids.entry(&d.label).or_insert_with(|| {
                    labels.push(&d.label);
                    labels.len() - 1
                });
                json!([d.kind.code(), d.title, d.url, label])
            })
            .collect();
        let meta = json!({
            "format": 1,
            "version": version,
            "shards": self.shard_count,
            "chunks": chunk_starts,
            "kinds": DocKind::ALL.iter().map(|k| k.label()).collect::<Vec<_>>(),
            "labels": labels,
            "docs": docs,
        });
        files.push((
            "index-meta.js".into(),
            registration("meta", 0, 0, |js| json_into(js, &meta)),
        ));
        files
    }
}

/// Ascending entries as deltas (`(doc - previous doc) << 1 | own`), which keeps the numbers
/// short.
fn encode_postings(out: &mut String, list: &[u32]) {
    out.push('[');
    let mut prev = 0u32;
    for (k, &entry) in list.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let doc = entry >> 1;
        push_decimal(out, ((doc - prev) << 1) | (entry & 1));
        prev = doc;
    }
    out.push(']');
}

/// `n` in decimal, without the formatting machinery (the index writes a number per posting).
fn push_decimal(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// A JSON string literal, escaped as serde_json escapes it.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from_digit(c as u32 >> 4, 16).unwrap_or('0'));
                out.push(char::from_digit(c as u32 & 0xF, 16).unwrap_or('0'));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One index file: `KensaSearch.add(kind, n, data);`, with the data written in place (no copy
/// of a file's text) into a buffer of about its final size.
fn registration(kind: &str, n: usize, size: usize, data: impl FnOnce(&mut String)) -> String {
    let mut js = String::with_capacity(size + 40);
    js.push_str("KensaSearch.add(\"");
    js.push_str(kind);
    js.push_str("\",");
    js.push_str(&n.to_string());
    js.push(',');
    data(&mut js);
    js.push_str(");\n");
    js.shrink_to_fit();
    js
}

/// Appends a value as JSON.
fn json_into(out: &mut String, value: &impl serde::Serialize) {
    let mut bytes = std::mem::take(out).into_bytes();
    serde_json::to_writer(&mut bytes, value).expect("index data serializes");
    *out = String::from_utf8(bytes).expect("serde_json writes UTF-8");
}

/// The search index under `search/` and the results page.
pub struct Search;

impl Feature for Search {
    fn outputs(&self, build: &Build) -> Result<Vec<Output>, Diagnostics> {
        let index = build_index(collect_docs(build.site, build.features));
        let mut out: Vec<Output> = index
            .files()
            .into_iter()
            .map(|(path, text)| Output {
                path: format!("search/{path}"),
                bytes: text.into_bytes(),
            })
            .collect();
        out.extend(results_page(build)?);
        Ok(out)
    }
}

/// The results page, `search.html`, if the theme has a `search.html` template (a theme made
/// before search existed still builds, without it).
fn results_page(build: &Build) -> Result<Option<Output>, Diagnostics> {
    let (site, theme) = (build.site, build.theme);
    if !theme.templates.contains_key("search.html") {
        return Ok(None);
    }
    let url = "search.html";
    let title = "サイト内検索";
    let mut ctx = base_context(site, url, title, build.options.live_reload);
    ctx.insert("page", &json!({"title": title, "provenance": "editorial"}));
    ctx.insert(
        "breadcrumbs",
        &vec![json!({"title": "ホーム", "url": "index.html"})],
    );
    let html = theme.tera.render("search.html", &ctx).map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(theme.template_error(e));
        d
    })?;
    Ok(Some(Output {
        path: url.into(),
        bytes: crate::kit::minify_html(&html),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The distinct tokens of a document, each flagged when it occurs in the document's own text
    /// (title or keys) rather than only in its body or label.
    fn doc_terms(doc: &Doc) -> Vec<(String, bool)> {
        let mut postings = Postings::default();
        add_doc_terms(&mut postings, 0, doc, &mut Vec::new());
        postings
            .iter()
            .map(|(token, list)| (token.as_str().to_string(), list[0] & 1 == 1))
            .collect()
    }

    #[test]
    fn normalization_folds_width_and_case_only() {
        assert_eq!(normalize("ＭＤＳ／ＳＤＳ"), "mds/sds");
        assert_eq!(normalize("２（３）　１３．１．３"), "2(3) 13.1.3");
        assert_eq!(normalize("ﾘﾓｰﾄﾒﾝﾃﾅﾝｽ"), "リモートメンテナンス");
        assert_eq!(normalize("ﾊﾞｯｸｱｯﾌﾟ ﾎﾟﾘｼｰ"), "バックアップ ポリシー");
        assert_eq!(normalize("か\u{3099}"), "が");
        // Katakana and hiragana are different words; ① is not a digit.
        assert_eq!(normalize("リスクりすく"), "リスクりすく");
        assert_eq!(normalize("3.1.2②"), "3.1.2②");
    }

    #[test]
    fn japanese_runs_become_bigrams() {
        assert_eq!(tokenize("連絡体制図"), ["連絡", "絡体", "体制", "制図"]);
        assert_eq!(tokenize("図"), ["図"]);
        assert_eq!(tokenize("端末PCの台帳"), ["端末", "pc", "の台", "台帳"]);
    }

    #[test]
    fn numbers_keep_their_parts() {
        assert_eq!(tokenize("13.1.3"), ["13.1.3", "13.1", "13"]);
        assert_eq!(tokenize("２（３）"), ["2(3)", "2"]);
        assert_eq!(tokenize("13④"), ["13", "④"]);
        assert_eq!(tokenize("第6.0版。"), ["第", "6.0", "6", "版"]);
        assert_eq!(tokenize("（３）"), ["3"]);
        assert_eq!(tokenize("ver 2.0a"), ["ver", "2.0", "2", "a"]);
        assert_eq!(tokenize("10C1(2)c"), ["10c1", "2", "c"]);
    }

    #[test]
    fn html_text_breaks_blocks_but_not_inline_or_soft_breaks() {
        assert_eq!(
            html_text("<p>リモート<em>メンテ</em>ナンス</p><p>次&amp;段落</p>"),
            "リモートメンテナンス 次&段落"
        );
        assert_eq!(
            html_text("<p>連絡体\n制図 and\nmore</p>"),
            "連絡体制図 and more"
        );
    }

    #[test]
    fn pages_split_at_headings_with_parent_labels() {
        let md = crate::markdown::render(
            "前書き\n\n## 第一 {#one}\n\n本文一\n\n### 細目\n\n本文二 [[GL6 企画管理編 13.1.3]]\n\n## 第二\n\n本文三\n",
        );
        let page = Page {
            kind: PageKind::Plain,
            file: crate::diag::SourceFile::new("x.md", ""),
            front: crate::model::FrontMatter {
                title: "表題".into(),
                ..Default::default()
            },
            body_offset: 0,
            url: "a/x.html".into(),
            manual: None,
            markdown: md,
        };
        let mut docs = Vec::new();
        page_docs(&page, DocKind::Page, "", &mut docs);
        let summary: Vec<(&str, &str, &str, &str)> = docs
            .iter()
            .map(|d| {
                (
                    d.title.as_str(),
                    d.url.as_str(),
                    d.label.as_str(),
                    d.body.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("表題", "a/x.html", "ページ", "前書き"),
                ("第一", "a/x.html#one", "表題", "本文一"),
                (
                    "細目",
                    "a/x.html#細目",
                    "表題 ＞ 第一",
                    "本文二 企画管理編 13.1.3"
                ),
                ("第二", "a/x.html#第二", "表題", "本文三"),
            ]
        );
    }

    #[test]
    fn own_text_is_flagged_for_ranking() {
        let doc = Doc {
            kind: DocKind::Item,
            title: "（２）リモートメンテナンス".into(),
            url: "a.html#x".into(),
            label: "薬局".into(),
            keys: "2(2)".into(),
            body: "保守 メンテナンス".into(),
        };
        let terms: HashMap<String, bool> = doc_terms(&doc).into_iter().collect();
        assert!(terms["メン"], "in the title and the body: own text wins");
        assert!(!terms["保守"]);
        assert!(!terms["薬局"]);
        assert!(terms["2(2)"]);
        assert_eq!(terms.len(), doc_terms(&doc).len(), "each token once");
    }

    #[test]
    fn packed_tokens_read_back() {
        for t in [
            "連絡", "図", "13", "2(3)", "mds", "①", "𠮷野", "13.1.3", "remote",
        ] {
            let chars: Vec<char> = t.chars().collect();
            match pack(&chars) {
                Some(key) => assert_eq!(Unpacked::new(key).as_str(), t),
                None => assert!(chars.len() > 3, "{t}"),
            }
        }
    }

    #[test]
    fn runs_join_into_ascending_postings() {
        // More documents than one run holds, so the runs' postings are joined.
        let docs: Vec<Doc> = (0..300)
            .map(|n| Doc {
                kind: DocKind::Page,
                title: if n % 2 == 0 {
                    "連絡".into()
                } else {
                    String::new()
                },
                url: format!("p{n}.html"),
                label: String::new(),
                keys: String::new(),
                body: "連絡 remote 13.1.3".into(),
            })
            .collect();
        let index = build_index(docs);
        assert_eq!(index.token_count(), 5); // 連絡 remote 13.1.3 13.1 13
        for (token, list) in index.postings.iter() {
            let ids: Vec<u32> = list.iter().map(|e| e >> 1).collect();
            assert_eq!(ids, (0..300).collect::<Vec<u32>>(), "{}", token.as_str());
            let own = list.iter().filter(|e| *e & 1 == 1).count();
            let expected = if token.as_str() == "連絡" { 150 } else { 0 };
            assert_eq!(own, expected, "{}", token.as_str());
        }
    }

    #[test]
    fn json_strings_escape_like_serde_json() {
        for s in ["連絡", "a\"b\\c", "x\u{1}\n\t\u{8}\u{c}\r\u{1f}"] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
        let mut out = String::new();
        for n in [0, 7, 10, 99, 100, 4_294_967_295] {
            push_decimal(&mut out, n);
            out.push(' ');
        }
        assert_eq!(out, "0 7 10 99 100 4294967295 ");
    }

    #[test]
    fn postings_are_delta_encoded_with_the_own_bit() {
        // docs 3 (own), 5 (body), 12 (own)
        let mut out = String::new();
        encode_postings(&mut out, &[7, 10, 25]);
        assert_eq!(out, "[7,4,15]");
    }

    #[test]
    fn every_token_lands_in_the_shard_its_hash_names() {
        let docs = vec![Doc {
            kind: DocKind::Page,
            title: "連絡体制図".into(),
            url: "a.html".into(),
            label: String::new(),
            keys: String::new(),
            body: "MDS 13.1.3".into(),
        }];
        let index = build_index(docs);
        let files = index.files();
        for token in ["連絡", "mds", "13.1.3"] {
            let n = token_hash(token) as usize % index.shard_count;
            let (_, text) = files
                .iter()
                .find(|(p, _)| *p == format!("shard-{n:02}.js"))
                .unwrap();
            assert!(
                text.contains(&format!("\"{token}\":[")),
                "{token} in {text}"
            );
        }
        assert!(files.iter().any(|(p, _)| p == "index-meta.js"));
        assert!(files
            .iter()
            .any(|(p, t)| p == "text-00.js" && t.contains("MDS 13.1.3")));
    }
}
