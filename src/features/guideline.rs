//! The guideline feature: checks the catalog and every reference to it, links references in
//! pages, and writes the guideline pages that list every 遵守事項 with what cites it.
//! The catalog itself and reference resolution are model (`crate::model::guideline`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};
use tera::Context;

use crate::diag::{locate_key_value, Diagnostic, Diagnostics};
use crate::features::search::join;
use crate::kit::{root_prefix, Output};
use crate::markdown::fold_width;
use crate::model::guideline::*;
use crate::model::search::{Doc, DocKind};
use crate::model::{Checklist, Discrepancy, Item, PageKind, Site};
use crate::plugin::RenderOptions;
use crate::plugin::{Build, ChecklistView, Feature};
use crate::theme::Theme;

// ---------------------------------------------------------------- validation

/// Checks the catalog (one per site) and resolves every reference written in the site.
pub fn validate(site: &Site, diags: &mut Diagnostics) {
    for cat in &site.guideline {
        validate_catalog(cat, diags);
    }
    if let Some(extra) = site.guideline.get(1) {
        diags.push(
            Diagnostic::error(format!(
                "a second guideline catalog `{}`: kensa publishes one catalog (guideline/ pages), {} is already loaded",
                extra.def.id,
                site.guideline[0].file.rel_path.display()
            ))
            .at_offset(&extra.file, 0, extra.line_len(0))
            .with_help("keep one catalog under content/guideline/"),
        );
    }
    for cit in citations(site) {
        let file = cit.file(site);
        match resolve(&site.guideline, &cit.written) {
            Ok(r) => {
                if let Some(w) = r.warning {
                    diags.push(
                        Diagnostic::warning(format!(
                            "guideline reference `{}`: {}",
                            cit.written, w.message
                        ))
                        .at_offset(file, cit.offset, cit.len)
                        .with_help(w.help),
                    );
                }
            }
            Err(e) => {
                let catalog = site
                    .guideline
                    .first()
                    .map(|c| c.file.rel_path.display().to_string())
                    .unwrap_or_else(|| "content/guideline/<id>.yaml".into());
                let help = match e.suggestions.split_first() {
                    Some((best, [])) => format!("did you mean `{best}`? References are checked against {catalog}; forms: docs/guideline-catalog.md"),
                    Some((best, rest)) => format!(
                        "did you mean `{best}`? (also near: {}) References are checked against {catalog}; forms: docs/guideline-catalog.md",
                        rest.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                    ),
                    None => format!("references look like GL6 企画管理編 9.1, GL6 システム運用編 17①②, GL6 経営管理編 1.2.1＜管理責任＞②; they are checked against {catalog} (docs/guideline-catalog.md)"),
                };
                diags.push(
                    Diagnostic::error(format!(
                        "guideline reference `{}` does not resolve: {}",
                        cit.written, e.message
                    ))
                    .at_offset(file, cit.offset, cit.len)
                    .with_help(help),
                );
            }
        }
    }
}

fn validate_catalog(cat: &Catalog, diags: &mut Diagnostics) {
    let file = &cat.file;
    let text = &file.text;
    let def = &cat.def;
    let at_key = |key: &str, value: &str| -> (usize, usize) {
        match locate_key_value(text, key, value, 0) {
            Some(o) => (o, key.len() + 2 + value.len()),
            None => (0, 1),
        }
    };
    let stem = file
        .rel_path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if def.id != stem {
        let (o, l) = at_key("id", &def.id);
        diags.push(
            Diagnostic::error(format!(
                "catalog id `{}` differs from its file name `{stem}`",
                def.id
            ))
            .at_offset(file, o, l)
            .with_help(format!("set `id: {stem}` or rename the file")),
        );
    }
    if def.short.is_empty() || def.short.chars().any(char::is_whitespace) {
        let (o, l) = at_key("short", &def.short);
        diags.push(
            Diagnostic::error(format!("`short: {}` must be one word", def.short))
                .at_offset(file, o, l)
                .with_help("the prefix written in references, e.g. `short: GL6` for [[GL6 企画管理編 9.1]]"),
        );
    }
    validate_volumes(cat, &at_key, diags);
    validate_entries(cat, diags);
}

/// Volume ids name pages; volume names are matched in references.
fn validate_volumes(
    cat: &Catalog,
    at_key: &dyn Fn(&str, &str) -> (usize, usize),
    diags: &mut Diagnostics,
) {
    let (file, def) = (&cat.file, &cat.def);
    let mut vol_ids = BTreeSet::new();
    let mut vol_names = BTreeSet::new();
    for vol in &def.volumes {
        let id_ok = !vol.id.is_empty()
            && vol
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !id_ok || ["index", "gl52", "xref", def.id.as_str()].contains(&vol.id.as_str()) {
            let (o, l) = at_key("id", &vol.id);
            diags.push(
                Diagnostic::error(format!("volume id `{}` cannot name a page", vol.id))
                    .at_offset(file, o, l)
                    .with_help("use lower-case ASCII (gaisetsu, keiei, kikaku, unyou); index, gl52, xref and the catalog id are taken"),
            );
        }
        if !vol_ids.insert(vol.id.as_str()) {
            let (o, l) = at_key("id", &vol.id);
            diags.push(
                Diagnostic::error(format!("duplicate volume id `{}`", vol.id))
                    .at_offset(file, o, l)
                    .with_help("each 編 needs its own id"),
            );
        }
        if vol.name.is_empty() || vol.name.chars().any(char::is_whitespace) {
            let (o, l) = at_key("name", &vol.name);
            diags.push(
                Diagnostic::error(format!("volume name `{}` must not contain spaces", vol.name))
                    .at_offset(file, o, l)
                    .with_help("references are matched with whitespace removed; write the 編 name as printed, e.g. 企画管理編"),
            );
        }
        if !vol_names.insert(vol.name.as_str()) {
            let (o, l) = at_key("name", &vol.name);
            diags.push(
                Diagnostic::error(format!("duplicate volume name `{}`", vol.name))
                    .at_offset(file, o, l)
                    .with_help("each 編 is named once"),
            );
        }
    }
}

/// Each entry once, well formed, and each requirement's text whole.
fn validate_entries(cat: &Catalog, diags: &mut Diagnostics) {
    let file = &cat.file;
    let text = &file.text;
    let mut seen: HashMap<(usize, String), usize> = HashMap::new();
    let headings = heading_lists(cat);
    for (i, e) in cat.entries.iter().enumerate() {
        let o = cat.entry_offset(i);
        let l = cat.line_len(o);
        let label = cat.label(e);
        let mut problems: Vec<(String, String)> = Vec::new();
        if let Some(&first) = seen.get(&(e.path.volume, e.loc.clone())) {
            problems.push((
                format!(
                    "{label} is listed twice (first at line {})",
                    crate::diag::line_col(text, cat.entry_offset(first)).0
                ),
                "number each chapter, section, group and requirement once".into(),
            ));
        } else {
            seen.insert((e.path.volume, e.loc.clone()), i);
        }
        entry_problems(cat, e, &label, &mut problems);
        for (message, help) in problems {
            diags.push(
                Diagnostic::error(message)
                    .at_offset(file, o, l)
                    .with_help(help),
            );
        }
        if let Some(r) = cat.requirement(e) {
            diags
                .items
                .extend(damaged_text(cat, i, r, &headings[e.path.volume]));
        }
    }
}

/// A warning when a requirement's text looks cut short or damaged (heuristics in
/// `text_problems`, or `suspect: true`), pointing at the omission where there is one.
fn damaged_text(
    cat: &Catalog,
    i: usize,
    r: &Requirement,
    headings: &[(String, String)],
) -> Option<Diagnostic> {
    let (file, e) = (&cat.file, &cat.entries[i]);
    let text = &file.text;
    let o = cat.entry_offset(i);
    let mut reasons = text_problems(&r.text, headings);
    if r.suspect {
        reasons.push("marked `suspect: true`".into());
    }
    if reasons.is_empty() {
        return None;
    }
    let text_at = text
        .get(o..)
        .and_then(|t| t.find("text:"))
        .map(|p| o + p)
        .unwrap_or(o);
    // Point at the omission itself when there is one, else at the `text:` key: the
    // whole line of a long requirement makes an unreadable snippet.
    let next = cat
        .entries
        .get(i + 1)
        .and_then(|e| e.offset)
        .unwrap_or(text.len());
    let omitted = text
        .get(text_at..)
        .and_then(|t| t.find("【以下略】"))
        .map(|p| text_at + p)
        .filter(|&p| p < next);
    let (text_at, text_len) = match omitted {
        Some(p) => (p, "【以下略】".len()),
        None => (text_at, "text:".len()),
    };
    let notes = notes_for_entry(cat, i);
    let help = if notes.is_empty() {
        "compare with the guideline's text; correct the catalog, or keep `suspect: true` and explain it in `recovery_notes`".to_string()
    } else {
        format!("known: {}", notes.join(" / "))
    };
    Some(
        Diagnostic::warning(format!(
            "{} may be incomplete or damaged: {}",
            cat.reference(e),
            reasons.join("; ")
        ))
        .at_offset(file, text_at, text_len)
        .with_help(help),
    )
}

/// Structural problems of one entry, as (message, help).
fn entry_problems(cat: &Catalog, e: &Entry, label: &str, out: &mut Vec<(String, String)>) {
    let vol = cat.volume(e);
    let mut error = |message: String, help: &str| out.push((message, help.to_string()));
    match e.kind {
        EntryKind::Chapter => chapter_problems(cat, e, label, &mut error),
        EntryKind::Section => {
            let Some(sec) = cat.section(e) else { return };
            let ch = cat.chapter(e);
            let parts: Vec<&str> = sec.number.split('.').collect();
            let well_formed = parts.len() >= 2
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            if !well_formed || parts[0] != ch.number {
                error(
                    format!(
                        "section number `{}` does not belong to chapter {} of {}",
                        sec.number, ch.number, vol.name
                    ),
                    "section numbers are the chapter number and dotted ASCII numbers, e.g. 3.4.1 in chapter 3",
                );
            } else if parts.len() > 2 {
                let parent = parts[..parts.len() - 1].join(".");
                if !ch.sections.iter().any(|s| s.number == parent) {
                    error(
                        format!("section {label} has no parent section {parent}"),
                        "list every heading section (e.g. 1.2 before 1.2.1), in printed order",
                    );
                }
            }
            check_title(&sec.title, sec.title_known, label, &mut error);
            if !sec.groups.is_empty() && !sec.requirements.is_empty() {
                error(
                    format!("section {label} has both groups and requirements"),
                    "put every requirement of a grouped section under its ＜…＞ group",
                );
            }
        }
        EntryKind::Group => {
            let Some(g) = cat.group(e) else { return };
            if g.label.trim().is_empty() || g.label.contains(['＜', '＞', '【', '】']) {
                error(
                    format!("group label `{}` in {label}", g.label),
                    "write the heading without brackets: label: 管理責任",
                );
            }
        }
        EntryKind::Requirement => {
            let Some(r) = cat.requirement(e) else { return };
            if circled_number(&r.number).is_none() {
                error(
                    format!(
                        "requirement number `{}` in {} is not a circled number",
                        r.number, vol.name
                    ),
                    "write the number as printed: ① … ⑳",
                );
            }
            if r.text.trim().is_empty() {
                error(
                    format!("requirement {label} has no text"),
                    "transcribe the text as printed (docs/guideline-catalog.md, Text)",
                );
            }
        }
    }
}

/// Structural problems of a chapter: its number, title, sections or requirements,
/// subsections and skipped numbers.
fn chapter_problems(cat: &Catalog, e: &Entry, label: &str, error: &mut impl FnMut(String, &str)) {
    let vol = cat.volume(e);
    let ch = cat.chapter(e);
    if ch.number.is_empty() || !ch.number.chars().all(|c| c.is_ascii_digit()) {
        error(
            format!(
                "chapter number `{}` of {} is not a plain number",
                ch.number, vol.name
            ),
            "write the chapter number in ASCII digits as a string: number: \"9\"",
        );
    }
    check_title(&ch.title, ch.title_known, label, error);
    if !ch.sections.is_empty() && !ch.requirements.is_empty() {
        error(
            format!("chapter {label} has both sections and requirements"),
            "a chapter has sections (経営管理編, 概説編) or requirements (企画管理編, システム運用編), never both",
        );
    } else if cat.sectioned(e.path.volume) && !ch.requirements.is_empty() {
        error(
            format!("chapter {label} lists requirements directly, but the other chapters of {} have sections", vol.name),
            "put the requirements under the chapter's sections",
        );
    }
    for sub in &ch.subsections {
        let rest = sub.strip_prefix(&format!("{}.", ch.number));
        let dotted = rest.is_some_and(|r| {
            r.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        });
        if cat.sectioned(e.path.volume) {
            error(
                format!(
                    "chapter {label} has subsections, but {} lists its sections under `sections`",
                    vol.name
                ),
                "list a section of 経営管理編 or 概説編 under `sections`, with its title",
            );
        } else if !dotted {
            error(
                format!("subsections of {label}: `{sub}` is not a sub-section number of chapter {}", ch.number),
                "write the chapter number, a dot and ASCII digits, as the manuals' ▶ lines do: subsections: [\"9.1\"]",
            );
        }
    }
    for m in &ch.missing_numbers {
        if circled_number(m).is_none() {
            error(
                format!("missing_numbers of {label}: `{m}` is not a circled number"),
                "write the skipped numbers as printed: missing_numbers: [\"③\"]",
            );
        } else if ch.requirements.iter().any(|r| &r.number == m) {
            error(
                format!("{label}{m} is listed in missing_numbers but also has a requirement"),
                "remove it from missing_numbers",
            );
        }
    }
}

fn check_title(
    title: &Option<String>,
    known: bool,
    label: &str,
    error: &mut impl FnMut(String, &str),
) {
    match (title, known) {
        (None, true) => error(
            format!("{label} has no title"),
            "add `title:` as printed, or `title_known: false` when no source gives it",
        ),
        (Some(_), false) => error(
            format!("{label} has a title but says title_known: false"),
            "remove `title_known: false` or the title",
        ),
        _ => {}
    }
}

/// Per volume: the (number, title) of its chapters and sections, to spot a heading that was
/// swallowed into a requirement's text.
fn heading_lists(cat: &Catalog) -> Vec<Vec<(String, String)>> {
    let mut out = vec![Vec::new(); cat.def.volumes.len()];
    for e in &cat.entries {
        let titled = match e.kind {
            EntryKind::Chapter => {
                let c = cat.chapter(e);
                c.title.clone().filter(|_| c.title_known)
            }
            EntryKind::Section => cat
                .section(e)
                .and_then(|s| s.title.clone().filter(|_| s.title_known)),
            _ => None,
        };
        if let Some(t) = titled.filter(|t| t.chars().count() >= 4) {
            out[e.path.volume].push((e.loc.clone(), t));
        }
    }
    out
}

fn is_list_item(line: &str) -> bool {
    let line = line.trim_start();
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    match first {
        '－' | '・' | '-' | '‐' => true,
        'a'..='i' => matches!(second, Some(' ' | '\u{3000}')),
        '(' | '（' => line
            .chars()
            .skip(1)
            .take_while(|c| *c != ')' && *c != '）')
            .all(|c| c.is_ascii_digit()),
        c if c.is_ascii_digit() => {
            let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
            line[digits.len()..].starts_with('.')
        }
        _ => false,
    }
}

/// Why a requirement's text looks truncated or merged from two table rows; empty when it
/// looks whole. Heuristics only: the result is a warning, never an error.
pub fn text_problems(text: &str, headings: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    let t = text.trim_end();
    if t.contains("【以下略】") {
        out.push("contains 【以下略】 (the source omits the rest)".to_string());
    }
    let last_line = t.lines().last().unwrap_or_default();
    let ends_whole = t.ends_with('。')
        || t.ends_with("。）")
        || t.ends_with("。)")
        || (t.contains('\n') && is_list_item(last_line));
    if !t.is_empty() && !ends_whole {
        let tail: String = {
            let chars: Vec<char> = t.chars().collect();
            chars[chars.len().saturating_sub(12)..].iter().collect()
        };
        out.push(format!("does not end with 。 (…{tail})"));
    }
    // A second requirement glued on: its circled number follows a full stop or opens a line.
    let chars: Vec<char> = t.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 || circled_value(c).is_none() {
            continue;
        }
        let before = chars[..i]
            .iter()
            .rev()
            .find(|c| **c != ' ' && **c != '\u{3000}');
        if matches!(before, Some('。') | Some('\n')) {
            out.push(format!(
                "has {c} after a full stop or at a line start (two rows may have been merged)"
            ));
            break;
        }
    }
    for (number, title) in headings {
        for (pos, _) in t.match_indices(title.as_str()) {
            let before: Vec<char> = t[..pos].chars().collect();
            let mut k = before.len();
            while k > 0 && matches!(before[k - 1], ' ' | '\u{3000}') {
                k -= 1;
            }
            let end = k;
            while k > 0 && {
                let c = fold_width(before[k - 1]);
                c.is_ascii_digit() || c == '.'
            } {
                k -= 1;
            }
            let printed: String = before[k..end].iter().map(|c| fold_width(*c)).collect();
            let printed = printed.trim_end_matches('.');
            let quoted = k > 0 && before[k - 1] == '「';
            if !printed.is_empty() && printed == number && !quoted {
                out.push(format!(
                    "contains the heading 「{number} {title}」 (text of another row may have been merged)"
                ));
            }
        }
    }
    out
}

// ---------------------------------------------------------------- notes attached to entries

/// Where a recovery note or discrepancy's free-text `at` (`企画管理編 9 ③`,
/// `経営管理編 3.1.2 ②, 5.2.2 ①`, `企画管理編, システム運用編`) points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NoteTarget {
    Volume(usize),
    Entry(usize),
}

fn note_targets(cat: &Catalog, at: &str) -> Vec<NoteTarget> {
    let mut out = Vec::new();
    let mut volume: Option<usize> = None;
    for part in at.split([',', '，', '、']) {
        let compact: String = part.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            continue;
        }
        let mut rest = compact.as_str();
        if let Some((vi, v)) = cat
            .def
            .volumes
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.name.is_empty() && compact.starts_with(v.name.as_str()))
            .max_by_key(|(_, v)| v.name.len())
        {
            volume = Some(vi);
            rest = &compact[v.name.len()..];
        }
        let Some(vi) = volume else { continue };
        let target = if rest.is_empty() {
            NoteTarget::Volume(vi)
        } else if let Some(i) = cat.find(vi, rest) {
            NoteTarget::Entry(i)
        } else {
            let number: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            match cat.find(vi, &number) {
                Some(i) => NoteTarget::Entry(i),
                None => NoteTarget::Volume(vi),
            }
        };
        if !out.contains(&target) {
            out.push(target);
        }
    }
    out
}

fn discrepancy_text(d: &Discrepancy) -> String {
    let mut s = String::new();
    if let Some(c) = &d.chosen {
        s.push_str(&format!("採用「{c}」"));
    }
    if let Some(o) = &d.other {
        let wher = d.where_other.as_deref().unwrap_or("他の箇所");
        s.push_str(&format!("／{wher}「{o}」"));
    }
    if let Some(n) = &d.note {
        s.push_str(&format!("（{n}）"));
    }
    s
}

/// Recovery notes and discrepancies, each with the targets its `at` names.
fn all_notes(cat: &Catalog) -> Vec<(Vec<NoteTarget>, Value)> {
    let mut out = Vec::new();
    for n in &cat.def.recovery_notes {
        out.push((
            note_targets(cat, &n.at),
            json!({"kind": "recovery", "kind_label": "復元に関する注記", "at": n.at, "text": n.note}),
        ));
    }
    for d in &cat.def.discrepancies {
        out.push((
            note_targets(cat, &d.at),
            json!({"kind": "discrepancy", "kind_label": "表記の違い", "at": d.at, "text": discrepancy_text(d)}),
        ));
    }
    out
}

fn notes_for_entry(cat: &Catalog, i: usize) -> Vec<String> {
    all_notes(cat)
        .into_iter()
        .filter(|(t, _)| t.contains(&NoteTarget::Entry(i)))
        .map(|(_, v)| v["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

// ---------------------------------------------------------------- links in pages

/// The home page's link to the guideline index, or null without a catalog.
pub fn home_entry(site: &Site) -> Value {
    match site.guideline.first() {
        Some(cat) => json!({
            "title": format!("{} 遵守事項", cat.def.title),
            "url": "guideline/index.html",
            "description": "チェックリストとマニュアルの ▶ 参照先（遵守事項）の一覧と、第5.2版の記載箇所からの対応表です。",
        }),
        None => Value::Null,
    }
}

/// Which 編 and chapters a checklist's items cite, with the number of items citing each.
pub fn coverage(site: &Site, c: &Checklist, root: &str) -> Value {
    let Some(cat) = site.guideline.first() else {
        return Value::Null;
    };
    let mut ref_lists: Vec<&[String]> = Vec::new();
    if let Some(g) = &c.def.gate {
        ref_lists.push(&g.refs);
    }
    ref_lists.extend(c.def.items.iter().map(|i| i.refs.as_slice()));
    let total = ref_lists.len();
    let mut per_chapter: BTreeMap<usize, usize> = BTreeMap::new();
    let mut per_volume: BTreeMap<usize, usize> = BTreeMap::new();
    let mut citing = 0;
    for refs in &ref_lists {
        let mut chapters = BTreeSet::new();
        for written in refs.iter() {
            if let Ok(r) = resolve(&site.guideline, written) {
                if r.catalog == 0 {
                    chapters.extend(r.targets.iter().map(|&t| cat.entries[t].chapter));
                }
            }
        }
        if !chapters.is_empty() {
            citing += 1;
        }
        let volumes: BTreeSet<usize> = chapters
            .iter()
            .map(|&ch| cat.entries[ch].path.volume)
            .collect();
        for ch in chapters {
            *per_chapter.entry(ch).or_default() += 1;
        }
        for v in volumes {
            *per_volume.entry(v).or_default() += 1;
        }
    }
    let volumes: Vec<Value> = per_volume
        .iter()
        .map(|(&vi, &count)| {
            let chapters: Vec<Value> = per_chapter
                .iter()
                .filter(|(&ch, _)| cat.entries[ch].path.volume == vi)
                .map(|(&ch, &n)| {
                    let e = &cat.entries[ch];
                    json!({"number": e.loc, "title": cat.title(e), "url": format!("{root}{}", cat.entry_url(e)), "count": n})
                })
                .collect();
            json!({"name": cat.def.volumes[vi].name, "url": format!("{root}{}", cat.volume_url(vi)), "count": count, "chapters": chapters})
        })
        .collect();
    json!({
        "any": !volumes.is_empty(),
        "title": cat.def.title,
        "short": cat.def.short,
        "index_url": format!("{root}guideline/index.html"),
        "citing": citing,
        "total": total,
        "chapter_count": per_chapter.len(),
        "volumes": volumes,
    })
}

// ---------------------------------------------------------------- backlinks

/// One place that cites an entry.
#[derive(Debug, Clone)]
struct Backlink {
    /// Site-relative URL of the citing item or heading.
    url: String,
    label: String,
    /// The reference as written, when it is not exactly the entry (`9.1` citing chapter 9).
    written: String,
    citer: Citer,
}

/// Per page: for each `[[…]]` reference, the id of the heading it sits under, so a backlink
/// lands on the manual's item rather than the top of the page.
fn placeholder_headings(html: &str) -> Vec<Option<String>> {
    let mut events: Vec<(usize, Option<String>)> = Vec::new();
    let mut from = 0;
    while let Some(p) = html[from..].find("<h") {
        let at = from + p;
        let rest = &html[at + 2..];
        if rest.starts_with(|c: char| ('1'..='6').contains(&c)) && rest[1..].starts_with(" id=\"") {
            let id_start = 1 + " id=\"".len();
            if let Some(end) = rest[id_start..].find('"') {
                events.push((at, Some(rest[id_start..id_start + end].to_string())));
            }
        }
        from = at + 2;
    }
    let mut out = Vec::new();
    for (pos, _) in html.match_indices(PLACEHOLDER_OPEN) {
        out.push(
            events
                .iter()
                .rev()
                .find(|(h, _)| *h < pos)
                .and_then(|(_, id)| id.clone()),
        );
    }
    out
}

fn item_label(c: &Checklist, item: Option<&Item>) -> String {
    let def = &c.def;
    // 「薬局・薬局確認用」 says the facility twice; 「薬局・事業者確認用」 needs it.
    let head = if def.form.starts_with(def.facility.label()) {
        def.form.clone()
    } else {
        format!("{}・{}", def.facility.label(), def.form)
    };
    let Some(item) = item else {
        return format!(
            "{head} {}",
            def.gate
                .as_ref()
                .map(|g| g.label.as_str())
                .unwrap_or("gate")
        );
    };
    let section = def.sections.iter().find(|s| s.id == item.section);
    let mut label = format!(
        "{head} {}{}",
        section.map(|s| s.number.as_str()).unwrap_or(""),
        item.number
    );
    if let Some(t) = item
        .target
        .as_ref()
        .and_then(|t| def.targets.iter().find(|x| &x.id == t))
    {
        label.push_str(&format!(
            "（{}）",
            t.text.split("について").next().unwrap_or(&t.text)
        ));
    }
    if let Some(p) = def
        .phases
        .iter()
        .find(|p| p.id == item.phase && p.reference)
    {
        label.push_str(&format!("［{}］", p.label));
    }
    label
}

/// Backlinks for every entry of the (single) catalog, indexed like `cat.entries`.
fn backlinks(site: &Site, cat: &Catalog) -> Vec<Vec<Backlink>> {
    let mut out: Vec<Vec<Backlink>> = vec![Vec::new(); cat.entries.len()];
    let mut heading_cache: HashMap<usize, Vec<Option<String>>> = HashMap::new();
    for cit in citations(site) {
        let Ok(r) = resolve(&site.guideline, &cit.written) else {
            continue;
        };
        if r.catalog != 0 {
            continue;
        }
        let (url, label) = match cit.citer {
            Citer::Item { checklist, item } => {
                let c = &site.checklists[checklist];
                let item = item.map(|i| &c.def.items[i]);
                let anchor = item.map(|i| i.id.as_str()).unwrap_or("gate");
                (
                    format!("{}#{anchor}", c.item_page_url(anchor)),
                    item_label(c, item),
                )
            }
            Citer::Page { page, nth } => {
                let p = &site.pages[page];
                let anchors = heading_cache
                    .entry(page)
                    .or_insert_with(|| placeholder_headings(&p.markdown.html));
                let anchor = anchors.get(nth).cloned().flatten();
                let context = match p.kind {
                    PageKind::ManualPage => p
                        .manual
                        .as_deref()
                        .and_then(|m| site.manual(m))
                        .map(|m| m.meta.short_title.clone().unwrap_or(m.meta.title.clone()))
                        .unwrap_or_else(|| p.front.title.clone()),
                    _ => p.front.title.clone(),
                };
                let heading = anchor.as_ref().and_then(|a| {
                    p.markdown
                        .headings
                        .iter()
                        .find(|h| &h.id == a)
                        .map(|h| excerpt(&h.text, 36))
                });
                let url = match &anchor {
                    Some(a) => format!("{}#{a}", p.url),
                    None => p.url.clone(),
                };
                let label = match heading {
                    Some(h) => format!("{context} {h}"),
                    None => context,
                };
                (url, label)
            }
        };
        for &t in &r.targets {
            let own = cat.label(&cat.entries[t]);
            let written = if r.targets.len() == 1 && own == r.shown {
                String::new()
            } else {
                r.shown.clone()
            };
            let list = &mut out[t];
            if !list.iter().any(|b| b.url == url && b.written == written) {
                list.push(Backlink {
                    url: url.clone(),
                    label: label.clone(),
                    written,
                    citer: cit.citer,
                });
            }
        }
    }
    out
}

fn backlinks_json(list: &[Backlink], root: &str) -> Vec<Value> {
    list.iter()
        .map(|b| {
            let kind = match b.citer {
                Citer::Item { .. } => "チェックリスト",
                Citer::Page { .. } => "マニュアル等",
            };
            json!({"url": format!("{root}{}", b.url), "label": b.label, "written": b.written, "kind": kind})
        })
        .collect()
}

// ---------------------------------------------------------------- pages and JSON

/// Sort key of [`natural_key`]: (digits first, number value, text) per run.
pub type NaturalKey = Vec<(u8, u64, String)>;

/// Natural order for 5.2 locations: digit runs compare as numbers, full-width folded, and `.`
/// after letters so that a section's own items come before its sub-sections:
/// `6.2C4` < `6.2.3C4` < `6.10C5` < `10C1` < `１０C1(2)c` < `第10章`.
pub fn natural_key(s: &str) -> NaturalKey {
    let folded: String = s
        .chars()
        .map(fold_width)
        .map(|c| if c == '.' { char::MAX } else { c })
        .collect();
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut other = String::new();
    for c in folded.chars() {
        if c.is_ascii_digit() {
            if !other.is_empty() {
                out.push((1, 0, std::mem::take(&mut other)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((
                    0,
                    digits.parse().unwrap_or(u64::MAX),
                    std::mem::take(&mut digits),
                ));
            }
            other.push(c);
        }
    }
    if !digits.is_empty() {
        out.push((0, digits.parse().unwrap_or(u64::MAX), digits));
    }
    if !other.is_empty() {
        out.push((1, 0, other));
    }
    out
}

/// Renders the guideline pages (index, one per 編, the 5.2 → 6.0 table) and the JSON copies.
pub fn outputs(
    site: &Site,
    theme: &Theme,
    opts: &RenderOptions,
) -> Result<Vec<Output>, Diagnostics> {
    let Some(cat) = site.guideline.first() else {
        return Ok(Vec::new());
    };
    let pages = GuidelinePages {
        site,
        cat,
        links: backlinks(site, cat),
        notes: all_notes(cat),
        live_reload: opts.live_reload,
    };
    let mut diags = Diagnostics::default();
    let mut out = Vec::new();
    let rendered = [(
        "guideline/index.html".to_string(),
        "guideline_index.html",
        pages.index_context(),
    )]
    .into_iter()
    .chain((0..cat.def.volumes.len()).map(|vi| {
        (
            cat.volume_url(vi),
            "guideline.html",
            pages.volume_context(vi),
        )
    }))
    .chain([(
        GL52_URL.to_string(),
        "guideline_gl52.html",
        pages.gl52_context(),
    )]);
    for (url, template, ctx) in rendered {
        match theme.tera.render(template, &ctx) {
            Ok(html) => out.push(Output {
                bytes: crate::kit::minify_html(&html),
                path: url,
            }),
            Err(e) => diags.push(theme.template_error(e)),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    out.extend(pages.json_outputs());
    Ok(out)
}

const GL52_URL: &str = "guideline/gl52.html";

/// What every guideline page is made from, computed once: who cites each entry, and the notes.
struct GuidelinePages<'a> {
    site: &'a Site,
    cat: &'a Catalog,
    links: Vec<Vec<Backlink>>,
    notes: Vec<(Vec<NoteTarget>, Value)>,
    live_reload: bool,
}

impl GuidelinePages<'_> {
    /// The context every guideline page starts from: the base, `page`, breadcrumbs and 編 nav.
    fn page_context(
        &self,
        url: &str,
        title: &str,
        discrepancies: Vec<&Discrepancy>,
        current: Option<usize>,
    ) -> Context {
        let cat = self.cat;
        let root = root_prefix(url);
        let mut ctx = crate::render::base_context(self.site, url, title, self.live_reload);
        ctx.insert(
            "page",
            &json!({
                "title": title,
                "description": Value::Null,
                "source": cat.def.source,
                "provenance": cat.def.provenance,
                "discrepancies": discrepancies,
            }),
        );
        let mut crumbs = vec![json!({"title": "ホーム", "url": format!("{root}index.html")})];
        if url != "guideline/index.html" {
            crumbs.push(json!({"title": format!("{} 遵守事項", cat.def.short), "url": format!("{root}guideline/index.html")}));
        }
        ctx.insert("breadcrumbs", &crumbs);
        let nav: Vec<Value> = cat
            .def
            .volumes
            .iter()
            .enumerate()
            .map(|(vi, v)| json!({"name": v.name, "url": format!("{root}{}", cat.volume_url(vi)), "current": Some(vi) == current}))
            .collect();
        ctx.insert("volumes_nav", &nav);
        ctx
    }

    fn index_context(&self) -> Context {
        let cat = self.cat;
        let url = "guideline/index.html";
        let title = format!("{} 遵守事項", cat.def.title);
        let root = root_prefix(url);
        let mut ctx = self.page_context(url, &title, cat.def.discrepancies.iter().collect(), None);
        let volumes: Vec<Value> = (0..cat.def.volumes.len())
            .map(|vi| self.volume_summary(vi, &root))
            .collect();
        let recovery: Vec<Value> = self
            .notes
            .iter()
            .filter(|(_, n)| n["kind"] == "recovery")
            .map(|(targets, n)| note_with_link(cat, targets, n, &root))
            .collect();
        ctx.insert(
            "guideline",
            &json!({
                "title": cat.def.title,
                "short": cat.def.short,
                "volumes": volumes,
                "recovery_notes": recovery,
                "gl52_url": format!("{root}{GL52_URL}"),
                "json_url": format!("{root}guideline/{}.json", cat.def.id),
                "xref_url": format!("{root}guideline/xref.json"),
                "requirement_count": cat.entries.iter().filter(|e| e.kind == EntryKind::Requirement).count(),
            }),
        );
        ctx
    }

    /// One 編 on the index: its chapters and how many entries it has and how many are cited.
    fn volume_summary(&self, vi: usize, root: &str) -> Value {
        let cat = self.cat;
        let v = &cat.def.volumes[vi];
        let of_vol = |k: EntryKind| {
            cat.entries
                .iter()
                .filter(|e| e.path.volume == vi && e.kind == k)
                .count()
        };
        let cited = cat
            .entries
            .iter()
            .enumerate()
            .filter(|(i, e)| e.path.volume == vi && !self.links[*i].is_empty())
            .count();
        let chapters: Vec<Value> = cat
            .entries
            .iter()
            .filter(|e| e.path.volume == vi && e.kind == EntryKind::Chapter)
            .map(|e| json!({"number": e.loc, "title": cat.title(e), "url": format!("{root}{}", cat.entry_url(e))}))
            .collect();
        json!({
            "name": v.name,
            "note": v.note,
            "url": format!("{root}{}", cat.volume_url(vi)),
            "chapters": chapters,
            "chapter_count": of_vol(EntryKind::Chapter),
            "section_count": of_vol(EntryKind::Section),
            "requirement_count": of_vol(EntryKind::Requirement),
            "cited": cited,
        })
    }

    fn volume_context(&self, vi: usize) -> Context {
        let cat = self.cat;
        let vol = &cat.def.volumes[vi];
        let url = cat.volume_url(vi);
        let title = format!("{}（{}）", vol.name, cat.def.title);
        let root = root_prefix(&url);
        let in_volume = |t: &NoteTarget| match *t {
            NoteTarget::Volume(v) => v == vi,
            NoteTarget::Entry(i) => cat.entries[i].path.volume == vi,
        };
        let discrepancies: Vec<&Discrepancy> = cat
            .def
            .discrepancies
            .iter()
            .filter(|d| note_targets(cat, &d.at).iter().any(in_volume))
            .collect();
        let mut ctx = self.page_context(&url, &title, discrepancies, Some(vi));
        let listed_notes: Vec<Value> = self
            .notes
            .iter()
            .filter(|(targets, _)| targets.iter().any(in_volume))
            .map(|(targets, n)| note_with_link(cat, targets, n, &root))
            .collect();
        let chapters: Vec<Value> = self
            .entries_where(|e| e.path.volume == vi && e.kind == EntryKind::Chapter)
            .into_iter()
            .map(|ci| self.chapter_json(ci, &root))
            .collect();
        ctx.insert(
            "volume",
            &json!({
                "id": vol.id,
                "name": vol.name,
                "note": vol.note,
                "catalog_title": cat.def.title,
                "sectioned": cat.sectioned(vi),
                "chapters": chapters,
                "notes": listed_notes,
                "index_url": format!("{root}guideline/index.html"),
                "gl52_url": format!("{root}{GL52_URL}"),
            }),
        );
        ctx
    }

    fn entries_where(&self, pred: impl Fn(&Entry) -> bool) -> Vec<usize> {
        (0..self.cat.entries.len())
            .filter(|&i| pred(&self.cat.entries[i]))
            .collect()
    }

    fn entry_notes(&self, i: usize) -> Vec<Value> {
        self.notes
            .iter()
            .filter(|(t, _)| t.contains(&NoteTarget::Entry(i)))
            .map(|(_, n)| n.clone())
            .collect()
    }

    /// The requirements of chapter `ci` directly under `section`/`group` (None: none).
    fn requirements_json(
        &self,
        ci: usize,
        section: Option<usize>,
        group: Option<Option<usize>>,
        root: &str,
    ) -> Vec<Value> {
        self.entries_where(|e| {
            e.chapter == ci
                && e.kind == EntryKind::Requirement
                && e.path.section == section
                && group.is_none_or(|g| e.path.group == g)
        })
        .into_iter()
        .map(|i| self.requirement_json(i, root))
        .collect()
    }

    fn chapter_json(&self, ci: usize, root: &str) -> Value {
        let cat = self.cat;
        let ce = &cat.entries[ci];
        let ch = cat.chapter(ce);
        let sections: Vec<Value> = self
            .entries_where(|e| e.chapter == ci && e.kind == EntryKind::Section)
            .into_iter()
            .map(|si| self.section_json(ci, si, root))
            .collect();
        json!({
            "id": ce.id,
            "number": ce.loc,
            "title": cat.title(ce),
            "title_known": ch.title_known,
            "note": ch.note,
            "missing_numbers": ch.missing_numbers.join("、"),
            "notes": self.entry_notes(ci),
            "backlinks": backlinks_json(&self.links[ci], root),
            "sections": sections,
            "requirements": self.requirements_json(ci, None, None, root),
        })
    }

    fn section_json(&self, ci: usize, si: usize, root: &str) -> Value {
        let cat = self.cat;
        let se = &cat.entries[si];
        let section = se.path.section;
        let groups: Vec<Value> = self
            .entries_where(|e| {
                e.chapter == ci && e.kind == EntryKind::Group && e.path.section == section
            })
            .into_iter()
            .map(|gi| {
                let ge = &cat.entries[gi];
                let reqs = self.requirements_json(ci, section, Some(ge.path.group), root);
                json!({"id": ge.id, "label": cat.group(ge).map(|g| g.label.as_str()), "backlinks": backlinks_json(&self.links[gi], root), "notes": self.entry_notes(gi), "requirements": reqs})
            })
            .collect();
        let s = cat.section(se);
        let depth = se.loc.split('.').count();
        json!({
            "id": se.id,
            "number": se.loc,
            "title": cat.title(se),
            "title_known": s.map(|s| s.title_known).unwrap_or(true),
            "note": s.and_then(|s| s.note.clone()),
            "depth": depth,
            "heading": (depth + 1).min(5),
            "notes": self.entry_notes(si),
            "backlinks": backlinks_json(&self.links[si], root),
            "groups": groups,
            "requirements": self.requirements_json(ci, section, Some(None), root),
        })
    }

    fn requirement_json(&self, i: usize, root: &str) -> Value {
        let cat = self.cat;
        let e = &cat.entries[i];
        let r = cat.requirement(e);
        let lines: Vec<&str> = r.map(|r| r.text.lines().collect()).unwrap_or_default();
        json!({
            "id": e.id,
            "number": r.map(|r| r.number.as_str()),
            "label": cat.label(e),
            "lines": lines,
            "gl52": r.and_then(|r| r.gl52.clone()),
            "gl52_text": r.and_then(|r| r.gl52.as_ref()).map(|g| if g.is_empty() { "－（該当なし）".to_string() } else { g.join("、") }),
            "gl52_note": r.and_then(|r| r.gl52_note.clone()),
            "suspect": r.map(|r| r.suspect).unwrap_or(false),
            "notes": self.entry_notes(i),
            "backlinks": backlinks_json(&self.links[i], root),
        })
    }

    /// 5.2 → 6.0: every location of guideline 5.2 with the requirements that name it.
    fn gl52_context(&self) -> Context {
        let cat = self.cat;
        let title = format!("第5.2版の記載箇所から{}の遵守事項を引く", cat.def.short);
        let root = root_prefix(GL52_URL);
        let mut ctx = self.page_context(GL52_URL, &title, Vec::new(), None);
        let mut by_loc: BTreeMap<NaturalKey, (String, Vec<usize>)> = BTreeMap::new();
        let mut new_reqs = Vec::new();
        for (i, e) in cat.entries.iter().enumerate() {
            let Some(g) = cat.requirement(e).and_then(|r| r.gl52.as_ref()) else {
                continue;
            };
            if g.is_empty() {
                new_reqs.push(i);
            }
            for loc in g {
                let mut key = natural_key(loc);
                // Keep verbatim spellings apart even when they fold to the same key.
                key.push((2, 0, loc.clone()));
                by_loc
                    .entry(key)
                    .or_insert_with(|| (loc.clone(), Vec::new()))
                    .1
                    .push(i);
            }
        }
        let target = |i: usize| -> Value {
            let e = &cat.entries[i];
            let r = cat.requirement(e);
            json!({
                "label": cat.label(e),
                "url": format!("{root}{}", cat.entry_url(e)),
                "text": r.map(|r| excerpt(&r.text, 80)),
                "note": r.and_then(|r| r.gl52_note.clone()),
            })
        };
        let rows: Vec<Value> = by_loc
            .values()
            .map(|(loc, targets)| {
                json!({
                    "loc": loc,
                    "id": format!("v52-{}", crate::markdown::slugify(loc)),
                    "targets": targets.iter().map(|&i| target(i)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let new: Vec<Value> = new_reqs.into_iter().map(target).collect();
        ctx.insert(
            "gl52",
            &json!({
                "catalog_title": cat.def.title,
                "short": cat.def.short,
                "rows": rows,
                "new": new,
                "index_url": format!("{root}guideline/index.html"),
            }),
        );
        ctx
    }

    /// The catalog and the cross-reference, as JSON for other tools.
    fn json_outputs(&self) -> [Output; 2] {
        let cat = self.cat;
        let generator = format!("kensa {}", env!("CARGO_PKG_VERSION"));
        let catalog_json = json!({
            "format": "kensa-guideline-catalog",
            "format_version": 1,
            "generator": generator,
            "catalog": cat.def,
        });
        [
            Output {
                path: format!("guideline/{}.json", cat.def.id),
                bytes: serde_json::to_string_pretty(&catalog_json)
                    .unwrap_or_default()
                    .into_bytes(),
            },
            Output {
                path: "guideline/xref.json".into(),
                bytes: serde_json::to_string_pretty(&xref_json(
                    self.site,
                    cat,
                    &self.links,
                    &generator,
                ))
                .unwrap_or_default()
                .into_bytes(),
            },
        ]
    }
}

fn note_with_link(cat: &Catalog, targets: &[NoteTarget], n: &Value, root: &str) -> Value {
    let url = targets.iter().find_map(|t| match *t {
        NoteTarget::Entry(i) => Some(format!("{root}{}", cat.entry_url(&cat.entries[i]))),
        NoteTarget::Volume(_) => None,
    });
    let mut v = n.clone();
    v["url"] = json!(url);
    v
}

fn xref_json(site: &Site, cat: &Catalog, links: &[Vec<Backlink>], generator: &str) -> Value {
    let entries: Vec<Value> = cat
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let cited_by: Vec<Value> = links[i]
                .iter()
                .map(|b| {
                    let mut v = match b.citer {
                        Citer::Item { checklist, item } => {
                            let c = &site.checklists[checklist];
                            let item = item.map(|n| &c.def.items[n]);
                            json!({
                                "kind": "checklist_item",
                                "checklist": c.def.id,
                                "item": item.map(|i| i.id.as_str()).unwrap_or("gate"),
                                "key": item.map(|i| i.key.as_str()).or(c.def.gate.as_ref().map(|g| g.key.as_str())),
                            })
                        }
                        Citer::Page { page, .. } => json!({
                            "kind": "page",
                            "page": site.pages[page].file.content_rel(),
                        }),
                    };
                    v["url"] = json!(b.url);
                    v["label"] = json!(b.label);
                    if !b.written.is_empty() {
                        v["written"] = json!(format!("{} {}", cat.def.short, b.written));
                    }
                    v
                })
                .collect();
            json!({
                "id": e.id,
                "kind": e.kind,
                "ref": cat.reference(e),
                "title": cat.title(e),
                "url": cat.entry_url(e),
                "cited_by": cited_by,
            })
        })
        .collect();
    json!({
        "format": "kensa-guideline-xref",
        "format_version": 1,
        "generator": generator,
        "catalog": cat.def.id,
        "entries": entries,
    })
}

// ---------------------------------------------------------------- tests

// ---------------------------------------------------------------- the feature

/// The guideline catalog's pages, the checks of every reference, and each checklist's coverage.
pub struct Guideline;

impl Feature for Guideline {
    fn validate(&self, site: &Site, diags: &mut Diagnostics) {
        validate(site, diags);
    }

    fn home(&self, build: &Build, ctx: &mut Context) {
        ctx.insert("guideline", &home_entry(build.site));
    }

    fn checklist(
        &self,
        build: &Build,
        c: &Checklist,
        view: ChecklistView,
        from: &str,
        fields: &mut serde_json::Map<String, Value>,
    ) {
        // The coverage is shown on the companion page, or on the form where the theme has none.
        let shown = match view {
            ChecklistView::About => true,
            ChecklistView::Form => !build.theme.templates.contains_key("checklist_about.html"),
            ChecklistView::Home => false,
        };
        if shown {
            fields.insert(
                "gl_coverage".into(),
                coverage(build.site, c, &root_prefix(from)),
            );
        }
    }

    fn search_documents(&self, site: &Site, docs: &mut Vec<Doc>) {
        search_docs(site, docs);
    }

    fn outputs(&self, build: &Build) -> Result<Vec<Output>, Diagnostics> {
        outputs(build.site, build.theme, build.options)
    }
}
/// The guideline's chapters, sections and 遵守事項, each at its anchor on its volume's page. The
/// location (`企画管理編 13④`) counts as the entry's own text, so a reference finds its entry.
fn search_docs(site: &Site, docs: &mut Vec<Doc>) {
    use crate::model::guideline::EntryKind;
    for cat in &site.guideline {
        for e in &cat.entries {
            let body = match e.kind {
                EntryKind::Group => continue, // a heading inside a section, nothing of its own
                EntryKind::Requirement => cat
                    .requirement(e)
                    .map(|r| {
                        let gl52 = r.gl52.as_deref().unwrap_or_default().join(" ");
                        let gl52 = if gl52.is_empty() {
                            String::new()
                        } else {
                            format!("第5.2版：{gl52}")
                        };
                        join(&[&gl52, r.gl52_note.as_deref().unwrap_or("")])
                    })
                    .unwrap_or_default(),
                EntryKind::Chapter => cat.chapter(e).note.clone().unwrap_or_default(),
                EntryKind::Section => cat
                    .section(e)
                    .and_then(|s| s.note.clone())
                    .unwrap_or_default(),
            };
            let mut label = format!("{} ＞ {}", cat.def.short, cat.volume(e).name);
            if e.kind != EntryKind::Chapter {
                let chapter = &cat.entries[e.chapter];
                label.push_str(&format!(" {} {}", chapter.loc, cat.title(chapter)));
            }
            docs.push(Doc {
                kind: DocKind::Guideline,
                title: format!("{} {}", e.loc, cat.title(e)),
                url: cat.entry_url(e),
                label,
                keys: cat.label(e),
                body,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;
    use crate::model::guideline::tests::{catalog, SAMPLE};

    #[test]
    fn text_heuristics_flag_truncated_and_merged_text_only() {
        let headings = vec![("5".to_string(), "安全管理におけるエビデンス".to_string())];
        assert!(text_problems("管理すること。", &headings).is_empty());
        assert!(text_problems("（なお、…を含む。）", &headings).is_empty());
        assert!(text_problems("次の事項。\n－ 記録の内容", &headings).is_empty());
        assert!(text_problems("⑤で承認を得た方針を実行すること。", &headings).is_empty());
        assert!(text_problems(
            "「５．安全管理におけるエビデンス」で整備した証跡。",
            &headings
        )
        .is_empty());
        assert!(text_problems("以下を行うこと【以下略】", &headings)[0].contains("【以下略】"));
        assert!(text_problems("管理すること", &headings)[0].contains("does not end with 。"));
        assert!(text_problems("管理すること。② 次のこと。", &headings)[0].contains("merged"));
        assert!(text_problems(
            "管理すること。\n５．安全管理におけるエビデンス\n証跡を残すこと。",
            &headings
        )
        .iter()
        .any(|p| p.contains("heading")));
    }

    #[test]
    fn catalog_validation_reports_suspect_text_and_structure() {
        let text = SAMPLE.replace("      - number: \"13\"\n", "      - number: \"9\"\n");
        let file = SourceFile::new("content/guideline/gl6.yaml", text);
        let cat = parse(&file).unwrap();
        let mut diags = Diagnostics::default();
        validate_catalog(&cat, &mut diags);
        let errors: Vec<_> = diags.items.iter().filter(|d| d.is_error()).collect();
        assert!(
            errors.iter().any(|d| d.message.contains("listed twice")),
            "{errors:?}"
        );

        let cat = catalog();
        let mut diags = Diagnostics::default();
        validate_catalog(&cat, &mut diags);
        assert!(!diags.has_errors(), "{:?}", diags.items);
        let w: Vec<_> = diags.items.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("GL6 企画管理編 13④") && w[0].contains("suspect"),
            "{w:?}"
        );
        let loc = diags.items[0].location.clone().unwrap();
        assert!(SAMPLE
            .lines()
            .nth(loc.line - 1)
            .unwrap()
            .contains("text: 権限を管理すること。"));
        // The matching discrepancy is offered as the explanation.
        assert!(diags.items[0].help.as_ref().unwrap().contains("甲"));
    }

    #[test]
    fn notes_attach_to_the_entries_their_at_names() {
        let cat = catalog();
        let id = |t: &NoteTarget| match *t {
            NoteTarget::Entry(i) => cat.entries[i].id.clone(),
            NoteTarget::Volume(v) => cat.def.volumes[v].id.clone(),
        };
        let ids = |at: &str| note_targets(&cat, at).iter().map(id).collect::<Vec<_>>();
        assert_eq!(ids("企画管理編 9 ③"), ["kikaku-9"]);
        assert_eq!(
            ids("経営管理編 3.1.2 ②, 3.4.1"),
            ["keiei-3-1-2-2", "keiei-3-4-1"]
        );
        assert_eq!(ids("企画管理編, システム運用編"), ["kikaku", "unyou"]);
    }

    #[test]
    fn natural_order_of_52_locations() {
        let mut locs = vec![
            "第10章",
            "6.10C5",
            "10C1",
            "6.2.3C4",
            "6.2C4",
            "１０C1(2)c",
            "6.3C1-5",
        ];
        locs.sort_by_key(|l| natural_key(l));
        assert_eq!(
            locs,
            [
                "6.2C4",
                "6.2.3C4",
                "6.3C1-5",
                "6.10C5",
                "10C1",
                "１０C1(2)c",
                "第10章"
            ]
        );
    }

    #[test]
    fn list_items_are_recognised() {
        for l in [
            "－　記録",
            "・ 電子化",
            "a　医療情報",
            "(1) タイムスタンプ",
            "1. 以下の",
        ] {
            assert!(is_list_item(l), "{l}");
        }
        for l in ["医療情報", "上記認証等が", "apple"] {
            assert!(!is_list_item(l), "{l}");
        }
    }
}
