//! Validate stage: every id is unique, every reference and link resolves. All problems are
//! collected, so one `kensa check` lists every mistake in the content.

use rayon::prelude::*;

use crate::kit::nearest;
use crate::plugin::Feature;
use std::collections::{HashMap, HashSet};

use crate::diag::{locate_key_value, locate_text, Diagnostic, Diagnostics, SourceFile};
use crate::model::*;

/// Where an internal `@/` link points, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Output path relative to the site root.
    pub url: String,
    /// The heading id or item id after `#`, if any.
    pub anchor: Option<String>,
}

impl Site {
    /// Resolves `@/manuals/yakkyoku/20-kanri.md#item-2-1` or `@/checklists/r5/yakkyoku.yaml#current-1-1`.
    pub fn resolve_link(&self, target: &str) -> Result<Resolved, String> {
        let rest = target
            .strip_prefix("@/")
            .ok_or_else(|| format!("`{target}` is not an internal link (they start with @/)"))?;
        let (path, anchor) = match rest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (rest, None),
        };
        if let Some(&i) = self.page_by_source.get(path) {
            let page = &self.pages[i];
            if let Some(a) = &anchor {
                if !page.markdown.has_anchor(a) {
                    let near = nearest(a, page.markdown.headings.iter().map(|h| h.id.as_str()));
                    return Err(format!("`{path}` has no heading with id `{a}`{near}"));
                }
            }
            return Ok(Resolved {
                url: page.url.clone(),
                anchor,
            });
        }
        if let Some(c) = self
            .checklists
            .iter()
            .find(|c| c.file.content_rel() == path)
        {
            if let Some(a) = &anchor {
                let known =
                    c.def.items.iter().any(|i| &i.id == a) || (a == "gate" && c.def.gate.is_some());
                if !known {
                    let near = nearest(a, c.def.items.iter().map(|i| i.id.as_str()));
                    return Err(format!("checklist `{path}` has no item `{a}`{near}"));
                }
            }
            return Ok(Resolved {
                url: anchor
                    .as_deref()
                    .map_or_else(|| c.url.clone(), |a| c.item_page_url(a)),
                anchor,
            });
        }
        if self
            .static_files
            .iter()
            .any(|f| f.to_string_lossy().replace('\\', "/") == path)
        {
            return Ok(Resolved {
                url: path.to_string(),
                anchor,
            });
        }
        let near = nearest(path, self.page_by_source.keys().map(String::as_str));
        Err(format!("no content file `{path}`{near}"))
    }
}

/// The model's own checks, then each feature's, all on the thread pool; their findings in one
/// list (printed sorted by position, so the order here does not matter).
pub fn validate(site: &Site, features: &[&dyn Feature]) -> Diagnostics {
    fn run(check: impl Fn(&mut Diagnostics)) -> Diagnostics {
        let mut diags = Diagnostics::default();
        check(&mut diags);
        diags
    }
    let own: [fn(&Site, &mut Diagnostics); 3] =
        [validate_config, validate_checklists, validate_pages];
    let own = own.par_iter().map(|check| run(|d| check(site, d)));
    let theirs = features.par_iter().map(|f| run(|d| f.validate(site, d)));
    own.chain(theirs)
        .reduce(Diagnostics::default, |mut all, more| {
            all.extend(more);
            all
        })
}

fn at_value(file: &SourceFile, key: &str, value: &str, nth: usize) -> (usize, usize) {
    match locate_key_value(&file.text, key, value, nth) {
        Some(o) => (o, key.len() + 2 + value.len()),
        None => (0, 1),
    }
}

fn validate_config(site: &Site, diags: &mut Diagnostics) {
    let file = &site.config_file;
    let mut seen = HashSet::new();
    for (n, e) in site.config.editions.iter().enumerate() {
        if !seen.insert(e.id.as_str()) {
            let (o, l) = at_value(file, "id", &e.id, 1.min(n));
            diags.push(
                Diagnostic::error(format!("duplicate edition id `{}`", e.id))
                    .at_offset(file, o, l)
                    .with_help("each edition needs its own id"),
            );
        }
    }
    for shown in &site.config.editions_shown {
        if site.edition(shown).is_none() {
            let o = locate_text(&file.text, shown, 0).unwrap_or(0);
            diags.push(
                Diagnostic::error(format!(
                    "editions_shown names `{shown}`, which is not in editions"
                ))
                .at_offset(file, o, shown.len())
                .with_help("add the edition under `editions:` or remove it from editions_shown"),
            );
        }
    }
    for e in &site.config.editions {
        let Some(by) = &e.superseded_by else { continue };
        if site.edition(by).is_none() || by == &e.id {
            let (o, l) = at_value(file, "superseded_by", by, 0);
            diags.push(
                Diagnostic::error(format!(
                    "edition `{}` is superseded_by `{by}`, which is not another edition",
                    e.id
                ))
                .at_offset(file, o, l)
                .with_help("name a newer edition's id from `editions:`, or remove superseded_by"),
            );
        }
    }
}

/// Ids reach the pages as element ids, form control names and storage keys, and answer files
/// as keys: letters, digits, `_` and `-` only, so that no id can carry markup or break a name.
pub(crate) fn safe_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn validate_ids(c: &Checklist, diags: &mut Diagnostics) {
    let def = &c.def;
    let groups: [(&str, Vec<&str>); 8] = [
        ("checklist", vec![def.id.as_str()]),
        ("item", def.items.iter().map(|i| i.id.as_str()).collect()),
        (
            "switch",
            def.switches.iter().map(|s| s.id.as_str()).collect(),
        ),
        (
            "form field",
            def.form_fields.iter().map(|f| f.id.as_str()).collect(),
        ),
        ("phase", def.phases.iter().map(|p| p.id.as_str()).collect()),
        (
            "section",
            def.sections.iter().map(|s| s.id.as_str()).collect(),
        ),
        (
            "target",
            def.targets.iter().map(|t| t.id.as_str()).collect(),
        ),
        (
            "viewpoint",
            def.viewpoints.iter().map(|v| v.id.as_str()).collect(),
        ),
    ];
    for (kind, ids) in groups {
        for id in ids.into_iter().filter(|id| !safe_id(id)) {
            let (o, l) = at_value(&c.file, "id", id, 0);
            diags.push(
                Diagnostic::error(format!(
                    "{kind} id `{id}` may hold only ASCII letters, digits, `_` and `-` (at most 64, starting with a letter or digit)"
                ))
                .at_offset(&c.file, o, l)
                .with_help("ids become element ids, form control names and keys of answer files: write it like `current-2-server-4`"),
            );
        }
    }
}

fn validate_checklists(site: &Site, diags: &mut Diagnostics) {
    for c in &site.checklists {
        validate_ids(c, diags);
    }
    crate::lineage::validate(site, diags);
    validate_output_urls(site, diags);
    let mut ids: HashMap<&str, &Checklist> = HashMap::new();
    for c in &site.checklists {
        if let Some(first) = ids.insert(c.def.id.as_str(), c) {
            let (o, l) = at_value(&c.file, "id", &c.def.id, 0);
            diags.push(
                Diagnostic::error(format!(
                    "duplicate checklist id `{}` (also used by {})",
                    c.def.id,
                    first.file.rel_path.display()
                ))
                .at_offset(&c.file, o, l)
                .with_help("checklist ids are the key of saved answers: give each checklist its own, and never reuse one"),
            );
        }
        validate_links(site, c, diags);
        validate_items(c, diags);
        validate_manual_coverage(site, c, diags);
        validate_split(c, diags);
        validate_fiscal_years(c, diags);
        validate_facility_items(site, c, diags);
        if let Some(insp) = &c.def.inspection {
            validate_inspection(site, c, insp, diags);
        }
        validate_provenance(c, diags);
    }
}

/// Every output path of a checklist (its pages, companion, JSON, print view) has one owner.
fn validate_output_urls(site: &Site, diags: &mut Diagnostics) {
    let mut urls: HashMap<String, &Checklist> = HashMap::new();
    for c in &site.checklists {
        for url in c.output_urls() {
            if let Some(other) = urls.insert(url.clone(), c) {
                diags.push(
                Diagnostic::error(format!(
                    "two checklists would write `{url}` (this one and {})",
                    other.file.rel_path.display()
                ))
                .at_offset(&c.file, 0, 1)
                .with_help("a split form's pages are <name>-2.html, …, and each form has <name>-about.html: rename one of the files"),
            );
            }
        }
    }
}

/// The edition, manual and guide a checklist names exist.
fn validate_links(site: &Site, c: &Checklist, diags: &mut Diagnostics) {
    let (file, def) = (&c.file, &c.def);
    if site.edition(&def.edition).is_none() {
        let (o, l) = at_value(file, "edition", &def.edition, 0);
        let known: Vec<_> = site.config.editions.iter().map(|e| e.id.as_str()).collect();
        diags.push(
            Diagnostic::error(format!("unknown edition `{}`", def.edition))
                .at_offset(file, o, l)
                .with_help(format!("editions in site.yaml: {}", known.join(", "))),
        );
    }
    let manual = def.manual.as_deref().map(|m| (m, site.manual(m)));
    if let Some((m, None)) = manual {
        let (o, l) = at_value(file, "manual", m, 0);
        diags.push(
            Diagnostic::error(format!(
                "checklist names manual `{m}`, which does not exist"
            ))
            .at_offset(file, o, l)
            .with_help(format!(
                "create content/manuals/{m}/_manual.yaml or fix the name"
            )),
        );
    }
    if let Some(g) = &def.guide {
        if site.guide(g).is_none() {
            let (o, l) = at_value(file, "guide", g, 0);
            diags.push(
                Diagnostic::error(format!("checklist names guide `{g}`, which does not exist"))
                    .at_offset(file, o, l)
                    .with_help(format!("create content/guides/{g}.md or fix the name")),
            );
        }
    }
}

/// Each item names defined phases, sections, targets, switches and viewpoints, has its own id,
/// and prints on paper only rounds the form has.
fn validate_items(c: &Checklist, diags: &mut Diagnostics) {
    let (file, def) = (&c.file, &c.def);
    let phases: HashSet<_> = def.phases.iter().map(|p| p.id.as_str()).collect();
    let sections: HashSet<_> = def.sections.iter().map(|s| s.id.as_str()).collect();
    let targets: HashSet<_> = def.targets.iter().map(|t| t.id.as_str()).collect();
    let switches: HashSet<_> = def.switches.iter().map(|s| s.id.as_str()).collect();
    let viewpoints: HashSet<_> = def.viewpoints.iter().map(|v| v.id.as_str()).collect();
    let mut item_ids: HashMap<&str, usize> = HashMap::new();
    for item in &def.items {
        let count = item_ids.entry(item.id.as_str()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let (o, l) = at_value(file, "id", &item.id, *count - 1);
            diags.push(
                Diagnostic::error(format!("duplicate item id `{}`", item.id))
                    .at_offset(file, o, l)
                    .with_help("item ids key the saved answers: each item needs its own (e.g. <phase>-<section>-<target>-<n>)"),
            );
        }
        let mut check = |key: &str, value: &str, set: &HashSet<&str>, what: &str| {
            if !set.contains(value) {
                let o = locate_key_value(&file.text, key, value, 0)
                    .or_else(|| locate_key_value(&file.text, "id", &item.id, 0))
                    .unwrap_or(0);
                let near = nearest(value, set.iter().copied());
                diags.push(
                    Diagnostic::error(format!(
                        "item `{}` names {what} `{value}`, which is not defined{near}",
                        item.id
                    ))
                    .at_offset(file, o, key.len() + 2 + value.len())
                    .with_help(format!("define it under `{what}s:` or fix the name")),
                );
            }
        };
        check("phase", &item.phase, &phases, "phase");
        check("section", &item.section, &sections, "section");
        if let Some(t) = &item.target {
            check("target", t, &targets, "target");
        }
        if let Some(s) = &item.unless_switch_off {
            check("unless_switch_off", s, &switches, "switch");
        }
        if let Some(v) = &item.viewpoint {
            check("viewpoint", v, &viewpoints, "viewpoint");
        }
        let rounds: &[&str] = match def.answer {
            AnswerKind::YesNoDated => &["r1", "target", "r2"],
            AnswerKind::MaruBatsu => &["r1"],
        };
        for r in item
            .paper_rounds
            .iter()
            .filter(|r| !rounds.contains(&r.as_str()))
        {
            let after = locate_key_value(&file.text, "id", &item.id, 0).unwrap_or(0);
            let o = file.text[after..]
                .find("paper_rounds")
                .map_or(after, |i| after + i);
            diags.push(
                Diagnostic::error(format!(
                    "item `{}`: paper_rounds names `{r}`, which is not a round of this form",
                    item.id
                ))
                .at_offset(file, o, "paper_rounds".len())
                .with_help(format!("the rounds of this form are {}", rounds.join(", "))),
            );
        }
        if def.answer == AnswerKind::MaruBatsu
            && !def.viewpoints.is_empty()
            && item.viewpoint.is_none()
        {
            let (o, l) = at_value(file, "id", &item.id, 0);
            diags.push(
                Diagnostic::error(format!("item `{}` has no viewpoint", item.id))
                    .at_offset(file, o, l)
                    .with_help("each item of a scored list needs `viewpoint:` (one of the list's viewpoints)"),
            );
        }
    }
}

/// When the checklist has a manual, every item links to the page that explains it.
fn validate_manual_coverage(site: &Site, c: &Checklist, diags: &mut Diagnostics) {
    let (file, def) = (&c.file, &c.def);
    let Some(m) = def.manual.as_deref() else {
        return;
    };
    let Some(manual) = site.manual(m) else {
        return; // reported by validate_links
    };
    let keys = def
        .gate
        .iter()
        .map(|g| (g.key.as_str(), "key", g.key.as_str()))
        .chain(
            def.items
                .iter()
                .map(|i| (i.key.as_str(), "id", i.id.as_str())),
        );
    let mut reported = HashSet::new();
    for (key, locate_by, locate_value) in keys {
        if explaining_page(site, manual, key).is_none() && reported.insert(key) {
            let (o, l) = at_value(file, locate_by, locate_value, 0);
            diags.push(
                Diagnostic::error(format!(
                    "no page of manual `{m}` explains item key `{key}`"
                ))
                .at_offset(file, o, l)
                .with_help(format!(
                    "add \"{key}\" to `explains:` of the manual page that explains it, with a heading anchor {{#{}}}",
                    item_anchor(key)
                )),
            );
        }
    }
}

/// Site-written text is said to be: a checklist's description is editorial, a derived checklist
/// names what it was adapted from.
fn validate_provenance(c: &Checklist, diags: &mut Diagnostics) {
    let (file, def) = (&c.file, &c.def);
    if def.description_provenance != Provenance::Editorial {
        let o = locate_text(&file.text, "description_provenance", 0).unwrap_or(0);
        diags.push(
            Diagnostic::error("a checklist's description is always written for this site")
                .at_offset(file, o, "description_provenance".len())
                .with_help("remove `description_provenance:` (it is always editorial)"),
        );
    }
    if def.provenance == Provenance::Derived && def.provenance_note.is_none() {
        let o = locate_text(&file.text, "provenance", 0).unwrap_or(0);
        diags.push(
            Diagnostic::error("a derived checklist must say what it was adapted from")
                .at_offset(file, o, 10)
                .with_help("add `provenance_note:` naming the official form it was adapted from"),
        );
    }
}

/// `split_at` names items in the order the form shows them, none of them the first, so that
/// every page of the form holds a run of items and none is empty.
fn validate_split(c: &Checklist, diags: &mut Diagnostics) {
    let def = &c.def;
    let file = &c.file;
    let list_at = locate_text(&file.text, "split_at:", 0).unwrap_or(0);
    let at = |id: &str| {
        let o = file.text[list_at..]
            .find(id)
            .map_or(list_at, |rel| list_at + rel);
        (o, id.len())
    };
    // The order the form shows items in: by phase, then section, then as listed.
    let shown = |i: usize| {
        let item = &def.items[i];
        (
            def.phases.iter().position(|p| p.id == item.phase),
            def.sections.iter().position(|s| s.id == item.section),
            i,
        )
    };
    let mut last: Option<usize> = None;
    for id in &def.split_at {
        let (o, l) = at(id);
        let Some(index) = def.items.iter().position(|i| &i.id == id) else {
            let near = nearest(id, def.items.iter().map(|i| i.id.as_str()));
            diags.push(
                Diagnostic::error(format!(
                    "split_at names item `{id}`, which does not exist{near}"
                ))
                .at_offset(file, o, l)
                .with_help("list the `id:` of each item that begins a new page of the form"),
            );
            continue;
        };
        let problem = if shown(index) <= shown(0) {
            Some("it is the first item, which already begins the first page")
        } else if last.is_some_and(|l| shown(index) <= shown(l)) {
            Some("it does not come after the item before it in `split_at`")
        } else {
            None
        };
        if let Some(why) = problem {
            diags.push(
                Diagnostic::error(format!(
                    "split_at cannot begin a page at item `{id}`: {why}"
                ))
                .at_offset(file, o, l)
                .with_help(
                    "list the items that begin pages 2, 3, … in the order the form shows them",
                ),
            );
        } else {
            last = Some(index);
        }
    }
    // Items are shown by phase and section: a split by list position must give each page one
    // run of the items as shown.
    let mut order: Vec<usize> = (0..def.items.len()).collect();
    order.sort_by_key(|&i| shown(i));
    if let Some(w) = order.windows(2).find(|w| c.part_of(w[1]) < c.part_of(w[0])) {
        let (before, after) = (&def.items[w[0]], &def.items[w[1]]);
        let (o, l) = at_value(file, "id", &after.id, 0);
        diags.push(
            Diagnostic::error(format!(
                "split_at puts item `{}` on page {} of the form, but it is shown after item `{}` on page {}",
                after.id,
                c.part_of(w[1]) + 1,
                before.id,
                c.part_of(w[0]) + 1
            ))
            .at_offset(file, o, l)
            .with_help("the form shows items by phase, then section: list them in that order when the form is split"),
        );
    }
}

/// A phase that names a 年度 in its label (令和5年度中) must say which fiscal year that is, so
/// that the inspection can check its 目標日; one that gives a year must agree with its label.
fn validate_fiscal_years(c: &Checklist, diags: &mut Diagnostics) {
    for phase in &c.def.phases {
        let named = reiwa_fiscal_year(&phase.label);
        let (o, l) = at_value(&c.file, "label", &phase.label, 0);
        match (named, phase.fiscal_year) {
            (Some(y), Some(given)) if y != given => diags.push(
                Diagnostic::error(format!(
                    "phase `{}` is labelled 「{}」 (fiscal year {y}) but has fiscal_year: {given}",
                    phase.id, phase.label
                ))
                .at_offset(&c.file, o, l)
                .with_help(format!(
                    "令和N年度 starts in April of 2018+N: write fiscal_year: {y}"
                )),
            ),
            (Some(y), None) if c.def.inspection.is_some() => diags.push(
                Diagnostic::warning(format!(
                    "phase `{}` names a 年度 but has no fiscal_year: its 目標日 cannot be checked",
                    phase.id
                ))
                .at_offset(&c.file, o, l)
                .with_help(format!("add `fiscal_year: {y}` under the phase")),
            ),
            _ => {}
        }
    }
}

/// The Western year a label's 令和N年度 starts in (令和元年度 is 2019), if it names one.
pub(crate) fn reiwa_fiscal_year(label: &str) -> Option<i32> {
    let rest = &label[label.find("令和")? + "令和".len()..];
    let end = rest.find("年度")?;
    let digits: String = rest[..end]
        .chars()
        .map(|ch| match ch {
            '０'..='９' => char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch),
            _ => ch,
        })
        .collect();
    let n: i32 = if digits == "元" {
        1
    } else {
        digits.parse().ok()?
    };
    Some(2018 + n)
}

/// `facility_item` on a vendor form's item names an item of the facility form that takes this
/// vendor form (its `inspection.vendor_checklist`).
fn validate_facility_items(site: &Site, c: &Checklist, diags: &mut Diagnostics) {
    let facility_forms: Vec<&Checklist> = site
        .checklists
        .iter()
        .filter(|f| {
            f.def
                .inspection
                .as_ref()
                .and_then(|i| i.vendor_checklist.as_deref())
                == Some(c.def.id.as_str())
        })
        .collect();
    for item in &c.def.items {
        let Some(wanted) = &item.facility_item else {
            continue;
        };
        let o = locate_key_value(&c.file.text, "facility_item", wanted, 0).unwrap_or(0);
        let at = |d: Diagnostic| d.at_offset(&c.file, o, "facility_item: ".len() + wanted.len());
        if c.def.audience != Audience::Vendor || facility_forms.is_empty() {
            diags.push(at(Diagnostic::error(format!(
                "item `{}` has facility_item, but no facility form names `{}` as its vendor_checklist",
                item.id, c.def.id
            )))
            .with_help("facility_item belongs on a 事業者確認用 whose facility form says `vendor_checklist:` with this id"));
            continue;
        }
        for f in &facility_forms {
            if !f.def.items.iter().any(|i| &i.id == wanted) {
                let near = nearest(wanted, f.def.items.iter().map(|i| i.id.as_str()));
                diags.push(
                    at(Diagnostic::error(format!(
                    "item `{}` names facility_item `{wanted}`, which is not an item of {}{near}",
                    item.id, f.def.id
                )))
                    .with_help(
                        "name the id of the facility form's item that states the same requirement",
                    ),
                );
            }
        }
    }
}

fn validate_inspection(site: &Site, c: &Checklist, insp: &Inspection, diags: &mut Diagnostics) {
    let file = &c.file;
    let def = &c.def;
    let mut problem = |needle: &str, message: String, help: &str| {
        let o = locate_text(&file.text, needle, 0).unwrap_or(0);
        diags.push(
            Diagnostic::error(message)
                .at_offset(file, o, needle.len())
                .with_help(help.to_string()),
        );
    };
    for phase in &insp.inspected_phases {
        if !def.phases.iter().any(|p| &p.id == phase) {
            problem(
                phase,
                format!("inspected phase `{phase}` is not a phase of this checklist"),
                "use a phase id from `phases:`",
            );
        }
    }
    if let Some(v) = &insp.vendor_checklist {
        if site.checklist(v).map(|x| x.def.audience) != Some(Audience::Vendor) {
            problem(
                v,
                format!("vendor_checklist `{v}` is not a vendor checklist"),
                "name the id of this form's 事業者確認用",
            );
        }
    }
    for rule in &insp.rules {
        if !insp.headings.iter().any(|h| h.id == rule.heading) {
            problem(
                &rule.heading,
                format!(
                    "rule `{}` names heading `{}`, which is not under `headings:`",
                    rule.id, rule.heading
                ),
                "add the heading or fix the name",
            );
        }
        for key in &rule.keys {
            if !def.items.iter().any(|i| &i.key == key) {
                problem(
                    key,
                    format!(
                        "rule `{}` names item key `{key}`, which no item has",
                        rule.id
                    ),
                    "use an item's `key:`",
                );
            }
        }
        if let Some(sw) = &rule.switch {
            if !def.switches.iter().any(|s| &s.id == sw) {
                problem(
                    sw,
                    format!(
                        "rule `{}` names switch `{sw}`, which is not defined",
                        rule.id
                    ),
                    "define it under `switches:`",
                );
            }
        }
        let needs_gate = rule.kind == RuleKind::GateSkipsAll && def.gate.is_none();
        if needs_gate {
            problem(
                &rule.id,
                format!("rule `{}` needs a `gate:` on this checklist", rule.id),
                "add the gate question or remove the rule",
            );
        }
    }
}

/// The manual page that explains `key`, if any.
pub fn explaining_page<'a>(site: &'a Site, manual: &Manual, key: &str) -> Option<&'a Page> {
    manual
        .pages
        .iter()
        .map(|&i| &site.pages[i])
        .find(|p| p.front.explains.iter().any(|k| k == key))
}

/// Raw HTML in a page: refused unless `markdown: {raw_html: true}`, and what no official page
/// may publish refused always. The first few of a page are listed, each at its place.
fn validate_raw_html(site: &Site, page: &crate::model::Page, diags: &mut Diagnostics) {
    let allowed = site.config.markdown.raw_html;
    let refused = page
        .markdown
        .raw_html
        .iter()
        .filter(|h| h.dangerous || !allowed)
        .take(5);
    for h in refused {
        let d = if h.dangerous {
            Diagnostic::error(format!(
                "`{}` with a script, redirect, frame, event handler or javascript: address: an official page must never publish it",
                h.tag
            ))
            .with_help("remove it; a link or an image in Markdown says the same safely")
        } else {
            Diagnostic::error(format!("raw HTML `{}` in Markdown is not published", h.tag))
                .with_help("write it in Markdown (a table, a list, **emphasis**), or allow raw HTML for the whole site with `markdown: {raw_html: true}` in content/site.yaml")
        };
        diags.push(d.at_offset(&page.file, page.body_offset + h.offset, h.tag.len().min(20)));
    }
}

/// `parts:` begin at `start` and then at headings of the page, in the page's order.
fn validate_parts(page: &crate::model::Page, diags: &mut Diagnostics) {
    let file = &page.file;
    let fm = &page.front;
    let mut last = None;
    for (n, part) in fm.parts.iter().enumerate() {
        let (o, l) = at_value(file, "from", &part.from, 0);
        let at = page
            .markdown
            .headings
            .iter()
            .position(|h| h.id == part.from);
        let problem = if n == 0 && part.from != "start" {
            Some((
                "the first part must begin at `start`".to_string(),
                "begin with `- from: start`, then name the heading each later part begins at"
                    .to_string(),
            ))
        } else if n > 0 && at.is_none() {
            let ids = page.markdown.headings.iter().map(|h| h.id.as_str());
            Some((
                format!(
                    "part begins at `{}`, which is not a heading of this page{}",
                    part.from,
                    nearest(&part.from, ids)
                ),
                "write the id of the heading the part begins at (e.g. item-2-2)".to_string(),
            ))
        } else if n > 0 && at <= last {
            Some((
                format!("part `{}` is not after the part before it", part.from),
                "list the parts in the order of the page".to_string(),
            ))
        } else {
            None
        };
        if let Some((message, help)) = problem {
            diags.push(
                Diagnostic::error(message)
                    .at_offset(file, o, l)
                    .with_help(help),
            );
        }
        if n > 0 {
            last = at;
        }
    }
}

fn validate_pages(site: &Site, diags: &mut Diagnostics) {
    let checklist_ids: HashSet<_> = site.checklists.iter().map(|c| c.def.id.as_str()).collect();
    for page in &site.pages {
        validate_raw_html(site, page, diags);
        let file = &page.file;
        let fm = &page.front;
        let body_at = |offset: usize| page.body_offset + offset;

        if fm.provenance == Provenance::Derived {
            match &fm.derived_from {
                None => {
                    let o = locate_text(&file.text, "provenance", 0).unwrap_or(0);
                    diags.push(
                        Diagnostic::error("a derived page must name the page it was adapted from")
                            .at_offset(file, o, 10)
                            .with_help("add `derived_from: manuals/<manual>/<page>.md` and a `provenance_note:` shown to readers"),
                    );
                }
                Some(from) => {
                    if !site.page_by_source.contains_key(from.as_str()) {
                        let (o, l) = at_value(file, "derived_from", from, 0);
                        let near = nearest(from, site.page_by_source.keys().map(String::as_str));
                        diags.push(
                            Diagnostic::error(format!("derived_from `{from}` is not a page{near}"))
                                .at_offset(file, o, l)
                                .with_help("write the path relative to content/, e.g. manuals/yakkyoku/20-kanri.md"),
                        );
                    }
                }
            }
        }
        validate_parts(page, diags);
        if page.kind != PageKind::ManualPage && !fm.explains.is_empty() {
            let o = locate_text(&file.text, "explains", 0).unwrap_or(0);
            diags.push(
                Diagnostic::error("`explains:` belongs only on manual pages")
                    .at_offset(file, o, 8)
                    .with_help("move this page under content/manuals/<manual>/ or remove the key"),
            );
        }
        for key in &fm.explains {
            let anchor = item_anchor(key);
            if !page.markdown.has_anchor(&anchor) {
                let o = locate_text(&file.text, &format!("\"{key}\""), 0)
                    .or_else(|| locate_text(&file.text, key, 0))
                    .unwrap_or(0);
                diags.push(
                    Diagnostic::error(format!(
                        "page explains item `{key}` but has no heading with id `{anchor}`"
                    ))
                    .at_offset(file, o, key.len() + 2)
                    .with_help(format!(
                        "add {{#{anchor}}} at the end of the item's heading"
                    )),
                );
            }
        }
        for id in &fm.checklists {
            if !checklist_ids.contains(id.as_str()) {
                let o = locate_text(&file.text, id, 0).unwrap_or(0);
                let near = nearest(id, checklist_ids.iter().copied());
                diags.push(
                    Diagnostic::error(format!("unknown checklist `{id}`{near}"))
                        .at_offset(file, o, id.len())
                        .with_help("use the `id:` of a checklist definition"),
                );
            }
        }
        if let Some(ed) = &fm.edition {
            if site.edition(ed).is_none() {
                let (o, l) = at_value(file, "edition", ed, 0);
                diags.push(
                    Diagnostic::error(format!("unknown edition `{ed}`"))
                        .at_offset(file, o, l)
                        .with_help("use an edition id from site.yaml"),
                );
            }
        }
        for link in &page.markdown.links {
            let t = link.target.as_str();
            let problem = if t.starts_with("@/") {
                site.resolve_link(t).err()
            } else if let Some(anchor) = t.strip_prefix('#') {
                (!page.markdown.has_anchor(anchor)).then(|| {
                    let near =
                        nearest(anchor, page.markdown.headings.iter().map(|h| h.id.as_str()));
                    format!("this page has no heading with id `{anchor}`{near}")
                })
            } else if t.starts_with("http://")
                || t.starts_with("https://")
                || t.starts_with("mailto:")
                || t.starts_with("tel:")
            {
                None
            } else {
                Some(format!("`{t}` is a relative link; write internal links as @/path/to/file.md so the build can check them"))
            };
            if let Some(message) = problem {
                let len = locate_text(&file.text[body_at(link.offset)..], ")", 0)
                    .map(|l| l + 1)
                    .unwrap_or(1);
                diags.push(
                    Diagnostic::error(format!("broken link: {message}"))
                        .at_offset(file, body_at(link.offset), len)
                        .with_help("links are written relative to content/ with a leading @/, e.g. [台帳](@/manuals/yakkyoku/20-kanri.md#item-2-1)"),
                );
            }
        }
        // `[[…]]` references are resolved by guideline::validate.
    }
}

/// Placeholders left by `edition new` in site.yaml: errors for `kensa check`, warnings for a
/// build (as `strict` says).
pub fn edition_placeholders(site: &Site, strict: bool) -> Vec<Diagnostic> {
    let file = &site.config_file;
    let mut out = Vec::new();
    for e in &site.config.editions {
        let make = |m: String| {
            if strict {
                Diagnostic::error(m)
            } else {
                Diagnostic::warning(m)
            }
        };
        if e.name.starts_with("TODO") {
            let o = locate_key_value(&file.text, "name", &e.name, 0).unwrap_or(0);
            out.push(
                make(format!("edition `{}` has no name yet", e.id))
                    .at_offset(file, o, "name: ".len() + e.name.len())
                    .with_help("write the edition's name as the ministry gives it, e.g. `name: 令和6年度版`"),
            );
        }
        if e.fiscal_year == crate::model::YEAR_PLACEHOLDER {
            let entry = locate_key_value(&file.text, "id", &e.id, 0).unwrap_or(0);
            let o = file.text[entry..]
                .find("fiscal_year:")
                .map_or(entry, |i| entry + i);
            out.push(
                make(format!("edition `{}` has no fiscal year yet", e.id))
                    .at_offset(file, o, "fiscal_year: 0".len())
                    .with_help("write the Western year its 年度 begins in: 令和6年度 is `fiscal_year: 2024`"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_suggests_close_names_only() {
        assert_eq!(
            nearest("item-2-l", ["item-2-1", "item-3-9"].into_iter()),
            "; did you mean `item-2-1`?"
        );
        assert_eq!(nearest("zzzzzz", ["item-2-1"].into_iter()), "");
    }
}
