//! Editions end to end: `kensa edition new` on a copy of the real site, lineage errors at their
//! place, the page of what changed, and answer files carried over by `kensa migrate`, on the
//! fixture site tests/fixtures/editions (r5 and r6 of one checklist: r6 moves the 参考項目 into
//! the current phase, rewords one item, adds one, removes one and merges two into one).

use std::path::{Path, PathBuf};

mod common;
use common::{copy_dir, edit, files_under, kensa, repo, text, Rng};

/// A private copy of `content/` (and nothing else) of the site at `from`.
fn site_copy(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&from.join("content"), &dir.path().join("content"));
    dir
}

fn fixture() -> PathBuf {
    common::fixture("editions")
}

#[test]
fn edition_new_on_the_real_site_builds_and_check_wants_the_placeholders_filled() {
    let site = site_copy(repo());
    let root = site.path().to_str().unwrap();
    let before = std::fs::read_to_string(site.path().join("content/site.yaml")).unwrap();
    let out = kensa(&["edition", "new", "r6", "--from", "r5", "--root", root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("4 checklist(s)"),
        "{}",
        text(&out.stdout)
    );

    // site.yaml was edited as text: every line it had is still there, in order.
    let after = std::fs::read_to_string(site.path().join("content/site.yaml")).unwrap();
    let mut rest = after.lines();
    for line in before.lines().filter(|l| !l.starts_with("editions_shown")) {
        assert!(rest.any(|l| l == line), "lost or moved: {line}\n{after}");
    }
    assert!(after.contains("editions_shown: [r6, r5, y2021]"), "{after}");
    for name in [
        "iryokikan",
        "iryokikan-jigyosha",
        "yakkyoku",
        "yakkyoku-jigyosha",
    ] {
        let copy = std::fs::read_to_string(
            site.path()
                .join(format!("content/checklists/r6/{name}.yaml")),
        )
        .unwrap();
        assert!(copy.contains(&format!(
            "\nid: r6-{name}\nprevious: r5-{name}\nedition: r6\n"
        )));
    }

    // It builds at once, warning about the placeholders; check refuses them.
    let out = kensa(&["build", "--root", root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("has no name yet"),
        "{}",
        text(&out.stderr)
    );
    let check = kensa(&["check", "--root", root]);
    assert!(!check.status.success());
    let stderr = text(&check.stderr);
    assert!(
        stderr.contains("content/site.yaml:16:5: edition `r6` has no name yet")
            && stderr.contains("content/site.yaml:17:5: edition `r6` has no fiscal year yet"),
        "{stderr}"
    );

    // Filled in: check passes, and every page published before is still there.
    edit(site.path(), "content/site.yaml", |t| {
        t.replace("TODO 版の名前（例：令和6年度版）", "令和6年度版")
            .replace(
                "fiscal_year: 0  # TODO the Western year the 年度 begins in (令和6年度: 2024)",
                "fiscal_year: 2024",
            )
    });
    let check = kensa(&["check", "--root", root]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let published = tempfile::tempdir().unwrap();
    let out = kensa(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--out",
        published.path().join("site").to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kensa(&["build", "--root", root, "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let old = files_under(&published.path().join("site"));
    let new = files_under(&site.path().join("public"));
    let lost: Vec<_> = old.difference(&new).collect();
    assert!(lost.is_empty(), "published files gone: {lost:?}");
    for name in ["iryokikan", "yakkyoku"] {
        assert!(new.contains(&format!("checklists/r6/{name}-changes.html")));
    }
    // An unchanged copy has nothing to list, and its old edition names the new one.
    let changes = std::fs::read_to_string(
        site.path()
            .join("public/checklists/r6/yakkyoku-changes.html"),
    )
    .unwrap();
    assert!(changes.contains("文言が変わった項目（0件）"), "{changes}");
    let r5 =
        std::fs::read_to_string(site.path().join("public/checklists/r5/yakkyoku.html")).unwrap();
    assert!(
        r5.contains("この様式は令和6年度版に改訂されています：<a href=../r6/yakkyoku.html>"),
        "no banner naming r6 on the r5 form"
    );
}

#[test]
fn edition_new_refuses_what_would_overwrite_and_writes_nothing() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    let before = files_under(site.path());
    for (args, wanted) in [
        (
            vec!["r6", "--from", "r5"],
            "edition `r6` is already in content/site.yaml",
        ),
        (
            vec!["r7", "--from", "r5"],
            "edition `r5` is already superseded by `r6`",
        ),
        (
            vec!["r7", "--from", "r4"],
            "there is no edition `r4` to start from",
        ),
        (vec!["r 7", "--from", "r6"], "`r 7` cannot be an edition id"),
    ] {
        let mut all = vec!["edition", "new"];
        all.extend(args);
        all.extend(["--root", root]);
        let out = kensa(&all);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains(wanted), "{}", text(&out.stderr));
        assert_eq!(files_under(site.path()), before);
    }
    std::fs::create_dir_all(site.path().join("content/checklists/r7")).unwrap();
    let out = kensa(&["edition", "new", "r7", "--from", "r6", "--root", root]);
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
}

/// `kensa edition new r7 --from r6` on a copy of the fixture.
fn fixture_r7(root: &Path) {
    let root = root.to_str().unwrap();
    let out = kensa(&[
        "edition",
        "new",
        "r7",
        "--from",
        "r6",
        "--name",
        "令和7年度版",
        "--fiscal-year",
        "2025",
        "--root",
        root,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn edition_new_twice_drops_the_earlier_lineage_from_the_copy() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    fixture_r7(site.path());
    let copy =
        std::fs::read_to_string(site.path().join("content/checklists/r7/facility.yaml")).unwrap();
    let body: String = copy.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        !body.contains("replaces") && !body.contains("reworded"),
        "{copy}"
    );
    let check = kensa(&["check", "--root", root]);
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn lineage_that_points_nowhere_is_an_error_at_its_place() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    let rel = "content/checklists/r6/facility.yaml";
    // Each edit is made on top of the ones before it.
    for (from, to, wanted) in [
        (
            "replaces: [current-2-5]",
            "replaces: [current-2-6]",
            "67:16: item `current-2-4` replaces `current-2-6`, which is not an item of `r5-facility`; did you mean `current-2-1`?",
        ),
        (
            "previous: r5-facility",
            "previous: r5-facilty",
            "3:1: previous names checklist `r5-facilty`, which does not exist; did you mean `r5-facility`?",
        ),
        (
            "previous: r5-facilty",
            "previous: r6-facility",
            "3:1: previous names `r6-facility` of edition `r6`, which is not an earlier edition than `r6`",
        ),
        (
            "previous: r6-facility\n",
            "",
            "66:5: item `current-2-4` replaces earlier items, but the checklist names no `previous:` checklist",
        ),
    ] {
        edit(site.path(), rel, |t| t.replace(from, to));
        let out = kensa(&["check", "--root", root]);
        assert!(!out.status.success());
        let stderr = text(&out.stderr);
        assert!(stderr.contains(&format!("error: {rel}:{wanted}")), "{stderr}");
    }
}

#[test]
fn a_changed_text_without_reworded_is_a_warning_at_the_text() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    let rel = "content/checklists/r6/facility.yaml";
    let clean = kensa(&["check", "--root", root]);
    assert!(clean.status.success(), "{}", text(&clean.stderr));
    assert!(
        text(&clean.stdout).contains("0 warning(s)"),
        "{}",
        text(&clean.stdout)
    );
    edit(site.path(), rel, |t| {
        t.replacen(
            "    reworded: true\n  - id: current-3-2",
            "  - id: current-3-2",
            1,
        )
        .replace(
            "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。\n",
            "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。\n    reworded: true\n",
        )
    });
    let out = kensa(&["check", "--root", root]);
    assert!(out.status.success(), "warnings only: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("warning: {rel}:75:5: the text of item `current-3-1` differs from that of `current-3-1` in `r5-facility`")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("warning: {rel}:54:5: item `current-2-1` says `reworded: true` but its text is that of `current-2-1` in `r5-facility`")),
        "{stderr}"
    );
}

// ---------------------------------------------------------------- carrying answers over

/// An answer file of the fixture's r5 checklist: answers to the items that r6 keeps, rewords,
/// merges, moves and removes.
fn r5_file(site: &kensa::model::Site) -> serde_json::Value {
    let c = site.checklist("r5-facility").unwrap();
    let item = |a: Option<&str>, note: &str| {
        serde_json::json!({
            "r1": {"answer": a, "date": a.map(|_| "2023-10-01")},
            "target": {"date": null},
            "r2": {"answer": null, "date": null},
            "note": note,
            "status": "applicable"
        })
    };
    let mut items = serde_json::Map::new();
    for i in &c.def.items {
        items.insert(i.id.clone(), item(None, ""));
    }
    for (id, a, note) in [
        ("current-1-1", "yes", ""),
        ("current-2-3", "no", "MDS未提出"),
        ("current-2-4", "yes", ""),
        ("current-2-5", "no", ""),
        ("current-3-1", "yes", ""),
        ("reference-3-2", "no", ""),
    ] {
        items.insert(id.into(), item(Some(a), note));
    }
    serde_json::json!({
        "format": "kensa-answers", "format_version": 1, "generator": "kensa 0.1.0",
        "checklist": {"id": "r5-facility", "edition": "r5", "definition_hash": c.definition_hash,
                      "title": c.def.title, "form": c.def.form},
        "copy": {"id": "c-1", "name": "控え1"},
        "updated_at": "2023-10-01T09:00:00.000Z", "exported_at": "2023-10-01T09:05:00.000Z",
        "fields": {"filled_by": "山田"}, "gate": "yes", "switches": {"vendor_contract": "yes"},
        "items": items
    })
}

#[test]
fn migrate_carries_each_case_and_prints_the_summary() {
    let (site, _) = kensa::pipeline::load_site(&fixture()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r5-facility_控え1_20231001.json");
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&r5_file(&site)).unwrap(),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let root = fixture();
    let args = [
        "migrate",
        file.to_str().unwrap(),
        "--to",
        "r6",
        "--out",
        out_dir.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ];
    let out = kensa(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for line in [
        "令和5年度版の回答を令和6年度版の様式に引き継ぎます。",
        "そのまま引き継ぐ回答：2項目",
        "文言が変わりました。内容を確認してください（2項目、確認するまで回答済みに数えません）：２（３）　利用者の職種・担当業務別のアクセス利用権限を設定…／３（１）　インシデント発生時における組織内と外部関係機関（…",
        "この版で新しい項目（未記入です）（1項目）：３（３）　サイバー攻撃を想定した事業継続計画（BCP）を策…",
        "この版にない項目の回答は「以前の版の回答」としてファイルに残し、回答の確認に表示します（2項目）：２（３）　事業者から製造業者/サービス事業者による医療情報…／２（５）　退職者や使用していないアカウント等、不要なアカウ…",
    ] {
        assert!(stdout.contains(line), "missing {line}\n{stdout}");
    }
    let written = out_dir.join("r6-facility_控え1_20231001.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    let r6 = site.checklist("r6-facility").unwrap();
    kensa::answers::check_shape(&doc, r6).unwrap();
    assert_eq!(doc["checklist"]["definition_hash"], r6.definition_hash);
    let items = &doc["items"];
    assert_eq!(items["current-1-1"]["r1"]["answer"], "yes");
    assert!(items["current-1-1"].get("confirm").is_none());
    // The 参考項目 moved into the current phase under a new id: carried, no confirmation.
    assert_eq!(items["current-3-2"]["r1"]["answer"], "no");
    assert!(items["current-3-2"].get("confirm").is_none());
    // Reworded, and merged (the first answered of the two merged items is carried).
    assert_eq!(items["current-3-1"]["confirm"], "reworded");
    assert_eq!(items["current-2-4"]["r1"]["answer"], "yes");
    assert_eq!(items["current-2-4"]["confirm"], "reworded");
    assert!(items["current-3-3"]["r1"]["answer"].is_null());
    // The removed item and the second merged one are kept, with their label and text.
    let kept = &doc["earlier"][0];
    assert_eq!(kept["checklist"]["id"], "r5-facility");
    assert_eq!(kept["items"]["current-2-3"]["note"], "MDS未提出");
    assert_eq!(kept["items"]["current-2-3"]["label"], "２（３）");
    assert_eq!(kept["items"]["current-2-5"]["r1"]["answer"], "no");
    assert_eq!(
        doc["fields"],
        serde_json::json!({"filled_by": "山田", "contact": ""})
    );

    // Never over a file, and never a file of another checklist or edition.
    let again = kensa(&args);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("がすでにあるため、上書きせずに止めました"));
    for (path, to, wanted) in [
        (&written, "r6", "すでに令和6年度版の回答ファイルです。"),
        (&file, "r9", "there is no edition `r9`"),
    ] {
        let root = fixture();
        let args = [
            "migrate",
            path.to_str().unwrap(),
            "--to",
            to,
            "--root",
            root.to_str().unwrap(),
        ];
        let stderr = text(&kensa(&args).stderr);
        assert!(stderr.contains(wanted), "{stderr}");
    }
}

/// A random answer file of `c`, as any version of the form could have written it: rounds with
/// or without dates and typed dates, notes, some items left out, some already carried over.
fn random_file(rng: &mut Rng, c: &kensa::model::Checklist) -> serde_json::Value {
    use serde_json::json;
    let answers = [json!("yes"), json!("no"), json!(null), json!(null)];
    let dates = [json!("2023-10-01"), json!("2024-03-31"), json!(null)];
    let round = |rng: &mut Rng, answer: bool| {
        let mut o = serde_json::Map::new();
        if answer {
            o.insert("answer".into(), rng.pick(&answers).clone());
        }
        if !answer || rng.below(5) > 0 {
            o.insert("date".into(), rng.pick(&dates).clone());
        }
        if rng.below(8) == 0 {
            o.insert(
                "date_input".into(),
                json!({"y": "2023", "m": "13", "d": ""}),
            );
        }
        serde_json::Value::Object(o)
    };
    let mut items = serde_json::Map::new();
    for i in &c.def.items {
        if rng.below(10) == 0 {
            continue;
        }
        let mut a = serde_json::Map::new();
        a.insert("r1".into(), round(rng, true));
        if rng.below(4) > 0 {
            a.insert("target".into(), round(rng, false));
        }
        if rng.below(4) > 0 {
            a.insert("r2".into(), round(rng, true));
        }
        a.insert("note".into(), json!(*rng.pick(&["", "", "備考あり"])));
        a.insert(
            "status".into(),
            json!(*rng.pick(&["applicable", "not_applicable"])),
        );
        if rng.below(6) == 0 {
            a.insert("confirm".into(), json!("reworded"));
        }
        items.insert(i.id.clone(), serde_json::Value::Object(a));
    }
    let mut fields = serde_json::Map::new();
    for f in &c.def.form_fields {
        if rng.below(3) > 0 {
            fields.insert(f.id.clone(), json!(*rng.pick(&["", "山田", "A社"])));
        }
    }
    let switches: serde_json::Map<String, serde_json::Value> = c
        .def
        .switches
        .iter()
        .map(|s| (s.id.clone(), rng.pick(&answers).clone()))
        .collect();
    let mut doc = json!({
        "format": "kensa-answers", "format_version": 1, "generator": "kensa 0.1.0",
        "checklist": {"id": c.def.id, "edition": c.def.edition, "definition_hash": c.definition_hash},
        "updated_at": "2023-10-01T09:00:00.000Z",
        "fields": fields, "gate": rng.pick(&answers).clone(), "switches": switches, "items": items
    });
    if rng.below(4) == 0 {
        doc["earlier"] = json!([{
            "checklist": {"id": "r4-facility", "edition": "r4", "definition_hash": "0".repeat(64)},
            "fields": {"x": "y"}, "switches": {}, "items": {}
        }]);
    }
    doc
}

/// An item's answers as the form reads them: what a carried item must hold.
fn as_form_reads(item: &serde_json::Value) -> serde_json::Value {
    let round = |r: &str, answer: bool| {
        let o = &item[r];
        let mut v = serde_json::json!({"date": o["date"].clone()});
        if answer {
            v["answer"] = o["answer"].clone();
        }
        if let Some(t) = o.get("date_input") {
            v["date_input"] = t.clone();
        }
        v
    };
    serde_json::json!({
        "r1": round("r1", true), "target": round("target", false), "r2": round("r2", true),
        "note": item["note"].as_str().unwrap_or_default()
    })
}

fn strip_to_answers(item: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "r1": item["r1"], "target": item["target"], "r2": item["r2"], "note": item["note"]
    })
}

/// For random answer files of the earlier edition, every answer is in the carried file: carried
/// to an item that descends from its item, or kept under `earlier` as it was.
#[test]
fn migration_loses_no_answer() {
    let (site, _) = kensa::pipeline::load_site(&fixture()).unwrap();
    let old = site.checklist("r5-facility").unwrap();
    let new = site.checklist("r6-facility").unwrap();
    let rel = kensa::lineage::relation(&site, old, new).unwrap();
    let plan = kensa::migrate::plan(&site, &rel);
    let seed = std::env::var("KENSA_MIGRATE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_240_401_u64);
    let mut rng = Rng(seed);
    for n in 0..2_000 {
        let doc = random_file(&mut rng, old);
        kensa::answers::check_shape(&doc, old).unwrap_or_else(|e| panic!("file {n}: {e:?}"));
        let (carried, _) = kensa::migrate::apply(&plan, &doc, "kensa test");
        let text = serde_json::to_string(&carried).unwrap();
        let out: serde_json::Value = serde_json::from_str(&text).unwrap();
        let why = |what: &str| format!("seed {seed}, file {n}: {what}\n{doc:#}\n{out:#}");
        kensa::answers::check_shape(&out, new)
            .unwrap_or_else(|e| panic!("{}", why(&format!("{e:?}"))));
        let kept = out["earlier"].as_array().unwrap().last().unwrap();
        for (id, item) in doc["items"].as_object().unwrap() {
            if !kensa::migrate::answered(item) {
                continue;
            }
            let carried_to = rel.lines.iter().any(|l| {
                l.from.iter().any(|f| &f.id == id)
                    && strip_to_answers(&out["items"][&l.item.id]) == as_form_reads(item)
            });
            let kept_as_was = kept["items"].get(id).is_some_and(|k| {
                ["r1", "target", "r2", "note", "status", "confirm"]
                    .iter()
                    .all(|key| k.get(*key) == item.get(*key))
            });
            assert!(
                carried_to || kept_as_was,
                "{}",
                why(&format!("item {id} lost"))
            );
        }
        for (group, blank) in [
            ("fields", serde_json::json!("")),
            ("switches", serde_json::Value::Null),
        ] {
            for (id, v) in doc[group].as_object().unwrap() {
                if *v != blank {
                    let there = out[group].get(id) == Some(v) || kept[group].get(id) == Some(v);
                    assert!(there, "{}", why(&format!("{group}.{id} lost")));
                }
            }
        }
        assert!(doc["gate"].is_null() || out["gate"] == doc["gate"] || kept["gate"] == doc["gate"]);
        if let Some(before) = doc["earlier"].as_array() {
            assert_eq!(
                &out["earlier"].as_array().unwrap()[..before.len()],
                &before[..]
            );
        }
    }
}

#[test]
fn the_page_of_what_changed_lists_every_case_and_is_linked() {
    let site = site_copy(&fixture());
    let out = kensa(&["build", "--root", site.path().to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let public = site.path().join("public");
    let read = |rel: &str| std::fs::read_to_string(public.join(rel)).unwrap();
    let page = read("checklists/r6/facility-changes.html");
    for wanted in [
        "追加された項目（1件）",
        "<li id=added-current-3-3><a href=../../checklists/r6/facility.html#current-3-3>３（３）</a>",
        "削除された項目（1件）",
        "<li id=removed-current-2-3><a href=../../checklists/r5/facility.html#current-2-3>２（３）</a>",
        "文言が変わった項目（2件）",
        // The changed characters, inside the sentence.
        "連絡体制図<del><span class=visually-hidden>（削除：</span>があ<span class=visually-hidden>）</span></del><ins><span class=visually-hidden>（追加：</span>を作成してい<span class=visually-hidden>）</span></ins>る。",
        "統合・分割された項目（1件）",
        "令和5年度版の<a href=../../checklists/r5/facility.html#current-2-4>２（４）</a>・<a href=../../checklists/r5/facility.html#current-2-5>２（５）</a>から",
        // The 参考項目 moved into the current phase.
        "区分：参考項目（令和６年度中） → 令和6年度中",
        "ガイドラインの参照先が変わった項目（1件）",
        "追加：連絡先",
    ] {
        assert!(page.contains(wanted), "missing {wanted}");
    }
    let form = read("checklists/r6/facility.html");
    assert!(form.contains("<a href=facility-changes.html>令和5年度版からの変更点</a>"));
    assert!(form.contains("<p class=kicker>令和6年度版・医療機関</p>"));
    let home = read("index.html");
    assert!(
        home.contains("<a href=checklists/r6/facility-changes.html>令和5年度版からの変更点</a>")
    );
    let old = read("checklists/r5/facility.html");
    assert!(old.contains("この様式は令和6年度版に改訂されています：<a href=../r6/facility.html>令和6年度版の様式</a>"));
    assert!(
        !old.contains("-changes.html"),
        "the first edition has nothing to compare with"
    );
    let manual = read("manuals/m/10-items.html");
    assert!(manual.contains("<a href=../../checklists/r6/facility.html#current-3-1>医療機関確認用 ３（１）（令和6年度版）</a>（<a class=item-changed href=../../checklists/r6/facility-changes.html#reworded-current-3-1>令和6年度版で変更（文言）</a>）"), "{manual}");
    assert!(manual.contains("facility-changes.html#added-current-3-3>令和6年度版で追加</a>"));
}

/// A return is judged by its own edition's rules; a file of an older edition than the one in
/// force on the day of the inspection says so, naming both.
#[test]
fn inspection_judges_each_edition_by_its_rules_and_names_an_older_one() {
    use kensa::inspect::{inspect, Day, Status};
    let (site, _) = kensa::pipeline::load_site(&fixture()).unwrap();
    let r5 = r5_file(&site);
    let bytes = serde_json::to_vec(&r5).unwrap();
    let files = [("r5.json".to_string(), bytes)];
    let day = |s: &str| Day::parse(s).unwrap();
    let older = |findings: &[kensa::inspect::Finding]| {
        findings
            .iter()
            .filter(|f| f.message.contains("の時点で有効なのは"))
            .cloned()
            .collect::<Vec<_>>()
    };
    let before = inspect(&site, &files, day("2024-03-31"));
    assert!(
        older(&before.findings).is_empty(),
        "r6 is not in force before April 2024"
    );
    let after = inspect(&site, &files, day("2024-04-01"));
    let found = older(&after.findings);
    assert_eq!(found.len(), 1, "{:#?}", after.findings);
    assert_eq!(found[0].status, Status::Advice);
    assert_eq!(
        found[0].message,
        "このファイルは令和5年度版の様式（r5-facility）で記入されています。2024年4月1日の時点で有効なのは令和6年度版の様式（r6-facility）です。このファイルは令和5年度版の基準で確認しました。令和6年度版の様式で記入し直すよう求めてください（令和6年度版の様式のページでこのファイルを読み込むと、回答を引き継げます）。"
    );
    // The 参考項目 ３（２） is not inspected in r5, and is in r6, where it became required.
    let mut blank = r5.clone();
    blank["items"]["reference-3-2"]["r1"] = serde_json::json!({"answer": null, "date": null});
    let r5_findings = inspect(
        &site,
        &[("r5.json".to_string(), serde_json::to_vec(&blank).unwrap())],
        day("2024-04-01"),
    );
    assert!(!r5_findings
        .findings
        .iter()
        .any(|f| f.message.contains("３（２）")));
    let old = site.checklist("r5-facility").unwrap();
    let new = site.checklist("r6-facility").unwrap();
    let plan = kensa::migrate::plan(&site, &kensa::lineage::relation(&site, old, new).unwrap());
    let (carried, _) = kensa::migrate::apply(&plan, &blank, "kensa test");
    let r6_bytes = serde_json::to_vec(&carried).unwrap();
    let r6_findings = inspect(
        &site,
        &[("r6.json".to_string(), r6_bytes)],
        day("2024-06-01"),
    );
    assert!(older(&r6_findings.findings).is_empty());
    assert!(
        r6_findings
            .findings
            .iter()
            .any(|f| f.status == Status::Fail && f.message.contains("３（２）")),
        "{:#?}",
        r6_findings.findings
    );
}

/// Two editions on: a file of r5 is carried straight over to r7 (made from r6 by `edition
/// new`), along the chain, with r6's reword still waiting for confirmation.
#[test]
fn migrate_follows_the_chain_over_several_editions() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap().to_string();
    fixture_r7(site.path());
    let (loaded, _) = kensa::pipeline::load_site(site.path()).unwrap();
    let file = site.path().join("r5-facility_控え1_20231001.json");
    std::fs::write(&file, serde_json::to_string(&r5_file(&loaded)).unwrap()).unwrap();
    let out = kensa(&[
        "migrate",
        file.to_str().unwrap(),
        "--to",
        "r7",
        "--root",
        &root,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("令和5年度版の回答を令和7年度版の様式に引き継ぎます。"));
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("r7-facility_控え1_20231001.json")).unwrap(),
    )
    .unwrap();
    kensa::answers::check_shape(&doc, loaded.checklist("r7-facility").unwrap()).unwrap();
    assert_eq!(doc["checklist"]["id"], "r7-facility");
    assert_eq!(doc["items"]["current-3-2"]["r1"]["answer"], "no");
    assert_eq!(doc["items"]["current-3-1"]["confirm"], "reworded");
    assert!(doc["items"]["current-1-1"].get("confirm").is_none());
    assert_eq!(
        doc["earlier"][0]["items"]["current-2-3"]["note"],
        "MDS未提出"
    );
    // The r7 form can take files of r6 and of r5.
    let yaml =
        std::fs::read_to_string(site.path().join("content/checklists/r7/facility.yaml")).unwrap();
    assert!(yaml.contains("previous: r6-facility"));
    let built = kensa(&["build", "--root", &root, "-q"]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let r7: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/checklists/r7/facility.json")).unwrap(),
    )
    .unwrap();
    let from: Vec<&str> = r7["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["from"]["checklist"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(from, ["r6-facility", "r5-facility"]);
}
