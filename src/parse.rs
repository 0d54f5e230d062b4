//! Parse stage: turns loaded files into the site model. Each file is classified by where it
//! lives (see docs/content-format.md), parsed, and given its output path. Markdown bodies are
//! rendered here, in parallel, so that later stages never parse a page twice.

use std::collections::BTreeMap;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::load::Loaded;
use crate::markdown;
use crate::model::*;
use crate::yaml;

/// What a content file is, decided by its path under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileKind {
    SiteConfig,
    Home,
    Checklist,
    ManualMeta(String),
    ManualPage(String),
    Guide,
    Guideline,
    Flowchart,
    Plain,
    Unknown,
}

fn classify(rel: &str) -> FileKind {
    let parts: Vec<&str> = rel.split('/').collect();
    let is_md = rel.ends_with(".md");
    match parts.as_slice() {
        ["site.yaml"] => FileKind::SiteConfig,
        ["index.md"] => FileKind::Home,
        ["checklists", _, _] if !is_md => FileKind::Checklist,
        ["manuals", m, "_manual.yaml"] => FileKind::ManualMeta((*m).to_string()),
        ["manuals", m, _] if is_md => FileKind::ManualPage((*m).to_string()),
        ["guides", _] if is_md => FileKind::Guide,
        ["guideline", _] if !is_md => FileKind::Guideline,
        ["flowcharts", _] if !is_md => FileKind::Flowchart,
        _ if is_md => FileKind::Plain,
        _ => FileKind::Unknown,
    }
}

/// Parse stage: every loaded file by its kind, into one site model; every problem of every
/// file at once.
pub fn parse(loaded: Loaded) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::default();
    let classified: Vec<(FileKind, SourceFile)> = loaded
        .sources
        .into_iter()
        .map(|f| (classify(&f.content_rel()), f))
        .collect();
    let (config_file, config) = read_config(&classified, &mut diags)?;
    let mut pages = Vec::new();
    let mut checklists = Vec::new();
    let mut manual_metas = Vec::new();
    let mut guideline = Vec::new();
    let mut flowcharts = Vec::new();
    for p in parse_files(&classified) {
        match p {
            Parsed::Page(page) => pages.push(*page),
            Parsed::Checklist(c) => checklists.push(*c),
            Parsed::ManualMeta(meta, file, problem) => {
                if let Some(d) = problem {
                    diags.push(d);
                }
                manual_metas.push((*meta, file));
            }
            Parsed::Guideline(c) => guideline.push(c),
            Parsed::Flowchart(f) => flowcharts.push(f),
            Parsed::Problem(d) => diags.push(d),
            Parsed::Nothing => {}
        }
    }
    checklists.sort_by(|a, b| {
        (&a.def.edition, a.def.weight, &a.url).cmp(&(&b.def.edition, b.def.weight, &b.url))
    });
    pages.sort_by(|a, b| reading_order(a).cmp(&reading_order(b)));
    let page_by_source: BTreeMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.content_rel(), i))
        .collect();
    let manuals = manuals(manual_metas, &pages, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Site {
        config,
        config_file,
        pages,
        manuals,
        checklists,
        static_files: loaded.static_files,
        page_by_source,
        guideline,
        flowcharts,
    })
}

/// site.yaml, read first; a broken one is reported and replaced by defaults, so that the other
/// files' problems are found in the same run.
fn read_config(
    classified: &[(FileKind, SourceFile)],
    diags: &mut Diagnostics,
) -> Result<(SourceFile, SiteConfig), Diagnostics> {
    let Some((_, config_file)) = classified.iter().find(|(k, _)| *k == FileKind::SiteConfig) else {
        diags.push(
            Diagnostic::error("content/site.yaml is missing").with_help(
                "create it with at least `title:`; `kensa init DIR` writes a complete one",
            ),
        );
        return Err(std::mem::take(diags));
    };
    let config_file = config_file.clone();
    let config: SiteConfig = match yaml::from_str(&config_file, &config_file.text, 0) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            SiteConfig {
                title: String::new(),
                base_url: String::new(),
                language: "ja".into(),
                theme: "default".into(),
                editions: vec![],
                editions_shown: vec![],
                footer: String::new(),
                css_targets: None,
                markdown: Default::default(),
            }
        }
    };
    Ok((config_file, config))
}

/// Every file but site.yaml, parsed on the thread pool, back in the loaded order.
fn parse_files(classified: &[(FileKind, SourceFile)]) -> impl Iterator<Item = Parsed> {
    // Every file on its own: Markdown pages are the bulk of a site, and the few YAML files
    // (the guideline catalog above all) would otherwise be parsed one after another at the end.
    // Biggest first, so that no big file (the guideline catalog) is started last and left
    // running alone; then back in the loaded order.
    let mut order: Vec<usize> = (0..classified.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(classified[i].1.text.len()));
    let mut parsed: Vec<(usize, Parsed)> = order
        .par_iter()
        .map(|&i| (i, parse_file(&classified[i].0, &classified[i].1)))
        .collect();
    parsed.sort_unstable_by_key(|(i, _)| *i);
    parsed.into_iter().map(|(_, p)| p)
}

/// Each manual with its pages in reading order; a manual page whose `_manual.yaml` is missing
/// is an error.
fn manuals(
    manual_metas: Vec<(ManualMeta, SourceFile)>,
    pages: &[Page],
    diags: &mut Diagnostics,
) -> Vec<Manual> {
    let mut manuals: Vec<Manual> = manual_metas
        .into_iter()
        .map(|(meta, file)| {
            let pages_of: Vec<usize> = pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.manual.as_deref() == Some(meta.id.as_str()))
                .map(|(i, _)| i)
                .collect();
            Manual {
                meta,
                file,
                pages: pages_of,
            }
        })
        .collect();
    manuals.sort_by(|a, b| (a.meta.weight, &a.meta.id).cmp(&(b.meta.weight, &b.meta.id)));
    for page in pages.iter().filter(|p| p.kind == PageKind::ManualPage) {
        let id = page.manual.as_deref().unwrap_or_default();
        if !manuals.iter().any(|m| m.meta.id == id) {
            diags.push(
                Diagnostic::error(format!(
                    "manual page without manual: content/manuals/{id}/_manual.yaml is missing"
                ))
                .in_file(&page.file.rel_path)
                .with_help("add _manual.yaml with the manual's id, title, facility and source"),
            );
        }
    }
    manuals
}

/// Stable reading order: by folder, then weight, then path (borrowed: no String per
/// comparison).
fn reading_order(p: &Page) -> (&str, i64, &str) {
    let folder = p.url.rsplit_once('/').map_or("", |(f, _)| f);
    (folder, p.front.weight.unwrap_or(i64::MAX), p.url.as_str())
}

/// One content file, parsed by its kind.
enum Parsed {
    Page(Box<Page>),
    Checklist(Box<Checklist>),
    /// A manual's metadata, with the problem of an id that differs from its folder.
    ManualMeta(Box<ManualMeta>, SourceFile, Option<Diagnostic>),
    Guideline(crate::model::guideline::Catalog),
    Flowchart(crate::model::flowchart::Flowchart),
    Problem(Diagnostic),
    /// site.yaml, read before the others.
    Nothing,
}

fn parse_file(kind: &FileKind, file: &SourceFile) -> Parsed {
    let page =
        |page_kind: PageKind, manual: Option<String>| match parse_page(file, page_kind, manual) {
            Ok(p) => Parsed::Page(Box::new(p)),
            Err(d) => Parsed::Problem(d),
        };
    match kind {
        FileKind::Home => page(PageKind::Home, None),
        FileKind::Plain => page(PageKind::Plain, None),
        FileKind::ManualPage(m) => page(PageKind::ManualPage, Some(m.clone())),
        FileKind::Guide => page(PageKind::Guide, None),
        FileKind::Checklist => match yaml::from_str::<ChecklistDef>(file, &file.text, 0) {
            Ok(def) => {
                let rel = file.content_rel();
                let url = rel
                    .trim_end_matches(".yaml")
                    .trim_end_matches(".yml")
                    .to_string()
                    + ".html";
                let definition_hash = hex(&Sha256::digest(file.text.as_bytes()));
                Parsed::Checklist(Box::new(Checklist::new(
                    def,
                    file.clone(),
                    url,
                    definition_hash,
                )))
            }
            Err(d) => Parsed::Problem(d),
        },
        FileKind::ManualMeta(folder) => match yaml::from_str::<ManualMeta>(file, &file.text, 0) {
            Ok(meta) => {
                let problem = (&meta.id != folder).then(|| {
                    let at =
                        crate::diag::locate_key_value(&file.text, "id", &meta.id, 0).unwrap_or(0);
                    Diagnostic::error(format!(
                        "manual id `{}` differs from its folder name `{folder}`",
                        meta.id
                    ))
                    .at_offset(file, at, meta.id.len() + 4)
                    .with_help(format!("set `id: {folder}` or rename the folder"))
                });
                Parsed::ManualMeta(Box::new(meta), file.clone(), problem)
            }
            Err(d) => Parsed::Problem(d),
        },
        FileKind::Guideline => match crate::model::guideline::parse(file) {
            Ok(c) => Parsed::Guideline(c),
            Err(d) => Parsed::Problem(d),
        },
        FileKind::Flowchart => match crate::model::flowchart::parse(file) {
            Ok(f) => Parsed::Flowchart(f),
            Err(d) => Parsed::Problem(d),
        },
        FileKind::Unknown => Parsed::Problem(
            Diagnostic::error(format!(
                "{} is not a kind of file kensa knows at this place",
                file.rel_path.display()
            ))
            .in_file(&file.rel_path)
            .with_help("checklists go in content/checklists/<edition>/, manual metadata is content/manuals/<id>/_manual.yaml; see docs/content-format.md"),
        ),
        FileKind::SiteConfig => Parsed::Nothing,
    }
}

fn parse_page(
    file: &SourceFile,
    kind: PageKind,
    manual: Option<String>,
) -> Result<Page, Diagnostic> {
    let Some(split) = markdown::split_front_matter(&file.text) else {
        return Err(Diagnostic::error("missing front matter")
            .at_offset(file, 0, 1)
            .with_help("start the file with a YAML block:\n---\ntitle: ページの題名\n---"));
    };
    let front: FrontMatter = yaml::from_str(
        file,
        &file.text[split.yaml_start..split.yaml_end],
        split.yaml_start,
    )?;
    let rel = file.content_rel();
    let url = rel.trim_end_matches(".md").to_string() + ".html";
    let body = &file.text[split.body_start..];
    let markdown = markdown::render(body);
    if let Some(at) = markdown.too_deep {
        return Err(Diagnostic::error(format!(
            "the page nests lists, quotes or HTML elements more than {} levels deep",
            crate::kit::MAX_NESTING
        ))
        .at_offset(file, split.body_start + at, 1)
        .with_help("no page needs more than a few levels: flatten the structure here"));
    }
    Ok(Page {
        kind,
        file: file.clone(),
        front,
        body_offset: split.body_start,
        url,
        manual,
        markdown,
    })
}

/// Lowercase hexadecimal, two digits a byte (the checklists' `definition_hash`).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_path() {
        assert_eq!(classify("site.yaml"), FileKind::SiteConfig);
        assert_eq!(classify("index.md"), FileKind::Home);
        assert_eq!(classify("checklists/r5/a.yaml"), FileKind::Checklist);
        assert_eq!(
            classify("manuals/y/_manual.yaml"),
            FileKind::ManualMeta("y".into())
        );
        assert_eq!(
            classify("manuals/y/10-a.md"),
            FileKind::ManualPage("y".into())
        );
        assert_eq!(classify("guides/y.md"), FileKind::Guide);
        assert_eq!(classify("about/legal.md"), FileKind::Plain);
        assert_eq!(classify("guideline/gl6.yaml"), FileKind::Guideline);
        assert_eq!(classify("flowcharts/a.yaml"), FileKind::Flowchart);
        assert_eq!(classify("stray.yaml"), FileKind::Unknown);
    }

    #[test]
    fn page_without_front_matter_is_an_error_at_line_one() {
        let f = SourceFile::new("content/a.md", "# 見出し\n");
        let d = parse_page(&f, PageKind::Plain, None).unwrap_err();
        assert_eq!(d.location.unwrap().line, 1);
        assert!(d.message.contains("front matter"));
    }

    #[test]
    fn front_matter_error_position_counts_the_fence() {
        let f = SourceFile::new("content/a.md", "---\ntitle: a\nwieght: 3\n---\nbody\n");
        let d = parse_page(&f, PageKind::Plain, None).unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (3, 1));
    }
}
