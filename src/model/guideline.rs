//! Guideline catalog (`content/guideline/*.yaml`) and the references that cite it.
//!
//! A reference `GL6 <編> <loc>` is written in a checklist item's or gate's `refs:` or as a
//! Markdown `[[GL6 …]]`. The validate stage resolves every one against the catalog, so a
//! reference that names nothing is an error at its own file:line:col. The render stage turns
//! each one into a link to an anchor on the guideline pages. Those pages list every 遵守事項 with
//! the checklist items and manual pages that cite it. Rules: docs/guideline-catalog.md.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::diag::{locate_key_value, locate_text, Diagnostic, SourceFile};
use crate::kit::{edit_distance, escape_attr, root_prefix};
use crate::markdown::fold_width;
use crate::model::{Discrepancy, Provenance, Site, Source};

// ---------------------------------------------------------------- the catalog file

/// A guideline catalog as written in `content/guideline/<slug>.yaml` (docs/guideline-catalog.md).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogDef {
    /// Equals the file name without `.yaml`.
    pub id: String,
    /// The full title of the guideline edition.
    pub title: String,
    /// The prefix written in references (`GL6`).
    pub short: String,
    /// The document the catalog is transcribed from.
    pub source: Source,
    /// Where the catalog's text comes from.
    #[serde(default)]
    pub provenance: Provenance,
    /// What could not be recovered cleanly from the source, shown on the guideline pages.
    #[serde(default)]
    pub recovery_notes: Vec<RecoveryNote>,
    /// Places where the source disagrees with itself, and which wording was taken.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
    /// The 編, in the guideline's order.
    pub volumes: Vec<Volume>,
}

/// One place the source could not be transcribed cleanly, and what the catalog does about it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryNote {
    /// The place: `<編> <chapter or section> [<number>]`, free text.
    pub at: String,
    /// What is wrong or missing there.
    pub note: String,
}

/// One 編.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// Stable ASCII id (`keiei`, `kikaku`): the volume's page and anchors are named by it.
    pub id: String,
    /// The 編's name exactly as references write it (`企画管理編`).
    pub name: String,
    /// About the whole 編.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The chapters, in printed order.
    pub chapters: Vec<Chapter>,
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn is_false(b: &bool) -> bool {
    !*b
}

/// A numbered chapter of a 編.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// Arabic digits as a string (`"9"`).
    pub number: String,
    /// As printed, without the number; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// False when the source gives no title (shown as 表題不明).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub title_known: bool,
    /// Shown under the chapter's heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Circled numbers skipped in the source: the requirement exists, its text is not here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_numbers: Vec<String>,
    /// 企画管理編, システム運用編: sub-section numbers known to exist (`9.1`), from the official
    /// manuals' ▶ lines; the table lists these 編 by chapter only. A reference to any other
    /// sub-section still links to the chapter, with a warning: it may be a typo.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subsections: Vec<String>,
    /// 経営管理編, 概説編: the chapter's sections, flat, in printed order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<GuidelineSection>,
    /// 企画管理編, システム運用編: the chapter's requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
}

/// A numbered section of 経営管理編 or 概説編, at any depth (listed flat).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuidelineSection {
    /// Dotted Arabic numbers as a string (`"1.2.1"`); the parent is this number less its last part.
    pub number: String,
    /// As printed, without the number; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// False when the source gives no title (概説編; shown as 表題不明).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub title_known: bool,
    /// Shown under the section's heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The requirements grouped under ＜…＞ headings, when the section has such headings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// The requirements, when not grouped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
}

/// Requirements under a ＜…＞ heading; numbering restarts at ① in each group.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The heading without brackets (`管理責任`).
    pub label: String,
    /// Numbered from ① again.
    pub requirements: Vec<Requirement>,
}

/// One 遵守事項.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// The circled number as printed (`①`).
    pub number: String,
    /// The full text as printed; `\n` before each list item.
    pub text: String,
    /// `None`: the table has no 5.2 column here; `Some([])`: it prints `－` (no 5.2 location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gl52: Option<Vec<String>>,
    /// The table's 備考 column: how the requirement relates to 第5.2版.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gl52_note: Option<String>,
    /// The text may be truncated or damaged; a recovery note says how.
    #[serde(default, skip_serializing_if = "is_false")]
    pub suspect: bool,
}

// ---------------------------------------------------------------- entries

/// What a catalog entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A chapter of a 編.
    Chapter,
    /// A numbered section (経営管理編, 概説編).
    Section,
    /// A ＜…＞ heading inside a section.
    Group,
    /// One 遵守事項.
    Requirement,
}

/// Where an entry sits in [`CatalogDef`], by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntryPath {
    /// Index into `CatalogDef::volumes`.
    pub volume: usize,
    /// Index into the volume's chapters.
    pub chapter: usize,
    /// Index into the chapter's sections.
    pub section: Option<usize>,
    /// Index into the section's groups.
    pub group: Option<usize>,
    /// Index into the requirements of the group, section or chapter above.
    pub requirement: Option<usize>,
}

/// Anything a reference can point at, flattened in document order so that anchors,
/// backlinks and the cross-reference JSON can all be keyed by one index.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Chapter, section, group or requirement.
    pub kind: EntryKind,
    /// Indexes of the entry in the definition.
    pub path: EntryPath,
    /// Anchor id on the volume's page (`kikaku-9`, `keiei-1-2-1-g2-2`).
    pub id: String,
    /// Canonical location as written after the 編 (`9`, `3.4.1`, `1.2.1＜管理責任＞②`, `13④`).
    pub loc: String,
    /// Entry index of the enclosing chapter (itself for a chapter).
    pub chapter: usize,
    /// Byte offset of the entry's `number:` / `label:` key in the catalog file, when found.
    pub offset: Option<usize>,
}

/// A guideline catalog as the stages use it: the definition and every entry references can cite.
#[derive(Debug)]
pub struct Catalog {
    /// The catalog file, for diagnostics.
    pub file: SourceFile,
    /// The definition as written.
    pub def: CatalogDef,
    /// Everything a reference can cite, in document order; references and backlinks hold
    /// indexes into it.
    pub entries: Vec<Entry>,
    by_loc: HashMap<(usize, String), usize>,
}

/// Reads a catalog file and indexes its entries.
pub fn parse(file: &SourceFile) -> Result<Catalog, Diagnostic> {
    let def: CatalogDef = crate::yaml::from_str(file, &file.text, 0)?;
    Ok(Catalog::new(file.clone(), def))
}

impl Catalog {
    /// Indexes the entries of a definition; `offset`s are looked up in the file's text.
    pub fn new(file: SourceFile, def: CatalogDef) -> Catalog {
        let mut entries = build_entries(&def);
        assign_offsets(&file.text, &def, &mut entries);
        let mut by_loc = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            // First one wins; duplicates are reported by validate.
            by_loc.entry((e.path.volume, e.loc.clone())).or_insert(i);
        }
        Catalog {
            file,
            def,
            entries,
            by_loc,
        }
    }

    /// Index of the entry at `loc` (canonical, as `Entry::loc`) in volume `volume`.
    pub fn find(&self, volume: usize, loc: &str) -> Option<usize> {
        self.by_loc.get(&(volume, loc.to_string())).copied()
    }

    fn find_kind(&self, volume: usize, loc: &str, kind: EntryKind) -> Option<usize> {
        self.find(volume, loc)
            .filter(|&i| self.entries[i].kind == kind)
    }

    /// The 編 the entry is in.
    pub fn volume(&self, e: &Entry) -> &Volume {
        &self.def.volumes[e.path.volume]
    }
    /// The chapter the entry is in (itself for a chapter).
    pub fn chapter(&self, e: &Entry) -> &Chapter {
        &self.volume(e).chapters[e.path.chapter]
    }
    /// The section the entry is in, if any (itself for a section).
    pub fn section(&self, e: &Entry) -> Option<&GuidelineSection> {
        e.path.section.map(|s| &self.chapter(e).sections[s])
    }
    /// The group the entry is in, if any (itself for a group).
    pub fn group(&self, e: &Entry) -> Option<&Group> {
        let s = self.section(e)?;
        e.path.group.map(|g| &s.groups[g])
    }
    /// The requirement, for a requirement entry.
    pub fn requirement(&self, e: &Entry) -> Option<&Requirement> {
        let r = e.path.requirement?;
        Some(match (self.group(e), self.section(e)) {
            (Some(g), _) => &g.requirements[r],
            (None, Some(s)) => &s.requirements[r],
            (None, None) => &self.chapter(e).requirements[r],
        })
    }

    /// `企画管理編 13④`.
    pub fn label(&self, e: &Entry) -> String {
        format!("{} {}", self.volume(e).name, e.loc)
    }

    /// `GL6 企画管理編 13④`: the reference that names exactly this entry.
    pub fn reference(&self, e: &Entry) -> String {
        format!("{} {}", self.def.short, self.label(e))
    }

    /// A chapter's or section's title (表題不明 when unknown), a group's label, a requirement's text.
    pub fn title(&self, e: &Entry) -> String {
        let titled = |title: &Option<String>, known: bool| match (title, known) {
            (Some(t), true) => t.clone(),
            _ => "表題不明".to_string(),
        };
        match e.kind {
            EntryKind::Chapter => {
                let c = self.chapter(e);
                titled(&c.title, c.title_known)
            }
            EntryKind::Section => match self.section(e) {
                Some(s) => titled(&s.title, s.title_known),
                None => String::new(),
            },
            EntryKind::Group => self
                .group(e)
                .map(|g| format!("＜{}＞", g.label))
                .unwrap_or_default(),
            EntryKind::Requirement => self
                .requirement(e)
                .map(|r| r.text.clone())
                .unwrap_or_default(),
        }
    }

    /// `guideline/kikaku.html`.
    pub fn volume_url(&self, volume: usize) -> String {
        format!("guideline/{}.html", self.def.volumes[volume].id)
    }

    /// `guideline/kikaku.html#kikaku-9`, relative to the site root.
    pub fn entry_url(&self, e: &Entry) -> String {
        format!("{}#{}", self.volume_url(e.path.volume), e.id)
    }

    /// Volumes whose chapters hold sections (経営管理編, 概説編) are resolved section by section.
    pub fn sectioned(&self, volume: usize) -> bool {
        self.def.volumes[volume]
            .chapters
            .iter()
            .any(|c| !c.sections.is_empty())
    }

    /// Byte offset of entry `i` in the catalog file, for diagnostics (0 when not found).
    pub fn entry_offset(&self, i: usize) -> usize {
        let e = &self.entries[i];
        e.offset
            .or_else(|| locate_key_value(&self.file.text, "number", &e.loc, 0))
            .unwrap_or(0)
    }

    /// Bytes from `offset` to the end of its line (at least 1): the span a diagnostic underlines.
    pub fn line_len(&self, offset: usize) -> usize {
        self.file.text[offset.min(self.file.text.len())..]
            .find('\n')
            .unwrap_or(1)
            .max(1)
    }
}

/// `3.4.1` → `3-4-1`; anything but ASCII letters and digits becomes `-`.
fn anchor_part(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// ① → 1 … ⑳ → 20.
pub fn circled_value(c: char) -> Option<u32> {
    ('①'..='⑳').contains(&c).then(|| c as u32 - '①' as u32 + 1)
}

/// The value of a requirement number that is exactly one circled digit.
pub fn circled_number(s: &str) -> Option<u32> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    circled_value(c)
}

fn build_entries(def: &CatalogDef) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for (vi, vol) in def.volumes.iter().enumerate() {
        for (ci, ch) in vol.chapters.iter().enumerate() {
            let ch_path = EntryPath {
                volume: vi,
                chapter: ci,
                ..EntryPath::default()
            };
            let ch_idx = out.len();
            let ch_id = format!("{}-{}", vol.id, anchor_part(&ch.number));
            out.push(Entry {
                kind: EntryKind::Chapter,
                path: ch_path,
                id: ch_id.clone(),
                loc: ch.number.clone(),
                chapter: ch_idx,
                offset: None,
            });
            for (si, sec) in ch.sections.iter().enumerate() {
                let sec_path = EntryPath {
                    section: Some(si),
                    ..ch_path
                };
                let sec_id = format!("{}-{}", vol.id, anchor_part(&sec.number));
                out.push(Entry {
                    kind: EntryKind::Section,
                    path: sec_path,
                    id: sec_id.clone(),
                    loc: sec.number.clone(),
                    chapter: ch_idx,
                    offset: None,
                });
                for (gi, g) in sec.groups.iter().enumerate() {
                    let g_path = EntryPath {
                        group: Some(gi),
                        ..sec_path
                    };
                    let g_id = format!("{sec_id}-g{}", gi + 1);
                    let g_loc = format!("{}＜{}＞", sec.number, g.label);
                    out.push(Entry {
                        kind: EntryKind::Group,
                        path: g_path,
                        id: g_id.clone(),
                        loc: g_loc.clone(),
                        chapter: ch_idx,
                        offset: None,
                    });
                    push_requirements(&mut out, &g.requirements, g_path, &g_id, &g_loc, ch_idx);
                }
                push_requirements(
                    &mut out,
                    &sec.requirements,
                    sec_path,
                    &sec_id,
                    &sec.number,
                    ch_idx,
                );
            }
            push_requirements(
                &mut out,
                &ch.requirements,
                ch_path,
                &ch_id,
                &ch.number,
                ch_idx,
            );
        }
    }
    out
}

fn push_requirements(
    out: &mut Vec<Entry>,
    reqs: &[Requirement],
    path: EntryPath,
    container_id: &str,
    container_loc: &str,
    chapter: usize,
) {
    for (ri, r) in reqs.iter().enumerate() {
        // A malformed number still needs a unique anchor until validate reports it.
        let n = circled_number(&r.number)
            .map(|n| n.to_string())
            .unwrap_or_else(|| format!("r{}", ri + 1));
        out.push(Entry {
            kind: EntryKind::Requirement,
            path: EntryPath {
                requirement: Some(ri),
                ..path
            },
            id: format!("{container_id}-{n}"),
            loc: format!("{container_loc}{}", r.number),
            chapter,
            offset: None,
        });
    }
}

/// serde_yaml keeps no spans, so positions come from the text: the `number:` and `label:` keys
/// appear in the file in the same order as the entries. When the text does not line up (flow
/// style, keys in another order) no offsets are set and diagnostics fall back to searching.
fn assign_offsets(text: &str, def: &CatalogDef, entries: &mut [Entry]) {
    let mut keys: Vec<(usize, &str, String)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut trimmed = line.trim_start();
        while let Some(rest) = trimmed.strip_prefix("- ") {
            trimmed = rest.trim_start();
        }
        for key in ["number", "label"] {
            if let Some(rest) = trimmed.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
                let value = rest.trim();
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                    .unwrap_or(value);
                keys.push((offset + line.len() - trimmed.len(), key, value.to_string()));
            }
        }
        offset += line.len();
    }
    if keys.len() != entries.len() {
        return;
    }
    let cat_view = |e: &Entry| -> (&'static str, String) {
        let vol = &def.volumes[e.path.volume];
        let ch = &vol.chapters[e.path.chapter];
        let sec = e.path.section.map(|s| &ch.sections[s]);
        let group = sec.and_then(|s| e.path.group.map(|g| &s.groups[g]));
        match e.kind {
            EntryKind::Chapter => ("number", ch.number.clone()),
            EntryKind::Section => ("number", sec.map(|s| s.number.clone()).unwrap_or_default()),
            EntryKind::Group => ("label", group.map(|g| g.label.clone()).unwrap_or_default()),
            EntryKind::Requirement => {
                let r = e.path.requirement.unwrap_or(0);
                let reqs = match (group, sec) {
                    (Some(g), _) => &g.requirements,
                    (None, Some(s)) => &s.requirements,
                    (None, None) => &ch.requirements,
                };
                ("number", reqs[r].number.clone())
            }
        }
    };
    let aligned = entries
        .iter()
        .zip(&keys)
        .all(|(e, (_, key, value))| cat_view(e) == (*key, value.clone()));
    if aligned {
        for (e, (o, _, _)) in entries.iter_mut().zip(keys) {
            e.offset = Some(o);
        }
    }
}

// ---------------------------------------------------------------- references

/// A reference that resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Index into `Site::guideline`.
    pub catalog: usize,
    /// Index into the catalog's `def.volumes`.
    pub volume: usize,
    /// As written, without the prefix and with the location's whitespace removed
    /// (`企画管理編 9.1`); this is what the ▶ link shows.
    pub shown: String,
    /// Entries cited, in written order: two for `17①②`, chapter 9 for `9.1`.
    pub targets: Vec<usize>,
    /// Set when the reference is valid but the catalog lacks what it cites.
    pub warning: Option<RefWarning>,
}

/// A reference that resolves, to less than it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefWarning {
    /// What is missing.
    pub message: String,
    /// What to do about it, for the diagnostic's help.
    pub help: &'static str,
}

/// A reference that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
    /// Why, as a diagnostic's message.
    pub message: String,
    /// Existing references close to the one written, best first.
    pub suggestions: Vec<String>,
}

fn ref_err(message: impl Into<String>, suggestions: Vec<String>) -> RefError {
    RefError {
        message: message.into(),
        suggestions,
    }
}

/// A parsed `<loc>`: `<number>[＜<label>＞][<circled>…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Loc {
    number: String,
    label: Option<String>,
    circled: Vec<char>,
}

const LOC_FORMS: &str =
    "a location is <number>[＜group＞][①…], e.g. 9, 9.1, 13④, 17①②, 3.1.2②, 1.2.1＜管理責任＞②";

fn parse_loc(loc: &str) -> Result<Loc, String> {
    let num_end = loc
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(loc.len());
    let number = &loc[..num_end];
    if number.is_empty() {
        return Err(match loc.chars().next() {
            Some(c) if fold_width(c).is_ascii_digit() => {
                format!("`{loc}` is written with full-width digits; write ASCII digits and `.` (9.1, not ９．１)")
            }
            Some('第') => format!("write the chapter as a plain number (`9`, not `{loc}`)"),
            _ => format!("`{loc}` does not start with a chapter or section number; {LOC_FORMS}"),
        });
    }
    if number.split('.').any(str::is_empty) {
        return Err(format!(
            "`{number}` is not a chapter or section number (digits joined by single dots, e.g. 3.4.1)"
        ));
    }
    let mut rest = &loc[num_end..];
    let mut label = None;
    if let Some(r) = rest.strip_prefix('＜') {
        let Some(close) = r.find('＞') else {
            return Err(format!("`＜` without a closing `＞` in `{loc}`"));
        };
        if close == 0 {
            return Err(format!("empty group label `＜＞` in `{loc}`"));
        }
        label = Some(r[..close].to_string());
        rest = &r[close + '＞'.len_utf8()..];
    } else if rest.starts_with(['<', '【', '〈', '《']) {
        return Err(format!(
            "write a group label in full-width angle brackets, as the manuals do: ＜管理責任＞ (in `{loc}`)"
        ));
    }
    let mut circled = Vec::new();
    for (i, c) in rest.char_indices() {
        if circled_value(c).is_some() {
            circled.push(c);
        } else {
            return Err(format!(
                "unexpected `{}` after `{}`; {LOC_FORMS}",
                &rest[i..],
                &loc[..loc.len() - rest.len() + i]
            ));
        }
    }
    Ok(Loc {
        number: number.to_string(),
        label,
        circled,
    })
}

/// Resolves one reference (`GL6 企画管理編 9.1`) against the site's catalogs.
pub fn resolve(catalogs: &[Catalog], written: &str) -> Result<Reference, RefError> {
    let written = written.trim();
    let (prefix, rest) = written
        .split_once(char::is_whitespace)
        .unwrap_or((written, ""));
    let Some(ci) = catalogs.iter().position(|c| c.def.short == prefix) else {
        let message = if catalogs.is_empty() {
            format!("there is no guideline catalog in content/guideline/, so `{prefix}` references cannot be checked")
        } else {
            format!("`{prefix}` is not the prefix of a guideline catalog")
        };
        let suggestions = catalogs
            .iter()
            .map(|c| format!("{} {}", c.def.short, rest.trim()))
            .collect();
        return Err(ref_err(message, suggestions));
    };
    let cat = &catalogs[ci];
    // Manuals break ▶ lines anywhere (`システム運` / `用編`, `1.2.1＜管理` / `責任＞`).
    let compact: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    let volume = cat
        .def
        .volumes
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.name.is_empty() && compact.starts_with(v.name.as_str()))
        .max_by_key(|(_, v)| v.name.len());
    let Some((vi, vol)) = volume else {
        let head_len = compact
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(compact.len());
        let (head, tail) = compact.split_at(head_len);
        // Ties go to the name sharing more characters with what was written (企画編 → 企画管理編).
        let mut names: Vec<(usize, usize, &str)> = cat
            .def
            .volumes
            .iter()
            .map(|v| {
                let common = head.chars().filter(|c| v.name.contains(*c)).count();
                (
                    edit_distance(head, &v.name),
                    usize::MAX - common,
                    v.name.as_str(),
                )
            })
            .collect();
        names.sort();
        let all: Vec<&str> = cat.def.volumes.iter().map(|v| v.name.as_str()).collect();
        let message = if head.is_empty() {
            format!("the reference names no 編 (one of {})", all.join("、"))
        } else {
            format!(
                "`{head}` is not a 編 of the catalog (one of {})",
                all.join("、")
            )
        };
        let suggestions = names
            .into_iter()
            .take(1)
            .map(|(_, _, n)| {
                format!("{} {n} {tail}", cat.def.short)
                    .trim_end()
                    .to_string()
            })
            .collect();
        return Err(ref_err(message, suggestions));
    };
    let loc_text = &compact[vol.name.len()..];
    if loc_text.is_empty() {
        let first = cat
            .entries
            .iter()
            .find(|e| e.path.volume == vi)
            .map(|e| cat.reference(e));
        return Err(ref_err(
            format!("no chapter or section after {}; {LOC_FORMS}", vol.name),
            first.into_iter().collect(),
        ));
    }
    let loc = parse_loc(loc_text).map_err(|m| ref_err(m, Vec::new()))?;
    let (targets, warning) = if cat.sectioned(vi) {
        resolve_sectioned(cat, vi, &loc)?
    } else {
        resolve_by_chapter(cat, vi, &loc)?
    };
    Ok(Reference {
        catalog: ci,
        volume: vi,
        shown: format!("{} {loc_text}", vol.name),
        targets,
        warning,
    })
}

type Resolution = (Vec<usize>, Option<RefWarning>);

fn numeric_parts(loc: &str) -> Vec<u32> {
    loc.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The references of entries that pass `filter`, closest to `wanted` first: by edit distance,
/// then by how far apart the numbers are (3.5 is nearer 3.4 than 3.1). Only the best
/// distance is kept, so a suggestion is never far-fetched when a close one exists.
fn nearest(cat: &Catalog, vi: usize, wanted: &str, filter: impl Fn(&Entry) -> bool) -> Vec<String> {
    let want = numeric_parts(wanted);
    let mut scored: Vec<(usize, u32, usize)> = cat
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.path.volume == vi && filter(e))
        .map(|(i, e)| {
            let have = numeric_parts(&e.loc);
            let gap = want
                .iter()
                .zip(&have)
                .find(|(a, b)| a != b)
                .map(|(a, b)| a.abs_diff(*b))
                .unwrap_or(0);
            (edit_distance(wanted, &e.loc), gap, i)
        })
        .collect();
    scored.sort();
    let best = scored.first().map(|s| s.0);
    scored
        .into_iter()
        .filter(|s| Some(s.0) == best)
        .take(3)
        .map(|(_, _, i)| cat.reference(&cat.entries[i]))
        .collect()
}

fn is_kind(kind: EntryKind) -> impl Fn(&Entry) -> bool {
    move |e| e.kind == kind
}

/// Requirements of the container `container_loc` whose number is nearest to `c`.
fn nearest_requirements(cat: &Catalog, vi: usize, container_loc: &str, c: char) -> Vec<String> {
    let want = circled_value(c).unwrap_or(0);
    let mut found: Vec<(u32, usize)> = cat
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::Requirement && e.path.volume == vi)
        .filter_map(|(i, e)| {
            let n = e.loc.strip_prefix(container_loc)?;
            Some((circled_number(n)?.abs_diff(want), i))
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .take(3)
        .map(|(_, i)| cat.reference(&cat.entries[i]))
        .collect()
}

fn find_chapter(cat: &Catalog, vi: usize, number: &str) -> Result<usize, RefError> {
    cat.find_kind(vi, number, EntryKind::Chapter)
        .ok_or_else(|| {
            ref_err(
                format!("{} has no chapter {number}", cat.def.volumes[vi].name),
                nearest(cat, vi, number, is_kind(EntryKind::Chapter)),
            )
        })
}

fn circled_text(circled: &[char]) -> String {
    circled.iter().collect()
}

/// 経営管理編, 概説編: requirements live in sections (and groups).
fn resolve_sectioned(cat: &Catalog, vi: usize, loc: &Loc) -> Result<Resolution, RefError> {
    let vol_name = &cat.def.volumes[vi].name;
    let chapter_no = loc.number.split('.').next().unwrap_or_default();
    let ch = find_chapter(cat, vi, chapter_no)?;
    if !loc.number.contains('.') {
        return chapter_of_sections(cat, vi, ch, loc);
    }
    let Some(sec) = cat.find_kind(vi, &loc.number, EntryKind::Section) else {
        return Err(ref_err(
            format!("{vol_name} has no section {}", loc.number),
            nearest(cat, vi, &loc.number, is_kind(EntryKind::Section)),
        ));
    };
    let Some(section) = cat.section(&cat.entries[sec]) else {
        return Ok((vec![sec], None));
    };
    if let Some(label) = &loc.label {
        let group = find_group(cat, vi, (ch, sec), section, loc, label)?;
        if loc.circled.is_empty() {
            return Ok((vec![group], None));
        }
        let g_loc = format!("{}＜{label}＞", loc.number);
        return Ok((
            requirements_in(cat, vi, &g_loc, &loc.circled, "group")?,
            None,
        ));
    }
    if loc.circled.is_empty() {
        return Ok((vec![sec], None));
    }
    section_requirements(cat, vi, section, loc)
}

/// A chapter of a sectioned volume: it may be cited whole, but its groups and requirements
/// only through their section.
fn chapter_of_sections(
    cat: &Catalog,
    vi: usize,
    ch: usize,
    loc: &Loc,
) -> Result<Resolution, RefError> {
    let vol_name = &cat.def.volumes[vi].name;
    if let Some(label) = &loc.label {
        let suggestions = nearest(cat, vi, &format!("＜{label}＞"), |e| {
            e.kind == EntryKind::Group && e.chapter == ch
        });
        return Err(ref_err(
            format!(
                "＜{label}＞ needs its section: groups belong to sections (e.g. 1.2.1＜管理責任＞)"
            ),
            suggestions,
        ));
    }
    if let Some(&c) = loc.circled.first() {
        let suggestions: Vec<String> = cat
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Requirement && e.chapter == ch && e.loc.ends_with(c))
            .take(3)
            .map(|e| cat.reference(e))
            .collect();
        return Err(ref_err(
            format!(
                "`{}{}`: the requirements of {vol_name} are numbered within sections, not chapters; name the section (e.g. 3.1.2②)",
                loc.number,
                circled_text(&loc.circled)
            ),
            suggestions,
        ));
    }
    Ok((vec![ch], None))
}

/// The group `＜label＞` of a section, or an error listing the groups it has.
fn find_group(
    cat: &Catalog,
    vi: usize,
    (ch, sec): (usize, usize),
    section: &GuidelineSection,
    loc: &Loc,
    label: &str,
) -> Result<usize, RefError> {
    let vol_name = &cat.def.volumes[vi].name;
    let g_loc = format!("{}＜{label}＞", loc.number);
    if let Some(group) = cat.find_kind(vi, &g_loc, EntryKind::Group) {
        return Ok(group);
    }
    let message = if section.groups.is_empty() {
        format!("section {} of {vol_name} has no ＜…＞ groups", loc.number)
    } else {
        let labels: Vec<String> = section
            .groups
            .iter()
            .map(|g| format!("＜{}＞", g.label))
            .collect();
        format!(
            "section {} of {vol_name} has no group ＜{label}＞ (its groups: {})",
            loc.number,
            labels.join("、")
        )
    };
    let mut suggestions = nearest(cat, vi, &g_loc, |e| {
        e.kind == EntryKind::Group
            && e.path.section == cat.entries[sec].path.section
            && e.chapter == ch
    });
    if suggestions.is_empty() {
        suggestions.push(cat.reference(&cat.entries[sec]));
    }
    Err(ref_err(message, suggestions))
}

/// The requirements `circled` of a section that numbers them itself (not within groups, and
/// not a bare heading).
fn section_requirements(
    cat: &Catalog,
    vi: usize,
    section: &GuidelineSection,
    loc: &Loc,
) -> Result<Resolution, RefError> {
    let vol_name = &cat.def.volumes[vi].name;
    let first = loc.circled[0];
    if !section.groups.is_empty() {
        let suggestions: Vec<String> = section
            .groups
            .iter()
            .filter(|g| g.requirements.iter().any(|r| r.number == first.to_string()))
            .map(|g| {
                format!(
                    "{} {vol_name} {}＜{}＞{}",
                    cat.def.short,
                    loc.number,
                    g.label,
                    circled_text(&loc.circled)
                )
            })
            .collect();
        return Err(ref_err(
            format!(
                "`{}{}` is ambiguous: section {} numbers its requirements within ＜…＞ groups; name the group",
                loc.number,
                circled_text(&loc.circled),
                loc.number
            ),
            suggestions,
        ));
    }
    if section.requirements.is_empty() {
        let prefix = format!("{}.", loc.number);
        let suggestions: Vec<String> = cat
            .entries
            .iter()
            .filter(|e| {
                e.kind == EntryKind::Requirement
                    && e.path.volume == vi
                    && e.loc.starts_with(&prefix)
                    && e.loc.ends_with(first)
            })
            .take(3)
            .map(|e| cat.reference(e))
            .collect();
        return Err(ref_err(
            format!(
                "section {} of {vol_name} is a heading with no requirements of its own; cite one of its sub-sections",
                loc.number
            ),
            suggestions,
        ));
    }
    Ok((
        requirements_in(cat, vi, &loc.number, &loc.circled, "section")?,
        None,
    ))
}

/// The requirements numbered `circled` inside the container at `container_loc` (a section or
/// a group, as `what` names it), or an error naming the first that is missing.
fn requirements_in(
    cat: &Catalog,
    vi: usize,
    container_loc: &str,
    circled: &[char],
    what: &str,
) -> Result<Vec<usize>, RefError> {
    let vol_name = &cat.def.volumes[vi].name;
    circled
        .iter()
        .map(|&c| {
            cat.find_kind(vi, &format!("{container_loc}{c}"), EntryKind::Requirement)
                .ok_or_else(|| {
                    ref_err(
                        format!("{what} {container_loc} of {vol_name} has no requirement {c}"),
                        nearest_requirements(cat, vi, container_loc, c),
                    )
                })
        })
        .collect()
}

/// 企画管理編, システム運用編: requirements are listed by chapter; sub-section numbers such as
/// `9.1` are not in the source, so they point at their chapter and are kept for display only.
fn resolve_by_chapter(cat: &Catalog, vi: usize, loc: &Loc) -> Result<Resolution, RefError> {
    let vol_name = &cat.def.volumes[vi].name;
    let components = loc.number.split('.').count();
    let chapter_no = loc.number.split('.').next().unwrap_or_default();
    let ch = find_chapter(cat, vi, chapter_no)?;
    if let Some(label) = &loc.label {
        return Err(ref_err(
            format!("{vol_name} has no ＜…＞ groups (＜{label}＞); groups exist only in sectioned 編 such as 経営管理編"),
            vec![cat.reference(&cat.entries[ch])],
        ));
    }
    if components > 1 && !loc.circled.is_empty() {
        let written = format!("{chapter_no}{}", circled_text(&loc.circled));
        let suggestion = cat
            .find(vi, &format!("{chapter_no}{}", loc.circled[0]))
            .map(|_| format!("{} {vol_name} {written}", cat.def.short));
        return Err(ref_err(
            format!(
                "`{}{}`: {vol_name} numbers its requirements within chapters; write `{written}`",
                loc.number,
                circled_text(&loc.circled)
            ),
            suggestion.into_iter().collect(),
        ));
    }
    let chapter = cat.chapter(&cat.entries[ch]);
    if components > 1 && !chapter.subsections.contains(&loc.number) {
        let title = chapter.title.as_deref().unwrap_or("表題不明");
        let known = if chapter.subsections.is_empty() {
            "none".to_string()
        } else {
            chapter.subsections.join(", ")
        };
        let warning = format!(
            "the catalog lists no sub-section {} in chapter {chapter_no} of {vol_name} (known: {known}); the link falls back to chapter {chapter_no} {title}",
            loc.number
        );
        return Ok((
            vec![ch],
            Some(RefWarning {
                message: warning,
                help: "check the number against the guideline; if it is right, add it to the chapter's `subsections:` in the catalog (docs/guideline-catalog.md)",
            }),
        ));
    }
    if components > 1 || loc.circled.is_empty() {
        return Ok((vec![ch], None));
    }
    let mut targets = Vec::new();
    let mut warning = None;
    for &c in &loc.circled {
        if let Some(r) = cat.find_kind(vi, &format!("{chapter_no}{c}"), EntryKind::Requirement) {
            targets.push(r);
        } else if chapter.missing_numbers.iter().any(|m| m == &c.to_string()) {
            if !targets.contains(&ch) {
                targets.push(ch);
            }
            warning = Some(RefWarning {
                message: format!(
                    "{vol_name} {chapter_no}{c} exists in the guideline but its text is not in the catalog (missing_numbers); the link goes to chapter {chapter_no}"
                ),
                help: "the reference is kept; add the requirement's text to the catalog when a source for it is found",
            });
        } else {
            return Err(ref_err(
                format!("chapter {chapter_no} of {vol_name} has no requirement {c}"),
                nearest_requirements(cat, vi, chapter_no, c),
            ));
        }
    }
    Ok((targets, warning))
}

// ---------------------------------------------------------------- where references are written

/// What wrote a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Citer {
    /// A checklist item (`item: None` is the checklist's gate).
    Item {
        /// Index into `Site::checklists`.
        checklist: usize,
        /// Index into the checklist's `def.items`.
        item: Option<usize>,
    },
    /// A Markdown page; `nth` is the reference's index in `page.markdown.refs`.
    Page {
        /// Index into `Site::pages`.
        page: usize,
        /// Index into the page's `markdown.refs`.
        nth: usize,
    },
}

/// One reference as written, and where.
#[derive(Debug, Clone)]
pub struct Citation {
    /// As written (`GL6 企画管理編 9.1`).
    pub written: String,
    /// The item or page that wrote it.
    pub citer: Citer,
    /// Byte range of the reference in the citing file, for diagnostics.
    pub offset: usize,
    /// Length in bytes of that range.
    pub len: usize,
}

impl Citation {
    /// The file the reference is written in.
    pub fn file<'a>(&self, site: &'a Site) -> &'a SourceFile {
        match self.citer {
            Citer::Item { checklist, .. } => &site.checklists[checklist].file,
            Citer::Page { page, .. } => &site.pages[page].file,
        }
    }
}

/// Every reference written anywhere in the site, in a stable order (checklists, then pages).
pub fn citations(site: &Site) -> Vec<Citation> {
    let mut out = Vec::new();
    for (ci, c) in site.checklists.iter().enumerate() {
        let text = &c.file.text;
        if let Some(g) = &c.def.gate {
            let base = locate_text(text, "\ngate:", 0).map(|o| o + 1).unwrap_or(0);
            push_yaml_refs(&mut out, text, base, &g.refs, ci, None);
        }
        // Items are written in list order: each is looked for after the one before, not from
        // the top of the file again (quadratic on a long list).
        let mut from = 0;
        for (ii, item) in c.def.items.iter().enumerate() {
            let base = locate_key_value(&text[from..], "id", &item.id, 0)
                .map(|o| from + o)
                .or_else(|| locate_key_value(text, "id", &item.id, 0))
                .unwrap_or(0);
            from = base;
            push_yaml_refs(&mut out, text, base, &item.refs, ci, Some(ii));
        }
    }
    for (pi, page) in site.pages.iter().enumerate() {
        for (nth, r) in page.markdown.refs.iter().enumerate() {
            out.push(Citation {
                written: r.target.clone(),
                citer: Citer::Page { page: pi, nth },
                offset: page.body_offset + r.offset,
                len: r.target.len() + 4,
            });
        }
    }
    out
}

fn push_yaml_refs(
    out: &mut Vec<Citation>,
    text: &str,
    base: usize,
    refs: &[String],
    checklist: usize,
    item: Option<usize>,
) {
    for (n, r) in refs.iter().enumerate() {
        let nth = refs[..n].iter().filter(|x| *x == r).count();
        let offset = text
            .get(base..)
            .and_then(|t| t.match_indices(r.as_str()).nth(nth))
            .map(|(i, _)| base + i)
            .unwrap_or(base);
        out.push(Citation {
            written: r.clone(),
            citer: Citer::Item { checklist, item },
            offset,
            len: r.len(),
        });
    }
}

// ---------------------------------------------------------------- links to the catalog

/// `text` on one line, cut to `max` characters with `…` when longer.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split('\n').collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        flat.chars().take(max).collect::<String>() + "…"
    }
}

/// Tooltip of a resolved reference: what it points at.
pub fn ref_title(cat: &Catalog, r: &Reference) -> String {
    r.targets
        .iter()
        .map(|&t| {
            let e = &cat.entries[t];
            format!("{} {}", cat.label(e), excerpt(&cat.title(e), 60))
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The checklist template's view of item refs: `{label, url}`, `url` relative to the page
/// (`root` is its prefix to the site root) and null when the reference does not resolve. No
/// `title` with the guideline's words: the label names the reference, the text is one click
/// away, and repeated on every item it weighed more than the items themselves.
pub fn ref_links(site: &Site, refs: &[String], root: &str) -> Vec<Value> {
    refs.iter()
        .map(|written| match resolve(&site.guideline, written) {
            Ok(r) => {
                let cat = &site.guideline[r.catalog];
                let url = r
                    .targets
                    .first()
                    .map(|&t| format!("{root}{}", cat.entry_url(&cat.entries[t])));
                json!({"label": r.shown, "url": url})
            }
            Err(_) => {
                let label = written
                    .split_once(char::is_whitespace)
                    .map(|(_, rest)| rest.trim())
                    .unwrap_or(written);
                json!({"label": label, "url": null})
            }
        })
        .collect()
}

/// How the Markdown stage's `[[GL6 …]]` placeholders begin in rendered HTML.
pub const PLACEHOLDER_OPEN: &str = "<span class=\"gl-ref\" data-ref=\"";

fn unescape_attr(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Turns the Markdown stage's `[[GL6 …]]` placeholders in a rendered page into ▶ links to the
/// guideline pages. The ▶ printed before a reference in the source moves into the link, so that
/// `▶ [[GL6 企画管理編 9.1]]` reads `▶企画管理編 9.1` as in the manual. Placeholders that do not
/// resolve stay as they are; validation has already reported them.
pub fn link_placeholders(site: &Site, from: &str, html: &str) -> String {
    if !html.contains(PLACEHOLDER_OPEN) {
        return html.to_string();
    }
    let root = root_prefix(from);
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(pos) = rest.find(PLACEHOLDER_OPEN) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + PLACEHOLDER_OPEN.len()..];
        let parsed = after.find('"').and_then(|q| {
            let close = after[q..].find("</span>")? + q;
            Some((&after[..q], close + "</span>".len()))
        });
        let Some((attr, consumed)) = parsed else {
            out.push_str(PLACEHOLDER_OPEN);
            rest = after;
            continue;
        };
        let original = &rest[pos..pos + PLACEHOLDER_OPEN.len() + consumed];
        match resolve(&site.guideline, &unescape_attr(attr)) {
            Ok(r) if !r.targets.is_empty() => {
                let cat = &site.guideline[r.catalog];
                let kept = out.trim_end_matches([' ', '\u{3000}']).len();
                if out[..kept].ends_with('▶') {
                    out.truncate(kept - '▶'.len_utf8());
                }
                out.push_str(&format!(
                    "<a class=\"gl-ref\" href=\"{root}{}\" title=\"{}\">▶{}</a>",
                    escape_attr(&cat.entry_url(&cat.entries[r.targets[0]])),
                    escape_attr(&ref_title(cat, &r)),
                    escape_attr(&r.shown)
                ));
            }
            _ => out.push_str(original),
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SAMPLE: &str = r#"id: gl6
title: テスト版ガイドライン
short: GL6
source:
  title: テスト用の相関表
recovery_notes:
  - at: "企画管理編 9 ③"
    note: 相関表に現れない。
  - at: "経営管理編 3.1.2 ②, 3.4.1"
    note: 二つの場所。
discrepancies:
  - at: "企画管理編 13 ④"
    chosen: 甲
    other: 乙
    where_other: 別の行
    note: 多数を採用
volumes:
  - id: gaisetsu
    name: 概説編
    chapters:
      - number: "2"
        title_known: false
        sections:
          - number: "2.3"
            title_known: false
  - id: keiei
    name: 経営管理編
    chapters:
      - number: "1"
        title: 責任
        sections:
          - number: "1.2"
            title: 医療機関等における責任
          - number: "1.2.1"
            title: 通常時における責任
            groups:
              - label: 説明責任
                requirements:
                  - number: "①"
                    text: 体制を整えること。
                    gl52: []
                    gl52_note: 新設
              - label: 管理責任
                requirements:
                  - number: "①"
                    text: 組織体制を整備すること。
                    gl52: ["6.3C1-5", "第10章"]
                  - number: "②"
                    text: 監査を実施すること。
                    gl52: ["6.10C5"]
      - number: "3"
        title: 統制
        sections:
          - number: "3.1"
            title: 統制の基本
          - number: "3.1.2"
            title: 留意点
            requirements:
              - number: "①"
                text: 一つ目。
                gl52: ["6.2C4"]
              - number: "②"
                text: 責任者を設置すること。
                gl52: ["１０C1(2)c"]
          - number: "3.2"
            title: 設計
          - number: "3.2.1"
            title: 設計の一
            requirements:
              - number: "②"
                text: 設計すること。
                gl52: ["6-7章"]
          - number: "3.4"
            title: 事業継続
          - number: "3.4.1"
            title: BCP
            requirements:
              - number: "①"
                text: BCPを整備すること。
                gl52: ["6.10C1"]
  - id: kikaku
    name: 企画管理編
    chapters:
      - number: "9"
        title: 資産管理
        missing_numbers: ["③"]
        subsections: ["9.1"]
        requirements:
          - number: "①"
            text: 資産管理を行うこと。
          - number: "②"
            text: 台帳を整備すること。
      - number: "13"
        title: 認証等及び権限
        subsections: ["13.1.3"]
        requirements:
          - number: "④"
            text: 権限を管理すること。
            suspect: true
  - id: unyou
    name: システム運用編
    chapters:
      - number: "17"
        title: 証跡のレビュー
        requirements:
          - number: "①"
            text: アクセスログを記録すること。
          - number: "②"
            text: |-
              次の事項を確認すること。
              － 記録の内容
"#;

    pub(crate) fn catalog() -> Catalog {
        parse(&SourceFile::new("content/guideline/gl6.yaml", SAMPLE)).unwrap()
    }

    fn resolved(cat: &Catalog, r: &str) -> Vec<String> {
        let res = resolve(std::slice::from_ref(cat), r).unwrap_or_else(|e| panic!("{r}: {e:?}"));
        res.targets
            .iter()
            .map(|&t| cat.entries[t].id.clone())
            .collect()
    }

    fn error(cat: &Catalog, r: &str) -> RefError {
        resolve(std::slice::from_ref(cat), r).expect_err(r)
    }

    #[test]
    fn entries_get_the_documented_anchors() {
        let cat = catalog();
        let ids: Vec<&str> = cat.entries.iter().map(|e| e.id.as_str()).collect();
        for id in [
            "gaisetsu-2",
            "gaisetsu-2-3",
            "keiei-1-2-1",
            "keiei-1-2-1-g2",
            "keiei-1-2-1-g2-2",
            "keiei-3-1-2-2",
            "kikaku-9",
            "kikaku-9-1",
            "kikaku-13-4",
            "unyou-17-1",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn offsets_point_at_each_number_line() {
        let cat = catalog();
        for (i, e) in cat.entries.iter().enumerate() {
            let o = e.offset.unwrap_or_else(|| panic!("{} has no offset", e.id));
            let line = &SAMPLE[o..SAMPLE[o..]
                .find('\n')
                .map(|n| o + n)
                .unwrap_or(SAMPLE.len())];
            assert!(
                line.starts_with("number:") || line.starts_with("label:"),
                "{i}: {line}"
            );
        }
    }

    #[test]
    fn unknown_keys_fail_with_a_position() {
        let text = SAMPLE.replace("        title: 資産管理\n", "        titel: 資産管理\n");
        let d = parse(&SourceFile::new("content/guideline/gl6.yaml", text)).unwrap_err();
        assert!(d.message.contains("unknown key"), "{}", d.message);
        assert!(d.location.unwrap().line > 1);
    }

    #[test]
    fn resolves_chapters_and_sections() {
        let cat = catalog();
        assert_eq!(resolved(&cat, "GL6 企画管理編 9"), ["kikaku-9"]);
        assert_eq!(resolved(&cat, "GL6 経営管理編 3"), ["keiei-3"]);
        // A heading section stands for itself (with its sub-sections).
        assert_eq!(resolved(&cat, "GL6 経営管理編 3.2"), ["keiei-3-2"]);
        assert_eq!(resolved(&cat, "GL6 経営管理編 3.4.1"), ["keiei-3-4-1"]);
    }

    #[test]
    fn resolves_requirements_by_section_and_by_chapter() {
        let cat = catalog();
        assert_eq!(resolved(&cat, "GL6 経営管理編 3.1.2②"), ["keiei-3-1-2-2"]);
        assert_eq!(resolved(&cat, "GL6 企画管理編 13④"), ["kikaku-13-4"]);
        assert_eq!(
            resolved(&cat, "GL6 システム運用編 17①②"),
            ["unyou-17-1", "unyou-17-2"]
        );
    }

    #[test]
    fn sub_sections_of_chapter_volumes_point_at_the_chapter_and_keep_their_number() {
        let cat = catalog();
        for (r, id, shown) in [
            ("GL6 企画管理編 9.1", "kikaku-9", "企画管理編 9.1"),
            ("GL6 企画管理編 13.1.3", "kikaku-13", "企画管理編 13.1.3"),
            ("GL6 システム運用編 17.2", "unyou-17", "システム運用編 17.2"),
        ] {
            let res = resolve(std::slice::from_ref(&cat), r).unwrap();
            assert_eq!(cat.entries[res.targets[0]].id, id);
            assert_eq!(res.shown, shown);
        }
    }

    #[test]
    fn resolves_groups_and_their_requirements() {
        let cat = catalog();
        assert_eq!(
            resolved(&cat, "GL6 経営管理編 1.2.1＜管理責任＞②"),
            ["keiei-1-2-1-g2-2"]
        );
        assert_eq!(
            resolved(&cat, "GL6 経営管理編 1.2.1＜管理責任＞"),
            ["keiei-1-2-1-g2"]
        );
    }

    #[test]
    fn resolves_gaisetsu_sections() {
        let cat = catalog();
        assert_eq!(resolved(&cat, "GL6 概説編 2.3"), ["gaisetsu-2-3"]);
        assert_eq!(resolved(&cat, "GL6 概説編 2"), ["gaisetsu-2"]);
        let e = error(&cat, "GL6 概説編 2.4");
        assert!(e.message.contains("no section 2.4"), "{e:?}");
        assert_eq!(e.suggestions[0], "GL6 概説編 2.3");
    }

    #[test]
    fn whitespace_inside_the_location_is_ignored() {
        let cat = catalog();
        assert_eq!(
            resolved(&cat, "GL6 経営管理編 1.2.1＜管理\n責任＞\n②"),
            ["keiei-1-2-1-g2-2"]
        );
        assert_eq!(resolved(&cat, "GL6 システム運\n用編 17①"), ["unyou-17-1"]);
        let res = resolve(
            std::slice::from_ref(&cat),
            "GL6 経営管理編 1.2.1＜管理\n責任＞②",
        )
        .unwrap();
        assert_eq!(res.shown, "経営管理編 1.2.1＜管理責任＞②");
    }

    #[test]
    fn unknown_subsections_fall_back_to_the_chapter_with_a_warning() {
        let cat = catalog();
        for known in ["GL6 企画管理編 9.1", "GL6 企画管理編 13.1.3"] {
            let res = resolve(std::slice::from_ref(&cat), known).unwrap();
            assert_eq!(res.warning, None, "{known}");
        }
        for (written, chapter) in [
            ("GL6 企画管理編 13.1.33", "13"),
            ("GL6 企画管理編 9.9", "9"),
        ] {
            let res = resolve(std::slice::from_ref(&cat), written).unwrap();
            assert_eq!(cat.entries[res.targets[0]].id, format!("kikaku-{chapter}"));
            let w = res.warning.expect(written).message;
            assert!(
                w.contains(&format!("falls back to chapter {chapter} ")),
                "{w}"
            );
        }
    }

    #[test]
    fn missing_numbers_resolve_to_the_chapter_with_a_warning() {
        let cat = catalog();
        let res = resolve(std::slice::from_ref(&cat), "GL6 企画管理編 9③").unwrap();
        assert_eq!(cat.entries[res.targets[0]].id, "kikaku-9");
        assert!(res.warning.unwrap().message.contains("missing_numbers"));
    }

    #[test]
    fn unknown_chapters_suggest_the_nearest() {
        let cat = catalog();
        let e = error(&cat, "GL6 企画管理編 99");
        assert!(e.message.contains("no chapter 99"), "{e:?}");
        assert_eq!(e.suggestions[0], "GL6 企画管理編 9");
        let e = error(&cat, "GL6 経営管理編 3.5");
        assert_eq!(e.suggestions[0], "GL6 経営管理編 3.4");
    }

    #[test]
    fn invalid_forms_are_errors() {
        let cat = catalog();
        // Ambiguous without the group.
        let e = error(&cat, "GL6 経営管理編 1.2.1②");
        assert!(e.message.contains("ambiguous"), "{e:?}");
        assert_eq!(e.suggestions, ["GL6 経営管理編 1.2.1＜管理責任＞②"]);
        // Circled number on a chapter of a sectioned 編.
        let e = error(&cat, "GL6 経営管理編 3①");
        assert!(e.message.contains("within sections"), "{e:?}");
        assert!(e.suggestions.contains(&"GL6 経営管理編 3.1.2①".to_string()));
        // Heading section has no requirements of its own.
        let e = error(&cat, "GL6 経営管理編 3.2②");
        assert!(e.message.contains("heading"), "{e:?}");
        assert_eq!(e.suggestions, ["GL6 経営管理編 3.2.1②"]);
        // Sub-section with a circled number in a chapter 編.
        let e = error(&cat, "GL6 企画管理編 9.1②");
        assert_eq!(e.suggestions, ["GL6 企画管理編 9②"]);
        // Groups exist only in sectioned 編.
        assert!(error(&cat, "GL6 企画管理編 9＜管理責任＞")
            .message
            .contains("no ＜…＞ groups"));
        // Unknown requirement, group, 編 and prefix.
        let e = error(&cat, "GL6 企画管理編 13⑤");
        assert_eq!(e.suggestions, ["GL6 企画管理編 13④"]);
        let e = error(&cat, "GL6 経営管理編 1.2.1＜監理責任＞");
        assert_eq!(e.suggestions[0], "GL6 経営管理編 1.2.1＜管理責任＞");
        let e = error(&cat, "GL6 企画編 9");
        assert_eq!(e.suggestions, ["GL6 企画管理編 9"]);
        let e = error(&cat, "GL5 企画管理編 9");
        assert_eq!(e.suggestions, ["GL6 企画管理編 9"]);
        // Malformed locations.
        assert!(error(&cat, "GL6 企画管理編 ９．１")
            .message
            .contains("full-width"));
        assert!(error(&cat, "GL6 企画管理編 第9章")
            .message
            .contains("plain number"));
        assert!(error(&cat, "GL6 経営管理編 1.2.1【管理責任】")
            .message
            .contains("＜管理責任＞"));
        assert!(error(&cat, "GL6 企画管理編 9..1")
            .message
            .contains("not a chapter"));
        assert!(error(&cat, "GL6 企画管理編 9a")
            .message
            .contains("unexpected `a`"));
        assert!(error(&cat, "GL6 企画管理編")
            .message
            .contains("no chapter or section"));
    }

    #[test]
    fn without_a_catalog_every_reference_is_an_error() {
        let e = resolve(&[], "GL6 企画管理編 9").unwrap_err();
        assert!(e.message.contains("no guideline catalog"), "{e:?}");
    }
}
