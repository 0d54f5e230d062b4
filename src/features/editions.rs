//! The page of what changed since the previous edition, one per checklist that names a
//! `previous:` (`<name>-changes.html`): items added, removed, reworded (the changed characters
//! marked inside the sentence), moved (phase, section, target or number), merged or split, and
//! guideline references changed. Computed from the lineage (src/lineage.rs); linked from the
//! form, the home page and the manual pages of the items that changed.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use similar::{Algorithm, ChangeTag, TextDiff};

use crate::diag::Diagnostics;
use crate::kit::{root_prefix, Output};
use crate::lineage::{Line, Relation};
use crate::model::*;
use crate::plugin::RenderOptions;
use crate::plugin::{Build, ChecklistView, Feature, ItemMark};
use crate::render::display_name;
use crate::theme::Theme;

const TEMPLATE: &str = "checklist_changes.html";

/// Whether the theme has the page (a site's own theme made before it may not).
pub fn has_page(theme: &Theme) -> bool {
    theme.templates.contains_key(TEMPLATE)
}

/// The kinds of change an item can have, in the order the page lists them; each is a section
/// of the page and the prefix of its entries' anchors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// No earlier item: new in this edition.
    Added,
    /// The text differs from the earlier item's.
    Reworded,
    /// Made of several earlier items, or one of several made from one (split).
    Merged,
    /// Another phase, section, target or number than before.
    Moved,
    /// Other guideline references than before.
    Refs,
}

impl Kind {
    fn anchor(self, id: &str) -> String {
        let prefix = match self {
            Kind::Added => "added",
            Kind::Reworded => "reworded",
            Kind::Merged => "merged",
            Kind::Moved => "moved",
            Kind::Refs => "refs",
        };
        format!("{prefix}-{id}")
    }
    /// How a manual page says the item changed.
    fn said(self) -> &'static str {
        match self {
            Kind::Added => "追加",
            Kind::Reworded => "文言",
            Kind::Merged => "統合・分割",
            Kind::Moved => "区分・番号",
            Kind::Refs => "ガイドラインの参照先",
        }
    }
}

/// What changed about one item of the newer checklist, relative to its earlier item(s).
pub fn kinds(rel: &Relation, line: &Line) -> Vec<Kind> {
    let mut out = Vec::new();
    if line.from.is_empty() {
        return vec![Kind::Added];
    }
    if line.from.iter().any(|f| f.text != line.item.text) {
        out.push(Kind::Reworded);
    }
    let split = line.from.iter().any(|f| {
        rel.lines
            .iter()
            .filter(|l| l.from.iter().any(|x| x.id == f.id))
            .count()
            > 1
    });
    if line.from.len() > 1 || split {
        out.push(Kind::Merged);
    }
    if !moves(rel, line).is_empty() {
        out.push(Kind::Moved);
    }
    if line.from.iter().any(|f| f.refs != line.item.refs) {
        out.push(Kind::Refs);
    }
    out
}

fn phase_label(def: &ChecklistDef, id: &str) -> String {
    def.phases
        .iter()
        .find(|p| p.id == id)
        .map_or(id.to_string(), |p| p.label.clone())
}

fn section_label(def: &ChecklistDef, id: &str) -> String {
    def.sections
        .iter()
        .find(|s| s.id == id)
        .map_or(id.to_string(), |s| format!("{} {}", s.number, s.title))
}

fn target_label(def: &ChecklistDef, id: Option<&String>) -> String {
    id.and_then(|t| def.targets.iter().find(|x| &x.id == t))
        .map_or("（なし）".into(), |t| t.text.clone())
}

/// (what, before, after) for each of phase, section, target and number that differs from the
/// first earlier item's.
fn moves(rel: &Relation, line: &Line) -> Vec<(&'static str, String, String)> {
    let (Some(old), new) = (line.from.first(), line.item) else {
        return Vec::new();
    };
    let (od, nd) = (&rel.old.def, &rel.new.def);
    let pairs = [
        (
            "区分",
            phase_label(od, &old.phase),
            phase_label(nd, &new.phase),
        ),
        (
            "章",
            section_label(od, &old.section),
            section_label(nd, &new.section),
        ),
        (
            "対象",
            target_label(od, old.target.as_ref()),
            target_label(nd, new.target.as_ref()),
        ),
        ("番号", old.number.clone(), new.number.clone()),
    ];
    // Ids say whether an item moved; labels change every year (令和5年度中 → 令和6年度中).
    let moved = [
        old.phase != new.phase,
        old.section != new.section,
        old.target != new.target,
        old.number != new.number,
    ];
    pairs
        .into_iter()
        .zip(moved)
        .filter(|(_, m)| *m)
        .map(|(p, _)| p)
        .collect()
}

/// The sentence as it now reads, with what was taken out (`delete`) and put in (`insert`)
/// marked, character by character.
pub fn diff(old: &str, new: &str) -> Vec<Value> {
    let d = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_chars(old, new);
    let mut out: Vec<(ChangeTag, String)> = Vec::new();
    for change in d.iter_all_changes() {
        match out.last_mut() {
            Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
            _ => out.push((change.tag(), change.value().to_string())),
        }
    }
    out.into_iter()
        .map(|(tag, text)| {
            let kind = match tag {
                ChangeTag::Equal => "equal",
                ChangeTag::Delete => "delete",
                ChangeTag::Insert => "insert",
            };
            json!({"kind": kind, "text": text})
        })
        .collect()
}

/// (checklist id, item id) → (anchor URL of its first change on the changes page, what the
/// manual pages say under the item: 令和6年度版で変更（文言、区分・番号）).
pub fn changed_items(site: &Site) -> BTreeMap<(String, String), (String, String)> {
    let mut out = BTreeMap::new();
    for c in &site.checklists {
        let Some(rel) = crate::lineage::to_previous(site, c) else {
            continue;
        };
        let name = site
            .edition(&c.def.edition)
            .map_or(c.def.edition.clone(), |e| e.name.clone());
        for line in &rel.lines {
            let k = kinds(&rel, line);
            if let Some(first) = k.first() {
                let said: Vec<&str> = k.iter().map(|k| k.said()).collect();
                let text = if *first == Kind::Added {
                    format!("{name}で追加")
                } else {
                    format!("{name}で変更（{}）", said.join("、"))
                };
                out.insert(
                    (c.def.id.clone(), line.item.id.clone()),
                    (
                        format!("{}#{}", c.changes_url(), first.anchor(&line.item.id)),
                        text,
                    ),
                );
            }
        }
    }
    out
}

fn edition_name(site: &Site, c: &Checklist) -> String {
    site.edition(&c.def.edition)
        .map_or(c.def.edition.clone(), |e| e.name.clone())
}

/// One entry of the page: an item, its link and what the section says about it.
fn entry(c: &Checklist, item: &Item, root: &str, kind: Kind, more: Value) -> Value {
    let mut v = json!({
        "anchor": kind.anchor(&item.id),
        "label": crate::item_rules::form_label(&c.def, item),
        "text": item.text,
        "url": format!("{root}{}#{}", c.item_page_url(&item.id), item.id),
    });
    if let (Some(o), Some(m)) = (v.as_object_mut(), more.as_object()) {
        o.extend(m.clone());
    }
    v
}

/// The page's sections, each a list of entries.
fn sections(site: &Site, rel: &Relation, root: &str) -> Value {
    let (old, new) = (rel.old, rel.new);
    let mut by: BTreeMap<Kind, Vec<Value>> = BTreeMap::new();
    for line in &rel.lines {
        for kind in kinds(rel, line) {
            let from: Vec<Value> = line
                .from
                .iter()
                .map(|f| {
                    json!({
                        "label": crate::item_rules::form_label(&old.def, f),
                        "text": f.text,
                        "url": format!("{root}{}#{}", old.item_page_url(&f.id), f.id),
                        "diff": diff(&f.text, &line.item.text),
                        "refs_removed": crate::model::guideline::ref_links(site, &f.refs.iter().filter(|r| !line.item.refs.contains(r)).cloned().collect::<Vec<_>>(), root),
                    })
                })
                .collect();
            let more = match kind {
                Kind::Moved => {
                    json!({"moves": moves(rel, line).into_iter().map(|(w, a, b)| json!({"what": w, "from": a, "to": b})).collect::<Vec<_>>()})
                }
                Kind::Refs => {
                    let before: Vec<&String> = line.from.iter().flat_map(|f| &f.refs).collect();
                    let added: Vec<String> = line
                        .item
                        .refs
                        .iter()
                        .filter(|r| !before.contains(r))
                        .cloned()
                        .collect();
                    json!({"refs_added": crate::model::guideline::ref_links(site, &added, root), "from": from})
                }
                _ => json!({"from": from}),
            };
            by.entry(kind)
                .or_default()
                .push(entry(new, line.item, root, kind, more));
        }
    }
    let removed: Vec<Value> = rel
        .removed
        .iter()
        .map(|i| {
            json!({
                "anchor": format!("removed-{}", i.id),
                "label": crate::item_rules::form_label(&old.def, i),
                "text": i.text,
                "url": format!("{root}{}#{}", old.item_page_url(&i.id), i.id),
            })
        })
        .collect();
    let ids = |def: &ChecklistDef, f: fn(&ChecklistDef) -> Vec<(String, String)>| f(def);
    let fields = |d: &ChecklistDef| {
        d.form_fields
            .iter()
            .map(|f| (f.id.clone(), f.label.clone()))
            .chain(d.switches.iter().map(|s| (s.id.clone(), s.label.clone())))
            .collect::<Vec<_>>()
    };
    let (of, nf) = (ids(&old.def, fields), ids(&new.def, fields));
    let only = |a: &[(String, String)], b: &[(String, String)]| -> Vec<String> {
        a.iter()
            .filter(|x| !b.iter().any(|y| y.0 == x.0))
            .map(|x| x.1.clone())
            .collect()
    };
    let list = |k: Kind| by.get(&k).cloned().unwrap_or_default();
    json!({
        "added": list(Kind::Added),
        "removed": removed,
        "reworded": list(Kind::Reworded),
        "merged": list(Kind::Merged),
        "moved": list(Kind::Moved),
        "refs": list(Kind::Refs),
        "fields_added": only(&nf, &of),
        "fields_removed": only(&of, &nf),
    })
}

/// The changes page of every checklist with a `previous:`; none when the theme lacks the template.
pub fn outputs(
    site: &Site,
    theme: &Theme,
    opts: &RenderOptions,
) -> Result<Vec<Output>, Diagnostics> {
    if !has_page(theme) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for c in &site.checklists {
        let Some(rel) = crate::lineage::to_previous(site, c) else {
            continue;
        };
        let url = c.changes_url();
        let root = root_prefix(&url);
        let (new_name, old_name) = (edition_name(site, c), edition_name(site, rel.old));
        let title = format!("{}の{}からの変更点", display_name(&c.def), old_name);
        let mut ctx = crate::render::base_context(site, &url, &title, opts.live_reload);
        ctx.insert(
            "page",
            &json!({
                "title": title,
                "source": c.def.source,
                "provenance": "editorial",
                "provenance_note": format!("各項目の文言は{old_name}と{new_name}のチェックリストから引用しています。比較と変更の分類は本サイトが作成したものです。"),
            }),
        );
        ctx.insert(
            "checklist",
            &json!({"name": display_name(&c.def), "url": format!("{root}{}", c.url), "edition_name": new_name, "facility": c.def.facility.label()}),
        );
        ctx.insert(
            "previous",
            &json!({"name": display_name(&rel.old.def), "url": format!("{root}{}", rel.old.url), "edition_name": old_name}),
        );
        ctx.insert("changes", &sections(site, &rel, &root));
        ctx.insert(
            "breadcrumbs",
            &vec![
                json!({"title": "ホーム", "url": format!("{root}index.html")}),
                json!({"title": display_name(&c.def), "url": format!("{root}{}", c.url)}),
            ],
        );
        let html = theme.tera.render(TEMPLATE, &ctx).map_err(|e| Diagnostics {
            items: vec![theme.template_error(e)],
        })?;
        let html = crate::model::guideline::link_placeholders(site, &url, &html);
        out.push(Output {
            bytes: crate::kit::minify_html(&html),
            path: url,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- the feature

/// Editions: the page of what changed since the previous edition, links to it, marks on the
/// manual pages of changed items, and how answers of earlier editions are carried over.
pub struct Editions;

impl Feature for Editions {
    fn checklist(
        &self,
        build: &Build,
        c: &Checklist,
        view: ChecklistView,
        from: &str,
        fields: &mut serde_json::Map<String, Value>,
    ) {
        if view == ChecklistView::About || !has_page(build.theme) {
            return;
        }
        if let Some(p) = crate::lineage::previous(build.site, c) {
            fields.insert(
                "changes".into(),
                json!({
                    "url": crate::render::relative_link(from, &c.changes_url()),
                    "from": build.site.edition(&p.def.edition).map(|e| &e.name),
                }),
            );
        }
    }

    fn checklist_json(
        &self,
        site: &Site,
        c: &Checklist,
        json: &mut serde_json::Map<String, Value>,
    ) {
        // How answer files of earlier editions are carried over to this one (src/migrate.rs).
        let plans = crate::migrate::plans_to(site, c);
        if !plans.is_empty() {
            json.insert("migrations".into(), Value::Array(plans));
        }
    }

    fn item_marks(&self, build: &Build) -> BTreeMap<(String, String), ItemMark> {
        if has_page(build.theme) {
            changed_items(build.site)
        } else {
            BTreeMap::new()
        }
    }

    fn outputs(&self, build: &Build) -> Result<Vec<Output>, Diagnostics> {
        let mut out = outputs(build.site, build.theme, build.options)?;
        if !build.site.checklists.is_empty() {
            out.push(Output {
                path: crate::migrate::DATA_URL.into(),
                bytes: crate::migrate::data_script(build.site).into_bytes(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_the_changed_characters_inside_the_sentence() {
        let d = diff("連絡体制図がある。", "連絡体制図を作成している。");
        let shown: Vec<String> = d
            .iter()
            .map(|s| match s["kind"].as_str().unwrap() {
                "delete" => format!("[-{}]", s["text"].as_str().unwrap()),
                "insert" => format!("[+{}]", s["text"].as_str().unwrap()),
                _ => s["text"].as_str().unwrap().to_string(),
            })
            .collect();
        let joined = shown.concat();
        assert!(joined.starts_with("連絡体制図"), "{joined}");
        let old: String = d
            .iter()
            .filter(|s| s["kind"] != "insert")
            .map(|s| s["text"].as_str().unwrap())
            .collect();
        let new: String = d
            .iter()
            .filter(|s| s["kind"] != "delete")
            .map(|s| s["text"].as_str().unwrap())
            .collect();
        assert_eq!(old, "連絡体制図がある。");
        assert_eq!(new, "連絡体制図を作成している。");
    }
}
