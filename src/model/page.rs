//! Markdown pages and the manuals they make up.

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;
use crate::markdown::MarkdownOutput;

use super::*;

// ---------------------------------------------------------------- Markdown pages

/// What a Markdown page is, by where its file is under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// `content/index.md`.
    Home,
    /// Any page that is none of the others.
    Plain,
    /// A page of a manual (`content/manuals/<manual>/<page>.md`).
    ManualPage,
    /// An inspector's guide, 立入検査の手引き (`content/guides/<slug>.md`).
    Guide,
}

/// The kind of facility a checklist, manual or guide is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facility {
    /// A hospital or clinic (医療機関).
    Hospital,
    /// A pharmacy (薬局).
    Pharmacy,
}

impl Facility {
    /// The facility kind's name as the site prints it (医療機関, 薬局).
    pub fn label(self) -> &'static str {
        match self {
            Facility::Hospital => "医療機関",
            Facility::Pharmacy => "薬局",
        }
    }
}

/// Front matter of every Markdown file. Kind-specific keys are optional here and checked by
/// the validate stage against the page's kind.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page's title (required on every page).
    pub title: String,
    /// Order within its folder or manual (smaller first; pages without one come last).
    #[serde(default)]
    pub weight: Option<i64>,
    /// Shown in lists of pages and in the page's meta description.
    #[serde(default)]
    pub description: Option<String>,
    /// The document the page is transcribed from.
    #[serde(default)]
    pub source: Option<Source>,
    /// Where the page's text comes from as a whole (`parts` may divide it).
    #[serde(default)]
    pub provenance: Provenance,
    /// Derived pages: the page it was adapted from (`manuals/yakkyoku/2-1.md`).
    #[serde(default)]
    pub derived_from: Option<String>,
    /// Shown at the top of a derived page: how it was adapted.
    #[serde(default)]
    pub provenance_note: Option<String>,
    /// Places where the sources disagree, listed under the page's 出典.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
    /// A page that mixes transcribed and adapted text: where each part begins. Each boundary is
    /// marked on the page, and search results say which part they come from.
    #[serde(default)]
    pub parts: Vec<ProvenancePart>,
    /// Manual pages: the checklist item keys this page explains.
    #[serde(default)]
    pub explains: Vec<String>,
    /// Guides: which facility and edition, and which checklists they govern.
    #[serde(default)]
    pub facility: Option<Facility>,
    /// Guides: the edition id.
    #[serde(default)]
    pub edition: Option<String>,
    /// Guides: the ids of the checklists the guide governs.
    #[serde(default)]
    pub checklists: Vec<String>,
}

/// A Markdown page of any kind, parsed and rendered to HTML.
#[derive(Debug, Clone)]
pub struct Page {
    /// What the page is, from where its file is.
    pub kind: PageKind,
    /// The source file, for diagnostics.
    pub file: SourceFile,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in `file.text`.
    pub body_offset: usize,
    /// Output path relative to the site root, always ending in `.html`.
    pub url: String,
    /// For manual pages: the manual id (folder name).
    pub manual: Option<String>,
    /// The body rendered to HTML, with its headings and links.
    pub markdown: MarkdownOutput,
}

// ---------------------------------------------------------------- manuals

/// A manual's `_manual.yaml`; the manual's pages are the Markdown files beside it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ManualMeta {
    /// Equals the manual's folder name; checklists name their manual by it.
    pub id: String,
    /// The manual's title as printed.
    pub title: String,
    /// Used where space is short (薬局向けマニュアル); the title when unset.
    #[serde(default)]
    pub short_title: Option<String>,
    /// The edition id the manual belongs to.
    #[serde(default)]
    pub edition: Option<String>,
    /// The kind of facility the manual is for.
    pub facility: Facility,
    /// The document the manual is transcribed from.
    pub source: Source,
    /// Where the manual's text comes from as a whole.
    #[serde(default)]
    pub provenance: Provenance,
    /// Shown with a derived manual: how it was adapted.
    #[serde(default)]
    pub provenance_note: Option<String>,
    /// Shown in the list of manuals.
    #[serde(default)]
    pub description: Option<String>,
    /// Order among the manuals.
    #[serde(default)]
    pub weight: Option<i64>,
}

/// A manual: its metadata and its pages in reading order.
#[derive(Debug, Clone)]
pub struct Manual {
    /// The parsed `_manual.yaml`.
    pub meta: ManualMeta,
    /// The `_manual.yaml` file, for diagnostics.
    pub file: SourceFile,
    /// Indexes into `Site::pages`, in reading order.
    pub pages: Vec<usize>,
}
