//! `kensa report`: one page on how a collection of returns stands, for a prefecture or a 保健所.
//!
//! The returns are judged as `kensa inspect` judges them (the same walk, the same engine, in
//! parallel batches) and folded into counts as they come, so memory does not grow with the
//! number of files. The page is self-contained: its stylesheet is inline (named by hash in its
//! Content-Security-Policy), its bar charts are SVG drawn here, it has no script, and every
//! number a chart shows is also in a table, for screen readers and for copying.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::inspect::{status_label, Day, Report, Status};
use crate::model::{Checklist, Definitions};
use crate::returns::{self, Summary};
use crate::tables::{sheet_rows, AnswerRow};

const TEMPLATE: &str = include_str!("../themes/default/templates/report.html");
const REPORT_CSS: &str = include_str!("../themes/default/static/css/report.css");
/// The theme's base stylesheet, for a report made from the sources (`--root`) rather than a
/// published site, whose own `assets/site.css` is used then.
const BASE_CSS: &str = include_str!("../themes/default/static/css/base.css");
/// How many facilities the "most open items" table lists.
const TOP: usize = 20;

/// Judges the returns under `paths` and writes the report page to `out`.
pub fn write(
    paths: &[PathBuf],
    defs: &dyn Definitions,
    site_css: Option<&str>,
    out: &Path,
    today: Day,
) -> Result<Summary, String> {
    let mut tally = Tally::default();
    let summary = returns::run(
        paths,
        defs,
        today,
        true,
        |facility, report| FacilityTally::of(facility, report, today),
        |one, _| {
            tally.add(one);
            Ok(())
        },
    )
    .map_err(|e| format!("cannot read the returns ({e})"))?;
    tally.trim();
    let html = page(&tally, &summary, defs.checklists(), site_css, paths, today)?;
    crate::output::write_file_atomically(out, html.as_bytes())
        .map_err(|e| format!("{}: cannot write ({e})", out.display()))?;
    Ok(summary)
}

/// Answers to one item: 1回目 of the sheets read, and passed 目標日.
#[derive(Debug, Default, Clone, Copy)]
struct ItemCount {
    yes: usize,
    no: usize,
    blank: usize,
    not_applicable: usize,
    /// いいえ with a 目標日 before today and no はい in the 2回目.
    overdue: usize,
}

/// An item: its checklist's id and its index in `def.items`.
type ItemKey<'c> = (&'c str, usize);

/// What one facility adds to the report (computed in parallel, then merged in order).
struct FacilityTally<'c> {
    facility: String,
    items: Vec<(ItemKey<'c>, ItemCount)>,
    /// (checklist, rule) → (heading, status) of each finding.
    findings: Vec<((String, String), Option<String>, Status)>,
    unreadable: Vec<String>,
    open: usize,
    overdue: usize,
}

impl<'c> FacilityTally<'c> {
    fn of(facility: &str, report: &Report<'c>, today: Day) -> Self {
        let mut t = FacilityTally {
            facility: facility.to_string(),
            items: Vec::new(),
            findings: Vec::new(),
            unreadable: Vec::new(),
            open: 0,
            overdue: 0,
        };
        for f in &report.findings {
            if f.status == Status::Error {
                t.unreadable.push(f.message.clone());
            } else if let Some(c) = &f.checklist {
                t.findings
                    .push(((c.clone(), f.rule.clone()), f.heading.clone(), f.status));
            }
        }
        // Rows come item by item, 1回目 before 2回目.
        for sheet in &report.sheets {
            let mut rows = sheet_rows(sheet).peekable();
            while let Some(r1) = rows.next() {
                let r2 = rows.next_if(|r| r.round == "r2" && r.index == r1.index);
                t.add_item((&sheet.checklist.def.id, r1.index), &r1, r2.as_ref(), today);
            }
        }
        t
    }

    fn add_item(&mut self, key: ItemKey<'c>, r1: &AnswerRow, r2: Option<&AnswerRow>, today: Day) {
        let mut count = ItemCount::default();
        let done_later = r2.and_then(|r| r.answer) == Some("yes");
        match (r1.applicable, r1.answer) {
            (false, _) => count.not_applicable = 1,
            (true, Some("yes")) => count.yes = 1,
            (true, Some(_)) => count.no = 1,
            (true, None) => count.blank = 1,
        }
        let passed = r1
            .target_date
            .and_then(Day::parse)
            .is_some_and(|d| d < today);
        if count.no == 1 && passed && !done_later {
            count.overdue = 1;
            self.overdue += 1;
        }
        if r1.applicable && !r1.reference && count.yes == 0 && !done_later {
            self.open += 1;
        }
        self.items.push((key, count));
    }
}

#[derive(Default)]
struct Tally<'c> {
    items: BTreeMap<ItemKey<'c>, ItemCount>,
    /// (checklist, rule) → heading and findings by status.
    rules: BTreeMap<(String, String), (Option<String>, [usize; 6])>,
    unreadable: BTreeMap<String, usize>,
    /// (open items, overdue, facility), the `TOP` with most open items.
    most_open: Vec<(usize, usize, String)>,
    facilities_overdue: usize,
}

impl<'c> Tally<'c> {
    fn add(&mut self, one: FacilityTally<'c>) {
        for (key, c) in one.items {
            let slot = self.items.entry(key).or_default();
            slot.yes += c.yes;
            slot.no += c.no;
            slot.blank += c.blank;
            slot.not_applicable += c.not_applicable;
            slot.overdue += c.overdue;
        }
        for (key, heading, status) in one.findings {
            let slot = self.rules.entry(key).or_insert((heading, [0; 6]));
            slot.1[status as usize] += 1;
        }
        for m in one.unreadable {
            *self.unreadable.entry(m).or_default() += 1;
        }
        if one.overdue > 0 {
            self.facilities_overdue += 1;
        }
        if one.open > 0 {
            self.most_open.push((one.open, one.overdue, one.facility));
            // Most open first, then by name; trimmed as it goes so memory stays flat.
            if self.most_open.len() > 4 * TOP {
                self.trim();
            }
        }
    }

    fn trim(&mut self) {
        self.most_open
            .sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        self.most_open.truncate(TOP);
    }
}

// ---------------------------------------------------------------- the page

#[derive(Serialize)]
struct Bar {
    segments: Vec<Segment>,
}

/// A part of a bar, in percent of its width; `class` names what it counts (yes, no, blank, …).
#[derive(Serialize, Debug, PartialEq)]
struct Segment {
    x: f64,
    width: f64,
    class: &'static str,
}

#[derive(Serialize)]
struct Count<'a> {
    label: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct OpenFacility<'a> {
    facility: &'a str,
    open: usize,
    overdue: usize,
}

fn bar(parts: &[(usize, &'static str)]) -> Bar {
    let total: usize = parts.iter().map(|p| p.0).sum();
    let mut x = 0.0;
    let mut segments = Vec::new();
    for &(n, class) in parts {
        if n == 0 || total == 0 {
            continue;
        }
        let w = 100.0 * n as f64 / total as f64;
        segments.push(Segment {
            x: round1(x),
            width: round1(w),
            class,
        });
        x += w;
    }
    Bar { segments }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        "—".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / total as f64)
    }
}

#[derive(Serialize)]
struct ItemRow {
    label: String,
    text: String,
    reference: bool,
    yes: usize,
    no: usize,
    blank: usize,
    not_applicable: usize,
    yes_share: String,
    no_share: String,
    blank_share: String,
    overdue: usize,
    bar: Bar,
}

#[derive(Serialize)]
struct ChecklistSection {
    id: String,
    title: String,
    form: String,
    edition: String,
    items: Vec<ItemRow>,
}

#[derive(Serialize)]
struct RuleRow {
    checklist: String,
    heading: String,
    rule: String,
    counts: Vec<usize>,
    bar: Bar,
}

fn sections(tally: &Tally, checklists: &[Checklist]) -> Vec<ChecklistSection> {
    checklists
        .iter()
        .filter(|c| tally.items.keys().any(|(id, _)| *id == c.def.id))
        .map(|c| ChecklistSection {
            id: c.def.id.clone(),
            title: c.def.title.clone(),
            form: c.def.form.clone(),
            edition: c.def.edition.clone(),
            items: c
                .def
                .items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let n = tally
                        .items
                        .get(&(c.def.id.as_str(), index))
                        .copied()
                        .unwrap_or_default();
                    let answered = n.yes + n.no + n.blank;
                    ItemRow {
                        label: crate::item_rules::label(&c.def, item),
                        text: item.text.clone(),
                        reference: crate::item_rules::is_reference(&c.def, item),
                        yes: n.yes,
                        no: n.no,
                        blank: n.blank,
                        not_applicable: n.not_applicable,
                        yes_share: percent(n.yes, answered),
                        no_share: percent(n.no, answered),
                        blank_share: percent(n.blank, answered),
                        overdue: n.overdue,
                        bar: bar(&[(n.yes, "yes"), (n.no, "no"), (n.blank, "blank")]),
                    }
                })
                .collect(),
        })
        .collect()
}

fn rule_rows(tally: &Tally, checklists: &[Checklist]) -> Vec<RuleRow> {
    let shown = [Status::Fail, Status::Onsite, Status::Advice];
    tally
        .rules
        .iter()
        .filter(|(_, (_, by))| shown.iter().any(|s| by[*s as usize] > 0))
        .map(|((checklist, rule), (heading, by))| {
            let form = checklists
                .iter()
                .find(|c| &c.def.id == checklist)
                .map_or(checklist.clone(), |c| c.def.form.clone());
            let counts: Vec<usize> = shown.iter().map(|s| by[*s as usize]).collect();
            RuleRow {
                checklist: form,
                heading: heading.clone().unwrap_or_default(),
                rule: rule.clone(),
                bar: bar(&[
                    (counts[0], "fail"),
                    (counts[1], "onsite"),
                    (counts[2], "advice"),
                ]),
                counts,
            }
        })
        .collect()
}

fn page(
    tally: &Tally,
    summary: &Summary,
    checklists: &[Checklist],
    site_css: Option<&str>,
    paths: &[PathBuf],
    today: Day,
) -> Result<String, String> {
    let css = format!("{}\n{REPORT_CSS}", site_css.unwrap_or(BASE_CSS));
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    let statuses = [Status::Fail, Status::Onsite, Status::Advice, Status::Error];
    let mut ctx = tera::Context::new();
    ctx.insert(
        "csp",
        &format!("default-src 'none'; style-src 'sha256-{hash}'; img-src data:"),
    );
    ctx.insert("css", &css);
    ctx.insert("today", &today.to_string());
    ctx.insert(
        "sources",
        &paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>(),
    );
    ctx.insert("facilities", &summary.facilities);
    ctx.insert("files", &summary.files);
    ctx.insert("skipped", &summary.skipped);
    ctx.insert(
        "totals",
        &statuses
            .iter()
            .map(|s| Count {
                label: status_label(*s),
                count: summary.count(*s),
            })
            .collect::<Vec<_>>(),
    );
    ctx.insert("checklists", &sections(tally, checklists));
    ctx.insert("rules", &rule_rows(tally, checklists));
    let most_open: Vec<OpenFacility> = tally
        .most_open
        .iter()
        .map(|(open, overdue, facility)| OpenFacility {
            facility,
            open: *open,
            overdue: *overdue,
        })
        .collect();
    ctx.insert("most_open", &most_open);
    ctx.insert("facilities_overdue", &tally.facilities_overdue);
    let mut unreadable: Vec<Count> = tally
        .unreadable
        .iter()
        .map(|(message, count)| Count {
            label: message,
            count: *count,
        })
        .collect();
    unreadable.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(b.label)));
    ctx.insert("unreadable", &unreadable);
    ctx.insert("version", env!("CARGO_PKG_VERSION"));
    let mut tera = tera::Tera::default();
    tera.add_raw_template("report.html", TEMPLATE)
        .and_then(|()| tera.render("report.html", &ctx))
        .map_err(|e| format!("the report template failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_split_their_width_by_the_counts() {
        let b = bar(&[(2, "yes"), (1, "no"), (1, "blank")]);
        let parts: Vec<(f64, f64, &str)> =
            b.segments.iter().map(|s| (s.x, s.width, s.class)).collect();
        assert_eq!(
            parts,
            vec![
                (0.0, 50.0, "yes"),
                (50.0, 25.0, "no"),
                (75.0, 25.0, "blank")
            ]
        );
        assert!(bar(&[(0, "yes"), (0, "no")]).segments.is_empty());
    }

    #[test]
    fn shares_are_of_the_answers_counted() {
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "—");
    }
}
