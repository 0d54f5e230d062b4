//! The site model: plain structs shared by every stage. Parsing fills them, validation reads
//! them, rendering turns them into pages. Content-facing structs reject unknown keys so that a
//! typo in `content/` is an error, not a silently ignored field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;
use crate::markdown::MarkdownOutput;

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

// ---------------------------------------------------------------- provenance

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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default = "default_publisher")]
    pub publisher: String,
    #[serde(default)]
    pub part: Option<String>,
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
    pub at: String,
    #[serde(default)]
    pub chosen: Option<String>,
    #[serde(default)]
    pub other: Option<String>,
    #[serde(default)]
    pub where_other: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One part of a page that mixes provenances (`parts:` in front matter).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenancePart {
    /// `start`, or the id of the heading the part begins at.
    pub from: String,
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
    pub guideline: Vec<crate::guideline::Catalog>,
    /// Flowcharts (`content/flowcharts/`).
    pub flowcharts: Vec<crate::flowchart::Flowchart>,
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
