//! 「チェックの結果」 of the ○／× (`maru_batsu`) checklists of 2021: for each 視点 (予防・発見・
//! 是正) the share of items marked ○ and the item count, as the Excel forms compute them:
//! 割合 = ○ / items of that 視点 (an unanswered item counts as not ○), one decimal, rounded half
//! up; 項目数 = "○/items"; 割合 is 「-」 where a 視点 has no item.
//!
//! The page computes the same rule live in themes/default/static/js/scoring.js; both are tested
//! against tests/fixtures/scoring-vectors.json, so change them together.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::model::{AnswerKind, Checklist};
use crate::model::{ChecklistDef, Item};
use crate::plugin::{Build, ChecklistView, Feature};

/// A ○／× answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// ○
    Yes,
    /// ×
    No,
}

/// One item as the rule sees it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ScoredItem {
    /// Id of the item's 視点; `None`, or one not given to `score`, counts in `overall` only.
    #[serde(default)]
    pub viewpoint: Option<String>,
    /// None: not answered.
    #[serde(default)]
    pub answer: Option<Answer>,
    /// False when a rule of the form makes the item 記入不要 (gate or switch いいえ). The Excel
    /// forms have no such rule; such items count nowhere, so that a facility without, say,
    /// オンライン資格確認 is not shown 0.0% for items it need not answer.
    #[serde(default = "applicable_default")]
    pub applicable: bool,
}

fn applicable_default() -> bool {
    true
}

/// ○ count and item count of one 視点 (or of the whole list).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Items marked ○.
    pub yes: usize,
    /// Items counted.
    pub total: usize,
}

impl Tally {
    /// The share of ○ in tenths of a percent, rounded half up (40.0% → 400); None without items.
    /// Integer arithmetic, so that Rust and JavaScript round alike.
    pub fn tenths(&self) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let (yes, total) = (self.yes as u64, self.total as u64);
        Some((yes * 2000 + total) / (2 * total))
    }

    /// 割合 as the form prints it: `40.0%`, or `-` without items.
    pub fn ratio_text(&self) -> String {
        match self.tenths() {
            Some(t) => format!("{}.{}%", t / 10, t % 10),
            None => "-".into(),
        }
    }

    /// 項目数 as the form prints it: `6/15`.
    pub fn count_text(&self) -> String {
        format!("{}/{}", self.yes, self.total)
    }
}

/// The tally of one 視点.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViewpointScore {
    /// The 視点's id.
    pub id: String,
    /// Its ○ count and item count.
    pub tally: Tally,
}

/// A list's 「チェックの結果」: the whole list and each 視点.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Every counted item of the list.
    pub overall: Tally,
    /// In the order of `viewpoints` given to `score`.
    pub viewpoints: Vec<ViewpointScore>,
}

impl Score {
    /// The tally of the 視点 with this id.
    pub fn viewpoint(&self, id: &str) -> Option<Tally> {
        self.viewpoints.iter().find(|v| v.id == id).map(|v| v.tally)
    }
}

/// The rule. Items whose 視点 is not among `viewpoints` count in `overall` only.
pub fn score(viewpoints: &[&str], items: &[ScoredItem]) -> Score {
    let mut overall = Tally::default();
    let mut per: Vec<ViewpointScore> = viewpoints
        .iter()
        .map(|id| ViewpointScore {
            id: (*id).to_string(),
            tally: Tally::default(),
        })
        .collect();
    for item in items.iter().filter(|i| i.applicable) {
        let yes = usize::from(item.answer == Some(Answer::Yes));
        overall.total += 1;
        overall.yes += yes;
        if let Some(v) = item
            .viewpoint
            .as_deref()
            .and_then(|v| per.iter_mut().find(|p| p.id == v))
        {
            v.tally.total += 1;
            v.tally.yes += yes;
        }
    }
    Score {
        overall,
        viewpoints: per,
    }
}

/// Scores a checklist; `answer` gives each item's answer and whether it applies.
pub fn score_checklist(
    def: &ChecklistDef,
    answer: impl Fn(&Item) -> (Option<Answer>, bool),
) -> Score {
    let viewpoints: Vec<&str> = def.viewpoints.iter().map(|v| v.id.as_str()).collect();
    let items: Vec<ScoredItem> = def
        .items
        .iter()
        .map(|item| {
            let (answer, applicable) = answer(item);
            ScoredItem {
                viewpoint: item.viewpoint.clone(),
                answer,
                applicable,
            }
        })
        .collect();
    score(&viewpoints, &items)
}

/// The summary table before anything is answered (what the printed form shows), for the
/// checklist page; scoring.js fills in the live values.
pub fn blank_summary(def: &ChecklistDef) -> Value {
    let s = score_checklist(def, |_| (None, true));
    let viewpoints: Vec<Value> = def
        .viewpoints
        .iter()
        .zip(&s.viewpoints)
        .map(|(v, t)| {
            json!({
                "id": v.id,
                "label": v.label,
                "total": t.tally.total,
                "ratio": t.tally.ratio_text(),
                "count": t.tally.count_text(),
            })
        })
        .collect();
    json!({
        "viewpoints": viewpoints,
        "overall": {
            "total": s.overall.total,
            "ratio": s.overall.ratio_text(),
            "count": s.overall.count_text(),
        },
    })
}

// ---------------------------------------------------------------- the feature

/// The 予防・発見・是正 score of the 2021 lists, shown on their form pages.
pub struct Scoring;

impl Feature for Scoring {
    fn checklist(
        &self,
        _build: &Build,
        c: &Checklist,
        view: ChecklistView,
        _from: &str,
        fields: &mut serde_json::Map<String, Value>,
    ) {
        if view == ChecklistView::Form && c.def.answer == AnswerKind::MaruBatsu {
            fields.insert("score".into(), blank_summary(&c.def));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(yes: usize, total: usize) -> Tally {
        Tally { yes, total }
    }

    #[test]
    fn ratio_has_one_decimal_rounded_half_up() {
        assert_eq!(t(6, 15).ratio_text(), "40.0%");
        assert_eq!(t(1, 3).ratio_text(), "33.3%");
        assert_eq!(t(2, 3).ratio_text(), "66.7%");
        assert_eq!(t(1, 16).ratio_text(), "6.3%");
        assert_eq!(t(15, 15).ratio_text(), "100.0%");
        assert_eq!(t(0, 84).ratio_text(), "0.0%");
        assert_eq!(t(0, 0).ratio_text(), "-");
        assert_eq!(t(6, 15).count_text(), "6/15");
    }

    #[test]
    fn unanswered_and_batsu_count_in_the_denominator_only() {
        let item = |v: &str, a: Option<Answer>| ScoredItem {
            viewpoint: Some(v.into()),
            answer: a,
            applicable: true,
        };
        let s = score(
            &["prevent", "detect"],
            &[
                item("prevent", Some(Answer::Yes)),
                item("prevent", Some(Answer::No)),
                item("prevent", None),
            ],
        );
        assert_eq!(s.viewpoint("prevent"), Some(t(1, 3)));
        assert_eq!(s.viewpoint("detect"), Some(t(0, 0)));
        assert_eq!(s.overall, t(1, 3));
    }
}
