//! Markdown pages and the manuals they make up.

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;
use crate::markdown::MarkdownOutput;

use super::*;

// ---------------------------------------------------------------- Markdown pages

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Home,
    Plain,
    ManualPage,
    Guide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facility {
    Hospital,
    Pharmacy,
}

impl Facility {
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
    pub title: String,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub derived_from: Option<String>,
    #[serde(default)]
    pub provenance_note: Option<String>,
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
    #[serde(default)]
    pub edition: Option<String>,
    #[serde(default)]
    pub checklists: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    pub file: SourceFile,
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in `file.text`.
    pub body_offset: usize,
    /// Output path relative to the site root, always ending in `.html`.
    pub url: String,
    /// For manual pages: the manual id (folder name).
    pub manual: Option<String>,
    pub markdown: MarkdownOutput,
}

// ---------------------------------------------------------------- manuals

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ManualMeta {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub short_title: Option<String>,
    #[serde(default)]
    pub edition: Option<String>,
    pub facility: Facility,
    pub source: Source,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub provenance_note: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Manual {
    pub meta: ManualMeta,
    pub file: SourceFile,
    /// Indexes into `Site::pages`, in reading order.
    pub pages: Vec<usize>,
}
