//! Flowcharts (`content/flowcharts/*.yaml`): lanes, phases and steps, as the sources draw them.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, SourceFile};
use crate::model::{Discrepancy, Provenance, Source};

// ---------------------------------------------------------------- model

/// A flowchart as written in `content/flowcharts/<slug>.yaml` (docs/flowchart-format.md).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FlowchartDef {
    /// Equals the file name without `.yaml`.
    pub id: String,
    /// Shown as the page title.
    pub title: String,
    /// The document the chart is transcribed from.
    pub source: Source,
    /// Where the chart's text comes from (`derived` needs `derived_from`).
    #[serde(default)]
    pub provenance: Provenance,
    /// Derived charts: the file it was adapted from.
    #[serde(default)]
    pub derived_from: Option<String>,
    /// Shown with a derived chart: how it was adapted.
    #[serde(default)]
    pub provenance_note: Option<String>,
    /// Places where the sources disagree, listed under the page's 出典.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
    /// Editorial: what the source did not show and how the chart was rebuilt.
    #[serde(default)]
    pub recovery_notes: Vec<String>,
    /// `editorial` when the arrows (`next`, `parallel`) are this site's reading, the source
    /// showing none: the page says so above the chart.
    #[serde(default)]
    pub arrows_provenance: Provenance,
    /// Every role a step can name, in the order of the chart's columns.
    pub roles: Vec<Role>,
    /// The phases, in printed order.
    pub phases: Vec<FlowPhase>,
}

/// Someone who does steps (経営層, ベンダ): one column of the chart.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Unique in the chart (`[a-z0-9_]+`); steps name their roles by it.
    pub id: String,
    /// The role's name as the source uses it.
    pub label: String,
}

/// A group of steps (体制整備, 検知, …): one band of the chart.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FlowPhase {
    /// Unique in the chart.
    pub id: String,
    /// The phase number as printed (`"2"`).
    pub number: String,
    /// The phase's heading as printed.
    pub title: String,
    /// The phase's printed summary sentence.
    #[serde(default)]
    pub lead: Option<String>,
    /// The steps, in printed order.
    pub steps: Vec<Step>,
    /// Runs of consecutive steps that read as parallel lines of work (this site's reading: the
    /// source's text has no arrows). Each run is drawn in one frame that one arrow enters and
    /// one leaves, with no arrows between its steps.
    #[serde(default)]
    pub parallel: Vec<Vec<String>>,
}

/// One numbered step of the chart.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// As printed (`"2-5"`); unique in the chart, the step's key and anchor.
    pub number: String,
    /// The step's heading as printed.
    pub title: String,
    /// Every role its parts name, in order: the union of their `roles` and `optional_roles`.
    pub roles: Vec<String>,
    /// One per role heading (【…】) printed in the step.
    pub parts: Vec<Part>,
    /// The 参考 blocks printed with the step.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Contact points printed in the step with a phone number.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Required even when empty: an empty list says the source shows no arrow leaving the step.
    pub next: Vec<String>,
}

/// What one role heading (【…】) of a step says those roles do.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// The heading exactly as printed.
    pub label: String,
    /// Role ids the heading names.
    pub roles: Vec<String>,
    /// Role ids the heading adds only 「必要に応じて」 (drawn dashed).
    #[serde(default)]
    pub optional_roles: Vec<String>,
    /// Paragraphs and list lines (starting `・`) in printed order.
    pub text: Vec<String>,
}

/// A 参考 block printed with a step.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The block's heading exactly as printed.
    pub title: String,
    /// Lines in printed order, as a part's `text`.
    pub text: Vec<String>,
    /// Captions of figures the source shows as images, whose content the text lacks.
    #[serde(default)]
    pub figures: Vec<String>,
}

/// A contact point printed in a step.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Who to contact, as printed.
    pub name: String,
    /// The number as printed, hyphens kept (a string, never a YAML number).
    pub phone: String,
}

/// A flowchart as the stages use it: its definition, its file and its page.
#[derive(Debug)]
pub struct Flowchart {
    /// The source file, for diagnostics.
    pub file: SourceFile,
    /// The definition as written.
    pub def: FlowchartDef,
    /// Output path relative to the site root, e.g. `flowcharts/incident-response.html`.
    pub url: String,
}

impl Flowchart {
    /// Every step with its phase, in printed order.
    pub fn steps(&self) -> impl Iterator<Item = (&FlowPhase, &Step)> {
        self.def
            .phases
            .iter()
            .flat_map(|p| p.steps.iter().map(move |s| (p, s)))
    }

    /// The step numbered `number` (`"2-5"`).
    pub fn step(&self, number: &str) -> Option<&Step> {
        self.steps().map(|(_, s)| s).find(|s| s.number == number)
    }

    /// The role with this id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.def.roles.iter().find(|r| r.id == id)
    }

    /// The file name without `.yaml`, which the id must equal.
    pub fn slug(&self) -> &str {
        let name = self.url.rsplit('/').next().unwrap_or(&self.url);
        name.strip_suffix(".html").unwrap_or(name)
    }
}

impl Step {
    /// Roles that a part adds only 「必要に応じて」 and no part names outright.
    pub fn optional_only_roles(&self) -> BTreeSet<&str> {
        let named: HashSet<&str> = self
            .parts
            .iter()
            .flat_map(|p| p.roles.iter().map(String::as_str))
            .collect();
        self.parts
            .iter()
            .flat_map(|p| p.optional_roles.iter().map(String::as_str))
            .filter(|r| !named.contains(r))
            .collect()
    }
}

/// Anchor of a step's text on its page: `2-10` → `step-2-10`.
pub fn step_anchor(number: &str) -> String {
    crate::model::anchor("step-", number)
}

/// Reads a flowchart file; its page goes beside it (`flowcharts/<slug>.html`).
pub fn parse(file: &SourceFile) -> Result<Flowchart, Diagnostic> {
    let def: FlowchartDef = crate::yaml::from_str(file, &file.text, 0)?;
    let rel = file.content_rel();
    let stem = rel
        .strip_suffix(".yaml")
        .or_else(|| rel.strip_suffix(".yml"))
        .unwrap_or(&rel);
    Ok(Flowchart {
        file: file.clone(),
        def,
        url: format!("{stem}.html"),
    })
}
