//! Checklist definitions: phases, sections, items, the gate and switches, the inspection rules.

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;

use super::*;

// ---------------------------------------------------------------- checklists

/// How a form's items are answered: the two layouts of the paper forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// はい・いいえ with dates: 1回目, 目標日, 2回目.
    YesNoDated,
    /// ○／× with 記入者 and 日付 (2021 lists).
    MaruBatsu,
}

/// Who fills a form in: the facility itself, or each vendor it contracts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// The facility's own form (確認用): one per facility.
    Facility,
    /// A vendor's form (事業者確認用): one per vendor the facility contracts with.
    Vendor,
}

/// A form-level field of the paper form (事業者名 and the like), filled once per form.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// Key of the field in answer files' `fields`.
    pub id: String,
    /// The field's name as printed.
    pub label: String,
    /// Marked （必須） on the form.
    #[serde(default)]
    pub required: bool,
    /// Set when the paper form this list transcribes does not show the field: the document the
    /// field was taken from (shown next to it).
    #[serde(default)]
    pub taken_from: Option<String>,
}

/// A note printed on the form (●　…), shown in order above the items.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// The note's anchor on the form (`note-<id>`), which search results link to.
    pub id: String,
    /// The note's text as printed.
    pub text: String,
}

/// The question that makes every item below it 確認不要 when answered いいえ.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// The gate's item key (default `gate`): the manual anchors it as `item-gate`.
    #[serde(default = "default_gate_key")]
    pub key: String,
    /// The row's heading as printed (医療情報システムの有無).
    pub label: String,
    /// The question as printed.
    pub text: String,
    /// Printed beside the question, e.g. what いいえ means for the items below.
    #[serde(default)]
    pub note: Option<String>,
    /// Guideline references (`GL6 …`), as the items' `refs`.
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

/// A fact that makes some items need no answer when いいえ (items name it in `unless_switch_off`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// Unique in the checklist; items and inspection rules refer to it.
    pub id: String,
    /// The switch's heading (事業者との契約).
    pub label: String,
    /// The question asked.
    pub text: String,
    /// Printed beside the question: which items it exempts.
    #[serde(default)]
    pub note: Option<String>,
    /// `editorial` when the paper form has no such question and the rule is only printed as a note.
    #[serde(default)]
    pub provenance: Provenance,
}

/// A group of items with its own deadline: 令和5年度中, or the 参考項目.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Unique in the checklist; items name their phase by it.
    pub id: String,
    /// The phase's heading as printed (令和５年度中).
    pub label: String,
    /// `editorial` when the label is a heading this site composed (2021: 全項目).
    #[serde(default)]
    pub label_provenance: Provenance,
    /// The phase's items are 参考項目: for a later year, shown for reference.
    #[serde(default)]
    pub reference: bool,
    /// The fiscal year (年度, April to March) the phase's 目標日 must fall in, as the Western
    /// year it starts in: 令和5年度 is 2023. None when the phase names no year.
    #[serde(default)]
    pub fiscal_year: Option<i32>,
    /// The lines printed under the phase's heading, in order.
    #[serde(default)]
    pub instructions: Vec<String>,
}

/// A numbered heading that items are grouped under (１ 体制構築).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Unique in the checklist; items name their section by it.
    pub id: String,
    /// The section number as printed (`１`); empty when the form prints none.
    #[serde(default)]
    pub number: String,
    /// The heading as printed.
    pub title: String,
    /// `editorial` when the title is a heading this site composed (the 2021 lists' one section).
    #[serde(default)]
    pub title_provenance: Provenance,
}

/// The group line an item sits under (サーバについて、以下を実施している。).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Unique in the checklist; items name their target by it.
    pub id: String,
    /// The line as printed.
    pub text: String,
}

/// A maru_batsu list's viewpoint (予防, 検知, …): the 「チェックの結果」 gives a ratio for each.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Viewpoint {
    /// Unique in the checklist; items name their viewpoint by it.
    pub id: String,
    /// The viewpoint's name as printed.
    pub label: String,
}

/// One question of a checklist, in the form's printed order.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Unique in the checklist and never reused: `(checklist id, item id)` keys answer files.
    pub id: String,
    /// Id of the item's `Phase`.
    pub phase: String,
    /// Id of the item's `Section`.
    pub section: String,
    /// Id of the `Target` line the item sits under.
    #[serde(default)]
    pub target: Option<String>,
    /// The number as printed (`（４）`).
    pub number: String,
    /// The key shared with the manual, ASCII (`2(4)`): manual pages `explains` it and anchor it.
    pub key: String,
    /// The question as printed.
    pub text: String,
    /// Guideline references (`GL6 企画管理編 9.1`): the manual's ▶ lines.
    #[serde(default)]
    pub refs: Vec<String>,
    /// A switch id: the item is 記入不要 when that switch is answered いいえ.
    #[serde(default)]
    pub unless_switch_off: Option<String>,
    /// Vendor forms: the facility form's item that states the same requirement, so that a blank
    /// here can be answered there. Matching ids alone would be wrong (１（１） differs).
    #[serde(default)]
    pub facility_item: Option<String>,
    /// Id of the item's `Viewpoint` (maru_batsu lists).
    #[serde(default)]
    pub viewpoint: Option<String>,
    /// A note printed beside the item.
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

/// A checklist definition, as written in `content/checklists/<edition>/<slug>.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistDef {
    /// Unique across the site and stable across builds: answer files name their checklist by it.
    pub id: String,
    /// Id of the edition in `site.yaml` the checklist belongs to.
    pub edition: String,
    /// The checklist of an earlier edition this one revises (its id): items with the same id
    /// are the same item, `replaces` names the others. Answer files of it can be carried over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The checklist's title as printed.
    pub title: String,
    /// The form's name as printed (薬局確認用, 事業者確認用).
    pub form: String,
    /// Facility form or vendor form.
    pub audience: Audience,
    /// The kind of facility the form is for.
    pub facility: Facility,
    /// Id of the manual whose pages explain the items.
    #[serde(default)]
    pub manual: Option<String>,
    /// Slug of the inspector's guide (`guides/<slug>.md`) that governs the form.
    #[serde(default)]
    pub guide: Option<String>,
    /// Order among the edition's checklists.
    #[serde(default)]
    pub weight: Option<i64>,
    /// The document the checklist is transcribed from.
    pub source: Source,
    /// Where the checklist's text comes from as a whole.
    #[serde(default)]
    pub provenance: Provenance,
    /// Shown with a derived checklist: how it was adapted.
    #[serde(default)]
    pub provenance_note: Option<String>,
    /// `editorial` when the title is this site's (a table printed without a title of its own).
    #[serde(default)]
    pub title_provenance: Provenance,
    /// Places where the sources disagree, listed on the companion page.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
    /// Written for this site (what the list is for, on the home page and above the form).
    #[serde(default)]
    pub description: Option<String>,
    /// Always `editorial` (validated): published so that a reader of the JSON knows the
    /// description is ours, and read back with it.
    #[serde(default = "editorial")]
    pub description_provenance: Provenance,
    /// How the items are answered.
    pub answer: AnswerKind,
    /// Whether the paper form has a 備考 column; where it has none, the form's 備考 is marked
    /// as this site's.
    #[serde(default = "yes")]
    pub remarks_on_paper: bool,
    /// Form-level fields (事業者名), in printed order.
    #[serde(default)]
    pub form_fields: Vec<FormField>,
    /// Notes printed on the form, in order.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// The question that makes every item 確認不要 when いいえ.
    #[serde(default)]
    pub gate: Option<Gate>,
    /// Facts that make some items need no answer.
    #[serde(default)]
    pub switches: Vec<Switch>,
    /// The deadline groups, in printed order.
    pub phases: Vec<Phase>,
    /// The numbered headings, in printed order.
    pub sections: Vec<Section>,
    /// The group lines items sit under.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Viewpoints (maru_batsu lists only).
    #[serde(default)]
    pub viewpoints: Vec<Viewpoint>,
    /// Every question, in printed order.
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
    /// The rules an inspector applies to the form.
    pub rules: Vec<InspectionRule>,
}

/// A heading of the 手引き that findings are grouped under.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionHeading {
    /// Unique in the inspection; rules name their heading by it.
    pub id: String,
    /// The heading as printed in the 手引き.
    pub title: String,
    /// The heading's anchor in the guide page, for links from findings.
    #[serde(default)]
    pub anchor: Option<String>,
}

/// What an inspection rule checks: each kind is one check of the engine in `inspect`.
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

/// When an `OnsiteDocument` rule asks to see the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnsiteWhen {
    /// Whatever the answer.
    Any,
    /// Only when the item is answered はい (薬局: 連絡体制図).
    Yes,
}

/// One rule of the 手引き, applied by `kensa inspect`, the inspection page and the form's 事前確認.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionRule {
    /// Unique in the inspection; findings name their rule by it.
    pub id: String,
    /// Which check of the engine the rule is.
    pub kind: RuleKind,
    /// Id of the heading in `headings` this rule belongs to.
    pub heading: String,
    /// The rule's words in the 手引き.
    pub quote: String,
    /// What the 手引き tells the inspector to advise, shown with the rule's findings.
    #[serde(default)]
    pub advice: Option<String>,
    /// OnsiteDocument: the item keys concerned.
    #[serde(default)]
    pub keys: Vec<String>,
    /// OnsiteDocument: when to ask for the document (default: whatever the answer).
    #[serde(default)]
    pub when: Option<OnsiteWhen>,
    /// VendorSheetsRequired / SwitchExempts: the switch that decides.
    #[serde(default)]
    pub switch: Option<String>,
}

/// A checklist as the stages use it: its definition, its file and where its pages go.
#[derive(Debug, Clone)]
pub struct Checklist {
    /// The definition as written.
    pub def: ChecklistDef,
    /// The file the definition was read from (YAML, or a published site's JSON), for diagnostics.
    pub file: SourceFile,
    /// Output path of the form page, e.g. `checklists/r5/yakkyoku.html`.
    pub url: String,
    /// Hex SHA-256 of the definition file: answer files record what they were filled against.
    pub definition_hash: String,
    /// Index in `def.items` of the first item of each form page after the first, from
    /// `split_at` (ids that name no item are left out here and reported by validation).
    pub part_starts: Vec<usize>,
}

impl ChecklistDef {
    /// The fiscal year of `item`'s phase, when it names one: the year its 目標日 must fall in.
    pub fn fiscal_year_of(&self, item: &Item) -> Option<i32> {
        (self.phases.iter())
            .find(|p| p.id == item.phase)
            .and_then(|p| p.fiscal_year)
    }
}

/// The first and last day, as (year, month, day), of fiscal year (年度) `year`: April to March.
/// The form's rules and `kensa inspect` both take the 目標日's window from here.
pub fn fiscal_year_days(year: i32) -> [(i32, u32, u32); 2] {
    [(year, 4, 1), (year + 1, 3, 31)]
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

    /// The published definition (`yakkyoku.html` → `yakkyoku.json`), which answer files and
    /// `--site` are read against.
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
