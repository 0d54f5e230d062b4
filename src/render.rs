//! Render stage: turns the validated model into HTML through the theme's Tera templates.
//! Each page's context holds only what that page shows (its own breadcrumbs, neighbours and
//! table of contents), never the whole site, so the work per page does not grow with the site.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use tera::{Context, Tera};

use crate::diag::{Diagnostic, Diagnostics};
use crate::kit::{escape_attr, root_prefix, Output};
use crate::model::*;
use crate::plugin::{Build, ChecklistView, Feature, ItemMark};
use crate::theme::Theme;

/// What base.html needs on every page; modules that render pages of their own start from it.
pub fn base_context(site: &Site, url: &str, title: &str, live_reload: bool) -> Context {
    let mut ctx = Context::new();
    ctx.insert("root", &root_prefix(url));
    ctx.insert("url", url);
    ctx.insert("title", title);
    // The 出典 line of a page without a source of its own: the footer, which may itself begin
    // with 出典 (the line has its own label).
    let footer = &site.config.footer;
    let footer_source = ["出典：", "出典:"]
        .iter()
        .find_map(|p| footer.strip_prefix(p))
        .unwrap_or(footer)
        .trim_start();
    ctx.insert(
        "site",
        &json!({
            "title": site.config.title,
            "footer": site.config.footer,
            "footer_source": footer_source,
            "language": site.config.language,
        }),
    );
    ctx.insert("csp", crate::kit::CONTENT_SECURITY_POLICY);
    ctx.insert("live_reload", &live_reload);
    ctx.insert("version", env!("CARGO_PKG_VERSION"));
    ctx.insert("breadcrumbs", &Vec::<Link>::new());
    ctx.insert("toc", &Vec::<Value>::new());
    ctx
}

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
}

/// Renders the site's own pages (Markdown pages, forms, companions, manual indexes, 404) and
/// each checklist's JSON; features render theirs.
pub fn render_site(build: &Build) -> Result<Vec<Output>, Diagnostics> {
    let (site, theme) = (build.site, build.theme);
    let tera = &theme.tera;
    let mut jobs: Vec<Job> = Vec::new();
    for (i, page) in site.pages.iter().enumerate() {
        jobs.push(match page.kind {
            PageKind::Home => Job::Home(i),
            _ => Job::Page(i),
        });
    }
    if !site.pages.iter().any(|p| p.kind == PageKind::Home) {
        jobs.push(Job::DefaultHome);
    }
    let about_pages = has_about_page(theme);
    for (i, c) in site.checklists.iter().enumerate() {
        jobs.extend((0..c.part_count()).map(|part| Job::Checklist(i, part)));
        if c.print_url().is_some() && theme.templates.contains_key("checklist_print.html") {
            jobs.push(Job::ChecklistPrint(i));
        }
        if about_pages {
            jobs.push(Job::ChecklistAbout(i));
        }
    }
    for (i, _) in site.manuals.iter().enumerate() {
        jobs.push(Job::ManualIndex(i));
    }
    let folders = plain_folders(site);
    for folder in folders.keys() {
        jobs.push(Job::Folder(folder.clone()));
    }
    jobs.push(Job::NotFound);

    let neighbours = neighbours(site);
    let marks = build
        .features
        .iter()
        .flat_map(|f| f.item_marks(build))
        .collect();
    let backlinks = item_backlinks(site, &marks);
    let shared = Shared {
        build,
        site,
        tera,
        theme,
        neighbours: &neighbours,
        backlinks: &backlinks,
        folders: &folders,
        live_reload: build.options.live_reload,
    };
    let results: Vec<Result<Output, Diagnostic>> =
        jobs.par_iter().map(|job| shared.render(job)).collect();
    let mut outputs = Vec::with_capacity(results.len() + site.checklists.len() + 1);
    let mut diags = Diagnostics::default();
    for r in results {
        match r {
            Ok(o) => outputs.push(o),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    for c in &site.checklists {
        outputs.push(Output {
            path: c.json_url(),
            bytes: checklist_json(site, c, build.features).into_bytes(),
        });
    }
    Ok(outputs)
}

enum Job {
    Home(usize),
    DefaultHome,
    Page(usize),
    /// A split form's print view: every item on one page, filled from the stored answers.
    ChecklistPrint(usize),
    /// A checklist's form page: (checklist, part) — long lists are split over several pages.
    Checklist(usize, usize),
    ChecklistAbout(usize),
    ManualIndex(usize),
    Folder(String),
    NotFound,
}

struct Shared<'a> {
    build: &'a Build<'a>,
    site: &'a Site,
    tera: &'a Tera,
    theme: &'a Theme,
    neighbours: &'a Vec<(Option<Link>, Option<Link>)>,
    backlinks: &'a BTreeMap<(String, String), Vec<Value>>,
    folders: &'a BTreeMap<String, Folder>,
    live_reload: bool,
}

impl Shared<'_> {
    fn render(&self, job: &Job) -> Result<Output, Diagnostic> {
        let (url, template, ctx) = match job {
            Job::Home(i) => {
                let page = &self.site.pages[*i];
                let mut ctx = self.page_context(&page.url, &page.front.title);
                self.fill_markdown_page(&mut ctx, *i);
                self.fill_home(&mut ctx);
                (page.url.clone(), "home.html", ctx)
            }
            Job::DefaultHome => {
                let mut ctx = self.page_context("index.html", &self.site.config.title);
                ctx.insert(
                    "page",
                    &json!({"title": self.site.config.title, "provenance": "editorial"}),
                );
                self.fill_home(&mut ctx);
                ("index.html".into(), "home.html", ctx)
            }
            Job::Page(i) => {
                let page = &self.site.pages[*i];
                let mut ctx = self.page_context(&page.url, &page.front.title);
                self.fill_markdown_page(&mut ctx, *i);
                let template = match page.kind {
                    PageKind::ManualPage => "manual_page.html",
                    PageKind::Guide => "guide.html",
                    _ => "page.html",
                };
                (page.url.clone(), template, ctx)
            }
            Job::Checklist(i, part) => {
                let c = &self.site.checklists[*i];
                let url = c.part_url(*part);
                let mut ctx = self.page_context(&url, &form_page_title(c, *part));
                self.fill_checklist(&mut ctx, c, Some(*part));
                (url, "checklist.html", ctx)
            }
            Job::ChecklistPrint(i) => {
                let c = &self.site.checklists[*i];
                let url = c.print_url().unwrap_or_default();
                let mut ctx = self.page_context(&url, &print_title(c));
                self.fill_checklist(&mut ctx, c, None);
                (url, "checklist_print.html", ctx)
            }
            Job::ChecklistAbout(i) => {
                let c = &self.site.checklists[*i];
                let url = c.about_url();
                let mut ctx = self.page_context(&url, &about_title(&c.def));
                self.fill_checklist_about(&mut ctx, c);
                (url, "checklist_about.html", ctx)
            }
            Job::ManualIndex(i) => self.manual_index(*i),
            Job::Folder(folder) => self.folder_page(folder),
            Job::NotFound => {
                // 404.html is served from any depth by static hosts: absolute-free links only
                // work from the root, which is where hosts look for it.
                let mut ctx = self.page_context("404.html", "ページが見つかりません");
                ctx.insert(
                    "page",
                    &json!({"title": "ページが見つかりません", "provenance": "editorial"}),
                );
                ("404.html".into(), "404.html", ctx)
            }
        };
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| self.theme.template_error(e))?;
        let html = resolve_internal_links(self.site, &url, &html);
        let html = crate::model::guideline::link_placeholders(self.site, &url, &html);
        Ok(Output {
            bytes: crate::kit::minify_html(&html),
            path: url,
        })
    }

    /// A manual's table of contents.
    fn manual_index(&self, i: usize) -> (String, &'static str, Context) {
        let m = &self.site.manuals[i];
        let url = format!("manuals/{}/index.html", m.meta.id);
        let mut ctx = self.page_context(&url, &m.meta.title);
        ctx.insert(
            "page",
            &json!({
                "title": m.meta.title,
                "description": m.meta.description,
                "source": m.meta.source,
                "provenance": m.meta.provenance,
                "provenance_note": m.meta.provenance_note,
            }),
        );
        ctx.insert("breadcrumbs", &vec![self.home_link(&url)]);
        ctx.insert("manual", &self.manual_nav(m, &url, None));
        (url, "manual_index.html", ctx)
    }

    /// A folder of plain pages: its pages and sub-folders.
    fn folder_page(&self, folder: &str) -> (String, &'static str, Context) {
        let f = &self.folders[folder];
        let url = format!("{folder}/index.html");
        let mut ctx = self.page_context(&url, &f.title);
        let root = root_prefix(&url);
        let children: Vec<Link> = f
            .pages
            .iter()
            .map(|&i| Link {
                title: self.site.pages[i].front.title.clone(),
                url: format!("{root}{}", self.site.pages[i].url),
            })
            .collect();
        let subfolders: Vec<Link> = f
            .subfolders
            .iter()
            .map(|s| Link {
                title: self.folders[s].title.clone(),
                url: format!("{root}{s}/index.html"),
            })
            .collect();
        ctx.insert(
            "page",
            &json!({"title": f.title, "provenance": "editorial"}),
        );
        ctx.insert("children", &children);
        ctx.insert("subfolders", &subfolders);
        ctx.insert("breadcrumbs", &self.folder_breadcrumbs(&url, folder, false));
        (url, "folder.html", ctx)
    }

    fn page_context(&self, url: &str, title: &str) -> Context {
        base_context(self.site, url, title, self.live_reload)
    }

    /// What the features add to a checklist's object (`from` is the page it is rendered on).
    fn add_feature_fields(
        &self,
        c: &Checklist,
        view: ChecklistView,
        from: &str,
        value: &mut Value,
    ) {
        if let Some(fields) = value.as_object_mut() {
            for f in self.build.features {
                f.checklist(self.build, c, view, from, fields);
            }
        }
    }

    fn home_link(&self, from: &str) -> Link {
        Link {
            title: "ホーム".into(),
            url: format!("{}index.html", root_prefix(from)),
        }
    }

    fn fill_markdown_page(&self, ctx: &mut Context, i: usize) {
        let page = &self.site.pages[i];
        let root = root_prefix(&page.url);
        let fm = &page.front;
        // A derived page names the page it was adapted from, with that page's source.
        let derived_from = fm
            .derived_from
            .as_ref()
            .and_then(|d| self.site.page_by_source.get(d.as_str()))
            .map(|&j| {
                let from = &self.site.pages[j];
                let manual = from.manual.as_deref().and_then(|m| self.site.manual(m));
                let source = from
                    .front
                    .source
                    .as_ref()
                    .or(manual.map(|m| &m.meta.source));
                json!({
                    "title": from.front.title,
                    "url": format!("{root}{}", from.url),
                    "source": source.map(source_line),
                    "manual": manual.map(|m| m.meta.short_title.as_ref().unwrap_or(&m.meta.title)),
                })
            });
        ctx.insert(
            "page",
            &json!({
                "title": fm.title,
                "description": fm.description,
                "kind": page.kind,
                "source": fm.source,
                "provenance": fm.provenance,
                "provenance_note": fm.provenance_note,
                "derived_from": derived_from,
                "mixed": !fm.parts.is_empty(),
                "discrepancies": fm.discrepancies,
            }),
        );
        let mut html = insert_part_marks(page, &page.markdown.html);
        if page.kind == PageKind::ManualPage {
            html = self.insert_backlinks(page, &html);
        }
        ctx.insert("content", &html);
        let toc: Vec<_> = page
            .markdown
            .headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .collect();
        ctx.insert("toc", &toc);
        let (prev, next) = &self.neighbours[i];
        let rel = |l: &Option<Link>| {
            l.as_ref().map(|l| Link {
                title: l.title.clone(),
                url: format!("{root}{}", l.url),
            })
        };
        ctx.insert("prev", &rel(prev));
        ctx.insert("next", &rel(next));
        match page.kind {
            PageKind::ManualPage => {
                let manual = page
                    .manual
                    .as_deref()
                    .and_then(|m| self.site.manual(m))
                    .expect("validated: manual pages have a manual");
                let nav = self.manual_nav(manual, &page.url, Some(i));
                ctx.insert(
                    "breadcrumbs",
                    &vec![
                        self.home_link(&page.url),
                        Link {
                            title: manual
                                .meta
                                .short_title
                                .clone()
                                .unwrap_or(manual.meta.title.clone()),
                            url: format!("{root}manuals/{}/index.html", manual.meta.id),
                        },
                    ],
                );
                // A manual page without a source of its own cites its manual's.
                ctx.insert("manual_source", &manual.meta.source);
                ctx.insert("manual", &nav);
            }
            PageKind::Guide => {
                let checklists: Vec<Link> = fm
                    .checklists
                    .iter()
                    .filter_map(|id| self.site.checklist(id))
                    .map(|c| Link {
                        title: format!("{}（{}）", c.def.title, c.def.form),
                        url: format!("{root}{}", c.url),
                    })
                    .collect();
                ctx.insert("guide_checklists", &checklists);
                ctx.insert("breadcrumbs", &vec![self.home_link(&page.url)]);
            }
            PageKind::Plain => {
                let folder = parent_folder(&page.url);
                ctx.insert(
                    "breadcrumbs",
                    &self.folder_breadcrumbs(&page.url, &folder, true),
                );
            }
            PageKind::Home => {}
        }
    }

    fn folder_breadcrumbs(&self, from: &str, folder: &str, include_self: bool) -> Vec<Link> {
        let root = root_prefix(from);
        let mut crumbs = vec![self.home_link(from)];
        let mut path = String::new();
        let parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        for (n, part) in parts.iter().enumerate() {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
            if n + 1 == parts.len() && !include_self {
                break;
            }
            if let Some(f) = self.folders.get(&path) {
                crumbs.push(Link {
                    title: f.title.clone(),
                    url: format!("{root}{path}/index.html"),
                });
            }
        }
        crumbs
    }

    fn manual_nav(&self, manual: &Manual, from: &str, current: Option<usize>) -> Value {
        let root = root_prefix(from);
        let pages: Vec<Value> = manual
            .pages
            .iter()
            .map(|&j| {
                let p = &self.site.pages[j];
                json!({
                    "title": p.front.title,
                    "url": format!("{root}{}", p.url),
                    "current": Some(j) == current,
                    "made_here": made_here_label(&p.front),
                })
            })
            .collect();
        json!({
            "id": manual.meta.id,
            "title": manual.meta.title,
            "short_title": manual.meta.short_title,
            "url": format!("{root}manuals/{}/index.html", manual.meta.id),
            "pages": pages,
            "source": manual.meta.source,
            "facility": manual.meta.facility.label(),
        })
    }

    /// Puts, under each explained item's heading, links to that item on every checklist.
    fn insert_backlinks(&self, page: &Page, html: &str) -> String {
        let manual = page.manual.clone().unwrap_or_default();
        let root = root_prefix(&page.url);
        let mut out = html.to_string();
        for key in &page.front.explains {
            let Some(list) = self.backlinks.get(&(manual.clone(), key.clone())) else {
                continue;
            };
            let anchor = item_anchor(key);
            let open = format!(" id=\"{anchor}\"");
            let Some(pos) = out.find(&open) else { continue };
            let Some(close_rel) = out[pos..].find("</h") else {
                continue;
            };
            let Some(end_rel) = out[pos + close_rel..].find('>') else {
                continue;
            };
            let insert_at = pos + close_rel + end_rel + 1;
            let mut block = String::from(
                "<ul class=\"item-backlinks\" aria-label=\"この項目を含むチェックリスト\">",
            );
            for l in list {
                let mark = l["mark"]["url"].as_str().map_or(String::new(), |u| {
                    format!(
                        "（<a class=\"item-changed\" href=\"{root}{}\">{}</a>）",
                        escape_attr(u),
                        escape_attr(l["mark"]["text"].as_str().unwrap_or_default())
                    )
                });
                block.push_str(&format!(
                    "<li><a href=\"{root}{}\">{}</a>{mark}</li>",
                    escape_attr(l["url"].as_str().unwrap_or_default()),
                    escape_attr(l["label"].as_str().unwrap_or_default())
                ));
            }
            block.push_str("</ul>");
            out.insert_str(insert_at, &block);
        }
        out
    }

    fn fill_home(&self, ctx: &mut Context) {
        let site = self.site;
        let shown: Vec<&Edition> = if site.config.editions_shown.is_empty() {
            site.config.editions.iter().rev().collect()
        } else {
            site.config
                .editions_shown
                .iter()
                .filter_map(|id| site.edition(id))
                .collect()
        };
        let editions: Vec<Value> = shown
            .iter()
            .map(|e| {
                let lists: Vec<Value> = site
                    .checklists
                    .iter()
                    .filter(|c| c.def.edition == e.id)
                    .map(|c| {
                        let mut entry = json!({
                            "title": c.def.title,
                            "form": c.def.form,
                            "url": c.url,
                            "description": c.def.description,
                            "facility": c.def.facility.label(),
                            "audience": c.def.audience,
                        });
                        self.add_feature_fields(c, ChecklistView::Home, "index.html", &mut entry);
                        entry
                    })
                    .collect();
                json!({"id": e.id, "name": e.name, "checklists": lists})
            })
            .filter(|e| {
                !e["checklists"]
                    .as_array()
                    .map(Vec::is_empty)
                    .unwrap_or(true)
            })
            .collect();
        ctx.insert("editions", &editions);
        let manuals: Vec<Value> = site
            .manuals
            .iter()
            .map(|m| json!({"title": m.meta.title, "url": format!("manuals/{}/index.html", m.meta.id), "description": m.meta.description, "facility": m.meta.facility.label()}))
            .collect();
        ctx.insert("manuals", &manuals);
        let guides: Vec<Value> = site
            .pages
            .iter()
            .filter(|p| p.kind == PageKind::Guide)
            .map(|p| json!({"title": p.front.title, "url": p.url, "description": p.front.description}))
            .collect();
        ctx.insert("guides", &guides);
        for f in self.build.features {
            f.home(self.build, ctx);
        }
        // Top-level plain pages and folders; deeper pages are reached through folder indexes.
        let mut others: Vec<Link> = site
            .pages
            .iter()
            .filter(|p| p.kind == PageKind::Plain && !p.url.contains('/'))
            .map(|p| Link {
                title: p.front.title.clone(),
                url: p.url.clone(),
            })
            .collect();
        others.extend(
            self.folders
                .iter()
                .filter(|(k, _)| !k.contains('/'))
                .map(|(k, f)| Link {
                    title: f.title.clone(),
                    url: format!("{k}/index.html"),
                }),
        );
        ctx.insert("others", &others);
    }

    /// The phases of a form page (`part`, or every item for the print view), each with its
    /// sections and their items grouped under their target lines.
    fn form_phases(
        &self,
        c: &Checklist,
        part: Option<usize>,
        root: &str,
        explain_url: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Value> {
        let def = &c.def;
        let on_page = |n: usize| part.is_none_or(|p| c.part_of(n) == p);
        def
            .phases
            .iter()
            .filter_map(|phase| {
                let sections: Vec<Value> = def
                    .sections
                    .iter()
                    .filter_map(|section| {
                        let items: Vec<&Item> = def
                            .items
                            .iter()
                            .enumerate()
                            .filter(|&(n, i)| {
                                i.phase == phase.id && i.section == section.id && on_page(n)
                            })
                            .map(|(_, i)| i)
                            .collect();
                        if items.is_empty() {
                            return None;
                        }
                        let groups = self.target_groups(def, &items, root, explain_url);
                        Some(json!({"id": section.id, "number": section.number, "title": section.title, "title_provenance": section.title_provenance, "groups": groups}))
                    })
                    .collect();
                // A phase continued from the page before is not introduced again.
                let begins_here = def
                    .items
                    .iter()
                    .position(|i| i.phase == phase.id)
                    .is_none_or(on_page);
                let instructions: &[String] = if begins_here { &phase.instructions } else { &[] };
                // A split form's page shows only the phases it has items of.
                (c.part_count() == 1 || !sections.is_empty()).then(|| json!({"id": phase.id, "label": phase.label, "label_provenance": phase.label_provenance, "reference": phase.reference, "instructions": instructions, "sections": sections}))
            })
            .collect()
    }

    /// Consecutive items under the same target line form one group.
    fn target_groups(
        &self,
        def: &ChecklistDef,
        items: &[&Item],
        root: &str,
        explain_url: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Value> {
        let site = self.site;
        let mut groups: Vec<Value> = Vec::new();
        let mut current: Option<Option<String>> = None;
        let mut group_items: Vec<Value> = Vec::new();
        for item in items.iter().copied() {
            if current.as_ref() != Some(&item.target) {
                if let Some(t) = current.take() {
                    groups.push(group_value(def, t, std::mem::take(&mut group_items)));
                }
                current = Some(item.target.clone());
            }
            group_items.push(json!({
                "id": item.id,
                "key": item.key,
                "number": item.number,
                "text": item.text,
                "refs": crate::model::guideline::ref_links(site, &item.refs, root),
                "note": item.note,
                "unless_switch_off": item.unless_switch_off,
                "viewpoint": item.viewpoint.as_ref().and_then(|v| def.viewpoints.iter().find(|x| &x.id == v)).map(|v| &v.label),
                "viewpoint_id": item.viewpoint,
                "explain_url": explain_url(&item.key),
                "refs_taken_from": item.refs_taken_from,
                "site_rounds": site_rounds(def, item),
            }));
        }
        if let Some(t) = current {
            groups.push(group_value(def, t, group_items));
        }
        groups
    }

    /// A form page (`part`), or with `None` the print view of a split form: every item.
    fn fill_checklist(&self, ctx: &mut Context, c: &Checklist, part: Option<usize>) {
        let site = self.site;
        let def = &c.def;
        let url = part.map_or_else(|| c.print_url().unwrap_or_default(), |p| c.part_url(p));
        let root = root_prefix(&url);
        let manual = def.manual.as_deref().and_then(|m| site.manual(m));
        let explain_url = |key: &str| -> Option<String> {
            let m = manual?;
            let p = crate::validate::explaining_page(site, m, key)?;
            Some(format!("{root}{}#{}", p.url, item_anchor(key)))
        };
        let (rounds, choices) = answer_controls(def.answer);
        let phases = self.form_phases(c, part, &root, &explain_url);
        let edition = site
            .edition(&def.edition)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        let guide = def
            .guide
            .as_deref()
            .and_then(|g| site.guide(g))
            .map(|p| Link {
                title: p.front.title.clone(),
                url: format!("{root}{}", p.url),
            });
        // With a companion page, the form page names its source in one line and links there for
        // the discrepancies and the guideline coverage, which filling in the form does not need.
        // The companion page and the JSON sit beside the form: linked by their file names.
        let about_url = has_about_page(self.theme).then(|| file_name(&c.about_url()).to_string());
        let discrepancy_link = about_url
            .as_ref()
            .filter(|_| !def.discrepancies.is_empty())
            .map(
                |u| json!({"url": format!("{u}#discrepancies"), "count": def.discrepancies.len()}),
            );
        ctx.insert(
            "page",
            &json!({
                "title": part.map_or_else(|| print_title(c), |p| form_page_title(c, p)),
                "description": def.description,
                "source": def.source,
                "provenance": def.provenance,
                "provenance_note": def.provenance_note,
                "discrepancies": if about_url.is_some() { &[][..] } else { &def.discrepancies[..] },
                "discrepancy_link": discrepancy_link,
            }),
        );
        let rules = crate::item_rules::rules(def);
        let mut checklist = json!({
            "id": def.id,
            "title": def.title,
            "title_provenance": def.title_provenance,
            "remarks_on_paper": def.remarks_on_paper,
            "form": def.form,
            "edition": def.edition,
            "edition_name": edition,
            "audience": def.audience,
            "facility": def.facility.label(),
            "answer": def.answer,
            "definition_hash": c.definition_hash,
            "inspectable": def.inspection.is_some(),
            "json_url": file_name(&c.json_url()),
            "form_fields": def.form_fields,
            "form_name_shown": !def.title.contains(&def.form),
            "notes": if part.is_none_or(|p| p == 0) { &def.notes[..] } else { &[][..] },
            "parts": part.map(|p| form_parts(c, p)).unwrap_or_default(),
            "other_parts_items": part.and_then(|p| other_parts_items(c, &rules, p)),
            "rules": crate::item_rules::page_block(def, &rules, |n| part.is_none_or(|p| c.part_of(n) == p)),
            "print_url": c.print_url().map(|u| file_name(&u).to_string()),
            "part_count": c.part_count(),
            "form_url": file_name(&c.url),
            "gate": def.gate.as_ref().map(|g| json!({"key": g.key, "label": g.label, "text": g.text, "note": g.note, "taken_from": g.taken_from, "refs": crate::model::guideline::ref_links(site, &g.refs, &root), "explain_url": explain_url(&g.key)})),
            "switches": def.switches,
            "viewpoints": def.viewpoints,
            "phases": phases,
            "item_count": def.items.len(),
            "edition_note": edition_note(site, c, &url),
            "manual": manual.map(|m| Link { title: m.meta.title.clone(), url: format!("{root}manuals/{}/index.html", m.meta.id) }),
            "guide": guide,
            "about_url": about_url,
        });
        self.add_feature_fields(c, ChecklistView::Form, &url, &mut checklist);
        ctx.insert("checklist", &checklist);
        ctx.insert("rounds", &rounds);
        ctx.insert("choices", &choices);
        ctx.insert("breadcrumbs", &vec![self.home_link(&url)]);
    }

    /// The companion page of a checklist: its guideline coverage and the discrepancies between
    /// its sources, with the 出典 at the foot as on the form.
    fn fill_checklist_about(&self, ctx: &mut Context, c: &Checklist) {
        let site = self.site;
        let def = &c.def;
        let url = c.about_url();
        let root = root_prefix(&url);
        let form_url = format!("{root}{}", c.url);
        ctx.insert(
            "page",
            &json!({
                "title": about_title(def),
                "source": def.source,
                "provenance": def.provenance,
                "provenance_note": def.provenance_note,
            }),
        );
        let mut checklist = json!({
            "name": display_name(def),
            "url": form_url,
            "edition_name": site.edition(&def.edition).map(|e| e.name.clone()).unwrap_or_default(),
            "facility": def.facility.label(),
            "json_url": format!("{root}{}", c.json_url()),
        });
        self.add_feature_fields(c, ChecklistView::About, &url, &mut checklist);
        ctx.insert("checklist", &checklist);
        ctx.insert("discrepancies", &def.discrepancies);
        ctx.insert(
            "breadcrumbs",
            &vec![
                self.home_link(&url),
                Link {
                    title: display_name(def),
                    url: form_url,
                },
            ],
        );
    }
}

/// The answer columns this site adds to an item whose paper row prints fewer (`paper_rounds`),
/// as the form labels them (目標日・2回目), or None.
fn site_rounds(def: &ChecklistDef, item: &Item) -> Option<String> {
    if item.paper_rounds.is_empty() {
        return None;
    }
    let all: &[(&str, &str)] = match def.answer {
        AnswerKind::YesNoDated => &[("r1", "1回目"), ("target", "目標日"), ("r2", "2回目")],
        AnswerKind::MaruBatsu => &[("r1", "結果")],
    };
    let added: Vec<&str> = all
        .iter()
        .filter(|(id, _)| !item.paper_rounds.iter().any(|r| r == id))
        .map(|(_, label)| *label)
        .collect();
    (!added.is_empty()).then(|| added.join("・"))
}

/// `厚生労働省「…」（別添２）、令和5年6月`: a source as the 出典 line names it.
pub fn source_line(src: &crate::model::Source) -> String {
    let mut line = format!("{}「{}」", src.publisher, src.title);
    if let Some(part) = &src.part {
        line.push_str(&format!("（{part}）"));
    }
    if let Some(issued) = &src.issued {
        line.push_str(&format!("、{issued}"));
    }
    line
}

/// How a list of pages (a manual's contents, search results) marks a page that is not, or not
/// all, transcribed: None for a transcribed page.
pub fn made_here_label(fm: &crate::model::FrontMatter) -> Option<&'static str> {
    match (&fm.provenance, fm.parts.is_empty()) {
        (Provenance::Official, _) => None,
        (Provenance::Derived, true) => Some("本サイトが他の資料を元に作成"),
        (Provenance::Editorial, true) => Some("本サイトが作成"),
        (_, false) => Some("一部を本サイトが作成"),
    }
}

/// Marks where each part of a page of mixed provenance (`parts:`) begins, in the page itself.
fn insert_part_marks(page: &Page, html: &str) -> String {
    let mut out = html.to_string();
    for part in page.front.parts.iter().rev() {
        let label = match part.provenance {
            Provenance::Official => "ここから出典資料の原文",
            Provenance::Derived => "ここから本サイトが他の資料を元に作成した文章",
            Provenance::Editorial => "ここから本サイトが作成した文章",
        };
        let mark = format!(
            "<p class=\"part-mark part-{}\"><strong>{label}：</strong>{}</p>",
            serde_json::to_value(&part.provenance)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            escape_attr(&part.note)
        );
        let at = if part.from == "start" {
            Some(0)
        } else {
            out.find(&format!(" id=\"{}\"", part.from))
                .and_then(|i| out[..i].rfind("<h"))
        };
        if let Some(at) = at {
            out.insert_str(at, &mark);
        }
    }
    out
}

/// Whether the theme has the checklist companion page; a theme without it keeps the sources'
/// discrepancies and the guideline coverage on the form page, as its own template shows them.
fn has_about_page(theme: &Theme) -> bool {
    theme.templates.contains_key("checklist_about.html")
}

/// A checklist's name as one phrase: the 2021 forms' names are their titles (or part of them).
pub(crate) fn display_name(def: &ChecklistDef) -> String {
    if def.title.contains(&def.form) {
        def.title.clone()
    } else {
        format!("{}（{}）", def.title, def.form)
    }
}

/// A form page's title; the pages of a split form say which page and which items.
fn form_page_title(c: &Checklist, part: usize) -> String {
    let name = display_name(&c.def);
    if c.part_count() == 1 {
        name
    } else {
        format!(
            "{name}（{}／{}：{}）",
            part + 1,
            c.part_count(),
            part_label(c, part)
        )
    }
}

/// 項目1〜19: the first and last item of a form page.
fn part_label(c: &Checklist, part: usize) -> String {
    let mut on_page = c
        .def
        .items
        .iter()
        .enumerate()
        .filter(|&(n, _)| c.part_of(n) == part)
        .map(|(_, i)| i);
    let first = on_page.next();
    let last = on_page.next_back().or(first);
    match (first, last) {
        (Some(f), Some(l)) => format!(
            "項目{}〜{}",
            crate::item_rules::form_label(&c.def, f),
            crate::item_rules::form_label(&c.def, l)
        ),
        _ => String::new(),
    }
}

/// The last part of a path: a split form's pages sit side by side, so they link by file name.
fn file_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// The shortest relative link from page `from` to `to` (both relative to the site root):
/// `checklists/r5/a.html` → `checklists/r6/a.html` is `../r6/a.html`. Form pages are weighed to
/// the byte, and links between editions' forms are on every form of a superseded edition.
pub fn relative_link(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from
        .rsplit_once('/')
        .map_or(Vec::new(), |(dir, _)| dir.split('/').collect());
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts[..to_parts.len() - 1])
        .take_while(|(a, b)| a == b)
        .count();
    format!(
        "{}{}",
        "../".repeat(from_dirs.len() - common),
        to_parts[common..].join("/")
    )
}

/// The pages of a split form, for the page list and the previous/next links (none when the
/// form is one page).
fn form_parts(c: &Checklist, part: usize) -> Vec<Value> {
    if c.part_count() == 1 {
        return Vec::new();
    }
    (0..c.part_count())
        .map(|p| {
            json!({
                "number": p + 1,
                "label": part_label(c, p),
                "url": file_name(&c.part_url(p)),
                "current": p == part,
                "previous": p + 1 == part,
                "next": p == part + 1,
            })
        })
        .collect()
}

/// What form.js and scoring.js need of the items on a split form's other pages to count,
/// score, review and export every answer from any page: per page its
/// address and label; per section shown there its label; per item an `item_rules::row`, as
/// the page's own items are listed in its rules block (which holds the round lists and 視点
/// ids they refer to). JSON in a data block, made safe to sit inside <script>.
fn other_parts_items(
    c: &Checklist,
    rules: &crate::item_rules::Rules,
    part: usize,
) -> Option<String> {
    if c.part_count() == 1 {
        return None;
    }
    let def = &c.def;
    let (_, shapes) = crate::item_rules::round_shapes(rules);
    let pages: Vec<Value> = (0..c.part_count())
        .map(|p| {
            if p == part {
                return json!({"current": true, "label": part_label(c, p)});
            }
            let mut sections: Vec<Value> = Vec::new();
            for phase in &def.phases {
                for section in &def.sections {
                    let items: Vec<Value> = (0..def.items.len())
                        .filter(|&n| {
                            let i = &def.items[n];
                            i.phase == phase.id && i.section == section.id && c.part_of(n) == p
                        })
                        .map(|n| crate::item_rules::row(def, &def.items[n], &rules.items[n], shapes[n]))
                        .collect();
                    if !items.is_empty() {
                        sections.push(json!({
                            "label": format!("{}　{} {}", phase.label, section.number, section.title),
                            "items": items,
                        }));
                    }
                }
            }
            json!({"url": file_name(&c.part_url(p)), "label": part_label(c, p), "sections": sections})
        })
        .collect();
    Some(crate::item_rules::script_safe(&json!({"pages": pages})))
}

fn print_title(c: &Checklist) -> String {
    format!(
        "{}（全{}ページをまとめた印刷用）",
        display_name(&c.def),
        c.part_count()
    )
}

fn about_title(def: &ChecklistDef) -> String {
    format!("{}の出典とガイドラインとの対応", display_name(def))
}

/// The edition's note and, for an edition that was superseded, the current edition (the end
/// of the `superseded_by` chain): the checklist's own successor there when it has one, else
/// the current edition's checklists for the same kind of facility.
fn edition_note(site: &Site, c: &Checklist, url: &str) -> Option<Value> {
    let root = &root_prefix(url);
    let def = &c.def;
    let edition = site.edition(&def.edition)?;
    let mut newer = None;
    let mut seen = vec![edition.id.as_str()];
    while let Some(n) = newer
        .unwrap_or(edition)
        .superseded_by
        .as_deref()
        .and_then(|id| site.edition(id))
        .filter(|n| !seen.contains(&n.id.as_str()))
    {
        seen.push(&n.id);
        newer = Some(n);
    }
    if edition.note.is_none() && newer.is_none() {
        return None;
    }
    let current = newer.map(|n| {
        let successor = crate::lineage::descendants(site, c)
            .into_iter()
            .find(|d| d.def.edition == n.id)
            .map(|d| json!({"url": relative_link(url, &d.url)}));
        let of_edition = || site.checklists.iter().filter(|c| c.def.edition == n.id);
        let same_facility: Vec<&Checklist> = of_edition()
            .filter(|c| c.def.facility == def.facility)
            .collect();
        let lists = if same_facility.is_empty() {
            of_edition().collect()
        } else {
            same_facility
        };
        // Lists of one title (医療機関確認用, 事業者確認用 of the 医療機関 list) name it once.
        let title = lists
            .iter()
            .all(|c| c.def.title == lists[0].def.title)
            .then(|| lists[0].def.title.clone());
        let links: Vec<Link> = lists
            .iter()
            .map(|c| Link {
                title: match &title {
                    Some(_) => c.def.form.clone(),
                    None => format!("{}（{}）", c.def.title, c.def.form),
                },
                url: format!("{root}{}", c.url),
            })
            .collect();
        json!({"name": n.name, "title": title.unwrap_or_else(|| "チェックリスト".into()), "url": format!("{root}index.html#ed-{}", n.id), "links": links, "successor": successor})
    });
    Some(json!({"text": edition.note, "current": current}))
}

/// The rounds a form's items are answered in, and the choices of each round.
fn answer_controls(kind: AnswerKind) -> (Vec<Value>, Vec<Value>) {
    let rounds: Vec<Value> = match kind {
        AnswerKind::YesNoDated => vec![
            json!({"id": "r1", "label": "1回目", "answer": true, "date_label": "確認日"}),
            json!({"id": "target", "label": "目標日", "answer": false, "date_label": "目標日"}),
            json!({"id": "r2", "label": "2回目", "answer": true, "date_label": "確認日"}),
        ],
        AnswerKind::MaruBatsu => {
            vec![json!({"id": "r1", "label": "結果", "answer": true, "date_label": null})]
        }
    };
    let choices: Vec<Value> = match kind {
        AnswerKind::YesNoDated => vec![
            json!({"value": "yes", "label": "はい"}),
            json!({"value": "no", "label": "いいえ"}),
        ],
        AnswerKind::MaruBatsu => vec![
            json!({"value": "yes", "label": "○", "sr": "できている"}),
            json!({"value": "no", "label": "×", "sr": "できていない"}),
        ],
    };
    (rounds, choices)
}

fn group_value(def: &ChecklistDef, target: Option<String>, items: Vec<Value>) -> Value {
    let text = target
        .as_ref()
        .and_then(|t| def.targets.iter().find(|x| &x.id == t))
        .map(|t| t.text.clone());
    json!({"target": target, "target_text": text, "items": items})
}

/// Previous/next page within the same manual or folder, computed once for the whole site.
fn neighbours(site: &Site) -> Vec<(Option<Link>, Option<Link>)> {
    let mut result = vec![(None, None); site.pages.len()];
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.kind == PageKind::Home {
            continue;
        }
        groups.entry(parent_folder(&p.url)).or_default().push(i);
    }
    for members in groups.values() {
        for (n, &i) in members.iter().enumerate() {
            let link = |j: usize| Link {
                title: site.pages[j].front.title.clone(),
                url: site.pages[j].url.clone(),
            };
            result[i] = (
                n.checked_sub(1).map(|m| link(members[m])),
                members.get(n + 1).map(|&j| link(j)),
            );
        }
    }
    result
}

/// (manual id, item key) → the checklist items that carry it, for manual → checklist links.
fn item_backlinks(
    site: &Site,
    marks: &BTreeMap<(String, String), ItemMark>,
) -> BTreeMap<(String, String), Vec<Value>> {
    let mut map: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    let several_editions = |m: &str| {
        let mut editions = site
            .checklists
            .iter()
            .filter(|c| c.def.manual.as_deref() == Some(m))
            .map(|c| &c.def.edition);
        editions
            .next()
            .is_some_and(|first| editions.any(|e| e != first))
    };
    for c in &site.checklists {
        let Some(m) = &c.def.manual else { continue };
        if let Some(g) = &c.def.gate {
            map.entry((m.clone(), g.key.clone()))
                .or_default()
                .push(json!({
                    "url": format!("{}#gate", c.url),
                    "label": format!("{} {}", c.def.form, g.label),
                }));
        }
        for item in &c.def.items {
            let phase = c.def.phases.iter().find(|p| p.id == item.phase);
            let target = item
                .target
                .as_ref()
                .and_then(|t| c.def.targets.iter().find(|x| &x.id == t))
                .map(|t| {
                    t.text
                        .split("について")
                        .next()
                        .unwrap_or(&t.text)
                        .to_string()
                });
            let section = c.def.sections.iter().find(|s| s.id == item.section);
            let mut label = format!(
                "{} {}{}",
                c.def.form,
                section.map(|s| s.number.as_str()).unwrap_or(""),
                item.number
            );
            if let Some(t) = target {
                label.push_str(&format!("（{t}）"));
            }
            if let Some(p) = phase.filter(|p| p.reference) {
                label.push_str(&format!("［{}］", p.label));
            }
            // A manual that explains the lists of several editions names each link's edition.
            if several_editions(m) {
                if let Some(e) = site.edition(&c.def.edition) {
                    label.push_str(&format!("（{}）", e.name));
                }
            }
            let mark = marks
                .get(&(c.def.id.clone(), item.id.clone()))
                .map(|(url, text)| json!({"url": url, "text": text}));
            map.entry((m.clone(), item.key.clone()))
                .or_default()
                .push(json!({
                    "url": format!("{}#{}", c.item_page_url(&item.id), item.id),
                    "label": label,
                    "mark": mark,
                }));
        }
    }
    map
}

fn parent_folder(url: &str) -> String {
    Path::new(url)
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

struct Folder {
    title: String,
    pages: Vec<usize>,
    subfolders: Vec<String>,
}

/// Folders of plain pages get an index page listing what they hold, so every page is
/// reachable from the home page without listing all of them there.
fn plain_folders(site: &Site) -> BTreeMap<String, Folder> {
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.kind != PageKind::Plain {
            continue;
        }
        let mut folder = parent_folder(&p.url);
        if folder.is_empty() {
            continue;
        }
        folders
            .entry(folder.clone())
            .or_insert_with(|| Folder {
                title: folder_title(&folder),
                pages: vec![],
                subfolders: vec![],
            })
            .pages
            .push(i);
        while let Some((parent, _)) = folder.rsplit_once('/') {
            let parent = parent.to_string();
            let entry = folders.entry(parent.clone()).or_insert_with(|| Folder {
                title: folder_title(&parent),
                pages: vec![],
                subfolders: vec![],
            });
            if !entry.subfolders.contains(&folder) {
                entry.subfolders.push(folder.clone());
            }
            folder = parent;
        }
    }
    folders
}

fn folder_title(folder: &str) -> String {
    match folder {
        "about" => "このサイトについて・制度の背景".into(),
        _ => folder.rsplit('/').next().unwrap_or(folder).to_string(),
    }
}

/// Turns every `href="@/…"` left by the Markdown stage into a link relative to this page.
fn resolve_internal_links(site: &Site, from: &str, html: &str) -> String {
    if !html.contains("\"@/") {
        return html.to_string();
    }
    let root = root_prefix(from);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find("\"@/") {
        out.push_str(&rest[..pos + 1]);
        let after = &rest[pos + 1..];
        let end = after.find('"').unwrap_or(after.len());
        let target = &after[..end];
        match site.resolve_link(&target.replace("&amp;", "&")) {
            Ok(r) => {
                out.push_str(&root);
                out.push_str(&r.url);
                if let Some(a) = r.anchor {
                    out.push('#');
                    out.push_str(&a);
                }
            }
            Err(_) => out.push_str(target),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The machine-readable copy of a checklist definition, for vendors' tools.
pub fn checklist_json(site: &Site, c: &Checklist, features: &[&dyn Feature]) -> String {
    let edition = site.edition(&c.def.edition);
    let mut value = json!({
        "format": "kensa-checklist",
        "format_version": 1,
        "generator": format!("kensa {}", env!("CARGO_PKG_VERSION")),
        "definition_hash": c.definition_hash,
        "edition_name": edition.map(|e| &e.name),
        // The edition whole (its fiscal year too): `kensa inspect --site` reads it back.
        "edition": edition,
        "checklist": c.def,
        "rules": crate::item_rules::rules(&c.def),
    });
    if let Some(fields) = value.as_object_mut() {
        for f in features {
            f.checklist_json(site, c, fields);
        }
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// sitemap.xml over every page the build writes, whichever module wrote it.
pub fn sitemap(site: &Site, outputs: &[Output]) -> Output {
    Output {
        path: "sitemap.xml".into(),
        bytes: sitemap_xml(site, outputs).into_bytes(),
    }
}

fn sitemap_xml(site: &Site, outputs: &[Output]) -> String {
    let base = site.config.base_url.trim_end_matches('/');
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut paths: Vec<&str> = outputs
        .iter()
        .map(|o| o.path.as_str())
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .collect();
    paths.sort_unstable();
    for p in paths {
        xml.push_str(&format!(
            "  <url><loc>{}/{}</loc></url>\n",
            escape_attr(base),
            escape_attr(p)
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("guides/a.html"), "../");
        assert_eq!(root_prefix("checklists/r5/a.html"), "../../");
    }

    #[test]
    fn relative_links_climb_only_as_far_as_needed() {
        assert_eq!(
            relative_link("checklists/r5/a.html", "checklists/r6/a.html"),
            "../r6/a.html"
        );
        assert_eq!(
            relative_link("checklists/r6/a.html", "checklists/r6/a-changes.html"),
            "a-changes.html"
        );
        assert_eq!(
            relative_link("index.html", "checklists/r6/a.html"),
            "checklists/r6/a.html"
        );
        assert_eq!(
            relative_link("checklists/r6/a.html", "index.html"),
            "../../index.html"
        );
    }

    #[test]
    fn parent_folder_of_urls() {
        assert_eq!(parent_folder("a/b/c.html"), "a/b");
        assert_eq!(parent_folder("c.html"), "");
    }
}
