//! The inspection engine against the shared vectors (tests/inspection/vectors.json), which the
//! browser engine is tested against too, and `kensa inspect` end to end.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(repo().join("tests/inspection/vectors.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn key(file: &str, rule: &str, status: &str, item: Option<&str>) -> String {
    format!("{file} {rule} {status} {}", item.unwrap_or("-"))
}

#[test]
fn engine_matches_every_vector() {
    let (site, _) = kensa::pipeline::load_site(repo()).expect("content loads");
    let vectors = vectors();
    assert!(vectors.len() >= 15);
    for v in &vectors {
        let files: Vec<(String, String)> = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap().to_string(),
                    f["content"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let report = kensa::inspect::inspect(&site, &files);
        let mut got: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                key(
                    &f.file,
                    &f.rule,
                    kensa::inspect::status_word(f.status),
                    f.item.as_deref(),
                )
            })
            .collect();
        let mut want: Vec<String> = v["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                key(
                    e[0].as_str().unwrap(),
                    e[1].as_str().unwrap(),
                    e[2].as_str().unwrap(),
                    e[3].as_str(),
                )
            })
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "vector `{}`: {}", v["name"], v["description"]);
        for f in &report.findings {
            assert!(!f.message.is_empty());
            if f.rule != "file" {
                assert!(
                    f.quote.as_deref().is_some_and(|q| !q.is_empty()),
                    "every rule finding quotes the 手引き"
                );
            }
        }
    }
}

/// Each rule quote is the 手引き's own text: it must appear in the guide page.
#[test]
fn rule_quotes_are_in_the_guides() {
    let (site, _) = kensa::pipeline::load_site(repo()).unwrap();
    for c in &site.checklists {
        let Some(insp) = &c.def.inspection else {
            continue;
        };
        let guide = site.guide(c.def.guide.as_deref().unwrap()).unwrap();
        let text: String = guide
            .file
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let plain = strip_links(&text);
        for rule in &insp.rules {
            for sentence in rule.quote.split('。').filter(|s| !s.trim().is_empty()) {
                let s: String = sentence.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(
                    plain.contains(&s),
                    "{}: rule `{}` quotes text not in the guide: {s}",
                    c.def.id,
                    rule.id
                );
            }
        }
    }
}

/// `[２（２）](@/x.md#a)` → `２（２）`, so quotes match the guide's text.
fn strip_links(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match (after.find("]("), after.find(')')) {
            (Some(close), Some(end)) if close < end => {
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn cli_reports_and_exits_one_on_failures() {
    let dir = tempfile::tempdir().unwrap();
    let v = vectors();
    let write_case = |name: &str, folder: &str| {
        let case = v.iter().find(|c| c["name"] == name).unwrap();
        let sub = dir.path().join(folder);
        std::fs::create_dir_all(&sub).unwrap();
        for f in case["files"].as_array().unwrap() {
            std::fs::write(
                sub.join(f["name"].as_str().unwrap()),
                f["content"].as_str().unwrap(),
            )
            .unwrap();
        }
        sub
    };
    let ok = write_case("complete-no-contract", "hospital-ok");
    let bad = write_case("two-vendors-cover-each-other", "hospital-bad");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kensa"))
            .args(["inspect", "--root", repo().to_str().unwrap()])
            .args(args)
            .output()
            .unwrap()
    };
    let good = run(&[ok.join("facility.json").to_str().unwrap()]);
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let text = String::from_utf8_lossy(&good.stdout);
    assert!(
        text.contains("①「医療機関確認用」チェックリストについて"),
        "{text}"
    );
    assert!(text.contains("現物を見て確認"), "{text}");

    let files: Vec<String> = ["facility.json", "vendor-a.json", "vendor-b.json"]
        .iter()
        .map(|f| bad.join(f).to_string_lossy().into_owned())
        .collect();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    let failed = run(&args);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stdout).contains("[不足]"));

    // many facilities at once, as JSON and CSV
    let ok_file = ok.join("facility.json").to_string_lossy().into_owned();
    args.push(&ok_file);
    let mut json_args = vec!["--format", "json"];
    json_args.extend(args.iter());
    let json = run(&json_args);
    assert_eq!(json.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&json.stdout).unwrap();
    let groups = value.as_array().unwrap();
    assert_eq!(groups.len(), 2, "files are grouped by folder");
    assert!(
        groups.iter().any(|g| g["failed"] == true) && groups.iter().any(|g| g["failed"] == false)
    );
    let mut csv_args = vec!["--format", "csv"];
    csv_args.extend(args.iter());
    let csv = run(&csv_args);
    let csv_text = String::from_utf8_lossy(&csv.stdout);
    assert!(csv_text.starts_with("facility,file,checklist,heading,rule,status,item,message\n"));
    assert!(csv_text.lines().count() > 10);
}
