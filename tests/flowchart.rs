//! The incident-response flowchart against seed 001 (docs/transcription-2021.md), its SVG, its
//! page, and the build's checks of the flowchart format.

use std::collections::BTreeSet;
use std::path::Path;

use kensa::diag::SourceFile;
use kensa::features::flowchart;
use kensa::model::flowchart::{step_anchor, Flowchart};
use kensa::model::Site;
use kensa::plugin::{Build, RenderOptions};
use kensa::render::render_site;
use kensa::theme::Theme;

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

fn incident_response(site: &Site) -> &Flowchart {
    site.flowcharts
        .iter()
        .find(|f| f.def.id == "incident-response")
        .expect("content/flowcharts/incident-response.yaml")
}

fn page_html(site: &Site) -> String {
    let theme = Theme::load(root(), "default").unwrap_or_else(|_| panic!("default theme"));
    let outputs = flowchart::outputs(site, &theme).unwrap_or_else(|d| {
        panic!(
            "{}",
            d.sorted()
                .iter()
                .map(|x| x.render(false))
                .collect::<String>()
        )
    });
    let out = outputs
        .iter()
        .find(|o| o.path == "flowcharts/incident-response.html")
        .expect("a page at flowcharts/incident-response.html");
    String::from_utf8(out.bytes.clone()).expect("UTF-8")
}

/// `id="x"` as written, or `id=x` as the minifier may leave it.
fn has_id(html: &str, id: &str) -> bool {
    html.contains(&format!("id=\"{id}\""))
        || [' ', '>']
            .iter()
            .any(|end| html.contains(&format!("id={id}{end}")))
}

#[test]
fn steps_and_roles_match_seed_001() {
    let site = site();
    let fc = incident_response(&site);
    let phases: Vec<(&str, &str, usize)> = fc
        .def
        .phases
        .iter()
        .map(|p| (p.number.as_str(), p.title.as_str(), p.steps.len()))
        .collect();
    assert_eq!(
        phases,
        vec![
            ("0", "体制整備", 2),
            ("1", "検知", 4),
            ("2", "初動対応", 18),
            ("3", "復旧処理", 4),
            ("4", "事後対応", 9),
        ]
    );
    assert_eq!(fc.steps().count(), 37);
    // Numbers run 0-1 … 4-9 in printed order, each phase from 1.
    for p in &fc.def.phases {
        for (i, s) in p.steps.iter().enumerate() {
            assert_eq!(s.number, format!("{}-{}", p.number, i + 1));
        }
    }
    let roles: Vec<&str> = fc.def.roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        roles,
        vec!["keieiso", "anzen_kanri", "riyosha", "vendor", "gaibu"]
    );
    let labels: Vec<&str> = fc.def.roles.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "経営層",
            "医療情報システム安全管理責任者",
            "医療従事者・一般のシステム利用者",
            "医療情報システムのベンダ及びサービス事業者等",
            "外部"
        ]
    );
    // Spot checks of the transcription.
    let s = fc.step("2-5").expect("2-5");
    assert_eq!(s.title, "IPA等へ相談");
    assert_eq!(s.contacts.len(), 1);
    assert_eq!(s.contacts[0].phone, "03-5978-7509");
    assert_eq!(
        fc.step("0-1").unwrap().roles,
        ["keieiso", "anzen_kanri", "riyosha"]
    );
    assert_eq!(
        fc.step("0-1").unwrap().optional_only_roles(),
        BTreeSet::from(["riyosha"])
    );
    assert_eq!(fc.step("4-9").unwrap().title, "情報公開の検討");
    // The file passes the build's own checks.
    let diags = flowchart::check(fc);
    assert!(diags.items.is_empty(), "{:?}", diags.items);
}

#[test]
fn svg_is_well_formed_and_links_every_step_to_its_text() {
    let site = site();
    let fc = incident_response(&site);
    let html = page_html(&site);
    let svgs = flowchart::svgs(fc);
    assert_eq!(svgs.len(), fc.def.phases.len(), "one SVG per phase");
    let mut linked: BTreeSet<String> = BTreeSet::new();
    for phase_svg in &svgs {
        let doc = roxmltree::Document::parse(&phase_svg.svg)
            .unwrap_or_else(|e| panic!("SVG of phase {} is not XML: {e}", phase_svg.phase));
        let outer = doc.root_element();
        assert_eq!(outer.tag_name().name(), "svg");
        assert_eq!(
            outer.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        // The drawing is an image with a text alternative; the links lie over it, outside it
        // (an image may hold no link), hidden from assistive technology and the tab order.
        let svg = outer
            .children()
            .find(|n| n.is_element())
            .expect("the drawing");
        assert_eq!(svg.tag_name().name(), "svg");
        assert_eq!(svg.attribute("role"), Some("img"));
        assert!(
            !svg.descendants().any(|n| n.tag_name().name() == "a"),
            "no link inside the image"
        );
        let layer = outer
            .children()
            .filter(|n| n.is_element())
            .nth(1)
            .expect("the link layer");
        assert_eq!(layer.attribute("aria-hidden"), Some("true"));
        assert!(layer
            .descendants()
            .filter(|n| n.tag_name().name() == "a")
            .all(|a| a.attribute("tabindex") == Some("-1")));
        // aria-labelledby names the SVG's own <title> and <desc>.
        let ids: Vec<&str> = svg
            .attribute("aria-labelledby")
            .expect("aria-labelledby")
            .split(' ')
            .collect();
        assert_eq!(ids.len(), 2);
        for (id, tag) in ids.iter().zip(["title", "desc"]) {
            let el = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(*id))
                .unwrap_or_else(|| panic!("no element #{id}"));
            assert_eq!(el.tag_name().name(), tag);
            assert!(!el.text().unwrap_or("").trim().is_empty());
        }
        for a in doc.descendants().filter(|n| n.tag_name().name() == "a") {
            let href = a.attribute("href").expect("every box link has an href");
            let target = href.strip_prefix('#').expect("links stay on the page");
            assert!(has_id(&html, target), "{href} has no target in the page");
            linked.insert(target.to_string());
        }
        // The SVG is in the page as generated (up to the minifier's quoting).
        assert!(
            html.contains(&format!("data-phase={}", phase_svg.phase))
                || html.contains(&format!("data-phase=\"{}\"", phase_svg.phase))
        );
    }
    let expected: BTreeSet<String> = fc.steps().map(|(_, s)| step_anchor(&s.number)).collect();
    assert_eq!(
        linked, expected,
        "every step, and only steps, are linked from the SVG"
    );
    // One box, and one link over it, per role a step names.
    let roles: usize = fc.steps().map(|(_, s)| s.roles.len()).sum();
    for needle in ["<g class=\"fc-box\"", "<a class=\"fc-hit\""] {
        let n: usize = svgs.iter().map(|p| p.svg.matches(needle).count()).sum();
        assert_eq!(n, roles, "{needle}");
    }
    // One arrow per `next` entry, except that a parallel run is entered and left by one arrow
    // each (from and to its frame) and has none between its steps.
    let arrows: Vec<(String, String)> = svgs
        .iter()
        .flat_map(|p| {
            p.svg
                .split("<path class=\"fc-arrow\" data-from=\"")
                .skip(1)
                .map(|a| {
                    let (from, rest) = a.split_once('"').unwrap();
                    let to = rest
                        .split("data-to=\"")
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap();
                    (from.to_string(), to.to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let run = |n: &str| {
        fc.def
            .phases
            .iter()
            .flat_map(|p| &p.parallel)
            .find(|r| r.iter().any(|m| m == n))
            .map_or(n.to_string(), |r| r.join(" "))
    };
    let mut expected: Vec<(String, String)> = fc
        .steps()
        .flat_map(|(_, s)| s.next.iter().map(|n| (run(&s.number), run(n))))
        .filter(|(a, b)| a != b)
        .collect();
    expected.sort();
    expected.dedup();
    let mut drawn = arrows.clone();
    drawn.sort();
    assert_eq!(drawn, expected);
    // 2-2, 2-3 and 2-4 read as parallel: one frame, one arrow in from 2-1, one out to 2-5.
    let frame = "2-2 2-3 2-4".to_string();
    assert!(
        arrows.contains(&("2-1".into(), frame.clone())),
        "{arrows:?}"
    );
    assert!(
        arrows.contains(&(frame.clone(), "2-5".into())),
        "{arrows:?}"
    );
    assert!(
        !arrows.iter().any(|(a, b)| a == "2-2" || b == "2-3"),
        "{arrows:?}"
    );
    let shodo = &svgs.iter().find(|p| p.phase == "shodo").unwrap().svg;
    assert_eq!(shodo.matches("class=\"fc-parallel\"").count(), 1);
    assert!(shodo.contains("並行して進める"));
}

#[test]
fn a_parallel_run_must_be_steps_of_its_phase_in_printed_order() {
    let text = VALID.replace(
        "    steps:\n",
        "    parallel: [[\"1-2\", \"1-1\"]]\n    steps:\n",
    );
    assert!(
        errors(&text)
            .iter()
            .any(|(line, m)| m.contains("must follow each other as printed")
                && *line == line_of(&text, "parallel:")),
        "{:?}",
        errors(&text)
    );
    let text = VALID.replace(
        "    steps:\n",
        "    parallel: [[\"1-1\", \"9-9\"]]\n    steps:\n",
    );
    assert!(
        errors(&text)
            .iter()
            .any(|(_, m)| m.contains("`9-9`, which is not a step of this phase")),
        "{:?}",
        errors(&text)
    );
}

#[test]
fn page_has_every_step_with_its_text_roles_and_contacts() {
    let site = site();
    let fc = incident_response(&site);
    let html = page_html(&site);
    for (phase, step) in fc.steps() {
        assert!(has_id(&html, &format!("phase-{}", phase.id)));
        assert!(
            has_id(&html, &step_anchor(&step.number)),
            "#{}",
            step.number
        );
        assert!(html.contains(&step.title), "{}", step.title);
        for part in &step.parts {
            assert!(html.contains(&part.label), "{}", part.label);
            for line in &part.text {
                assert!(html.contains(line.as_str()), "{}: {line}", step.number);
            }
        }
        for r in &step.references {
            assert!(html.contains(&r.title));
        }
        for c in &step.contacts {
            assert!(html.contains(&c.phone));
            assert!(html.contains("tel:0359787509"));
        }
    }
    // The role filter: one choice per role plus すべて, hidden until the script shows it.
    assert_eq!(
        html.matches("name=fc-role").count() + html.matches("name=\"fc-role\"").count(),
        6
    );
    assert!(html.contains("flowchart.js"));
    // 出典 and the editorial recovery notes.
    assert!(html.contains("出典"));
    assert!(html.contains(&fc.def.source.title));
    assert!(html.contains("編集注記"));
    assert!(html.contains(fc.def.recovery_notes[0].as_str()));
}

#[test]
fn home_page_links_the_flowchart() {
    let site = site();
    let theme = Theme::load(root(), "default").unwrap_or_else(|_| panic!("default theme"));
    let build = Build {
        site: &site,
        theme: &theme,
        options: &RenderOptions { live_reload: false },
        features: kensa::features::ALL,
    };
    let outputs = render_site(&build).unwrap_or_else(|_| panic!("render"));
    let home = outputs.iter().find(|o| o.path == "index.html").unwrap();
    let home = String::from_utf8_lossy(&home.bytes);
    assert!(home.contains("flowcharts/incident-response.html"));
}

// ---------------------------------------------------------------- the format's checks

const VALID: &str = r#"id: t
title: "テスト"
source:
  title: "出典"
roles:
  - id: a
    label: "甲"
  - id: b
    label: "乙"
phases:
  - id: p
    number: "1"
    title: "段階"
    steps:
      - number: "1-1"
        title: "最初"
        roles: [a, b]
        parts:
          - label: "【甲】"
            roles: [a]
            optional_roles: [b]
            text: ["する。"]
        next: ["1-2"]
      - number: "1-2"
        title: "次"
        roles: [b]
        parts:
          - label: "【乙】"
            roles: [b]
            text: ["・一つ目", "・二つ目"]
        next: []
"#;

fn parse(text: &str) -> Result<Flowchart, Box<kensa::diag::Diagnostic>> {
    kensa::model::flowchart::parse(&SourceFile::new("content/flowcharts/t.yaml", text))
        .map_err(Box::new)
}

fn errors(text: &str) -> Vec<(usize, String)> {
    let fc = parse(text).unwrap_or_else(|d| panic!("{}", d.render(false)));
    flowchart::check(&fc)
        .items
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| (d.location.map(|l| l.line).unwrap_or(0), d.message))
        .collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect(needle);
    text[..at].matches('\n').count() + 1
}

#[test]
fn a_valid_file_has_no_errors() {
    assert_eq!(errors(VALID), vec![]);
    let fc = parse(VALID).unwrap();
    assert_eq!(fc.url, "flowcharts/t.html");
    for s in flowchart::svgs(&fc) {
        roxmltree::Document::parse(&s.svg).expect("well-formed SVG");
    }
}

#[test]
fn duplicate_step_number_is_an_error_at_the_second() {
    let text = VALID.replace("number: \"1-2\"", "number: \"1-1\"");
    let e = errors(&text);
    assert!(
        e.iter().any(|(line, m)| m.contains("`1-1` is used twice")
            && *line == line_of(&text, "title: \"次\"") - 1),
        "{e:?}"
    );
}

#[test]
fn next_naming_no_step_is_an_error_on_its_line() {
    let text = VALID.replace("next: [\"1-2\"]", "next: [\"1-3\"]");
    let e = errors(&text);
    assert!(
        e.iter()
            .any(|(line, m)| m.contains("`1-3`") && *line == line_of(&text, "next: [\"1-3\"]")),
        "{e:?}"
    );
}

#[test]
fn unknown_role_is_an_error_with_the_known_ones() {
    let text = VALID.replace("roles: [b]\n        parts", "roles: [c]\n        parts");
    let fc = parse(&text).unwrap();
    let diags = flowchart::check(&fc);
    let d = diags
        .items
        .iter()
        .find(|d| d.message.contains("unknown role `c`"))
        .unwrap_or_else(|| panic!("{:?}", diags.items));
    assert_eq!(
        d.location.as_ref().unwrap().line,
        line_of(&text, "roles: [c]")
    );
    assert!(d.help.as_ref().unwrap().contains("a, b"));
}

#[test]
fn step_roles_must_be_the_union_of_its_parts() {
    let text = VALID.replace("roles: [a, b]", "roles: [a]");
    let e = errors(&text);
    assert!(
        e.iter()
            .any(|(line, m)| m.contains("missing b") && *line == line_of(&text, "roles: [a]\n")),
        "{e:?}"
    );
}

#[test]
fn duplicate_role_id_and_bad_file_id_are_errors() {
    let text = VALID
        .replace(
            "  - id: b\n    label: \"乙\"",
            "  - id: a\n    label: \"乙\"",
        )
        .replace("id: t\n", "id: other\n");
    let e = errors(&text);
    assert!(
        e.iter()
            .any(|(_, m)| m.contains("role id `a` is used twice")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|(line, m)| m.contains("differs from its file name") && *line == 1),
        "{e:?}"
    );
}

#[test]
fn unknown_key_is_a_located_parse_error() {
    let text = VALID.replace("        next: []", "        nxet: []");
    let d = parse(&text).unwrap_err();
    assert!(d.message.contains("unknown key"), "{}", d.message);
    let loc = d.location.unwrap();
    assert_eq!(loc.line, line_of(&text, "nxet"));
    assert!(d.help.unwrap().contains("`next`"));
}

#[test]
fn contact_without_a_number_is_an_error() {
    let text = VALID.replace(
        "        next: []",
        "        contacts:\n          - name: \"窓口\"\n            phone: \"未定\"\n        next: []",
    );
    let e = errors(&text);
    assert!(
        e.iter()
            .any(|(line, m)| m.contains("no digits") && *line == line_of(&text, "phone:")),
        "{e:?}"
    );
}
