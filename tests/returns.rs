//! `kensa inspect` and `kensa report` over a collection of returns, as a prefecture runs them:
//! folders walked, definitions from the published site (folder, unzipped copy or ZIP), findings
//! and answers as tables, every kind of bad file one line, and the counts checked against what
//! the generator (benches/gen_returns.py) wrote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::{kensa, text};

const TODAY: &str = "2024-06-01";

/// The real site built once, and a generated collection of returns with every kind of bad
/// file, shared by the tests (they only read them).
struct World {
    _dir: tempfile::TempDir,
    site: PathBuf,
    returns: PathBuf,
    manifest: Value,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("public");
        let root = env!("CARGO_MANIFEST_DIR");
        let out = kensa(&[
            "build",
            "--root",
            root,
            "--out",
            site.to_str().unwrap(),
            "-q",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let returns = dir.path().join("returns");
        let gen = Command::new("python3")
            .arg(Path::new(root).join("benches/gen_returns.py"))
            .args([site.to_str().unwrap(), returns.to_str().unwrap()])
            .args(["--files", "400", "--seed", "7", "--bad"])
            .output()
            .expect("python3 runs");
        assert!(gen.status.success(), "{}", text(&gen.stderr));
        let manifest_path = PathBuf::from(format!("{}.manifest.json", returns.display()));
        let manifest = serde_json::from_slice(&std::fs::read(manifest_path).unwrap()).unwrap();
        World {
            _dir: dir,
            site,
            returns,
            manifest,
        }
    })
}

/// Runs `kensa inspect` on the world's returns with `--site SITE` and extra arguments.
fn inspect(site: &Path, extra: &[&str]) -> Output {
    let w = world();
    let mut args = vec![
        "inspect",
        w.returns.to_str().unwrap(),
        "--site",
        site.to_str().unwrap(),
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    kensa(&args)
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

#[test]
fn folders_are_walked_and_every_bad_file_is_one_line_of_its_folder() {
    let w = world();
    let out = inspect(&w.site, &["--format", "csv-plain"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let rows = csv_rows(&text(&out.stdout));
    assert_eq!(rows[0][0], "facility");
    assert_eq!(rows.iter().filter(|r| r[0] == "facility").count(), 1);
    let mixed = w.returns.join("bad/mixed").display().to_string();
    let line = |file: &str| -> Vec<&Vec<String>> {
        rows.iter()
            .filter(|r| r[0] == mixed && r[1] == file)
            .collect()
    };
    for (file, status, words) in [
        ("readme.txt", "info", "回答ファイル（.json）ではない"),
        ("broken.json", "error", "JSON として読めません"),
        ("sjis.json", "error", "UTF-8 ではありません"),
        ("other.json", "error", "kensa-answers ではありません"),
        ("unknown-checklist.json", "error", "このサイトにありません"),
        ("unknown-edition.json", "error", "版「r6」"),
        ("link.json", "error", "シンボリックリンク"),
        ("pipe.json", "error", "通常のファイルではない"),
    ] {
        let found = line(file);
        assert_eq!(found.len(), 1, "{file}: {found:?}");
        assert_eq!(found[0][5], status, "{file}");
        assert!(found[0][7].contains(words), "{file}: {}", found[0][7]);
    }
    // Two facility forms in one folder: each judged alone, each told so.
    let twice = w.returns.join("bad/twice").display().to_string();
    let told = rows
        .iter()
        .filter(|r| r[0] == twice && r[4] == "file" && r[7].contains("複数"))
        .count();
    assert_eq!(told, 2);
    // Every generated facility is in the findings (each gets at least its first-round verdict).
    let facilities: std::collections::BTreeSet<&str> =
        rows[1..].iter().map(|r| r[0].as_str()).collect();
    let expected = w.manifest["facilities"].as_u64().unwrap() as usize + 1; // + bad/mixed
    assert_eq!(facilities.len(), expected);
    let summary = text(&out.stderr);
    assert!(summary.contains(&format!("施設 {expected}、")), "{summary}");
}

#[test]
fn the_answers_table_holds_every_answer_the_generator_wrote() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.csv");
    let out = inspect(
        &w.site,
        &["--format", "jsonl", "--answers", answers.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let rows = csv_rows(&std::fs::read_to_string(&answers).unwrap());
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (checklist, item, round, answer) =
        (col("checklist"), col("item"), col("round"), col("answer"));
    let mut counted: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for r in &rows[1..] {
        let key = format!("{}|{}|{}", r[checklist], r[item], r[round]);
        let a = if r[answer].is_empty() {
            "blank"
        } else {
            &r[answer]
        };
        *counted
            .entry(key)
            .or_default()
            .entry(a.to_string())
            .or_default() += 1;
    }
    let expected = w.manifest["answers"].as_object().unwrap();
    assert_eq!(counted.len(), expected.len());
    for (key, want) in expected {
        for a in ["yes", "no", "blank"] {
            let got = counted[key].get(a).copied().unwrap_or(0);
            assert_eq!(got, want[a].as_u64().unwrap(), "{key} {a}");
        }
    }
    // No partial file is left beside the table.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1);
    // jsonl: one finding per line, each with its facility.
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 100);
    assert!(lines
        .iter()
        .all(|l| l["facility"].is_string() && l["status"].is_string()));
}

#[test]
fn a_zip_and_an_unzipped_copy_of_the_site_give_the_same_findings() {
    let w = world();
    let from_folder = inspect(&w.site, &["--format", "csv-plain"]);
    let zip = w.site.join("kensa-site.zip");
    let from_zip = inspect(&zip, &["--format", "csv-plain"]);
    assert_eq!(text(&from_zip.stderr), text(&from_folder.stderr));
    assert_eq!(from_zip.stdout, from_folder.stdout);
    // Unzipped into a folder named after the ZIP, as Windows' Explorer does.
    let dir = tempfile::tempdir().unwrap();
    let unzipped = dir.path().join("kensa-site");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    archive.extract(&unzipped).unwrap();
    let from_copy = inspect(dir.path(), &["--format", "csv-plain"]);
    assert_eq!(from_copy.stdout, from_folder.stdout);
}

#[test]
fn a_site_that_is_not_one_stops_the_run_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let out = inspect(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no checklists/ folder"),
        "{}",
        text(&out.stderr)
    );
    // Returns that hold nothing: a mistaken folder, not a clean bill.
    let empty = tempfile::tempdir().unwrap();
    let out = kensa(&[
        "inspect",
        empty.path().to_str().unwrap(),
        "--site",
        world().site.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no files found under"),
        "{}",
        text(&out.stderr)
    );
    let out = inspect(&dir.path().join("notes.txt"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a folder and not a site ZIP"));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_return_with_nothing_missing_exits_0() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    // The facility form of a pharmacy that answered いいえ to the gate: nothing to check.
    let def: Value =
        serde_json::from_slice(&std::fs::read(w.site.join("checklists/r5/yakkyoku.json")).unwrap())
            .unwrap();
    let doc = serde_json::json!({
        "format": "kensa-answers", "format_version": 1, "generator": "test",
        "checklist": {"id": "r5-yakkyoku", "edition": "r5", "definition_hash": def["definition_hash"]},
        "updated_at": "2023-10-01T09:00:00.000Z", "fields": {}, "gate": "no",
        "switches": {}, "items": {}
    });
    std::fs::create_dir(dir.path().join("f1")).unwrap();
    std::fs::write(dir.path().join("f1/yakkyoku.json"), doc.to_string()).unwrap();
    let out = kensa(&[
        "inspect",
        dir.path().to_str().unwrap(),
        "--site",
        w.site.to_str().unwrap(),
        "--today",
        TODAY,
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(out.stderr.is_empty(), "-q prints no summary");
}

#[test]
fn the_report_is_one_page_with_charts_and_the_numbers_in_tables() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let out = kensa(&[
        "report",
        w.returns.to_str().unwrap(),
        "--site",
        w.site.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<script"));
    assert!(
        !html.contains("<link"),
        "self-contained: no stylesheet to fetch"
    );
    // The CSP names the inline stylesheet by its hash.
    let css = &html[html.find("<style>").unwrap() + 7..html.find("</style>").unwrap()];
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    assert!(html.contains(&format!("style-src 'sha256-{hash}'")));
    // The 1回目 counts of 薬局確認用 １（１） as the generator wrote them, in its row.
    let want = &w.manifest["applicable_answers"]["r5-yakkyoku|current-1-1|r1"];
    let section = &html[html.find("id=\"c-r5-yakkyoku\"").unwrap()..];
    let row = &section[section.find("<th scope=\"row\">１（１）").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<svg"), "{row}");
    for a in ["yes", "no"] {
        let n = want[a].as_u64().unwrap();
        assert!(
            row.contains(&format!("<td class=\"num\">{n}<span")),
            "{a} {n}: {row}"
        );
    }
    assert!(html.contains("読めなかったファイル"));
}

/// `--answers` into a FIFO (a loader reading as kensa writes) is written straight: renaming a
/// finished file over it would replace the pipe (or `/dev/null`) with a plain file. A link to a
/// file stays a link, and the file it leads to gets the table.
#[cfg(unix)]
#[test]
fn answers_go_straight_into_a_pipe_and_through_a_link() {
    use std::os::unix::fs::FileTypeExt;
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("answers.pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let out = inspect(&w.site, &["-q", "--answers", fifo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let table = text(&reader.join().unwrap());
    assert!(table.starts_with("facility,file,checklist,edition,"));
    assert!(table.lines().count() > 1000);
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = inspect(&w.site, &["-q", "--answers", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), table);
}

/// The published site carries what inspection per edition needs: each checklist's edition with
/// its name and fiscal year (a file of an older edition than the one in force is said so).
#[test]
fn a_published_site_names_its_editions_and_their_years() {
    use kensa::model::Definitions;
    let w = world();
    let published = kensa::published::load(&w.site).unwrap();
    let r5 = published.edition("r5").expect("r5 is published");
    assert_eq!(r5.fiscal_year, 2023);
    assert_eq!(r5.name, "令和5年度版");
    let (site, _) = kensa::pipeline::load_site(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(published.checklists().len(), site.checklists.len());
    for c in &site.checklists {
        let p = published.checklist(&c.def.id).unwrap();
        assert_eq!(p.definition_hash, c.definition_hash, "{}", c.def.id);
    }
}

/// Runs `kensa inspect` on the world's returns with its stderr on a terminal (util-linux
/// `script` gives it a pseudo-terminal; the findings go to a file), and returns what the terminal
/// showed.
fn inspect_on_a_terminal(extra: &str) -> (String, String) {
    let w = world();
    let out_file = tempfile::NamedTempFile::new().unwrap();
    let command = format!(
        "'{}' inspect '{}' --site '{}' --today {TODAY} --format csv {extra} > '{}'",
        env!("CARGO_BIN_EXE_kensa"),
        w.returns.display(),
        w.site.display(),
        out_file.path().display()
    );
    let shown = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script (bsdutils) runs");
    let findings = std::fs::read_to_string(out_file.path()).unwrap();
    (text(&shown.stdout), findings)
}

#[test]
fn a_terminal_sees_the_progress_and_the_summary_and_a_pipe_only_the_results() {
    let (shown, findings) = inspect_on_a_terminal("");
    assert!(
        shown.contains("ファイル（"),
        "the spinner with the file count and rate: {shown:?}"
    );
    assert!(
        shown.contains("回答ファイル"),
        "the summary line: {shown:?}"
    );
    // -q: neither progress nor summary, on a terminal too.
    let (quiet, _) = inspect_on_a_terminal("-q");
    assert!(!quiet.contains("ファイル（"), "{quiet:?}");
    assert!(!quiet.contains("回答ファイル"), "{quiet:?}");
    // Not a terminal (the other tests' runs): stderr holds the summary and no spinner.
    let piped = inspect(&world().site, &["--format", "csv"]);
    let stderr = text(&piped.stderr);
    assert!(stderr.contains("回答ファイル"), "{stderr}");
    assert!(
        !stderr.contains("ファイル（"),
        "no spinner into a pipe: {stderr}"
    );
    // The progress never mixes into the results: stdout is the same either way.
    assert_eq!(findings, text(&piped.stdout));
}
