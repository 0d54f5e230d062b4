//! Guideline references on the real content: every ▶ resolves, the catalog has the shape
//! docs/guideline-catalog.md describes, every citation shows up as a backlink on the built
//! guideline pages, and a bad reference fails `kensa check` with its position and a suggestion.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use kensa::model::guideline::{self, Catalog, Citer, EntryKind};
use kensa::model::{item_anchor, PageKind, Site};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load() -> Site {
    match kensa::pipeline::check(&repo()) {
        Ok((site, _warnings)) => site,
        Err(diags) => panic!(
            "the real content does not check:\n{}",
            diags
                .items
                .iter()
                .map(|d| d.render(false))
                .collect::<String>()
        ),
    }
}

fn catalog(site: &Site) -> &Catalog {
    site.guideline.first().expect("content/guideline/gl6.yaml")
}

fn anchors_of(site: &Site, written: &str) -> Vec<String> {
    let cat = catalog(site);
    match guideline::resolve(&site.guideline, written) {
        Ok(r) => r
            .targets
            .iter()
            .map(|&t| cat.entries[t].id.clone())
            .collect(),
        Err(e) => panic!("{written}: {e:?}"),
    }
}

#[test]
fn every_reference_in_manuals_and_checklists_resolves() {
    let site = load();
    let citations = guideline::citations(&site);
    assert!(citations.len() > 100, "only {} references", citations.len());
    for c in &citations {
        let r = guideline::resolve(&site.guideline, &c.written).unwrap_or_else(|e| {
            panic!(
                "{} in {}: {e:?}",
                c.written,
                c.file(&site).rel_path.display()
            )
        });
        assert!(r.warning.is_none(), "{}: {:?}", c.written, r.warning);
    }

    // A ▶ line of a transcribed manual holds references only: nothing left as plain text.
    for page in site.pages.iter().filter(|p| p.kind == PageKind::ManualPage) {
        let body = &page.file.text[page.body_offset..];
        for line in body.lines().filter(|l| l.trim_start().starts_with('▶')) {
            let mut rest = line.trim_start().trim_start_matches('▶').to_string();
            while let (Some(a), Some(b)) = (rest.find("[["), rest.find("]]")) {
                assert!(a < b, "{line}");
                rest.replace_range(a..b + 2, "");
            }
            assert!(
                rest.trim().is_empty(),
                "{}: ▶ line with text that is not a reference: {line}",
                page.file.rel_path.display()
            );
        }
    }

    // docs/guideline-catalog.md: the pharmacy manual has 30 references, resolving as tabled.
    let yakkyoku: usize = site
        .pages
        .iter()
        .filter(|p| p.manual.as_deref() == Some("yakkyoku"))
        .map(|p| p.markdown.refs.len())
        .sum();
    assert_eq!(yakkyoku, 30);
    for (written, expected) in [
        ("GL6 概説編 2.3", &["gaisetsu-2-3"][..]),
        ("GL6 経営管理編 3.1.2②", &["keiei-3-1-2-2"]),
        ("GL6 経営管理編 3.2", &["keiei-3-2"]),
        ("GL6 経営管理編 1.2.1＜管理責任＞②", &["keiei-1-2-1-g2-2"]),
        ("GL6 企画管理編 9.1", &["kikaku-9"]),
        ("GL6 システム運用編 10.1", &["unyou-10"]),
        ("GL6 概説編 4.5", &["gaisetsu-4-5"]),
        ("GL6 企画管理編 13④", &["kikaku-13-4"]),
        ("GL6 企画管理編 13.1.3", &["kikaku-13"]),
        ("GL6 企画管理編 13⑦", &["kikaku-13-7"]),
        ("GL6 経営管理編 4.2", &["keiei-4-2"]),
        ("GL6 企画管理編 5.3", &["kikaku-5"]),
        ("GL6 システム運用編 17①②", &["unyou-17-1", "unyou-17-2"]),
        ("GL6 システム運用編 8③", &["unyou-8-3"]),
        ("GL6 システム運用編 8.1", &["unyou-8"]),
        ("GL6 システム運用編 8.2", &["unyou-8"]),
        ("GL6 システム運用編 13.2", &["unyou-13"]),
        ("GL6 システム運用編 13⑪", &["unyou-13-11"]),
        ("GL6 経営管理編 3.4.2①", &["keiei-3-4-2-1"]),
        ("GL6 経営管理編 3.4.3①", &["keiei-3-4-3-1"]),
        ("GL6 企画管理編 12.3", &["kikaku-12"]),
        ("GL6 経営管理編 3.4.1", &["keiei-3-4-1"]),
        ("GL6 企画管理編 11.2", &["kikaku-11"]),
        ("GL6 システム運用編 11.1", &["unyou-11"]),
        ("GL6 システム運用編 12.2", &["unyou-12"]),
        ("GL6 システム運用編 18.1", &["unyou-18"]),
        ("GL6 企画管理編 11.1", &["kikaku-11"]),
    ] {
        assert_eq!(anchors_of(&site, written), expected, "{written}");
    }
}

/// The refs under each item heading of a manual page, keyed by the heading's anchor.
fn refs_by_item_heading(page_text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in page_text.lines() {
        if line.starts_with('#') {
            current = line
                .rsplit_once("{#")
                .and_then(|(_, a)| a.strip_suffix('}'))
                .map(str::to_string);
            continue;
        }
        let Some(anchor) = &current else { continue };
        let mut rest = line;
        while let (Some(a), Some(b)) = (rest.find("[["), rest.find("]]")) {
            if b < a {
                break;
            }
            out.entry(anchor.clone())
                .or_default()
                .insert(rest[a + 2..b].trim().to_string());
            rest = &rest[b + 2..];
        }
    }
    out
}

#[test]
fn checklist_refs_match_the_manual_page_that_explains_the_item() {
    let site = load();
    let mut compared = 0;
    for c in &site.checklists {
        let Some(manual) = c.def.manual.as_deref().and_then(|m| site.manual(m)) else {
            continue;
        };
        let keys = c
            .def
            .gate
            .iter()
            .map(|g| (g.key.as_str(), &g.refs))
            .chain(c.def.items.iter().map(|i| (i.key.as_str(), &i.refs)));
        for (key, refs) in keys {
            let page = kensa::validate::explaining_page(&site, manual, key)
                .unwrap_or_else(|| panic!("{} {key}: no manual page", c.def.id));
            let by_heading = refs_by_item_heading(&page.file.text);
            let in_manual = by_heading
                .get(&item_anchor(key))
                .cloned()
                .unwrap_or_default();
            let in_checklist: BTreeSet<String> = refs.iter().cloned().collect();
            assert_eq!(
                in_checklist,
                in_manual,
                "{} item {key}: checklist refs differ from {}",
                c.def.id,
                page.file.rel_path.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 40, "compared only {compared} items");
}

#[test]
fn catalog_counts_match_seed_003() {
    let site = load();
    let cat = catalog(&site);
    let count = |vol: &str, kind: EntryKind| {
        let vi = cat
            .def
            .volumes
            .iter()
            .position(|v| v.name == vol)
            .unwrap_or_else(|| panic!("no {vol}"));
        cat.entries
            .iter()
            .filter(|e| e.path.volume == vi && e.kind == kind)
            .count()
    };
    // (編, chapters, sections, groups, requirements) from docs/guideline-catalog.md.
    for (vol, chapters, sections, groups, requirements) in [
        ("概説編", 2, 2, 0, 0),
        ("経営管理編", 5, 33, 5, 48),
        ("企画管理編", 16, 0, 0, 123),
        ("システム運用編", 18, 0, 0, 88),
    ] {
        assert_eq!(count(vol, EntryKind::Chapter), chapters, "{vol} chapters");
        assert_eq!(count(vol, EntryKind::Section), sections, "{vol} sections");
        assert_eq!(count(vol, EntryKind::Group), groups, "{vol} groups");
        assert_eq!(
            count(vol, EntryKind::Requirement),
            requirements,
            "{vol} requirements"
        );
    }
    let sections_with_requirements = cat
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Section)
        .filter(|e| {
            cat.entries.iter().any(|r| {
                r.kind == EntryKind::Requirement
                    && r.path.volume == e.path.volume
                    && r.path.chapter == e.path.chapter
                    && r.path.section == e.path.section
            })
        })
        .count();
    assert_eq!(sections_with_requirements, 25);

    let per_chapter = |vol: &str| -> Vec<usize> {
        let vi = cat.def.volumes.iter().position(|v| v.name == vol).unwrap();
        cat.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.path.volume == vi && e.kind == EntryKind::Chapter)
            .map(|(ch, _)| {
                cat.entries
                    .iter()
                    .filter(|r| r.kind == EntryKind::Requirement && r.chapter == ch)
                    .count()
            })
            .collect()
    };
    assert_eq!(per_chapter("経営管理編"), [15, 7, 18, 3, 5]);
    assert_eq!(
        per_chapter("企画管理編"),
        [7, 6, 10, 4, 4, 10, 10, 12, 6, 4, 9, 9, 8, 2, 14, 8]
    );
    assert_eq!(
        per_chapter("システム運用編"),
        [1, 5, 5, 2, 4, 1, 15, 9, 4, 6, 2, 5, 13, 8, 1, 2, 4, 1]
    );
    let missing: Vec<String> = cat
        .def
        .volumes
        .iter()
        .flat_map(|v| {
            v.chapters.iter().flat_map(move |c| {
                c.missing_numbers
                    .iter()
                    .map(move |m| format!("{} {}{m}", v.name, c.number))
            })
        })
        .collect();
    assert_eq!(missing, ["企画管理編 9③", "企画管理編 11④"]);
    // Every 経営管理編 requirement carries its 5.2 column.
    let keiei = cat
        .def
        .volumes
        .iter()
        .position(|v| v.name == "経営管理編")
        .unwrap();
    for e in cat.entries.iter().filter(|e| e.path.volume == keiei) {
        if let Some(r) = cat.requirement(e) {
            assert!(r.gl52.is_some(), "{} has no gl52", cat.label(e));
        }
    }
}

#[test]
fn check_warns_about_suspect_catalog_text_only() {
    let (_, warnings) = kensa::pipeline::check(&repo()).unwrap_or_else(|_| panic!("check"));
    let ours: Vec<&str> = warnings
        .iter()
        .filter(|w| {
            w.location
                .as_ref()
                .is_some_and(|l| l.file.ends_with("gl6.yaml"))
        })
        .map(|w| w.message.as_str())
        .collect();
    let named: BTreeSet<&str> = ours
        .iter()
        .filter_map(|m| m.split(" may be").next())
        .collect();
    assert_eq!(
        named,
        BTreeSet::from([
            "GL6 企画管理編 13④",
            "GL6 企画管理編 14①",
            "GL6 システム運用編 13④",
        ]),
        "{ours:#?}"
    );
    assert!(ours.iter().any(|m| m.contains("【以下略】")));
}

/// The backlink block for `id` on a built guideline page (minified: quotes may be gone).
fn backlink_block<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let start = html
        .find(&format!("data-for={id}>"))
        .or_else(|| html.find(&format!("data-for=\"{id}\"")))?;
    let end = html[start..].find("</div>")? + start;
    Some(&html[start..end])
}

fn has_href(html: &str, url: &str) -> bool {
    html.contains(&format!("href={url}>"))
        || html.contains(&format!("href=\"{url}\""))
        || html.contains(&format!("href={url} "))
}

#[test]
fn backlinks_are_complete_in_the_built_site() {
    let out = tempfile::tempdir().unwrap();
    let opts = kensa::pipeline::BuildOptions {
        root: repo(),
        out: out.path().to_path_buf(),
        live_reload: false,
    };
    if let Err(d) = kensa::pipeline::build(&opts) {
        panic!("{:?}", d.items);
    }
    let site = load();
    let cat = catalog(&site);
    let read = |rel: &str| -> String {
        std::fs::read_to_string(out.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    let mut checked = 0;
    for c in guideline::citations(&site) {
        let r = guideline::resolve(&site.guideline, &c.written).unwrap();
        let (citer_url, citer_page) = match c.citer {
            Citer::Item { checklist, item } => {
                let cl = &site.checklists[checklist];
                let anchor = item
                    .map(|i| cl.def.items[i].id.clone())
                    .unwrap_or("gate".into());
                (format!("{}#{anchor}", cl.url), cl.url.clone())
            }
            Citer::Page { page, .. } => {
                let p = &site.pages[page];
                (p.url.clone(), p.url.clone())
            }
        };
        // The citing page links to the guideline…
        let target = &cat.entries[r.targets[0]];
        let from_html = pages
            .entry(citer_page.clone())
            .or_insert_with(|| read(&citer_page));
        let depth = "../".repeat(citer_page.matches('/').count());
        assert!(
            has_href(from_html, &format!("{depth}{}", cat.entry_url(target))),
            "{citer_page} has no link for {}",
            c.written
        );
        // …and every cited entry links back to the citing item or page.
        for &t in &r.targets {
            let e = &cat.entries[t];
            let vol_page = cat.volume_url(e.path.volume);
            let html = pages
                .entry(vol_page.clone())
                .or_insert_with(|| read(&vol_page));
            let block = backlink_block(html, &e.id).unwrap_or_else(|| {
                panic!("{vol_page}: no backlinks under #{} for {}", e.id, c.written)
            });
            let back = format!("../{citer_url}");
            let found = match c.citer {
                Citer::Item { .. } => has_href(block, &back),
                Citer::Page { .. } => {
                    block.contains(&format!("href={back}#"))
                        || block.contains(&format!("href=\"{back}#"))
                        || has_href(block, &back)
                }
            };
            assert!(
                found,
                "#{} on {vol_page} lacks a backlink to {back}:\n{block}",
                e.id
            );
            checked += 1;
        }
    }
    assert!(checked > 150, "checked only {checked}");

    // No placeholder survives the build.
    for entry in walkdir::WalkDir::new(out.path())
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|x| x == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                !html.contains("data-ref="),
                "{} keeps a placeholder",
                entry.path().display()
            );
        }
    }

    // The JSON copies.
    let catalog_json: serde_json::Value =
        serde_json::from_str(&read("guideline/gl6.json")).unwrap();
    assert_eq!(
        catalog_json["catalog"]["volumes"].as_array().unwrap().len(),
        4
    );
    let xref: serde_json::Value = serde_json::from_str(&read("guideline/xref.json")).unwrap();
    let entries = xref["entries"].as_array().unwrap();
    assert_eq!(entries.len(), cat.entries.len());
    let cited: usize = entries
        .iter()
        .filter(|e| !e["cited_by"].as_array().unwrap().is_empty())
        .count();
    assert!(cited >= 20, "{cited} cited entries");
    let e = entries.iter().find(|e| e["id"] == "kikaku-9").unwrap();
    assert_eq!(e["ref"], "GL6 企画管理編 9");
    assert!(e["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["checklist"] == "r5-yakkyoku" && c["written"] == "GL6 企画管理編 9.1"));

    // Index, 5.2 table and the home page link.
    let gl52 = read("guideline/gl52.html");
    for e in &cat.entries {
        for loc in cat
            .requirement(e)
            .and_then(|r| r.gl52.as_ref())
            .into_iter()
            .flatten()
        {
            assert!(gl52.contains(&format!(">{loc}<")), "gl52.html lacks {loc}");
        }
    }
    assert!(has_href(&read("index.html"), "guideline/index.html"));
    let index = read("guideline/index.html");
    for v in ["gaisetsu", "keiei", "kikaku", "unyou"] {
        assert!(has_href(&index, &format!("../guideline/{v}.html")), "{v}");
    }
    assert!(index.contains("出典"), "the source is shown");
    // The coverage summary is on the checklist's companion page, linked from the form (which
    // sits beside it).
    let yakkyoku = read("checklists/r5/yakkyoku.html");
    assert!(has_href(&yakkyoku, "yakkyoku-about.html"));
    let about = read("checklists/r5/yakkyoku-about.html");
    assert!(about.contains("id=gl-coverage"), "coverage summary");
    assert!(has_href(&about, "../../guideline/kikaku.html#kikaku-13"));
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn bad_reference_fails_check_with_position_and_suggestion() {
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["check", "--root", fixture("bad-gl-ref").to_str().unwrap()])
        .output()
        .expect("kensa runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/notes.md:8:23"),
        "position of [[GL6 企画管理編 99]]:\n{stderr}"
    );
    assert!(stderr.contains("企画管理編 has no chapter 99"), "{stderr}");
    assert!(
        stderr.contains("did you mean `GL6 企画管理編 9`?"),
        "{stderr}"
    );
    // The good references of the same site are not reported.
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

/// A copy of the bad-gl-ref fixture whose one bad reference is replaced by `with`.
fn bad_gl_ref_with(with: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(fixture("bad-gl-ref")) {
        let entry = entry.unwrap();
        let target = dir
            .path()
            .join(entry.path().strip_prefix(fixture("bad-gl-ref")).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let md = dir.path().join("content/notes.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replace("[[GL6 企画管理編 99]]", with)).unwrap();
    dir
}

#[test]
fn unknown_subsection_warns_naming_the_chapter_it_falls_back_to() {
    let dir = bad_gl_ref_with("[[GL6 企画管理編 9.9]]");
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["check", "--root", dir.path().to_str().unwrap()])
        .output()
        .expect("kensa runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning, not an error:\n{stderr}"
    );
    assert!(
        stderr.contains("warning: content/notes.md:8:23"),
        "located at the reference:\n{stderr}"
    );
    assert!(
        stderr.contains("falls back to chapter 9 医療情報システムに用いる機器等の資産管理"),
        "{stderr}"
    );
    assert!(
        stderr.contains("subsections:"),
        "says how to fix it:\n{stderr}"
    );
}

#[test]
fn bad_reference_in_a_checklist_points_at_its_yaml_line() {
    let dir = bad_gl_ref_with("");
    let cl = dir.path().join("content/checklists/r6");
    std::fs::create_dir_all(&cl).unwrap();
    std::fs::write(
        dir.path().join("content/site.yaml"),
        "title: t\neditions:\n  - id: r6\n    name: 令和6年度版\n    fiscal_year: 2024\n",
    )
    .unwrap();
    std::fs::write(
        cl.join("a.yaml"),
        "id: r6-a\nedition: r6\ntitle: t\nform: f\naudience: facility\nfacility: pharmacy\n\
         source: { title: s }\nanswer: yes_no_dated\nphases: [{id: p, label: P}]\n\
         sections: [{id: \"1\", title: S}]\nitems:\n  - id: p-1\n    phase: p\n    section: \"1\"\n\
         \x20   number: \"（１）\"\n    key: \"1(1)\"\n    text: 項目\n\
         \x20   refs: [\"GL6 企画管理編 9\", \"GL6 経営管理編 3.4.1②\"]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["check", "--root", dir.path().to_str().unwrap()])
        .output()
        .expect("kensa runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/checklists/r6/a.yaml:18:28"),
        "{stderr}"
    );
    assert!(stderr.contains("has no requirement ②"), "{stderr}");
    assert!(
        stderr.contains("did you mean `GL6 経営管理編 3.4.1①`?"),
        "{stderr}"
    );
}
