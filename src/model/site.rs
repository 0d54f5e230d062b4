//! The site's configuration and the whole parsed site.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;

use super::*;

// ---------------------------------------------------------------- site configuration

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub editions: Vec<Edition>,
    #[serde(default)]
    pub editions_shown: Vec<String>,
    #[serde(default)]
    pub footer: String,
    #[serde(default)]
    pub css_targets: Option<CssTargets>,
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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    pub id: String,
    pub name: String,
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
    pub chrome: Option<u32>,
    pub firefox: Option<u32>,
    pub safari: Option<u32>,
    pub edge: Option<u32>,
}

/// The fiscal year `kensa edition new` writes until the editor fills it in (`kensa check`
/// rejects it; lineage treats the edition as of an unknown year).
pub const YEAR_PLACEHOLDER: u32 = 0;

// ---------------------------------------------------------------- the whole site

/// The checklists of a site and their editions: what lineage and the inspection read, whether
/// they come from the sources (`Site`) or from a published site (`published::PublishedSite`).
pub trait Definitions: Sync {
    fn checklists(&self) -> &[Checklist];
    fn edition(&self, id: &str) -> Option<&Edition>;
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

#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub config_file: SourceFile,
    /// Every Markdown page of every kind (home, plain, manual pages, guides).
    pub pages: Vec<Page>,
    pub manuals: Vec<Manual>,
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
    pub fn edition(&self, id: &str) -> Option<&Edition> {
        self.config.editions.iter().find(|e| e.id == id)
    }
    pub fn manual(&self, id: &str) -> Option<&Manual> {
        self.manuals.iter().find(|m| m.meta.id == id)
    }
    pub fn checklist(&self, id: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.def.id == id)
    }
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
