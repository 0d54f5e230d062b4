//! Flowcharts (`content/flowcharts/*.yaml`): lanes, phases and steps, as the sources draw them.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, SourceFile};
use crate::model::{Discrepancy, Provenance, Source};

// ---------------------------------------------------------------- model

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FlowchartDef {
    pub id: String,
    pub title: String,
    pub source: Source,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub derived_from: Option<String>,
    #[serde(default)]
    pub provenance_note: Option<String>,
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
    /// Editorial: what the source did not show and how the chart was rebuilt.
    #[serde(default)]
    pub recovery_notes: Vec<String>,
    /// `editorial` when the arrows (`next`, `parallel`) are this site's reading, the source
    /// showing none: the page says so above the chart.
    #[serde(default)]
    pub arrows_provenance: Provenance,
    pub roles: Vec<Role>,
    pub phases: Vec<FlowPhase>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FlowPhase {
    pub id: String,
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub lead: Option<String>,
    pub steps: Vec<Step>,
    /// Runs of consecutive steps that read as parallel lines of work (this site's reading: the
    /// source's text has no arrows). Each run is drawn in one frame that one arrow enters and
    /// one leaves, with no arrows between its steps.
    #[serde(default)]
    pub parallel: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub number: String,
    pub title: String,
    pub roles: Vec<String>,
    pub parts: Vec<Part>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Required even when empty: an empty list says the source shows no arrow leaving the step.
    pub next: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub label: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub optional_roles: Vec<String>,
    pub text: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub text: Vec<String>,
    #[serde(default)]
    pub figures: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: String,
}

#[derive(Debug)]
pub struct Flowchart {
    pub file: SourceFile,
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

    pub fn step(&self, number: &str) -> Option<&Step> {
        self.steps().map(|(_, s)| s).find(|s| s.number == number)
    }

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
