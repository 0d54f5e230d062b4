//! Editions as data: how a checklist descends from one of an earlier edition.
//!
//! A checklist names the checklist it revises (`previous:`). An item with the same id as an item
//! of that checklist is the same item; an item may name more (`replaces:`), for items merged,
//! split or renumbered; an item with neither is new; an earlier item that no item descends from
//! is removed. From this one relation come the `kensa check` lineage errors and warnings, the
//! page of what changed, and the rules that carry answer files over to a new edition (computed
//! here, published as data, applied by `kensa migrate` and by the form's import alike).

use std::collections::{BTreeSet, HashSet};

use crate::diag::{locate_key_value, Diagnostic, Diagnostics, SourceFile};
use crate::kit::nearest;
use crate::model::*;

/// The checklist `c` revises, when it names one that exists.
pub fn previous<'a>(site: &'a dyn Definitions, c: &Checklist) -> Option<&'a Checklist> {
    site.checklist(c.def.previous.as_deref()?)
}

/// The earlier checklists `c` descends from, nearest first (a broken chain, which validation
/// reports, simply ends; a loop is cut where it closes).
pub fn ancestors<'a>(site: &'a dyn Definitions, c: &'a Checklist) -> Vec<&'a Checklist> {
    let mut seen: HashSet<&str> = HashSet::from([c.def.id.as_str()]);
    let mut out = Vec::new();
    let mut at = c;
    while let Some(p) = previous(site, at) {
        if !seen.insert(p.def.id.as_str()) {
            break;
        }
        out.push(p);
        at = p;
    }
    out
}

/// The later checklists that descend from `c`, nearest first.
pub fn descendants<'a>(site: &'a dyn Definitions, c: &Checklist) -> Vec<&'a Checklist> {
    let mut found: Vec<(usize, &Checklist)> = site
        .checklists()
        .iter()
        .filter_map(|later| {
            let depth = ancestors(site, later)
                .iter()
                .position(|x| x.def.id == c.def.id)?;
            Some((depth, later))
        })
        .collect();
    found.sort_by_key(|(depth, _)| *depth);
    found.into_iter().map(|(_, c)| c).collect()
}

/// The later editions of `c` that have a fiscal year, nearest first: (checklist, edition name,
/// the Western year its 年度 begins in). An edition is in force from April 1 of that year.
pub fn newer_editions<'a>(
    site: &'a dyn Definitions,
    c: &Checklist,
) -> Vec<(&'a Checklist, &'a str, i32)> {
    descendants(site, c)
        .into_iter()
        .filter_map(|d| {
            let e = site.edition(&d.def.edition)?;
            let year = i32::try_from(e.fiscal_year).ok()?;
            (e.fiscal_year != crate::model::YEAR_PLACEHOLDER).then_some((d, e.name.as_str(), year))
        })
        .collect()
}

/// The items of `old` that `item` descends from: the one with its own id, then those it
/// `replaces`, each once.
pub fn predecessors<'a>(old: &'a ChecklistDef, item: &Item) -> Vec<&'a Item> {
    let mut out: Vec<&Item> = Vec::new();
    let wanted = std::iter::once(&item.id).chain(&item.replaces);
    for id in wanted {
        if let Some(p) = old.items.iter().find(|i| &i.id == id) {
            if !out.iter().any(|o| o.id == p.id) {
                out.push(p);
            }
        }
    }
    out
}

/// One item of the newer checklist and where it came from.
pub struct Line<'a> {
    /// The item of the newer checklist.
    pub item: &'a Item,
    /// The earlier items it descends from (empty: new in this edition).
    pub from: Vec<&'a Item>,
    /// Its answers need the user's confirmation when carried over: the wording differs from an
    /// earlier item's, or several earlier items became this one.
    pub reworded: bool,
}

/// How one checklist relates to an earlier one (its previous, or further back along the chain).
pub struct Relation<'a> {
    /// The earlier checklist.
    pub old: &'a Checklist,
    /// The newer checklist.
    pub new: &'a Checklist,
    /// Every item of `new`, in its order.
    pub lines: Vec<Line<'a>>,
    /// Items of `old` no item of `new` descends from, in their order.
    pub removed: Vec<&'a Item>,
}

/// The relation between `new` and its ancestor `old`, composed step by step along the chain;
/// None when `old` is not an ancestor of `new`.
pub fn relation<'a>(
    site: &'a Site,
    old: &'a Checklist,
    new: &'a Checklist,
) -> Option<Relation<'a>> {
    let mut chain: Vec<&Checklist> = vec![new];
    for a in ancestors(site, new) {
        chain.push(a);
        if a.def.id == old.def.id {
            break;
        }
    }
    if chain.last()?.def.id != old.def.id || chain.len() < 2 {
        return None;
    }
    let lines = new
        .def
        .items
        .iter()
        .map(|item| {
            let mut from: Vec<&Item> = vec![item];
            let mut reworded = item.reworded;
            for pair in chain.windows(2) {
                let older = &pair[1].def;
                let mut next: Vec<&Item> = Vec::new();
                for f in &from {
                    let preds = predecessors(older, f);
                    reworded |= preds.len() > 1 || preds.iter().any(|p| p.text != f.text);
                    for p in preds {
                        if !next.iter().any(|n| n.id == p.id) {
                            next.push(p);
                        }
                    }
                }
                from = next;
            }
            reworded |= from.iter().any(|p| p.text != item.text);
            Line {
                item,
                reworded: reworded && !from.is_empty(),
                from,
            }
        })
        .collect::<Vec<_>>();
    let reached: HashSet<&str> = lines
        .iter()
        .flat_map(|l| l.from.iter().map(|i| i.id.as_str()))
        .collect();
    let removed = old
        .def
        .items
        .iter()
        .filter(|i| !reached.contains(i.id.as_str()))
        .collect();
    Some(Relation {
        old,
        new,
        lines,
        removed,
    })
}

/// The relation of `c` to the checklist it revises.
pub fn to_previous<'a>(site: &'a Site, c: &'a Checklist) -> Option<Relation<'a>> {
    relation(site, previous(site, c)?, c)
}

// ---------------------------------------------------------------- validation

/// The byte range of an item's entry in its file: from its `- id:` line to the next line
/// indented as far as the dash or less.
fn item_span(text: &str, id: &str) -> Option<(usize, usize)> {
    let at = locate_key_value(text, "id", id, 0)?;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let dash = text[line_start..at].find('-').unwrap_or(at - line_start);
    let mut end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    for line in text[end..].split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') && indent <= dash {
            break;
        }
        end += line.len();
    }
    Some((line_start + dash, end))
}

/// Where a `replaces` entry (or the key itself) is written in an item's entry.
fn at_replaces(file: &SourceFile, item: &Item, entry: Option<&str>) -> (usize, usize) {
    let text = &file.text;
    let Some((start, end)) = item_span(text, &item.id) else {
        return (0, 1);
    };
    let block = &text[start..end];
    let Some(key) = block.find("replaces") else {
        return (start, 1);
    };
    match entry {
        Some(e) => block[key..]
            .find(e)
            .map_or((start + key, 8), |o| (start + key + o, e.len())),
        None => (start + key, "replaces".len()),
    }
}

fn at_item_key(file: &SourceFile, item: &Item, key: &str) -> (usize, usize) {
    match item_span(&file.text, &item.id) {
        Some((start, end)) => file.text[start..end]
            .find(&format!("{key}:"))
            .map_or((start, 1), |o| (start + o, key.len() + 1)),
        None => (0, 1),
    }
}

/// Lineage that points nowhere is an error; a text that changed without `reworded: true` is a
/// warning (a reword must be deliberate, and it shows on the page of what changed).
pub fn validate(site: &Site, diags: &mut Diagnostics) {
    for c in &site.checklists {
        let file = &c.file;
        let Some(prev_id) = &c.def.previous else {
            for item in c.def.items.iter().filter(|i| !i.replaces.is_empty()) {
                let (o, l) = at_replaces(file, item, None);
                diags.push(
                    Diagnostic::error(format!(
                        "item `{}` replaces earlier items, but the checklist names no `previous:` checklist",
                        item.id
                    ))
                    .at_offset(file, o, l)
                    .with_help("add `previous: <id of the earlier edition's checklist>` at the top of the file, or remove `replaces:`"),
                );
            }
            continue;
        };
        let o = locate_key_value(&file.text, "previous", prev_id, 0).unwrap_or(0);
        let at = |d: Diagnostic| d.at_offset(file, o, "previous: ".len() + prev_id.len());
        let Some(prev) = site.checklist(prev_id) else {
            let near = nearest(prev_id, site.checklists.iter().map(|c| c.def.id.as_str()));
            diags.push(
                at(Diagnostic::error(format!(
                    "previous names checklist `{prev_id}`, which does not exist{near}"
                )))
                .with_help(
                    "name the `id:` of the checklist of an earlier edition that this one revises",
                ),
            );
            continue;
        };
        let year = |c: &Checklist| site.edition(&c.def.edition).map(|e| e.fiscal_year);
        // A fiscal year still to be filled in (`kensa edition new`) is not compared.
        let unknown = year(c) == Some(crate::model::YEAR_PLACEHOLDER);
        if prev.def.id == c.def.id || (year(prev) >= year(c) && !unknown) {
            diags.push(
                at(Diagnostic::error(format!(
                    "previous names `{prev_id}` of edition `{}`, which is not an earlier edition than `{}`",
                    prev.def.edition, c.def.edition
                )))
                .with_help("`previous:` names a checklist of an earlier edition (a smaller fiscal_year in site.yaml)"),
            );
            continue;
        }
        if prev.def.answer != c.def.answer {
            diags.push(
                at(Diagnostic::error(format!(
                    "`{prev_id}` is answered {:?} and this checklist {:?}: answers cannot be carried over",
                    prev.def.answer, c.def.answer
                )))
                .with_help("a new edition keeps the way its items are answered; make a new checklist without `previous:` instead"),
            );
            continue;
        }
        validate_items(c, prev, diags);
    }
}

fn validate_items(c: &Checklist, prev: &Checklist, diags: &mut Diagnostics) {
    let file = &c.file;
    for item in &c.def.items {
        let mut seen = BTreeSet::new();
        for r in &item.replaces {
            if !seen.insert(r.as_str()) {
                continue;
            }
            if !prev.def.items.iter().any(|i| &i.id == r) {
                let (o, l) = at_replaces(file, item, Some(r));
                let near = nearest(r, prev.def.items.iter().map(|i| i.id.as_str()));
                diags.push(
                    Diagnostic::error(format!(
                        "item `{}` replaces `{r}`, which is not an item of `{}`{near}",
                        item.id, prev.def.id
                    ))
                    .at_offset(file, o, l)
                    .with_help(format!(
                        "`replaces:` lists ids of items of {} (the `previous:` checklist)",
                        prev.file.rel_path.display()
                    )),
                );
            }
        }
        let preds = predecessors(&prev.def, item);
        let changed: Vec<&&Item> = preds.iter().filter(|p| p.text != item.text).collect();
        if preds.is_empty() && item.reworded {
            let (o, l) = at_item_key(file, item, "reworded");
            diags.push(
                Diagnostic::warning(format!(
                    "item `{}` says `reworded: true` but descends from no item of `{}`",
                    item.id, prev.def.id
                ))
                .at_offset(file, o, l)
                .with_help("a new item has nothing to be reworded from: remove `reworded:`, or name the earlier item in `replaces:`"),
            );
        } else if !changed.is_empty() && !item.reworded {
            let (o, l) = at_item_key(file, item, "text");
            diags.push(
                Diagnostic::warning(format!(
                    "the text of item `{}` differs from that of `{}` in `{}`: 「{}」 → 「{}」",
                    item.id, changed[0].id, prev.def.id, changed[0].text, item.text
                ))
                .at_offset(file, o, l)
                .with_help("if the new wording is the edition's, add `reworded: true` to the item (answers carried over then wait for the user's confirmation); otherwise restore the earlier text"),
            );
        } else if !preds.is_empty() && changed.is_empty() && preds.len() == 1 && item.reworded {
            let (o, l) = at_item_key(file, item, "reworded");
            diags.push(
                Diagnostic::warning(format!(
                    "item `{}` says `reworded: true` but its text is that of `{}` in `{}`",
                    item.id, preds[0].id, prev.def.id
                ))
                .at_offset(file, o, l)
                .with_help("remove `reworded: true`, or it asks every user to confirm an answer to an unchanged item"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_span_covers_the_entry_only() {
        let text = "items:\n  - id: a\n    text: x\n    replaces: [b]\n  - id: c\n    text: y\ninspection:\n";
        let (s, e) = item_span(text, "a").unwrap();
        assert_eq!(&text[s..e], "- id: a\n    text: x\n    replaces: [b]\n");
        let (s, e) = item_span(text, "c").unwrap();
        assert_eq!(&text[s..e], "- id: c\n    text: y\n");
    }
}
