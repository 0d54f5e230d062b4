//! What each item of a checklist asks for, computed once from its definition: the label both
//! the form and the inspection use (`２（４）（サーバ）`), whether it must be answered or is a
//! 参考項目, what makes it 記入不要 (the gate, a switch), which rounds and dates it asks for and
//! the dates it accepts. The build publishes these rules in the checklist JSON and in every form
//! page (`page_block`), where form.js reads them instead of working them out from the markup.

use serde::Serialize;
use serde_json::{json, Value};

use crate::model::{fiscal_year_days, AnswerKind, ChecklistDef, Item};

/// The rules of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRules {
    /// The item's id, the key of its answers in an answer file.
    pub id: String,
    /// The item as the form's lists and the inspection's findings name it.
    pub label: String,
    /// False for a 参考項目: shown and saved, never counted as missing.
    pub required: bool,
    /// The gate's いいえ makes the item 確認不要.
    pub gated: bool,
    /// The switch whose いいえ makes the item 記入不要.
    pub unless_switch_off: Option<String>,
    /// The rounds the item asks for, in the form's order.
    pub rounds: Vec<Round>,
    /// The days a 目標日 must fall on (`YYYY-MM-DD`, both included): the fiscal year of the
    /// item's phase, when it has one.
    pub target_window: Option<[String; 2]>,
}

/// One answer column of an item: 1回目, 目標日 or 2回目 (結果 on the ○／× lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Round {
    /// `r1`, `target` or `r2`, as answer files name it.
    pub id: &'static str,
    /// Asks for はい／いいえ (○／×).
    pub answer: bool,
    /// Asks for a date.
    pub date: bool,
    /// When the round must be filled in.
    pub needed: Needed,
}

/// When a round must be filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Needed {
    /// Always (unless the item is 記入不要).
    Always,
    /// When 1回目 is いいえ: the 目標日.
    WhenFirstIsNo,
    /// Never: 2回目, and every round of a 参考項目.
    Optional,
}

/// The rules of every item of a checklist, and the years any date may fall in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Dates outside these years are slips of the keyboard, on the form and in the inspection.
    pub date_years: Option<[i32; 2]>,
    /// One entry per item, in the definition's order.
    pub items: Vec<ItemRules>,
}

/// `２（４）（サーバ）`: the section's number when the item's own number is a bracketed one (lists
/// numbered straight through need none), then the target it is about, as its line names it.
pub fn label(def: &ChecklistDef, item: &Item) -> String {
    let section = def
        .sections
        .iter()
        .find(|s| s.id == item.section)
        .filter(|_| item.number.starts_with(['（', '(']))
        .map_or("", |s| s.number.as_str());
    let target = item
        .target
        .as_ref()
        .and_then(|t| def.targets.iter().find(|x| &x.id == t))
        .map(|t| format!("（{}）", t.text.split("について").next().unwrap_or(&t.text)))
        .unwrap_or_default();
    format!("{section}{}{target}", item.number)
}

/// The label as the form's lists show it: 〔参考項目〕 after the label of a 参考項目, whose number
/// repeats one of the current year's.
pub fn form_label(def: &ChecklistDef, item: &Item) -> String {
    let mark = if is_reference(def, item) {
        "〔参考項目〕"
    } else {
        ""
    };
    format!("{}{mark}", label(def, item))
}

/// Whether the item belongs to a phase of 参考項目.
pub fn is_reference(def: &ChecklistDef, item: &Item) -> bool {
    def.phases.iter().any(|p| p.id == item.phase && p.reference)
}

/// The rules of one item.
pub fn item_rules(def: &ChecklistDef, item: &Item) -> ItemRules {
    let required = !is_reference(def, item);
    let optional = |needed| if required { needed } else { Needed::Optional };
    let rounds = match def.answer {
        AnswerKind::YesNoDated => vec![
            round("r1", true, true, optional(Needed::Always)),
            round("target", false, true, optional(Needed::WhenFirstIsNo)),
            round("r2", true, true, Needed::Optional),
        ],
        AnswerKind::MaruBatsu => vec![round("r1", true, false, optional(Needed::Always))],
    };
    ItemRules {
        id: item.id.clone(),
        label: label(def, item),
        required,
        gated: def.gate.is_some(),
        unless_switch_off: item.unless_switch_off.clone(),
        target_window: (def.fiscal_year_of(item))
            .filter(|_| def.answer == AnswerKind::YesNoDated)
            .map(|y| fiscal_year_days(y).map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))),
        rounds,
    }
}

fn round(id: &'static str, answer: bool, date: bool, needed: Needed) -> Round {
    Round {
        id,
        answer,
        date,
        needed,
    }
}

/// The rules of every item of `def`.
pub fn rules(def: &ChecklistDef) -> Rules {
    let dated = def.answer == AnswerKind::YesNoDated;
    Rules {
        date_years: dated.then(|| [*crate::answers::YEARS.start(), *crate::answers::YEARS.end()]),
        items: def.items.iter().map(|i| item_rules(def, i)).collect(),
    }
}

/// Bits of a round in the page's compact form.
const ANSWER: u8 = 1;
const DATE: u8 = 2;
const ALWAYS: u8 = 4;
const WHEN_FIRST_IS_NO: u8 = 8;

/// A distinct round list of a checklist as the form pages refer to it: the rounds, and the
/// window of the 目標日 that a いいえ in 1回目 asks for (`None` when no round is needed so).
pub type Shape<'a> = (&'a [Round], Option<&'a [String; 2]>);

fn shape(r: &ItemRules) -> Shape<'_> {
    let asks_target = r.rounds.iter().any(|x| x.needed == Needed::WhenFirstIsNo);
    (&r.rounds, r.target_window.as_ref().filter(|_| asks_target))
}

/// The distinct round lists of a checklist's items (`rules`), in the order they first occur,
/// and for each item the index of its own: how the form pages refer to them.
pub fn round_shapes(rules: &Rules) -> (Vec<Shape<'_>>, Vec<usize>) {
    let mut shapes: Vec<Shape> = Vec::new();
    let index = rules
        .items
        .iter()
        .map(|r| {
            let own = shape(r);
            shapes.iter().position(|s| *s == own).unwrap_or_else(|| {
                shapes.push(own);
                shapes.len() - 1
            })
        })
        .collect();
    (shapes, index)
}

/// The rules (`all`, of `def`) of the items on one form page (`on_page` picks them by index),
/// as form.js and scoring.js read them from the page's data block. Every byte is on every
/// page, so it is compact: the checklist's distinct round lists once (`rounds`: per round
/// `[id, bits]`, bits 1 answer, 2 date, 4 always needed, 8 needed when 1回目 is いいえ, that
/// last one followed by the first and last day its date may be when the item's phase names a
/// fiscal year; a split form's other pages refer to them too), the 視点 ids of a scored list
/// (`viewpoints`), and per item a [`row`]. JSON made safe to sit inside <script>.
pub fn page_block(def: &ChecklistDef, all: &Rules, on_page: impl Fn(usize) -> bool) -> String {
    let (shapes, index) = round_shapes(all);
    let items: Vec<Value> = (0..def.items.len())
        .filter(|&n| on_page(n))
        .map(|n| row(def, &def.items[n], &all.items[n], index[n]))
        .collect();
    let shapes: Vec<Value> = shapes
        .iter()
        .map(|(rounds, window)| {
            let window = |r: &Round| window.filter(|_| r.needed == Needed::WhenFirstIsNo);
            (rounds.iter())
                .map(|r| match window(r) {
                    Some([first, last]) => json!([r.id, bits(r), first, last]),
                    None => json!([r.id, bits(r)]),
                })
                .collect()
        })
        .collect();
    let mut block = json!({"rounds": shapes, "items": items});
    if let Some(y) = all.date_years {
        block["years"] = json!(y);
    }
    if !def.viewpoints.is_empty() {
        let ids: Vec<&str> = def.viewpoints.iter().map(|v| v.id.as_str()).collect();
        block["viewpoints"] = json!(ids);
    }
    script_safe(&block)
}

/// One item as the form pages list it, on its own page or on a split form's other pages:
/// `[id, label, index of its 視点, index of its rounds, switch]`, empty places `null` and
/// trailing ones left out (a first round list counts as empty: most items have it). In this
/// order a scored list's rows end at the 視点 and a dated list's at the rounds.
pub fn row(def: &ChecklistDef, item: &Item, rules: &ItemRules, shape: usize) -> Value {
    let viewpoint =
        (item.viewpoint.as_ref()).and_then(|v| def.viewpoints.iter().position(|x| &x.id == v));
    let mut row = vec![
        json!(rules.id),
        json!(rules.label),
        json!(viewpoint),
        json!(Some(shape).filter(|&s| s > 0)),
        json!(rules.unless_switch_off),
    ];
    while row.last().is_some_and(Value::is_null) {
        row.pop();
    }
    Value::Array(row)
}

/// JSON that cannot end the <script> element it sits in.
pub fn script_safe(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace("</", "<\\/")
}

fn bits(r: &Round) -> u8 {
    let mut b = 0;
    if r.answer {
        b |= ANSWER;
    }
    if r.date {
        b |= DATE;
    }
    b | match r.needed {
        Needed::Always => ALWAYS,
        Needed::WhenFirstIsNo => WHEN_FIRST_IS_NO,
        Needed::Optional => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(yaml: &str) -> ChecklistDef {
        serde_yaml::from_str(yaml).expect("test definition")
    }

    const DATED: &str = r#"
id: t
edition: r5
title: T
form: T
audience: facility
facility: hospital
source: {publisher: 厚生労働省, title: T}
answer: yes_no_dated
gate: {key: gate, label: 有無, text: 導入している。}
switches: [{id: vendor_contract, label: 契約, text: 契約している。}]
phases:
  - {id: current, label: 令和5年度中, fiscal_year: 2023}
  - {id: reference, label: 参考項目, fiscal_year: 2024, reference: true}
sections: [{id: "1", number: "１", title: 体制}, {id: "2", number: "２", title: 管理}]
targets:
  - {id: server, text: サーバについて、以下を実施している。}
  - {id: pc, text: 端末PCについて、以下を実施している。}
items:
  - {id: a, phase: current, section: "1", number: "（１）", key: "1(1)", text: 責任者}
  - {id: b, phase: current, section: "2", target: server, number: "（２）", key: "2(2)", text: 確認, unless_switch_off: vendor_contract}
  - {id: c, phase: reference, section: "2", target: server, number: "（７）", key: "2(7)", text: パッチ}
  - {id: d, phase: reference, section: "2", target: pc, number: "（７）", key: "2(7)", text: パッチ}
"#;

    #[test]
    fn labels_name_section_number_and_target() {
        let d = def(DATED);
        let labels: Vec<String> = d.items.iter().map(|i| label(&d, i)).collect();
        assert_eq!(
            labels,
            [
                "１（１）",
                "２（２）（サーバ）",
                "２（７）（サーバ）",
                "２（７）（端末PC）"
            ]
        );
    }

    #[test]
    fn lists_numbered_straight_through_need_no_section_number() {
        let yaml = DATED.replace("number: \"（１）\"", "number: \"13\"");
        let d = def(&yaml);
        assert_eq!(label(&d, &d.items[0]), "13");
    }

    #[test]
    fn gated_switched_and_reference_items() {
        let r = rules(&def(DATED));
        assert_eq!(r.date_years, Some([2000, 2099]));
        let [a, b, c, _] = &r.items[..] else {
            panic!("four items")
        };
        assert!(a.required && a.gated && a.unless_switch_off.is_none());
        assert_eq!(b.unless_switch_off.as_deref(), Some("vendor_contract"));
        // A required item: 1回目 always, 目標日 when 1回目 is いいえ, 2回目 optional.
        let needed: Vec<_> = a.rounds.iter().map(|r| (r.id, r.needed)).collect();
        assert_eq!(
            needed,
            [
                ("r1", Needed::Always),
                ("target", Needed::WhenFirstIsNo),
                ("r2", Needed::Optional)
            ]
        );
        assert!(a.rounds[0].answer && a.rounds[0].date && !a.rounds[1].answer);
        // A 参考項目 asks for the same columns and needs none of them.
        assert!(!c.required);
        assert!(c.rounds.iter().all(|r| r.needed == Needed::Optional));
        assert_eq!(c.rounds.len(), 3);
        assert_eq!(
            a.target_window,
            Some(["2023-04-01".to_string(), "2024-03-31".to_string()])
        );
        assert_eq!(
            c.target_window.as_ref().map(|w| w[1].as_str()),
            Some("2025-03-31")
        );
    }

    #[test]
    fn maru_batsu_lists_ask_one_answer_without_date() {
        let yaml = DATED
            .replace("answer: yes_no_dated", "answer: maru_batsu")
            .replace("gate: {key: gate, label: 有無, text: 導入している。}\n", "");
        let r = rules(&def(&yaml));
        assert_eq!(r.date_years, None);
        let a = &r.items[0];
        assert!(!a.gated && a.target_window.is_none());
        assert_eq!(a.rounds, [round("r1", true, false, Needed::Always)]);
    }

    #[test]
    fn page_block_lists_each_round_shape_once() {
        let d = def(DATED);
        let block: Value = serde_json::from_str(&page_block(&d, &rules(&d), |n| n != 0)).unwrap();
        assert_eq!(
            block,
            json!({
                "years": [2000, 2099],
                "rounds": [[["r1", 7], ["target", 10, "2023-04-01", "2024-03-31"], ["r2", 3]], [["r1", 3], ["target", 2], ["r2", 3]]],
                "items": [["b", "２（２）（サーバ）", null, null, "vendor_contract"], ["c", "２（７）（サーバ）", null, 1], ["d", "２（７）（端末PC）", null, 1]],
            })
        );
    }

    #[test]
    fn items_of_another_fiscal_year_get_their_own_target_window() {
        let yaml = DATED.replace(
            "  - {id: reference, label: 参考項目",
            "  - {id: next, label: 令和6年度中, fiscal_year: 2024}\n  - {id: reference, label: 参考項目",
        ) + "  - {id: e, phase: next, section: \"1\", number: \"（２）\", key: \"1(2)\", text: 訓練}\n";
        let d = def(&yaml);
        let all = rules(&d);
        let (shapes, index) = round_shapes(&all);
        // a and b share FY2023, c and d are 参考項目 (no 目標日 needed), e is FY2024.
        assert_eq!(index, [0, 0, 1, 1, 2]);
        let windows: Vec<_> = shapes.iter().map(|s| s.1.map(|w| w[0].as_str())).collect();
        assert_eq!(windows, [Some("2023-04-01"), None, Some("2024-04-01")]);
        let block: Value = serde_json::from_str(&page_block(&d, &all, |_| true)).unwrap();
        assert_eq!(
            block["rounds"][2][1],
            json!(["target", 10, "2024-04-01", "2025-03-31"])
        );
        assert_eq!(block["items"][4], json!(["e", "１（２）", null, 2]));
    }

    #[test]
    fn page_block_cannot_end_its_script_element() {
        let yaml = DATED.replace("text: 責任者", "text: 責任者</script>");
        let yaml = yaml.replace("サーバについて", "</script>について");
        let d = def(&yaml);
        assert!(!page_block(&d, &rules(&d), |_| true).contains("</"));
    }
}
