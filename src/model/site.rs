//! The site's configuration and the whole parsed site.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;

use super::*;

// ---------------------------------------------------------------- site configuration

/// `content/site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, in every page's `<title>` and header.
    pub title: String,
    /// Used only for `sitemap.xml`: page links are relative.
    #[serde(default)]
    pub base_url: String,
    /// The pages' `lang` (default `ja`).
    #[serde(default = "default_language")]
    pub language: String,
    /// The folder under `themes/` the site is rendered with (default `default`).
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Every edition of the checklists, oldest first.
    #[serde(default)]
    pub editions: Vec<Edition>,
    /// Ids of the editions the home page lists, in order; empty: all of them, newest first.
    #[serde(default)]
    pub editions_shown: Vec<String>,
    /// Printed at the foot of every page.
    #[serde(default)]
    pub footer: String,
    /// Browsers the CSS must support; Chrome, Firefox and Edge 100 and Safari 15 when unset.
    #[serde(default)]
    pub css_targets: Option<CssTargets>,
    /// How Markdown pages are read.
    #[serde(default)]
    pub markdown: MarkdownConfig,
}

/// How Markdown pages are read.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Raw HTML in Markdown is refused unless the site allows it (Hugo's default is the same):
    /// an official site edited by many people publishes only what Markdown can say. Even when
    /// allowed, scripts, redirects, frames, event handlers and `javascript:` are refused.
    #[serde(default)]
    pub raw_html: bool,
}

fn default_language() -> String {
    "ja".into()
}
fn default_theme() -> String {
    "default".into()
}

/// One edition of the checklists (令和5年度版): its checklists live in `checklists/<id>/`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// Short and stable (`r5`): checklists name their edition by it.
    pub id: String,
    /// The edition's name as shown (令和5年度版).
    pub name: String,
    /// The fiscal year (年度) the edition is for, as the Western year it starts in (2023 for 令和5年度).
    pub fiscal_year: u32,
    /// Editorial note shown on every checklist page of the edition (e.g. which version of the
    /// guideline its lists were written for).
    #[serde(default)]
    pub note: Option<String>,
    /// The edition that replaces this one; its checklists are linked from this edition's pages.
    #[serde(default)]
    pub superseded_by: Option<String>,
}

/// Oldest browser versions the CSS must support (lightningcss targets).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CssTargets {
    /// Oldest Chrome version (`100`).
    pub chrome: Option<u32>,
    /// Oldest Firefox version.
    pub firefox: Option<u32>,
    /// Oldest Safari version.
    pub safari: Option<u32>,
    /// Oldest Edge version.
    pub edge: Option<u32>,
}

/// The fiscal year `kensa edition new` writes until the editor fills it in (`kensa check`
/// rejects it; lineage treats the edition as of an unknown year).
pub const YEAR_PLACEHOLDER: u32 = 0;

// ---------------------------------------------------------------- the whole site

/// The checklists of a site and their editions: what lineage and the inspection read, whether
/// they come from the sources (`Site`) or from a published site (`published::PublishedSite`).
pub trait Definitions: Sync {
    /// Every checklist, in build order.
    fn checklists(&self) -> &[Checklist];
    /// The edition with this id, if the site has it.
    fn edition(&self, id: &str) -> Option<&Edition>;
    /// The checklist with this id, if the site has it.
    fn checklist(&self, id: &str) -> Option<&Checklist> {
        self.checklists().iter().find(|c| c.def.id == id)
    }
}

impl Definitions for Site {
    fn checklists(&self) -> &[Checklist] {
        &self.checklists
    }
    fn edition(&self, id: &str) -> Option<&Edition> {
        Site::edition(self, id)
    }
    fn checklist(&self, id: &str) -> Option<&Checklist> {
        Site::checklist(self, id)
    }
}

/// The whole parsed site, as every stage after `parse` reads it.
#[derive(Debug)]
pub struct Site {
    /// The parsed `content/site.yaml`.
    pub config: SiteConfig,
    /// The `site.yaml` file, for diagnostics.
    pub config_file: SourceFile,
    /// Every Markdown page of every kind (home, plain, manual pages, guides).
    pub pages: Vec<Page>,
    /// Every manual, ordered by weight and id.
    pub manuals: Vec<Manual>,
    /// Every checklist, ordered by edition, weight and output path.
    pub checklists: Vec<Checklist>,
    /// Files copied as they are (images, PDFs) from `content/`, relative paths.
    pub static_files: Vec<std::path::PathBuf>,
    /// Source path (relative to `content/`, `/`-separated) → page index, for `@/` links.
    pub page_by_source: BTreeMap<String, usize>,
    /// Guideline catalogs (`content/guideline/`).
    pub guideline: Vec<crate::model::guideline::Catalog>,
    /// Flowcharts (`content/flowcharts/`).
    pub flowcharts: Vec<crate::model::flowchart::Flowchart>,
}

impl Site {
    /// The edition with this id.
    pub fn edition(&self, id: &str) -> Option<&Edition> {
        self.config.editions.iter().find(|e| e.id == id)
    }
    /// The manual with this id.
    pub fn manual(&self, id: &str) -> Option<&Manual> {
        self.manuals.iter().find(|m| m.meta.id == id)
    }
    /// The checklist with this id.
    pub fn checklist(&self, id: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.def.id == id)
    }
    /// The guide page whose slug is `slug` (`guides/<slug>.md`).
    pub fn guide(&self, slug: &str) -> Option<&Page> {
        self.pages
            .iter()
            .find(|p| p.kind == PageKind::Guide && guide_slug(&p.url) == slug)
    }
}

/// `guides/yakkyoku.html` → `yakkyoku`.
pub fn guide_slug(url: &str) -> &str {
    url.trim_start_matches("guides/").trim_end_matches(".html")
}
