//! What Markdown may put on an official page: no raw HTML unless the site allows it, never a
//! script, redirect or event handler, and no nesting deep enough to take kensa down.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::text;

fn kensa(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("kensa runs")
}

fn site_with_page(name: &str, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in
        walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"))
    {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"))
            .unwrap();
        let target = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("content").join(name),
        format!("---\ntitle: テスト\n---\n\n{body}\n"),
    )
    .unwrap();
    dir
}

fn allow_raw_html(root: &Path) {
    let config = root.join("content/site.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("markdown:\n  raw_html: true\n");
    std::fs::write(config, text).unwrap();
}

#[test]
fn raw_html_is_refused_unless_the_site_allows_it() {
    let site = site_with_page("raw.md", "本文\n\n<table><tr><td>表</td></tr></table>\n");
    let refused = kensa(site.path(), &["build"]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/raw.md:7:1: raw HTML `<table>` in Markdown is not published"),
        "{stderr}"
    );
    assert!(stderr.contains("markdown: {raw_html: true}"), "{stderr}");
    assert!(!site.path().join("public").exists());
    assert_eq!(kensa(site.path(), &["check"]).status.code(), Some(1));

    allow_raw_html(site.path());
    let allowed = kensa(site.path(), &["build"]);
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    let page = std::fs::read_to_string(site.path().join("public/raw.html")).unwrap();
    assert!(page.contains("<td>表"), "{page}");
}

#[test]
fn scripts_redirects_and_handlers_are_refused_even_when_raw_html_is_allowed() {
    for (html, tag) in [
        ("<script>alert(1)</script>", "<script>"),
        (
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
            "<meta>",
        ),
        ("<img src=x onerror=\"alert(1)\">", "<img>"),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a>"),
        (
            "<iframe src=\"https://evil.example/\"></iframe>",
            "<iframe>",
        ),
        ("文中の <span onclick=alert(1)>語</span> も", "<span>"),
    ] {
        let site = site_with_page("bad.md", html);
        allow_raw_html(site.path());
        let run = kensa(site.path(), &["build"]);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{html}: {stderr}");
        assert!(
            stderr.contains("content/bad.md:5:")
                && stderr.contains(&format!(
                    "`{tag}` with a script, redirect, frame, event handler or javascript: address"
                )),
            "{html}: {stderr}"
        );
    }
}

#[test]
fn nesting_deep_enough_to_overflow_the_minifier_is_refused_with_its_place() {
    let cases = [
        (
            "<div>".repeat(5000) + "x" + &"</div>".repeat(5000),
            "content/deep.md:5:1",
        ),
        (">".repeat(5000) + " 引用", "content/deep.md:5:101"),
        (
            (0..1000)
                .map(|i| "  ".repeat(i) + "- 項目\n")
                .collect::<String>(),
            "content/deep.md:55:",
        ),
        // A closing tag that matches no open element closes nothing; <div/> opens a div.
        ("<div></p>".repeat(5000), "content/deep.md:5:1"),
        ("<div/>".repeat(5000), "content/deep.md:5:1"),
    ];
    for (body, place) in cases {
        let site = site_with_page("deep.md", &body);
        allow_raw_html(site.path());
        for command in ["build", "check"] {
            let run = kensa(site.path(), &[command]);
            let stderr = text(&run.stderr);
            assert_eq!(
                run.status.code(),
                Some(1),
                "{command}: {}",
                &stderr[..stderr.len().min(500)]
            );
            assert!(
                stderr.contains(place),
                "{command}: {}",
                &stderr[..stderr.len().min(500)]
            );
            assert!(stderr.contains("more than 100 levels deep"));
            assert!(
                stderr.len() < 20_000,
                "a short message, not the page: {} bytes",
                stderr.len()
            );
        }
    }
}

#[test]
fn yaml_aliases_that_would_explode_are_refused_at_the_alias() {
    let site = site_with_page("ok.md", "本文");
    let path = site.path().join("content/checklists/r6/facility.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let big = "あ".repeat(100_000);
    let notes: String = (0..300)
        .map(|i| format!("  - id: n{i}\n    text: *big\n"))
        .collect();
    let yaml = yaml.replacen(
        "notes:\n",
        &format!("notes:\n  - id: big\n    text: &big \"{big}\"\n{notes}"),
        1,
    );
    std::fs::write(&path, yaml).unwrap();
    let run = kensa(site.path(), &["build"]);
    let stderr = text(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        &stderr[..stderr.len().min(500)]
    );
    assert!(
        stderr.contains("content/checklists/r6/facility.yaml:")
            && stderr.contains("the YAML alias `*big` makes this file more than 4 MB"),
        "{}",
        &stderr[..stderr.len().min(500)]
    );
    assert!(
        stderr.len() < 5_000,
        "a short message: {} bytes",
        stderr.len()
    );
}

#[test]
fn ids_that_could_carry_markup_are_refused() {
    for (from, to) in [
        (
            "  - id: current-1-1\n",
            "  - id: \"current-1-1<img src=x onerror=alert(1)>\"\n",
        ),
        ("  - id: vendor_contract\n", "  - id: \"vendor contract\"\n"),
        ("id: r6-facility\n", "id: \"r6-facility\\\"\"\n"),
    ] {
        let site = site_with_page("ok.md", "本文");
        let path = site.path().join("content/checklists/r6/facility.yaml");
        let yaml = std::fs::read_to_string(&path).unwrap();
        assert!(yaml.contains(from), "{from}");
        std::fs::write(&path, yaml.replacen(from, to, 1)).unwrap();
        let run = kensa(site.path(), &["check"]);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{to}: {stderr}");
        assert!(
            stderr.contains("content/checklists/r6/facility.yaml:")
                && stderr.contains("may hold only ASCII letters, digits, `_` and `-`"),
            "{to}: {stderr}"
        );
    }
}

#[test]
fn handlers_and_schemes_hidden_by_spelling_are_still_refused() {
    for html in [
        "<a href=\"x\"onclick=\"alert(1)\">x</a>",
        "<p title=\">\" onclick=\"alert(1)\">x</p>",
        "<div onclick = \"alert(1)\">x</div>",
        "<img src=x onerror\n=alert(1)>",
        "<a href=\"jav&#x61;script:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<svg><a xlink:href=\"x\">x</a></svg>",
    ] {
        let site = site_with_page("bad.md", html);
        allow_raw_html(site.path());
        let run = kensa(site.path(), &["build"]);
        let stderr = text(&run.stderr);
        if run.status.success() {
            // Markdown did not take it for HTML: it is published as text, which is safe.
            let page = std::fs::read_to_string(site.path().join("public/bad.html")).unwrap();
            assert!(
                page.contains("&lt;") && !page.contains("<a href=\"x\"onclick"),
                "{html}: {page}"
            );
            continue;
        }
        assert!(
            stderr.contains("an official page must never publish it"),
            "{html}: {stderr}"
        );
    }
    // Heading attributes are HTML attributes: refused by default, a handler refused always.
    let site = site_with_page("h.md", "# 見出し {data-x=1}");
    let run = kensa(site.path(), &["build"]);
    assert!(
        text(&run.stderr).contains("raw HTML `{data-x=…}`"),
        "{}",
        text(&run.stderr)
    );
    let site = site_with_page("h.md", "# 見出し {onclick=alert(1)}");
    allow_raw_html(site.path());
    let run = kensa(site.path(), &["build"]);
    assert!(
        text(&run.stderr).contains("an official page must never publish it"),
        "{}",
        text(&run.stderr)
    );
}
