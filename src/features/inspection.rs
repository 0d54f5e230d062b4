//! The inspection page: inspectors load a facility's answer files in the browser and get the
//! same findings as `kensa inspect`. The engine is themes/default/static/js/inspect.js; this
//! module writes the page and the checklist definitions that engine reads. The definitions
//! are a classic script, not JSON, because pages opened from file:// cannot fetch files.

use serde_json::{json, Value};

use crate::diag::Diagnostics;
use crate::kit::{root_prefix, Output};
use crate::model::*;
use crate::plugin::{Build, Feature};
use crate::theme::Theme;

/// The inspection page, relative to the site root.
pub const PAGE_URL: &str = "inspection/index.html";
/// The checklist definitions for inspect.js (a classic script: file:// pages cannot fetch JSON).
pub const DATA_URL: &str = "assets/inspection-data.js";
/// The global the data script defines; inspect.js reads it.
pub const DATA_GLOBAL: &str = "KENSA_INSPECTION";
const TEMPLATE: &str = "inspection.html";
const TITLE: &str = "立入検査の確認（回答ファイルの点検）";

fn inspectable(site: &Site) -> impl Iterator<Item = &Checklist> {
    site.checklists
        .iter()
        .filter(|c| c.def.inspection.is_some())
}

/// Where the inspection page is, when this site has one (for links from other pages).
pub fn page_url(site: &Site, theme: &Theme) -> Option<&'static str> {
    (inspectable(site).next().is_some() && theme.templates.contains_key(TEMPLATE))
        .then_some(PAGE_URL)
}

/// The definitions script, and the inspection page when the theme has its template.
pub fn outputs(site: &Site, theme: &Theme) -> Result<Vec<Output>, Diagnostics> {
    if inspectable(site).next().is_none() {
        return Ok(Vec::new());
    }
    // Checklist pages load the data for their own 事前確認 even when a custom theme has no
    // inspection page.
    let mut outputs = vec![Output {
        path: DATA_URL.into(),
        bytes: data_script(site).into_bytes(),
    }];
    if theme.templates.contains_key(TEMPLATE) {
        outputs.push(page(site, theme)?);
    }
    Ok(outputs)
}

/// Everything inspect.js needs, per checklist; paths are relative to the site root.
pub fn data(site: &Site) -> Value {
    let checklists: Vec<Value> = inspectable(site).map(|c| checklist_data(site, c)).collect();
    // Files for other checklists get a clear error naming the form, not "unknown checklist".
    let others: Vec<Value> = site
        .checklists
        .iter()
        .filter(|c| c.def.inspection.is_none())
        .map(|c| json!({"id": c.def.id, "edition": c.def.edition, "title": c.def.title, "form": c.def.form}))
        .collect();
    json!({
        "format_version": 1,
        "generator": format!("kensa {}", env!("CARGO_PKG_VERSION")),
        "answers_format": crate::inspect::ANSWERS_FORMAT,
        "answers_format_version": crate::inspect::ANSWERS_FORMAT_VERSION,
        // 確認日 and 目標日 outside these years are no dates, on the form and in the inspection.
        "years": [crate::inspect::YEARS.start(), crate::inspect::YEARS.end()],
        "checklists": checklists,
        "others": others,
    })
}

fn checklist_data(site: &Site, c: &Checklist) -> Value {
    let def = &c.def;
    let guide = def
        .guide
        .as_deref()
        .and_then(|g| site.guide(g))
        .map(|p| json!({"title": p.front.title, "url": p.url}));
    let items: Vec<Value> = def
        .items
        .iter()
        .map(|i| {
            json!({
                "id": i.id,
                "key": i.key,
                "number": i.number,
                "section": i.section,
                "target": i.target,
                "phase": i.phase,
                "unless_switch_off": i.unless_switch_off,
                "facility_item": i.facility_item,
                "label": crate::item_rules::label(&c.def, i),
                "text": i.text,
            })
        })
        .collect();
    json!({
        "id": def.id,
        "title": def.title,
        "form": def.form,
        "audience": def.audience,
        "facility": def.facility,
        "facility_label": def.facility.label(),
        "edition": def.edition,
        "edition_name": site.edition(&def.edition).map(|e| e.name.clone()).unwrap_or_default(),
        "definition_hash": c.definition_hash,
        "url": c.url,
        "guide": guide,
        "gate": def.gate.as_ref().map(|g| json!({"key": g.key, "label": g.label})),
        "switches": def.switches.iter().map(|s| json!({"id": s.id, "label": s.label})).collect::<Vec<_>>(),
        "phases": def.phases.iter().map(|p| json!({"id": p.id, "label": p.label, "reference": p.reference, "fiscal_year": p.fiscal_year})).collect::<Vec<_>>(),
        "form_fields": def.form_fields.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        "sections": def.sections.iter().map(|s| json!({"id": s.id, "number": s.number, "title": s.title})).collect::<Vec<_>>(),
        "targets": def.targets,
        "items": items,
        "inspection": def.inspection,
        // Later editions (nearest first) and the year each comes into force: a file of this
        // checklist inspected after that is of an older edition than the one in force.
        "newer": crate::lineage::newer_editions(site, c).into_iter().map(|(d, name, year)| json!({"id": d.def.id, "edition_name": name, "fiscal_year": year})).collect::<Vec<_>>(),
    })
}

/// The script that defines `DATA_GLOBAL`: every inspected checklist, as inspect.js reads it.
pub fn data_script(site: &Site) -> String {
    // `<` escaped so no definition text can end a script element if this is ever inlined.
    let json = serde_json::to_string(&data(site))
        .unwrap_or_default()
        .replace('<', "\\u003c");
    format!(
        "// Checklist definitions for the inspection engine (inspect.js). Written by kensa {}; do not edit.\nvar {DATA_GLOBAL} = {json};\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn page(site: &Site, theme: &Theme) -> Result<Output, Diagnostics> {
    let url = PAGE_URL;
    let root = root_prefix(url);
    let mut ctx = crate::render::base_context(site, url, TITLE, false);
    ctx.insert(
        "breadcrumbs",
        &vec![json!({"title": "ホーム", "url": format!("{root}index.html")})],
    );

    let guides: Vec<&Page> = {
        let mut seen: Vec<&Page> = Vec::new();
        for c in inspectable(site) {
            if let Some(p) = c.def.guide.as_deref().and_then(|g| site.guide(g)) {
                if !seen.iter().any(|s| s.url == p.url) {
                    seen.push(p);
                }
            }
        }
        seen
    };
    let names: Vec<String> = guides
        .iter()
        .map(|g| format!("「{}」", g.front.title))
        .collect();
    let note = if names.is_empty() {
        String::new()
    } else {
        format!("確認の基準と引用文は{}によります。", names.join("と"))
    };
    ctx.insert(
        "page",
        &json!({
            "title": TITLE,
            "description": "施設から提出されたチェックリストの回答ファイルを、立入検査の手引きに沿ってブラウザの中で点検します。",
            "provenance": "editorial",
            "provenance_note": note,
        }),
    );

    // What this page can inspect: edition → facility → forms, in the order of the site.
    let mut editions: Vec<Value> = Vec::new();
    for c in inspectable(site) {
        let def = &c.def;
        let edition_name = site
            .edition(&def.edition)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| def.edition.clone());
        let pos = match editions
            .iter()
            .position(|e| e["id"] == def.edition.as_str())
        {
            Some(p) => p,
            None => {
                editions.push(json!({"id": def.edition, "name": edition_name, "facilities": []}));
                editions.len() - 1
            }
        };
        let facilities = editions[pos]["facilities"].as_array_mut().expect("array");
        let label = def.facility.label();
        let fpos = match facilities.iter().position(|f| f["label"] == label) {
            Some(p) => p,
            None => {
                let guide =
                    def.guide.as_deref().and_then(|g| site.guide(g)).map(
                        |p| json!({"title": p.front.title, "url": format!("{root}{}", p.url)}),
                    );
                facilities.push(json!({"label": label, "guide": guide, "forms": []}));
                facilities.len() - 1
            }
        };
        facilities[fpos]["forms"]
            .as_array_mut()
            .expect("array")
            .push(json!({
                "title": def.title,
                "form": def.form,
                "audience": def.audience,
                "url": format!("{root}{}", c.url),
            }));
    }
    ctx.insert("editions", &editions);
    ctx.insert("data_url", &format!("{root}{DATA_URL}"));

    let html = theme.tera.render(TEMPLATE, &ctx).map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(theme.template_error(e));
        d
    })?;
    Ok(Output {
        path: url.into(),
        bytes: crate::kit::minify_html(&html),
    })
}

// ---------------------------------------------------------------- the feature

/// The inspection page and the definitions its engine reads.
pub struct Inspection;

impl Feature for Inspection {
    fn home(&self, build: &Build, ctx: &mut tera::Context) {
        ctx.insert("inspection_url", &page_url(build.site, build.theme));
    }

    fn outputs(&self, build: &Build) -> Result<Vec<Output>, Diagnostics> {
        outputs(build.site, build.theme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_script_defines_one_global_without_markup() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = crate::pipeline::load_site(root).expect("content loads");
        let script = data_script(&site);
        assert!(script.contains(&format!("var {DATA_GLOBAL} = {{")));
        assert!(!script.contains("</"));
        let value = data(&site);
        let lists = value["checklists"].as_array().unwrap();
        assert!(lists.len() >= 4);
        assert!(lists.iter().all(|c| c["inspection"]["rules"].is_array()));
        assert!(value["others"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["id"].is_string()));
    }
}
