//! The transcribed 令和5年度 content against the printed sources (seeds 000 and 004): item
//! counts per checklist, phase and section, word-for-word spot checks, normalized text, and the
//! links between checklists and manuals.

use std::path::Path;

use kensa::model::{Checklist, Provenance, Site};

fn site() -> Site {
    kensa::pipeline::load_site(Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("content/ loads and validates")
        .0
}

/// The real site built into a temporary folder (its `public/`), removed when dropped.
fn built_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    kensa::pipeline::build(&kensa::pipeline::BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        out: dir.path().join("public"),
        live_reload: false,
    })
    .unwrap();
    dir
}

fn checklist<'a>(site: &'a Site, id: &str) -> &'a Checklist {
    site.checklist(id)
        .unwrap_or_else(|| panic!("checklist {id}"))
}

fn count(c: &Checklist, phase: &str, section: &str) -> usize {
    c.def
        .items
        .iter()
        .filter(|i| i.phase == phase && i.section == section)
        .count()
}

#[test]
fn item_counts_match_the_printed_forms() {
    let site = site();
    // (id, [current: §1, §2, §3], [reference: §1, §2, §3]) as printed in seeds 000 and 004.
    let expected = [
        ("r5-iryokikan", [1, 8, 1], [0, 6, 2]),
        ("r5-yakkyoku", [1, 8, 1], [0, 6, 2]),
        ("r5-iryokikan-jigyosha", [1, 7, 0], [0, 6, 0]),
        ("r5-yakkyoku-jigyosha", [1, 7, 0], [0, 6, 0]),
    ];
    for (id, current, reference) in expected {
        let c = checklist(&site, id);
        for (n, section) in ["1", "2", "3"].iter().enumerate() {
            assert_eq!(
                count(c, "current", section),
                current[n],
                "{id} 令和5年度中 §{section}"
            );
            assert_eq!(
                count(c, "reference", section),
                reference[n],
                "{id} 参考項目 §{section}"
            );
        }
        let total: usize = current.iter().chain(reference.iter()).sum();
        assert_eq!(c.def.items.len(), total, "{id} total");
    }
}

#[test]
fn facility_forms_have_the_gate_and_the_contract_rule_vendor_forms_do_not() {
    let site = site();
    for id in ["r5-iryokikan", "r5-yakkyoku"] {
        let c = checklist(&site, id);
        let gate = c.def.gate.as_ref().expect("gate");
        assert_eq!(gate.text, "医療情報システムを導入、運用している。");
        let exempt: Vec<&str> = c
            .def
            .items
            .iter()
            .filter(|i| i.unless_switch_off.as_deref() == Some("vendor_contract"))
            .map(|i| i.key.as_str())
            .collect();
        assert_eq!(
            exempt,
            ["2(2)", "2(3)"],
            "{id}: ２(2) ２(3) need no answer without a contract"
        );
    }
    for id in ["r5-iryokikan-jigyosha", "r5-yakkyoku-jigyosha"] {
        let c = checklist(&site, id);
        assert!(c.def.gate.is_none());
        assert!(c
            .def
            .form_fields
            .iter()
            .any(|f| f.label == "事業者名" && f.required));
    }
}

#[test]
fn item_texts_word_for_word() {
    let site = site();
    let spot = [
        ("r5-iryokikan", "current-1-1", "医療情報システム安全管理責任者を設置している。"),
        ("r5-iryokikan", "current-2-server-4", "利用者の職種・担当業務別の情報区分毎のアクセス利用権限を設定している。"),
        ("r5-iryokikan", "current-2-all-3", "事業者から製造業者/サービス事業者による医療情報セキュリティ開示書（MDS/SDS）を提出してもらう。"),
        ("r5-iryokikan", "reference-3-2", "インシデント発生時に診療を継続するために必要な情報を検討し、データやシステムのバックアップの実施と復旧手順を確認している。"),
        ("r5-iryokikan", "reference-3-3", "サイバー攻撃を想定した事業継続計画（BCP）を策定、又は令和６年度中に策定予定である。"),
        ("r5-yakkyoku", "current-1-1", "医療情報システム安全管理責任者等を設置している。"),
        ("r5-yakkyoku", "current-2-server-4", "利用者の属性等に応じた情報区分毎のアクセス利用権限を設定している。"),
        ("r5-yakkyoku", "reference-3-2", "インシデント発生時に調剤を継続するために必要な情報を検討し、データやシステムのバックアップの実施と復旧手順を確認している。"),
        ("r5-yakkyoku", "current-3-1", "インシデント発生時における組織内と外部関係機関（事業者、厚生労働省、警察等）への連絡体制図がある。"),
        ("r5-iryokikan-jigyosha", "current-1-1", "事業者内に、医療情報システム等の提供に係る管理責任者を設置している。"),
        ("r5-iryokikan-jigyosha", "current-2-all-2", "リモートメンテナンス（保守）している機器の有無を確認した。"),
        ("r5-yakkyoku-jigyosha", "current-2-all-3", "医療機関に製造業者/サービス事業者による医療情報セキュリティ開示書（MDS/SDS）を提出した。"),
        ("r5-yakkyoku-jigyosha", "reference-2-pc-9", "バックグラウンドで動作している不要なソフトウェア及びサービスを停止している。"),
    ];
    for (id, item, text) in spot {
        let c = checklist(&site, id);
        let found = c
            .def
            .items
            .iter()
            .find(|i| i.id == item)
            .unwrap_or_else(|| panic!("{id} {item}"));
        assert_eq!(found.text, text, "{id} {item}");
    }
}

/// No line-break spaces left over from the PDFs inside Japanese text. (The 2021 lists use a
/// space to separate the parts the Excel original prints on separate lines in one cell.)
#[test]
fn item_texts_are_normalized() {
    let site = site();
    let is_cjk = |c: char| matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}');
    for c in site.checklists.iter().filter(|c| c.def.edition == "r5") {
        for item in &c.def.items {
            let chars: Vec<char> = item.text.chars().collect();
            assert_eq!(
                item.text.trim(),
                item.text,
                "{} {}: surrounding space",
                c.def.id,
                item.id
            );
            assert!(
                !item.text.contains('\n'),
                "{} {}: line break",
                c.def.id,
                item.id
            );
            for w in chars.windows(3) {
                assert!(
                    !(w[1] == ' ' && is_cjk(w[0]) && is_cjk(w[2])),
                    "{} {}: stray space in {:?}",
                    c.def.id,
                    item.id,
                    item.text
                );
            }
        }
    }
}

/// Every item links to its explanation, and every explained key is carried by a checklist.
#[test]
fn checklists_and_manuals_link_both_ways() {
    let site = site();
    for c in site.checklists.iter().filter(|c| c.def.edition == "r5") {
        let manual = site.manual(c.def.manual.as_deref().unwrap()).unwrap();
        for item in &c.def.items {
            let page = kensa::validate::explaining_page(&site, manual, &item.key)
                .unwrap_or_else(|| panic!("{} {} has no 解説", c.def.id, item.id));
            assert!(page
                .markdown
                .has_anchor(&kensa::model::item_anchor(&item.key)));
        }
    }
    for manual in &site.manuals {
        for &i in &manual.pages {
            for key in &site.pages[i].front.explains {
                let carried = site
                    .checklists
                    .iter()
                    .filter(|c| c.def.manual.as_deref() == Some(manual.meta.id.as_str()))
                    .any(|c| {
                        c.def.items.iter().any(|it| &it.key == key)
                            || (key == "gate" && c.def.gate.is_some())
                    });
                assert!(
                    carried,
                    "manual {} explains {key}, which no checklist carries",
                    manual.meta.id
                );
            }
        }
    }
}

/// Pages not in the sources say so; the 薬局 manual and both guides are official.
#[test]
fn provenance_is_marked() {
    let site = site();
    let page = |path: &str| &site.pages[site.page_by_source[path]];
    for official in [
        "manuals/yakkyoku/20-kanri.md",
        "manuals/iryokikan/00-hajimeni.md",
        "guides/iryokikan.md",
        "guides/yakkyoku.md",
    ] {
        assert_eq!(
            page(official).front.provenance,
            Provenance::Official,
            "{official}"
        );
    }
    for derived in [
        "manuals/iryokikan/01-tsukaikata.md",
        "manuals/iryokikan/20-kanri.md",
        "manuals/iryokikan/30-incident.md",
    ] {
        let p = page(derived);
        assert_eq!(p.front.provenance, Provenance::Derived, "{derived}");
        assert!(
            p.front.derived_from.is_some() && p.front.provenance_note.is_some(),
            "{derived}"
        );
    }
    // The 薬局 form points to the 医療機関 manual: kept as printed, recorded.
    let yakkyoku = checklist(&site, "r5-yakkyoku");
    assert!(yakkyoku
        .def
        .discrepancies
        .iter()
        .any(|d| d.at == "manual-note"));
}

#[test]
fn definitions_are_published_as_json() {
    let dir = built_site();
    let text =
        std::fs::read_to_string(dir.path().join("public/checklists/r5/yakkyoku.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["checklist"]["id"], "r5-yakkyoku");
    assert_eq!(json["checklist"]["items"].as_array().unwrap().len(), 18);
    assert_eq!(json["definition_hash"].as_str().unwrap().len(), 64);
    let html =
        std::fs::read_to_string(dir.path().join("public/checklists/r5/yakkyoku.html")).unwrap();
    for item in ["current-1-1", "reference-3-3", "current-2-network-8"] {
        assert!(
            [" ", ">", "\""]
                .iter()
                .any(|end| html.contains(&format!("id={item}{end}"))
                    || html.contains(&format!("id=\"{item}{end}"))),
            "{item} rendered"
        );
    }
}

/// Text as Tera and minify-html print it, for finding content in a built page.
fn html_text(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The form page stays light: the guideline coverage and the discrepancies between the sources
/// are on the checklist's companion page, which the form links to (with the count), which links
/// back, names the 出典 and is in the sitemap.
#[test]
fn companion_page_holds_the_discrepancies_and_the_guideline_coverage() {
    let site = site();
    let dir = built_site();
    let public = dir.path().join("public");
    let read = |url: &str| {
        std::fs::read_to_string(public.join(url)).unwrap_or_else(|e| panic!("{url}: {e}"))
    };
    let sitemap = read("sitemap.xml");
    for c in &site.checklists {
        let about_url = c.about_url();
        let about_file = about_url.rsplit('/').next().unwrap();
        let form_file = c.url.rsplit('/').next().unwrap();
        let form = read(&c.url);
        let about = read(&about_url);
        let about_text = html_text(&about);

        assert!(
            sitemap.contains(&format!("/{about_url}</loc>")),
            "{about_url} is not in sitemap.xml"
        );
        assert!(
            form.contains(&format!("{about_file}>")),
            "{}: no link to {about_file}",
            c.url
        );
        assert!(
            !form.contains("class=discrepancies"),
            "{}: discrepancies left on the form",
            c.url
        );
        assert!(
            !form.contains("gl-coverage"),
            "{}: coverage left on the form",
            c.url
        );
        assert!(
            !form.contains(" title="),
            "{}: a title attribute on the form",
            c.url
        );

        // Back to the form, from the breadcrumbs and from the text.
        let crumbs = &about[about.find("class=breadcrumbs").expect("breadcrumbs")..];
        let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
        assert!(
            crumbs.contains(&format!("{form_file}>")),
            "{about_url}: breadcrumbs {crumbs}"
        );
        let source = &c.def.source;
        assert!(
            about_text.contains(&format!(
                "出典：</span>{}「{}」",
                source.publisher, source.title
            )),
            "{about_url} does not show the 出典"
        );
        let cites = c.def.items.iter().any(|i| !i.refs.is_empty());
        assert_eq!(
            about.contains("id=gl-coverage"),
            cites,
            "{about_url}: coverage"
        );

        let n = c.def.discrepancies.len();
        if n == 0 {
            assert!(!about.contains("id=discrepancies"), "{about_url}");
            continue;
        }
        assert!(
            form.contains(&format!(
                "{about_file}#discrepancies>出典資料間の表記の違い（{n}件）</a>"
            )),
            "{}: no link to the {n} discrepancies",
            c.url
        );
        assert!(
            about.contains(&format!(
                "id=discrepancies>出典資料間の表記の違い（{n}件）</h2>"
            )),
            "{about_url}: no heading with the count"
        );
        for d in &c.def.discrepancies {
            assert!(
                about_text.contains(&format!("<strong>{}</strong>：", d.at)),
                "{about_url} lacks {}",
                d.at
            );
            for text in [&d.chosen, &d.other, &d.note].into_iter().flatten() {
                assert!(
                    about_text.contains(text.as_str()),
                    "{about_url} lacks {text}"
                );
            }
        }
    }
}

/// Every element of a 医療機関 form that its paper source does not show says where it was
/// taken from, in the definition (and so in its JSON); the 薬局 forms take nothing.
#[test]
fn borrowed_elements_say_where_they_come_from() {
    let site = site();
    let facility = checklist(&site, "r5-iryokikan");
    let gate = facility.def.gate.as_ref().expect("gate");
    assert!(
        gate.taken_from
            .as_deref()
            .is_some_and(|t| t.contains("薬局確認用（別添１）")
                && t.contains("薬局向けマニュアル（別添２）")),
        "{:?}",
        gate.taken_from
    );
    let vendor = checklist(&site, "r5-iryokikan-jigyosha");
    let name = vendor
        .def
        .form_fields
        .iter()
        .find(|f| f.id == "vendor_name")
        .unwrap();
    assert_eq!(
        name.taken_from.as_deref(),
        Some("薬局向けの事業者確認用（別添１）")
    );
    // ▶ references: from the 薬局 manual, except 2(1), whose 医療機関 manual page is in seed 000.
    for c in [facility, vendor] {
        for item in &c.def.items {
            let own = item.id == "current-2-all-1";
            assert_eq!(
                item.refs_taken_from.as_deref(),
                (!own).then_some("薬局向けマニュアル"),
                "{} {}",
                c.def.id,
                item.id
            );
        }
    }
    for id in ["r5-yakkyoku", "r5-yakkyoku-jigyosha"] {
        let c = checklist(&site, id);
        assert!(
            c.def.items.iter().all(|i| i.refs_taken_from.is_none()),
            "{id}"
        );
        assert!(c.def.gate.iter().all(|g| g.taken_from.is_none()), "{id}");
        assert!(
            c.def.form_fields.iter().all(|f| f.taken_from.is_none()),
            "{id}"
        );
        assert!(c.def.remarks_on_paper, "{id}: the 薬局 forms print 備考");
    }
    // The form follows its paper or says what it adds: ３（１） prints only a 1回目 cell, and
    // the 医療機関 and 2021 forms have no 備考 column.
    let contact = facility
        .def
        .items
        .iter()
        .find(|i| i.id == "current-3-1")
        .unwrap();
    assert_eq!(contact.paper_rounds, ["r1"]);
    for c in site
        .checklists
        .iter()
        .filter(|c| c.def.facility == kensa::model::Facility::Hospital)
    {
        assert!(!c.def.remarks_on_paper, "{}", c.def.id);
    }
    // Headings this site composed for the 2021 lists are marked as ours.
    for c in site.checklists.iter().filter(|c| c.def.edition == "y2021") {
        assert!(
            c.def
                .phases
                .iter()
                .all(|p| p.label_provenance == Provenance::Editorial),
            "{}",
            c.def.id
        );
        assert!(
            c.def
                .sections
                .iter()
                .all(|s| s.title_provenance == Provenance::Editorial),
            "{}",
            c.def.id
        );
    }
    // And all of it is in the published JSON, with every description marked as ours.
    let json: serde_json::Value = serde_json::from_str(&kensa::render::checklist_json(
        &site,
        facility,
        kensa::features::ALL,
    ))
    .unwrap();
    let def = &json["checklist"];
    assert_eq!(
        def["gate"]["taken_from"],
        gate.taken_from.as_deref().unwrap()
    );
    assert_eq!(
        def["items"][1]["refs_taken_from"],
        serde_json::Value::Null,
        "2(1)"
    );
    assert_eq!(def["items"][0]["refs_taken_from"], "薬局向けマニュアル");
    assert_eq!(def["description_provenance"], "editorial");
    assert_eq!(def["remarks_on_paper"], false);
}

/// The 薬局 documents disagree on when the 連絡体制図 is seen on site: recorded on every page
/// that says it.
#[test]
fn the_contact_chart_contradiction_is_recorded_where_it_is_read() {
    let site = site();
    let at = "3(1) 連絡体制図の現物確認";
    let page = |path: &str| &site.pages[site.page_by_source[path]];
    for path in [
        "manuals/yakkyoku/01-tsukaikata.md",
        "manuals/yakkyoku/30-incident.md",
        "guides/yakkyoku.md",
    ] {
        assert!(
            page(path).front.discrepancies.iter().any(|d| d.at == at),
            "{path}"
        );
    }
    let d = checklist(&site, "r5-yakkyoku")
        .def
        .discrepancies
        .iter()
        .find(|d| d.at == at)
        .expect("on the 薬局確認用");
    // Both readings quoted as printed.
    let manual = &page("manuals/yakkyoku/01-tsukaikata.md").file.text;
    assert!(manual.contains(d.other.as_deref().unwrap()));
    let guide = &page("guides/yakkyoku.md").file.text;
    assert!(guide.contains(
        "の連絡体制図については、「はい」欄にマルがついている場合、現物を確認してください。"
    ));
}

/// The inspection's advice is this site's sentence taken from the 手引き's quote: it says the
/// same words, or the difference (a typo mended) is recorded where readers see it.
#[test]
fn advice_repeats_its_quote_or_records_the_change() {
    let site = site();
    for c in &site.checklists {
        let Some(ins) = &c.def.inspection else {
            continue;
        };
        for rule in &ins.rules {
            let Some(advice) = &rule.advice else { continue };
            let recorded = c.def.discrepancies.iter().any(|d| {
                d.chosen.as_deref() == Some(advice.as_str())
                    && d.other.as_deref().is_some_and(|o| rule.quote.contains(o))
            });
            assert!(
                rule.quote.contains(advice.as_str()) || recorded,
                "{} {}: the advice differs from its quote and no discrepancy says so",
                c.def.id,
                rule.id
            );
        }
    }
}
