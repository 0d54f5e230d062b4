//! 「チェックの結果」 of the 2021 ○／× checklists: item counts against seed 001
//! (docs/transcription-2021.md) and the scoring rule against the vectors shared with
//! tests/browser/scoring.test.js.

use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value};

use kensa::features::scoring::{self, Answer, ScoredItem, Tally};
use kensa::model::{AnswerKind, Site};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn site() -> Site {
    match kensa::pipeline::load_site(root()) {
        Ok((site, _)) => site,
        Err(d) => panic!(
            "the site does not load:\n{}",
            d.sorted()
                .iter()
                .map(|x| x.render(false))
                .collect::<String>()
        ),
    }
}

/// (checklist id, items, 予防, 発見, 是正, has 視点), from the transcription record.
const SEED_001: &[(&str, usize, usize, usize, usize, bool)] = &[
    ("y2021-keieiso", 18, 15, 0, 3, true),
    ("y2021-system-kanrisha", 92, 84, 7, 1, true),
    ("y2021-system-kanrisha-online", 2, 1, 1, 0, true),
    ("y2021-iryo-juujisha", 10, 0, 0, 0, false),
];

#[test]
fn item_counts_per_list_and_viewpoint_match_seed_001() {
    let site = site();
    let y2021: Vec<&str> = site
        .checklists
        .iter()
        .filter(|c| c.def.edition == "y2021")
        .map(|c| c.def.id.as_str())
        .collect();
    assert_eq!(y2021.len(), SEED_001.len(), "{y2021:?}");
    for &(id, items, prevent, detect, correct, has_viewpoints) in SEED_001 {
        let c = site
            .checklist(id)
            .unwrap_or_else(|| panic!("no checklist {id}"));
        assert_eq!(c.def.answer, AnswerKind::MaruBatsu, "{id}");
        let s = scoring::score_checklist(&c.def, |_| (None, true));
        assert_eq!(
            s.overall,
            Tally {
                yes: 0,
                total: items
            },
            "{id}"
        );
        if has_viewpoints {
            let ids: Vec<&str> = c.def.viewpoints.iter().map(|v| v.id.as_str()).collect();
            assert_eq!(ids, ["prevent", "detect", "correct"], "{id}");
            let labels: Vec<&str> = c.def.viewpoints.iter().map(|v| v.label.as_str()).collect();
            assert_eq!(labels, ["予防", "発見", "是正"], "{id}");
            for (v, n) in [
                ("prevent", prevent),
                ("detect", detect),
                ("correct", correct),
            ] {
                assert_eq!(s.viewpoint(v), Some(Tally { yes: 0, total: n }), "{id} {v}");
            }
        } else {
            assert!(c.def.viewpoints.is_empty(), "{id}");
            assert!(c.def.items.iter().all(|i| i.viewpoint.is_none()), "{id}");
        }
    }
}

#[test]
fn blank_summary_is_what_the_printed_forms_show() {
    let site = site();
    // docs/transcription-2021.md: 印字された「チェックの結果」集計表（回答前の状態）.
    let keieiso = scoring::blank_summary(&site.checklist("y2021-keieiso").unwrap().def);
    let cells: Vec<(String, String)> = keieiso["viewpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["ratio"].as_str().unwrap().into(),
                v["count"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [("0.0%", "0/15"), ("-", "0/0"), ("0.0%", "0/3")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let juujisha = scoring::blank_summary(&site.checklist("y2021-iryo-juujisha").unwrap().def);
    assert_eq!(juujisha["viewpoints"], json!([]));
    assert_eq!(juujisha["overall"]["ratio"], "0.0%");
    assert_eq!(juujisha["overall"]["count"], "0/10");
}

#[derive(Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    viewpoints: Vec<String>,
    items: Vec<VectorItem>,
    expected: Value,
}

#[derive(Deserialize)]
struct VectorItem {
    viewpoint: Option<String>,
    answer: Option<Answer>,
    #[serde(default = "yes")]
    applicable: bool,
    #[serde(default = "one")]
    repeat: usize,
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}

fn tally_json(t: &Tally) -> Value {
    json!({"yes": t.yes, "total": t.total, "ratio": t.ratio_text(), "count": t.count_text()})
}

#[test]
fn rust_scoring_matches_the_shared_vectors() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/scoring-vectors.json"))
        .expect("tests/fixtures/scoring-vectors.json");
    let vectors: Vectors = serde_json::from_str(&text).expect("valid vectors");
    assert!(vectors.vectors.len() >= 5);
    for v in &vectors.vectors {
        let items: Vec<ScoredItem> = v
            .items
            .iter()
            .flat_map(|i| {
                std::iter::repeat_n(
                    ScoredItem {
                        viewpoint: i.viewpoint.clone(),
                        answer: i.answer,
                        applicable: i.applicable,
                    },
                    i.repeat,
                )
            })
            .collect();
        let ids: Vec<&str> = v.viewpoints.iter().map(String::as_str).collect();
        let s = scoring::score(&ids, &items);
        let got = json!({
            "overall": tally_json(&s.overall),
            "viewpoints": s.viewpoints.iter().map(|p| (p.id.clone(), tally_json(&p.tally))).collect::<serde_json::Map<_, _>>(),
        });
        assert_eq!(got, v.expected, "vector: {}", v.name);
    }
}

#[test]
fn items_a_rule_hides_count_nowhere() {
    let site = site();
    let c = site.checklist("y2021-system-kanrisha-online").unwrap();
    // no-1 answered ○, no-2 ×; then the switch makes both 記入不要.
    let answer = |id: &str| match id {
        "no-1" => Some(scoring::Answer::Yes),
        "no-2" => Some(scoring::Answer::No),
        _ => None,
    };
    let s = scoring::score_checklist(&c.def, |item| (answer(&item.id), true));
    assert_eq!(s.viewpoint("prevent").unwrap().ratio_text(), "100.0%");
    assert_eq!(s.viewpoint("detect").unwrap().ratio_text(), "0.0%");
    assert_eq!(s.viewpoint("correct").unwrap().ratio_text(), "-");
    let s = scoring::score_checklist(&c.def, |item| (answer(&item.id), false));
    assert_eq!(s.overall, Tally { yes: 0, total: 0 });
}

#[test]
fn y2021_edition_says_its_guideline_version_and_points_to_r5() {
    let site = site();
    let e = site.edition("y2021").expect("edition y2021");
    assert!(e.note.as_deref().unwrap_or("").contains("第5.1版"));
    assert_eq!(e.superseded_by.as_deref(), Some("r5"));
}

#[test]
fn superseded_by_must_name_another_edition() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("content/site.yaml"),
        "title: t\neditions:\n  - id: a\n    name: A\n    fiscal_year: 2021\n    superseded_by: b\n",
    )
    .unwrap();
    let Err(diags) = kensa::pipeline::load_site(dir.path()) else {
        panic!("an unknown superseded_by must fail");
    };
    let d = diags
        .items
        .iter()
        .find(|d| d.message.contains("superseded_by `b`"))
        .unwrap_or_else(|| panic!("{:?}", diags.items));
    assert_eq!(d.location.as_ref().unwrap().line, 6);
}
