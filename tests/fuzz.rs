//! Fuzzing the input path on stable Rust: every parser gets inputs made by mutating the real
//! content (and answer files), and none may panic or take long. A seeded mutator of our own
//! (no nightly toolchain, no new crate): byte flips, insertions of the characters parsers trip
//! on, cuts, repeated and swapped lines, deep nesting.
//!
//! `cargo test --test fuzz` runs a short round (KENSA_FUZZ_INPUTS, default 300 per target);
//! `bash scripts/fuzz.sh [N]` runs N per target in an optimised build and prints the figures.
//! Every input that once crashed is kept in `tests/fuzz_regressions/` and replayed first.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use kensa::diag::SourceFile;

mod common;
use common::Rng;

/// What YAML, Markdown, JSON and the tokenizer treat specially.
const SPICE: &[&str] = &[
    "\n",
    "\r\n",
    "\t",
    " ",
    ":",
    "- ",
    "#",
    "&a ",
    "*a",
    "!!binary ",
    "|",
    ">",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "\\",
    "---\n",
    "...\n",
    "`",
    "```",
    "[[GL6 ",
    "]]",
    "@/",
    "(",
    ")",
    "<",
    "</",
    "<div>",
    "&#",
    "\u{0}",
    "\u{feff}",
    "\u{200b}",
    "\u{3000}",
    "あ",
    "１",
    "（",
    "①",
    "😀",
    "\u{d7ff}",
    "9999999999999999999999",
    "-0",
    "1e400",
    "null",
    "~",
    "yes",
    "no",
    "=",
    "%",
    "\u{7f}",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(8) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let s = SPICE[rng.below(SPICE.len())].as_bytes();
                v.splice(at..at, s.iter().copied());
            }
            2 => v.truncate(at),
            3 if !v.is_empty() => {
                let end = (at + rng.below(200)).min(v.len());
                v.drain(at.min(end)..end);
            }
            4 => {
                // Repeat a line many times.
                let text = String::from_utf8_lossy(&v).into_owned();
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let line = lines[rng.below(lines.len())];
                    let times = 1 + rng.below(50);
                    let extra = format!("{line}\n").repeat(times);
                    v.splice(at..at, extra.into_bytes());
                }
            }
            5 => {
                // Nest: quotes, lists, brackets.
                let open = ["> ", "- ", "[", "{", "  ", "<b>"][rng.below(6)];
                let deep = open.repeat(1 + rng.below(400));
                v.splice(at..at, deep.into_bytes());
            }
            6 => {
                let s = SPICE[rng.below(SPICE.len())].repeat(1 + rng.below(30));
                v.splice(at..at, s.into_bytes());
            }
            _ => {
                let other = rng.below(v.len() + 1);
                let (a, b) = (at.min(other), at.max(other));
                v[a..b].reverse();
            }
        }
    }
    v
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn inputs_per_target() -> usize {
    std::env::var("KENSA_FUZZ_INPUTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

const SLOW: Duration = Duration::from_secs(5);

/// Runs `target` on every input: regressions first, then mutations of the seeds. Fails naming
/// the input (saved under target/fuzz-failures/) that panicked or ran longer than SLOW.
fn fuzz(name: &str, seeds: &[Vec<u8>], target: impl Fn(&[u8])) {
    let mut inputs: Vec<Vec<u8>> = regressions(name);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let n = inputs_per_target();
    for _ in 0..n {
        let seed = &seeds[rng.below(seeds.len())];
        inputs.push(mutate(&mut rng, seed));
    }
    let started = Instant::now();
    let mut failures = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| target(input)));
        let took = t.elapsed();
        if result.is_err() || took > SLOW {
            let dir = repo().join("target/fuzz-failures");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{name}-{i}.bin"));
            std::fs::write(&file, input).unwrap();
            failures.push(format!(
                "{} ({:?}): {}",
                file.display(),
                took,
                if result.is_err() { "panic" } else { "slow" }
            ));
        }
    }
    eprintln!(
        "fuzz {name}: {} inputs in {:.1} s, {} failure(s)",
        inputs.len(),
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

fn regressions(name: &str) -> Vec<Vec<u8>> {
    let dir = repo().join("tests/fuzz_regressions").join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join(rel)).unwrap()
}

/// A site of site.yaml and one more file, parsed and validated as `kensa check` would.
fn parse_and_validate(rel: &str, bytes: &[u8]) -> Option<kensa::model::Site> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return None; // the load stage refuses it, with its place (tests/output_safety.rs)
    };
    let config = SourceFile::new(
        "content/site.yaml",
        std::fs::read_to_string(repo().join("content/site.yaml")).unwrap(),
    );
    let loaded = kensa::load::Loaded {
        sources: vec![config, SourceFile::new(rel, text)],
        static_files: Vec::new(),
        warnings: Vec::new(),
    };
    let site = kensa::parse::parse(loaded).ok()?;
    let _ = kensa::validate::validate(&site, kensa::features::ALL);
    Some(site)
}

fn seeds_under(dir: &str, ext: &str) -> Vec<Vec<u8>> {
    walkdir::WalkDir::new(repo().join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect()
}

#[test]
fn checklist_definitions() {
    let seeds = seeds_under("content/checklists", "yaml");
    // The seeds themselves get through parsing: the mutations start from a working input.
    let site = parse_and_validate("content/checklists/r5/iryokikan.yaml", &seeds[0]).unwrap();
    assert_eq!(site.checklists.len(), 1);
    fuzz("checklist", &seeds, |b| {
        parse_and_validate("content/checklists/r5/fuzz.yaml", b);
    });
}

#[test]
fn markdown_pages() {
    let seeds = seeds_under("content/manuals", "md");
    fuzz("markdown", &seeds, |b| {
        let _ = parse_and_validate("content/manuals/yakkyoku/99-fuzz.md", b);
        // The rendering path that once overflowed the stack: Markdown, then the minifier.
        let text = String::from_utf8_lossy(b);
        let md = kensa::markdown::render(&text);
        let _ = kensa::kit::minify_html(&md.html);
    });
}

#[test]
fn guideline_references() {
    let page = String::from_utf8(read("content/manuals/yakkyoku/20-kanri.md")).unwrap();
    let refs: Vec<Vec<u8>> = page
        .match_indices("[[GL6")
        .map(|(i, _)| page[i..].lines().next().unwrap().as_bytes().to_vec())
        .chain([
            b"[[GL6 \xe4\xbc\x81\xe7\x94\xbb\xe7\xae\xa1\xe7\x90\x86\xe7\xb7\xa8 13.1.3]]".to_vec(),
        ])
        .collect();
    fuzz("guideline-ref", &refs, |b| {
        let line = String::from_utf8_lossy(b);
        let body = format!("---\ntitle: 参照\n---\n\n{line}\n");
        let _ = parse_and_validate("content/manuals/yakkyoku/99-refs.md", body.as_bytes());
    });
}

#[test]
fn flowchart_definitions() {
    let seeds = seeds_under("content/flowcharts", "yaml");
    fuzz("flowchart", &seeds, |b| {
        let Ok(text) = std::str::from_utf8(b) else {
            return;
        };
        let file = SourceFile::new("content/flowcharts/incident-response.yaml", text);
        if let Ok(fc) = kensa::model::flowchart::parse(&file) {
            if !kensa::features::flowchart::check(&fc).has_errors() {
                let _ = kensa::features::flowchart::svg(&fc);
            }
        }
    });
}

#[test]
fn answer_files() {
    let (site, _) = kensa::pipeline::load_site(&repo()).unwrap();
    let vectors: Vec<serde_json::Value> =
        serde_json::from_slice(&read("tests/inspection/vectors.json")).unwrap();
    let seeds: Vec<Vec<u8>> = vectors
        .iter()
        .flat_map(|v| v["files"].as_array().unwrap().clone())
        .filter_map(|f| f["content"].as_str().map(|s| s.as_bytes().to_vec()))
        .collect();
    let today = kensa::inspect::Day::parse("2023-12-01").unwrap();
    fuzz("answers", &seeds, |b| {
        let files = vec![
            ("a.json".to_string(), b.to_vec()),
            ("b.json".to_string(), b.to_vec()),
        ];
        let report = kensa::inspect::inspect(&site, &files, today);
        let _ = kensa::inspect::to_text("x", &report);
    });
}

#[test]
fn search_queries() {
    let seeds: Vec<Vec<u8>> = [
        "医療情報システム",
        "バックアップ 復旧",
        "２（４）",
        "GL6 企画管理編 13.1.3",
        "ｻｰﾊﾞ",
        "\"完全一致\"",
        "a-b_c",
        "😀𠀋",
        "",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    fuzz("search", &seeds, |b| {
        let q = String::from_utf8_lossy(b);
        let tokens = kensa::features::search::tokenize(&q);
        for t in &tokens {
            let _ = kensa::features::search::token_hash(t);
        }
        let _ = kensa::features::search::normalize(&q);
    });
}

#[test]
fn the_mutator_reaches_what_parsers_trip_on() {
    let mut rng = Rng(1);
    let seed = b"a: b\n".to_vec();
    let made: Vec<Vec<u8>> = (0..2000).map(|_| mutate(&mut rng, &seed)).collect();
    assert!(made.iter().any(|m| m.len() > 400), "deep nesting is made");
    assert!(made.iter().any(|m| m.is_empty()), "cut to nothing");
    assert!(
        made.iter().any(|m| std::str::from_utf8(m).is_err()),
        "invalid UTF-8 is made"
    );
}
