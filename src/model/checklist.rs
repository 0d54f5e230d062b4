//! Checklist definitions: phases, sections, items, the gate and switches, the inspection rules.

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;

use super::*;

// ---------------------------------------------------------------- checklists

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// はい・いいえ with dates: 1回目, 目標日, 2回目.
    YesNoDated,
    /// ○／× with 記入者 and 日付 (2021 lists).
    MaruBatsu,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Facility,
    Vendor,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub required: bool,
    /// Set when the paper form this list transcribes does not show the field: the document the
    /// field was taken from (shown next to it).
    #[serde(default)]
    pub taken_from: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    #[serde(default = "default_gate_key")]
    pub key: String,
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub refs: Vec<String>,
    /// Set when the row is not on this list's paper form: the documents its wording, note and
    /// references were taken from (shown next to it).
    #[serde(default)]
    pub taken_from: Option<String>,
}

fn editorial() -> Provenance {
    Provenance::Editorial
}

fn yes() -> bool {
    true
}

fn default_gate_key() -> String {
    "gate".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    pub id: String,
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: String,
    pub label: String,
    /// `editorial` when the label is a heading this site composed (2021: 全項目).
    #[serde(default)]
    pub label_provenance: Provenance,
    #[serde(default)]
    pub reference: bool,
    /// The fiscal year (年度, April to March) the phase's 目標日 must fall in, as the Western
    /// year it starts in: 令和5年度 is 2023. None when the phase names no year.
    #[serde(default)]
    pub fiscal_year: Option<i32>,
    #[serde(default)]
    pub instructions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    #[serde(default)]
    pub number: String,
    pub title: String,
    /// `editorial` when the title is a heading this site composed (the 2021 lists' one section).
    #[serde(default)]
    pub title_provenance: Provenance,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Viewpoint {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub phase: String,
    pub section: String,
    #[serde(default)]
    pub target: Option<String>,
    pub number: String,
    pub key: String,
    pub text: String,
    #[serde(default)]
    pub refs: Vec<String>,
    #[serde(default)]
    pub unless_switch_off: Option<String>,
    /// Vendor forms: the facility form's item that states the same requirement, so that a blank
    /// here can be answered there. Matching ids alone would be wrong (１（１） differs).
    #[serde(default)]
    pub facility_item: Option<String>,
    #[serde(default)]
    pub viewpoint: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Set when the item's ▶ references are not from this list's own manual: where they were
    /// taken from (shown next to them).
    #[serde(default)]
    pub refs_taken_from: Option<String>,
    /// The rounds (`r1`, `target`, `r2`) the paper form prints for this item, when not all:
    /// the others are this site's and are marked so.
    #[serde(default)]
    pub paper_rounds: Vec<String>,
    /// Items of the previous edition's checklist (`previous`) that this one takes the place of,
    /// besides the item with its own id: merged, split or renumbered items. Answers follow it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    /// The text differs from the earlier item's on purpose (`kensa check` warns otherwise).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reworded: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistDef {
    pub id: String,
    pub edition: String,
    /// The checklist of an earlier edition this one revises (its id): items with the same id
    /// are the same item, `replaces` names the others. Answer files of it can be carried over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    pub title: String,
    pub form: String,
    pub audience: Audience,
    pub facility: Facility,
    #[serde(default)]
    pub manual: Option<String>,
    #[serde(default)]
    pub guide: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    pub source: Source,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub provenance_note: Option<String>,
    /// `editorial` when the title is this site's (a table printed without a title of its own).
    #[serde(default)]
    pub title_provenance: Provenance,
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
    /// Written for this site (what the list is for, on the home page and above the form).
    #[serde(default)]
    pub description: Option<String>,
    /// Always `editorial` (validated): published so that a reader of the JSON knows the
    /// description is ours, and read back with it.
    #[serde(default = "editorial")]
    pub description_provenance: Provenance,
    pub answer: AnswerKind,
    /// Whether the paper form has a 備考 column; where it has none, the form's 備考 is marked
    /// as this site's.
    #[serde(default = "yes")]
    pub remarks_on_paper: bool,
    #[serde(default)]
    pub form_fields: Vec<FormField>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub gate: Option<Gate>,
    #[serde(default)]
    pub switches: Vec<Switch>,
    pub phases: Vec<Phase>,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub viewpoints: Vec<Viewpoint>,
    pub items: Vec<Item>,
    /// Items that begin a new page of the form. A list too long for one light page is filled
    /// on several pages that share one set of saved answers (one checklist id, one file).
    #[serde(default)]
    pub split_at: Vec<String>,
    /// What an inspector checks on this form, quoted from the 立入検査の手引き.
    #[serde(default)]
    pub inspection: Option<Inspection>,
}

/// The 手引き's rules for one form, as data: each rule picks one of the engine's rule kinds
/// and quotes the 手引き's words, so a new edition changes YAML, not code.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// Phases the inspection covers (参考項目 are not inspected in 令和5年度).
    pub inspected_phases: Vec<String>,
    /// Facility forms: the vendor form (事業者確認用) that goes with them.
    #[serde(default)]
    pub vendor_checklist: Option<String>,
    /// The 手引き's headings findings are grouped under, with their anchors in the guide.
    pub headings: Vec<InspectionHeading>,
    pub rules: Vec<InspectionRule>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionHeading {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub anchor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Gate いいえ: nothing below is checked.
    GateSkipsAll,
    /// Every inspected item has a 1回目 answer and date.
    FirstRoundAnswered,
    /// Items whose switch is いいえ need no answer.
    SwitchExempts,
    /// いいえ in 1回目 needs a 目標日; advise to finish in the fiscal year.
    NoNeedsTargetDate,
    /// The inspector must see the real document for these item keys.
    OnsiteDocument,
    /// A vendor sheet's blank item is fine when the facility's or another vendor's sheet answers it.
    CoveredByOtherSheets,
    /// With a vendor contract, every vendor's 事業者確認用 is checked.
    VendorSheetsRequired,
    /// 参考項目 are not inspected.
    ReferenceNotInspected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnsiteWhen {
    /// Whatever the answer.
    Any,
    /// Only when the item is answered はい (薬局: 連絡体制図).
    Yes,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionRule {
    pub id: String,
    pub kind: RuleKind,
    /// Id of the heading in `headings` this rule belongs to.
    pub heading: String,
    /// The rule's words in the 手引き.
    pub quote: String,
    #[serde(default)]
    pub advice: Option<String>,
    /// OnsiteDocument: the item keys concerned.
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default)]
    pub when: Option<OnsiteWhen>,
    /// VendorSheetsRequired / SwitchExempts: the switch that decides.
    #[serde(default)]
    pub switch: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Checklist {
    pub def: ChecklistDef,
    pub file: SourceFile,
    /// Output path of the form page, e.g. `checklists/r5/yakkyoku.html`.
    pub url: String,
    /// Hex SHA-256 of the definition file: answer files record what they were filled against.
    pub definition_hash: String,
    /// Index in `def.items` of the first item of each form page after the first, from
    /// `split_at` (ids that name no item are left out here and reported by validation).
    pub part_starts: Vec<usize>,
}

impl Checklist {
    /// A checklist from its definition, read from YAML (`parse`) or from a published site's JSON
    /// (`published`).
    pub fn new(def: ChecklistDef, file: SourceFile, url: String, definition_hash: String) -> Self {
        let part_starts = def
            .split_at
            .iter()
            .filter_map(|id| def.items.iter().position(|i| &i.id == id))
            .collect();
        Checklist {
            def,
            file,
            url,
            definition_hash,
            part_starts,
        }
    }

    /// How many pages the form is filled on.
    pub fn part_count(&self) -> usize {
        self.part_starts.len() + 1
    }

    /// The form page (0-based) that item `index` of `def.items` is on.
    pub fn part_of(&self, index: usize) -> usize {
        self.part_starts.iter().filter(|&&s| s <= index).count()
    }

    /// The form page `part` (0-based): the first keeps the checklist's own address, so links
    /// and bookmarks made before a list was split still work; the others are `<name>-2.html`, ….
    pub fn part_url(&self, part: usize) -> String {
        if part == 0 {
            self.url.clone()
        } else {
            format!("{}-{}.html", self.url.trim_end_matches(".html"), part + 1)
        }
    }

    /// The form page an item is on (the first page for an unknown id and for the gate).
    pub fn item_page_url(&self, item_id: &str) -> String {
        let part = self
            .def
            .items
            .iter()
            .position(|i| i.id == item_id)
            .map_or(0, |i| self.part_of(i));
        self.part_url(part)
    }

    /// A split form's print view (`<name>-print.html`): every item on one page, filled from the
    /// stored answers, so that the list prints as one document from any of its pages.
    pub fn print_url(&self) -> Option<String> {
        (self.part_count() > 1)
            .then(|| format!("{}-print.html", self.url.trim_end_matches(".html")))
    }

    /// Every output path of this checklist's own pages and files, for clash checks.
    pub fn output_urls(&self) -> Vec<String> {
        let mut urls: Vec<String> = (0..self.part_count()).map(|p| self.part_url(p)).collect();
        urls.extend(self.print_url());
        urls.push(self.about_url());
        urls.push(self.json_url());
        if self.def.previous.is_some() {
            urls.push(self.changes_url());
        }
        urls
    }

    /// The page of what changed since the previous edition (`yakkyoku.html` →
    /// `yakkyoku-changes.html`), for checklists that name one.
    pub fn changes_url(&self) -> String {
        self.url.trim_end_matches(".html").to_string() + "-changes.html"
    }

    pub fn json_url(&self) -> String {
        self.url.trim_end_matches(".html").to_string() + ".json"
    }

    /// The companion page beside the form (`yakkyoku.html` → `yakkyoku-about.html`): where the
    /// sources, the guideline coverage and the sources' discrepancies are listed, so that the
    /// form page carries only what filling it in needs.
    pub fn about_url(&self) -> String {
        self.url.trim_end_matches(".html").to_string() + "-about.html"
    }
}

/// Canonical anchor of an item key: `2(4)` → `item-2-4`, `gate` → `item-gate`.
pub fn item_anchor(key: &str) -> String {
    anchor("item-", key)
}

/// `prefix` + the ASCII letters and digits of `key`, every other run as one `-`.
pub fn anchor(prefix: &str, key: &str) -> String {
    let mut out = String::from(prefix);
    let mut last_dash = true;
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            last_dash = false;
        } else if !last_dash {
            out.push('-');
            last_dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_anchor_normalizes_keys() {
        assert_eq!(item_anchor("2(4)"), "item-2-4");
        assert_eq!(item_anchor("gate"), "item-gate");
        assert_eq!(item_anchor("1(1)"), "item-1-1");
        assert_eq!(item_anchor("12"), "item-12");
    }
}
