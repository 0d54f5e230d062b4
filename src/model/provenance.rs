//! Where each text comes from: official, derived or written for this site.

use serde::{Deserialize, Serialize};

use super::*;

// ---------------------------------------------------------------- provenance

/// Where a text comes from; never mark invented text `Official`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// Transcribed from an official source.
    #[default]
    Official,
    /// Adapted from another official page; shown with a visible note.
    Derived,
    /// Written for this site (navigation, explanations).
    Editorial,
}

/// The document a text is transcribed from, named in the page's 出典 line.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The document's title as printed.
    pub title: String,
    /// Who issued it (厚生労働省 unless set).
    #[serde(default = "default_publisher")]
    pub publisher: String,
    /// The annex or part of the document (別添２).
    #[serde(default)]
    pub part: Option<String>,
    /// When it was issued, as printed (令和5年6月).
    #[serde(default)]
    pub issued: Option<String>,
}

fn default_publisher() -> String {
    "厚生労働省".into()
}

/// A place where the sources disagree with themselves, and which reading was taken.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Discrepancy {
    /// The item key or place where the sources disagree (`2(2)`).
    pub at: String,
    /// The reading this site shows.
    #[serde(default)]
    pub chosen: Option<String>,
    /// The reading it did not take.
    #[serde(default)]
    pub other: Option<String>,
    /// Where the other reading is printed.
    #[serde(default)]
    pub where_other: Option<String>,
    /// Why the chosen reading was taken.
    #[serde(default)]
    pub note: Option<String>,
}

/// One part of a page that mixes provenances (`parts:` in front matter).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenancePart {
    /// `start`, or the id of the heading the part begins at.
    pub from: String,
    /// Where the part's text comes from.
    pub provenance: Provenance,
    /// What the part is, shown at its start (e.g. where it was transcribed from).
    pub note: String,
}

impl FrontMatter {
    /// The provenance of the text under heading `id` (`None`: before the first heading).
    pub fn provenance_at(
        &self,
        headings: &[crate::markdown::Heading],
        id: Option<&str>,
    ) -> &Provenance {
        let at = id.and_then(|id| headings.iter().position(|h| h.id == id));
        self.parts
            .iter()
            .rev()
            .find(|p| {
                p.from == "start"
                    || match (at, headings.iter().position(|h| h.id == p.from)) {
                        (Some(a), Some(b)) => b <= a,
                        _ => false,
                    }
            })
            .map_or(&self.provenance, |p| &p.provenance)
    }
}
