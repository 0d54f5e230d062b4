//! End-to-end tests of the `kensa` binary on the fixture sites under tests/fixtures/.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::{copy_dir, edit, files_under, fixture, kensa, text};

/// A private copy of a fixture, so tests can write into it.
fn site_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

#[test]
fn valid_site_builds_every_page_kind() {
    let site = site_copy("valid");
    let out = kensa(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("built "), "{stdout}");
    assert!(stdout.contains(" s"), "summary names the time: {stdout}");
    let files = files_under(&site.path().join("public"));
    for expected in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "checklists/r6/facility.html",
        "checklists/r6/facility.json",
        "checklists/r6/facility-about.html",
        "manuals/m/index.html",
        "manuals/m/10-items.html",
        "manuals/m/20-derived.html",
        "guides/inspect.html",
        "about/index.html",
        "about/legal.html",
        "assets/site.css",
        "assets/js/kensa.js",
    ] {
        assert!(files.contains(expected), "missing {expected} in {files:?}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.contains(".kensa-new-") || name.contains(".kensa-old-")
        })
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind");
    assert!(
        site.path().join("public/.kensa-output").is_file(),
        "the output is marked as kensa's"
    );
}

/// Every href/src in every page points at a file of the site (relative links only), so the
/// site works under any sub-path and from file://.
#[test]
fn every_internal_link_resolves_and_no_page_loads_anything_external() {
    let site = site_copy("valid");
    let out_dir = site.path().join("out");
    let out = kensa(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = files_under(&out_dir);
    let mut checked = 0;
    for page in files.iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out_dir.join(page)).unwrap();
        assert!(
            html.contains("Content-Security-Policy"),
            "{page} has no CSP"
        );
        assert!(html.contains("出典"), "{page} does not show its source");
        for attr in ["href=", "src="] {
            for (pos, _) in html.match_indices(attr) {
                let rest = &html[pos + attr.len()..];
                let value: String = if let Some(r) = rest.strip_prefix('"') {
                    r.chars().take_while(|c| *c != '"').collect()
                } else {
                    rest.chars()
                        .take_while(|c| !c.is_whitespace() && *c != '>')
                        .collect()
                };
                if value.starts_with("http://") || value.starts_with("https://") {
                    assert!(attr == "href=", "{page} loads an external resource {value}");
                    continue;
                }
                if value.starts_with('#')
                    || value.starts_with("mailto:")
                    || value.starts_with("data:")
                {
                    continue;
                }
                assert!(!value.starts_with('/'), "{page}: absolute link {value}");
                let path = value.split('#').next().unwrap();
                let base = Path::new(page).parent().unwrap();
                let mut resolved = PathBuf::new();
                for c in base.join(path).components() {
                    match c {
                        std::path::Component::ParentDir => {
                            resolved.pop();
                        }
                        std::path::Component::Normal(n) => resolved.push(n),
                        _ => {}
                    }
                }
                let key = resolved.to_string_lossy().replace('\\', "/");
                assert!(
                    files.contains(&key),
                    "{page}: link {value} → {key} does not exist"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn markdown_features_render() {
    let site = site_copy("valid");
    let out = kensa(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(site.path().join("public/manuals/m/10-items.html")).unwrap();
    assert!(
        page.contains("id=item-1-1") || page.contains("id=\"item-1-1\""),
        "explicit heading id"
    );
    assert!(
        page.contains("id=用語の解説") || page.contains("id=\"用語の解説\""),
        "Japanese slug"
    );
    assert!(page.contains("<table>"), "tables");
    assert!(page.contains("footnote"), "footnotes");
    assert!(page.contains("このページの目次"), "table of contents");
    assert!(
        page.contains("../../checklists/r6/facility.html#current-1-1"),
        "@/ link made relative"
    );
    // manual → checklist backlinks under the explained item
    assert!(
        page.contains("item-backlinks"),
        "backlinks to the checklist"
    );
    let derived =
        std::fs::read_to_string(site.path().join("public/manuals/m/20-derived.html")).unwrap();
    assert!(
        derived.contains("このページには、出典資料の原文ではない文章が含まれています"),
        "derived note shown"
    );
    let checklist =
        std::fs::read_to_string(site.path().join("public/checklists/r6/facility.html")).unwrap();
    assert!(
        checklist.contains("../../manuals/m/10-items.html#item-2-2"),
        "checklist → 解説 link"
    );
}

/// Runs a broken fixture against an existing public/ and checks the message and that the
/// previous output is untouched.
fn assert_fails_cleanly(fixture_name: &str, position: &str, words: &[&str]) -> String {
    let site = site_copy(fixture_name);
    let public = site.path().join("public");
    std::fs::create_dir_all(&public).unwrap();
    std::fs::write(public.join("index.html"), "previous build").unwrap();
    std::fs::write(public.join(".kensa-output"), "").unwrap();
    let before = files_under(&public);
    let out = kensa(&["build", "--root", site.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(position),
        "expected {position} in:\n{stderr}"
    );
    for w in words {
        assert!(stderr.contains(w), "expected {w:?} in:\n{stderr}");
    }
    assert!(
        stderr.contains("help:"),
        "every error says what to do:\n{stderr}"
    );
    assert_eq!(files_under(&public), before, "public/ changed");
    assert_eq!(
        std::fs::read_to_string(public.join("index.html")).unwrap(),
        "previous build"
    );
    let check = kensa(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stderr).contains(position));
    stderr
}

#[test]
fn bad_yaml_names_file_line_and_column() {
    let stderr = assert_fails_cleanly(
        "bad-yaml",
        "content/checklists/r6/facility.yaml:3:19",
        &["YAML syntax error", "quoted"],
    );
    insta::assert_snapshot!("bad_yaml", stderr);
}

#[test]
fn unknown_key_is_an_error_with_a_suggestion() {
    let stderr = assert_fails_cleanly(
        "unknown-key",
        "content/checklists/r6/facility.yaml:48:5",
        &["unknown key", "did you mean `refs`?"],
    );
    insta::assert_snapshot!("unknown_key", stderr);
}

#[test]
fn duplicate_item_id_points_at_the_second_one() {
    let stderr = assert_fails_cleanly(
        "duplicate-id",
        "content/checklists/r6/facility.yaml:57:5",
        &["duplicate item id `current-1-1`"],
    );
    insta::assert_snapshot!("duplicate_id", stderr);
}

#[test]
fn dangling_link_suggests_the_nearest_page() {
    let stderr = assert_fails_cleanly(
        "dangling-link",
        "content/manuals/m/10-items.md:23:1",
        &["broken link", "did you mean `guides/inspect.md`?"],
    );
    insta::assert_snapshot!("dangling_link", stderr);
}

#[test]
fn template_error_names_template_line_and_column() {
    let stderr = assert_fails_cleanly(
        "template-error",
        "themes/default/templates/page.html:4:21",
        &["template error in page.html"],
    );
    insta::assert_snapshot!("template_error", stderr);
}

#[test]
fn check_lists_every_problem_not_only_the_first() {
    let site = site_copy("valid");
    edit(site.path(), "content/checklists/r6/facility.yaml", |yaml| {
        yaml.replace("  - id: reference-2-server-2\n", "  - id: current-1-1\n")
            .replace("manual: m\n", "manual: mm\n")
    });
    edit(site.path(), "content/about/legal.md", |md| {
        md.replace("(@/index.md)", "(@/indx.md)")
    });
    let out = kensa(&["check", "--root", site.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("duplicate item id"), "{stderr}");
    assert!(stderr.contains("manual `mm`"), "{stderr}");
    assert!(stderr.contains("content/about/legal.md:"), "{stderr}");
    assert!(stderr.contains("3 error(s)"), "{stderr}");
    assert!(!site.path().join("public").exists(), "check writes nothing");
}

/// A page of mixed provenance: `parts:` in its front matter.
fn mixed_site(parts: &str) -> tempfile::TempDir {
    let site = site_copy("valid");
    edit(site.path(), "content/manuals/m/20-derived.md", |md| {
        md.replace(
            "provenance: derived\n",
            &format!("provenance: derived\nparts:\n{parts}"),
        )
        .replace(
            "本文です。\n",
            "本文です。\n\n## 改めた部分 {#kaimeta}\n\n改めた本文です。\n",
        )
    });
    site
}

#[test]
fn a_derived_page_says_so_before_its_content_and_marks_where_its_parts_begin() {
    let site = mixed_site(
        "  - from: start\n    provenance: official\n    note: 原文の写し。\n  - from: kaimeta\n    provenance: derived\n    note: 別のページから作成。\n",
    );
    let out = kensa(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html =
        std::fs::read_to_string(site.path().join("public/manuals/m/20-derived.html")).unwrap();
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} not in {html}"))
    };
    // The notice comes before the content, then each part's mark before its text.
    assert!(at("このページには、出典資料の原文ではない文章が含まれています") < at("本文です。"));
    assert!(at("ここから出典資料の原文：</strong>原文の写し。") < at("本文です。"));
    assert!(
        at("本文です。")
            < at("ここから本サイトが他の資料を元に作成した文章：</strong>別のページから作成。")
    );
    assert!(at("別のページから作成。") < at("改めた本文です。"));
    // The 出典 line says what the page was made from, linking it.
    assert!(html.contains("を元に本サイトが作成"), "{html}");
    // The manual's contents mark the page.
    let index = std::fs::read_to_string(site.path().join("public/manuals/m/index.html")).unwrap();
    assert!(index.contains("一部を本サイトが作成"), "{index}");
}

#[test]
fn a_part_that_begins_at_no_heading_is_an_error_at_its_line() {
    let site = mixed_site(
        "  - from: start\n    provenance: official\n    note: 原文。\n  - from: kaimeeta\n    provenance: derived\n    note: 作成。\n",
    );
    let out = kensa(&["check", "--root", site.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/manuals/m/20-derived.md:9:"),
        "located at the part:\n{stderr}"
    );
    assert!(
        stderr.contains("`kaimeeta`, which is not a heading of this page; did you mean `kaimeta`?"),
        "{stderr}"
    );
}

/// The valid fixture with its checklist split before `split_at`, and its manual linking to
/// `link_to`.
fn split_site(split_at: &str, link_to: &str) -> tempfile::TempDir {
    let site = site_copy("valid");
    edit(site.path(), "content/checklists/r6/facility.yaml", |yaml| {
        yaml.replace(
            "answer: yes_no_dated\n",
            &format!("answer: yes_no_dated\nsplit_at: {split_at}\n"),
        )
    });
    edit(site.path(), "content/manuals/m/10-items.md", |md| {
        md.replace(
            "facility.yaml#current-1-1",
            &format!("facility.yaml#{link_to}"),
        )
    });
    site
}

#[test]
fn a_split_form_is_built_on_pages_that_know_each_other() {
    let site = split_site("[reference-2-server-2]", "reference-2-server-2");
    let out = kensa(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let public = site.path().join("public");
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap();
    let first = read("checklists/r6/facility.html");
    let second = read("checklists/r6/facility-2.html");
    // Each item is on one page only, and each page names the other's items for its counts.
    assert!(first.contains("id=current-1-1") && !first.contains("id=reference-2-server-2"));
    assert!(second.contains("id=reference-2-server-2") && !second.contains("id=current-1-1"));
    assert!(
        first.contains(r#"["reference-2-server-2","２（２）（サーバ）",null,1]"#),
        "{first}"
    );
    assert!(
        second
            .contains(r#"["current-2-server-2","２（２）（サーバ）",null,null,"vendor_contract"]"#),
        "{second}"
    );
    // One checklist id on both pages: one set of saved answers.
    for page in [&first, &second] {
        assert!(page.contains("data-checklist-id=r6-facility"), "{page}");
    }
    assert!(first.contains("href=facility-2.html rel=next"), "{first}");
    assert!(second.contains("href=facility.html rel=prev"), "{second}");
    assert!(
        second.contains(
            "<span aria-current=page>項目２（２）（サーバ）〔参考項目〕〜２（２）（サーバ）〔参考項目〕</span>"
        ),
        "{second}"
    );
    // Links to an item go to the page it is on.
    let manual = read("manuals/m/10-items.html");
    assert!(
        manual.contains("checklists/r6/facility-2.html#reference-2-server-2"),
        "{manual}"
    );
    assert!(read("sitemap.xml").contains("checklists/r6/facility-2.html"));
}

#[test]
fn split_at_mistakes_are_each_reported_with_their_place() {
    let site = split_site("[current-1-1, refrence-2-server-2]", "current-1-1");
    let out = kensa(&["check", "--root", site.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/checklists/r6/facility.yaml:13:12"),
        "{stderr}"
    );
    assert!(
        stderr.contains("split_at cannot begin a page at item `current-1-1`: it is the first item"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/checklists/r6/facility.yaml:13:25"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `reference-2-server-2`?"),
        "{stderr}"
    );

    // Items listed in another order than shown: a page would not hold one run of items.
    let site = split_site("[current-2-server-2]", "current-1-1");
    edit(site.path(), "content/checklists/r6/facility.yaml", |yaml| {
        let (head, items) = yaml.split_once("items:\n").unwrap();
        let blocks: Vec<&str> = items.split("  - id: ").collect();
        // blocks[0] is empty; put the reference item before the current 2(2).
        format!(
            "{head}items:\n  - id: {}  - id: {}  - id: {}",
            blocks[1], blocks[3], blocks[2]
        )
    });
    let out = kensa(&["check", "--root", site.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("split_at puts item `reference-2-server-2` on page 1 of the form, but it is shown after item `current-2-server-2` on page 2"),
        "{stderr}"
    );
}

#[test]
fn a_form_page_over_the_weight_budget_is_a_warning_naming_its_checklist() {
    let site = split_site("[current-2-server-2]", "current-1-1");
    let long = "医療情報システム安全管理責任者を設置している。".repeat(1000);
    edit(site.path(), "content/checklists/r6/facility.yaml", |yaml| {
        yaml.replacen(
            "text: 医療情報システム安全管理責任者を設置している。",
            &format!("text: {long}"),
            1,
        )
    });
    let out = kensa(&["build", "--root", site.path().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "a warning does not fail the build: {stderr}"
    );
    assert!(
        stderr.contains("checklists/r6/facility.html weighs")
            && stderr.contains("over the 60.0 KB budget of a form page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/checklists/r6/facility.yaml:13:1"),
        "{stderr}"
    );
    assert!(stderr.contains("split_at"), "{stderr}");
    // The other page of the form, without the long item, is within the budget.
    assert!(!stderr.contains("facility-2.html weighs"), "{stderr}");
    let check = kensa(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0));
    assert!(text(&check.stderr).contains("facility.html weighs"));
}

#[test]
fn version_and_help() {
    let v = kensa(&["--version"]);
    assert!(text(&v.stdout).contains(env!("CARGO_PKG_VERSION")));
    for cmd in ["build", "check", "serve", "init"] {
        let h = kensa(&[cmd, "--help"]);
        assert!(h.status.success());
        assert!(text(&h.stdout).contains("Usage: kensa"), "{cmd} --help");
    }
    let quiet = site_copy("valid");
    let q = kensa(&["build", "-q", "--root", quiet.path().to_str().unwrap()]);
    assert!(q.status.success());
    assert!(q.stdout.is_empty(), "-q prints nothing on success");
}

#[test]
fn init_creates_a_site_that_builds_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let new_site = dir.path().join("new-site");
    let out = kensa(&["init", new_site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(new_site.join("content/site.yaml").exists());
    assert!(new_site.join("themes/default/templates/base.html").exists());
    let build = kensa(&["build", "--root", new_site.to_str().unwrap()]);
    assert!(build.status.success(), "{}", text(&build.stderr));
    assert!(new_site.join("public/checklists/r6/sample.html").exists());
    let again = kensa(&["init", new_site.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("not empty"));
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).ok()?;
    let response = String::from_utf8_lossy(&buf).into_owned();
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

fn wait_for(port: u16, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some((_, body)) = http_get(port, "/__kensa/status") {
            if pred(&body) {
                return body;
            }
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_rebuilds_shows_errors_and_recovers() {
    let site = site_copy("valid");
    let out_dir = site.path().join("served");
    let port = 20000 + (std::process::id() % 20000) as u16;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args([
            "serve",
            "--root",
            site.path().to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let result = std::panic::catch_unwind(|| {
        wait_for(port, "first build", |b| {
            b.contains("\"version\":1") && b.contains("\"error\":null")
        });
        let (status, index) = http_get(port, "/index.html").unwrap();
        assert_eq!(status, 200);
        assert!(
            index.contains("livereload.js"),
            "served pages carry the reload script"
        );
        let (status, _) = http_get(port, "/no-such-page.html").unwrap();
        assert_eq!(status, 404);

        let page = site.path().join("content/about/legal.md");
        let good = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, good.replace("(@/index.md)", "(@/nowhere.md)")).unwrap();
        let body = wait_for(port, "the error", |b| b.contains("content/about/legal.md"));
        assert!(body.contains("broken link"), "{body}");
        let (status, _) = http_get(port, "/about/legal.html").unwrap();
        assert_eq!(status, 200, "the last good build is still served");

        std::fs::write(
            &page,
            good.replace("医療法施行規則", "医療法施行規則（改）"),
        )
        .unwrap();
        wait_for(port, "recovery", |b| {
            b.contains("\"error\":null") && !b.contains("\"version\":1,")
        });
        let (_, legal) = http_get(port, "/about/legal.html").unwrap();
        assert!(
            legal.contains("医療法施行規則（改）"),
            "rebuilt page served"
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
