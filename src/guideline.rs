//! Guideline catalog (`content/guideline/*.yaml`) and the references that cite it.
//!
//! A reference `GL6 <編> <loc>` is written in a checklist item's or gate's `refs:` or as a
//! Markdown `[[GL6 …]]`. The validate stage resolves every one against the catalog, so a
//! reference that names nothing is an error at its own file:line:col. The render stage turns
//! each one into a link to an anchor on the guideline pages. Those pages list every 遵守事項 with
//! the checklist items and manual pages that cite it. Rules: docs/guideline-catalog.md.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tera::Context;

use crate::diag::{locate_key_value, locate_text, Diagnostic, Diagnostics, SourceFile};
use crate::kit::edit_distance;
use crate::kit::escape_attr;
use crate::kit::{root_prefix, Output};
use crate::markdown::fold_width;
use crate::model::{Checklist, Discrepancy, Item, PageKind, Provenance, Site, Source};
use crate::render::RenderOptions;
use crate::theme::Theme;

// ---------------------------------------------------------------- the catalog file

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogDef {
    pub id: String,
    pub title: String,
    /// The prefix written in references (`GL6`).
    pub short: String,
    pub source: Source,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub recovery_notes: Vec<RecoveryNote>,
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
    pub volumes: Vec<Volume>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryNote {
    pub at: String,
    pub note: String,
}

/// One 編.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub title_known: bool,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<GuidelineSection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
}

/// A numbered section of 経営管理編 or 概説編, at any depth (listed flat).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuidelineSection {
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub title_known: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
}

/// Requirements under a ＜…＞ heading; numbering restarts at ① in each group.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub label: String,
    pub requirements: Vec<Requirement>,
}

/// One 遵守事項.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub number: String,
    pub text: String,
    /// `None`: the table has no 5.2 column here; `Some([])`: it prints `－` (no 5.2 location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gl52: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gl52_note: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub suspect: bool,
}

// ---------------------------------------------------------------- entries

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Chapter,
    Section,
    Group,
    Requirement,
}

/// Where an entry sits in [`CatalogDef`], by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntryPath {
    pub volume: usize,
    pub chapter: usize,
    pub section: Option<usize>,
    pub group: Option<usize>,
    pub requirement: Option<usize>,
}

/// Anything a reference can point at, flattened in document order so that anchors,
/// backlinks and the cross-reference JSON can all be keyed by one index.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: EntryKind,
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

#[derive(Debug)]
pub struct Catalog {
    pub file: SourceFile,
    pub def: CatalogDef,
    pub entries: Vec<Entry>,
    by_loc: HashMap<(usize, String), usize>,
}

pub fn parse(file: &SourceFile) -> Result<Catalog, Diagnostic> {
    let def: CatalogDef = crate::yaml::from_str(file, &file.text, 0)?;
    Ok(Catalog::new(file.clone(), def))
}

impl Catalog {
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

    pub fn find(&self, volume: usize, loc: &str) -> Option<usize> {
        self.by_loc.get(&(volume, loc.to_string())).copied()
    }

    fn find_kind(&self, volume: usize, loc: &str, kind: EntryKind) -> Option<usize> {
        self.find(volume, loc)
            .filter(|&i| self.entries[i].kind == kind)
    }

    pub fn volume(&self, e: &Entry) -> &Volume {
        &self.def.volumes[e.path.volume]
    }
    pub fn chapter(&self, e: &Entry) -> &Chapter {
        &self.volume(e).chapters[e.path.chapter]
    }
    pub fn section(&self, e: &Entry) -> Option<&GuidelineSection> {
        e.path.section.map(|s| &self.chapter(e).sections[s])
    }
    pub fn group(&self, e: &Entry) -> Option<&Group> {
        let s = self.section(e)?;
        e.path.group.map(|g| &s.groups[g])
    }
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
    fn sectioned(&self, volume: usize) -> bool {
        self.def.volumes[volume]
            .chapters
            .iter()
            .any(|c| !c.sections.is_empty())
    }

    fn entry_offset(&self, i: usize) -> usize {
        let e = &self.entries[i];
        e.offset
            .or_else(|| locate_key_value(&self.file.text, "number", &e.loc, 0))
            .unwrap_or(0)
    }

    fn line_len(&self, offset: usize) -> usize {
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
fn circled_number(s: &str) -> Option<u32> {
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
    pub message: String,
    pub help: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
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
    let components = loc.number.split('.').count();
    let chapter_no = loc.number.split('.').next().unwrap_or_default();
    let ch = find_chapter(cat, vi, chapter_no)?;
    if components == 1 {
        if let Some(label) = &loc.label {
            let suggestions = nearest(cat, vi, &format!("＜{label}＞"), |e| {
                e.kind == EntryKind::Group && e.chapter == ch
            });
            return Err(ref_err(
                format!("＜{label}＞ needs its section: groups belong to sections (e.g. 1.2.1＜管理責任＞)"),
                suggestions,
            ));
        }
        if let Some(&c) = loc.circled.first() {
            let suggestions: Vec<String> = cat
                .entries
                .iter()
                .filter(|e| {
                    e.kind == EntryKind::Requirement && e.chapter == ch && e.loc.ends_with(c)
                })
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
        return Ok((vec![ch], None));
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
        let g_loc = format!("{}＜{label}＞", loc.number);
        let Some(group) = cat.find_kind(vi, &g_loc, EntryKind::Group) else {
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
            return Err(ref_err(message, suggestions));
        };
        if loc.circled.is_empty() {
            return Ok((vec![group], None));
        }
        let mut targets = Vec::new();
        for &c in &loc.circled {
            match cat.find_kind(vi, &format!("{g_loc}{c}"), EntryKind::Requirement) {
                Some(r) => targets.push(r),
                None => {
                    return Err(ref_err(
                        format!("group {g_loc} of {vol_name} has no requirement {c}"),
                        nearest_requirements(cat, vi, &g_loc, c),
                    ))
                }
            }
        }
        return Ok((targets, None));
    }
    if loc.circled.is_empty() {
        return Ok((vec![sec], None));
    }
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
    let mut targets = Vec::new();
    for &c in &loc.circled {
        match cat.find_kind(vi, &format!("{}{c}", loc.number), EntryKind::Requirement) {
            Some(r) => targets.push(r),
            None => {
                return Err(ref_err(
                    format!(
                        "section {} of {vol_name} has no requirement {c}",
                        loc.number
                    ),
                    nearest_requirements(cat, vi, &loc.number, c),
                ))
            }
        }
    }
    Ok((targets, None))
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
        checklist: usize,
        item: Option<usize>,
    },
    /// A Markdown page; `nth` is the reference's index in `page.markdown.refs`.
    Page { page: usize, nth: usize },
}

#[derive(Debug, Clone)]
pub struct Citation {
    pub written: String,
    pub citer: Citer,
    /// Byte range of the reference in the citing file, for diagnostics.
    pub offset: usize,
    pub len: usize,
}

impl Citation {
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

// ---------------------------------------------------------------- validation

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
        let Some(r) = cat.requirement(e) else {
            continue;
        };
        let mut reasons = text_problems(&r.text, &headings[e.path.volume]);
        if r.suspect {
            reasons.push("marked `suspect: true`".into());
        }
        if !reasons.is_empty() {
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
            diags.push(
                Diagnostic::warning(format!(
                    "{} may be incomplete or damaged: {}",
                    cat.reference(e),
                    reasons.join("; ")
                ))
                .at_offset(file, text_at, text_len)
                .with_help(help),
            );
        }
    }
}

/// Structural problems of one entry, as (message, help).
fn entry_problems(cat: &Catalog, e: &Entry, label: &str, out: &mut Vec<(String, String)>) {
    let vol = cat.volume(e);
    let mut error = |message: String, help: &str| out.push((message, help.to_string()));
    match e.kind {
        EntryKind::Chapter => {
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
            check_title(&ch.title, ch.title_known, label, &mut error);
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
                        format!("chapter {label} has subsections, but {} lists its sections under `sections`", vol.name),
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
                        format!(
                            "{label}{m} is listed in missing_numbers but also has a requirement"
                        ),
                        "remove it from missing_numbers",
                    );
                }
            }
        }
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

fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split('\n').collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        flat.chars().take(max).collect::<String>() + "…"
    }
}

/// Tooltip of a resolved reference: what it points at.
fn ref_title(cat: &Catalog, r: &Reference) -> String {
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

const PLACEHOLDER_OPEN: &str = "<span class=\"gl-ref\" data-ref=\"";

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
                            "page": crate::parse::content_rel(&site.pages[page].file),
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

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"id: gl6
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

    fn catalog() -> Catalog {
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
