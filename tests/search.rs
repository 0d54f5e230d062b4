//! Search: the tokenizer against the vectors shared with search.js, and the index the real site
//! (content/ + themes/) builds: every file registers itself, every result leads to an anchor that
//! exists, the four queries of the browser test find what they should, and the whole index stays
//! within its size budget.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::OnceLock;

use kensa::features::search::{normalize, token_hash, tokenize};
use kensa::pipeline::{build, BuildOptions};
use serde_json::Value;

/// Compressed size the whole index must stay under on the real site.
const BUDGET_GZIP_BYTES: usize = 300 * 1024;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn tokenizer_matches_the_shared_vectors() {
    let text = std::fs::read_to_string(repo().join("tests/search_vectors.json")).unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "too few cases");
    for case in cases {
        let input = case["input"].as_str().unwrap();
        assert_eq!(
            normalize(input),
            case["normalized"].as_str().unwrap(),
            "normalize({input:?})"
        );
        let expected: Vec<&str> = case["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(tokenize(input), expected, "tokenize({input:?})");
    }
    for h in vectors["hashes"].as_array().unwrap() {
        let token = h["token"].as_str().unwrap();
        assert_eq!(
            u64::from(token_hash(token)),
            h["hash"].as_u64().unwrap(),
            "token_hash({token:?})"
        );
    }
}

/// The real site, built once for every test below.
struct Built {
    _dir: tempfile::TempDir,
    out: std::path::PathBuf,
    /// `search/…` file name → contents.
    files: BTreeMap<String, String>,
    meta: Value,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&BuildOptions {
            root: env!("CARGO_MANIFEST_DIR").into(),
            out: out.clone(),
            live_reload: false,
        })
        .unwrap_or_else(|d| panic!("the site does not build: {} error(s)", d.error_count()));
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(out.join("search")).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(name, std::fs::read_to_string(entry.path()).unwrap());
        }
        let meta = payload(&files["index-meta.js"], "meta", 0);
        Built {
            _dir: dir,
            out,
            files,
            meta,
        }
    })
}

/// The data a script file hands to `KensaSearch.add(kind, n, data)`.
fn payload(script: &str, kind: &str, n: usize) -> Value {
    let head = format!("KensaSearch.add(\"{kind}\",{n},");
    let body = script
        .strip_prefix(&head)
        .and_then(|s| s.trim_end().strip_suffix(");"))
        .unwrap_or_else(|| panic!("not a {kind} {n} registration: {}", &script[..80]));
    serde_json::from_str(body).unwrap()
}

fn shard(b: &Built, token: &str) -> Value {
    let count = b.meta["shards"].as_u64().unwrap() as u32;
    let n = (token_hash(token) % count) as usize;
    payload(&b.files[&format!("shard-{n:02}.js")], "shard", n)
}

/// Documents holding every token of the query, with how many of the tokens each holds in
/// its own text: the first two inputs of the browser's ranking.
fn lookup(b: &Built, query: &str) -> BTreeMap<usize, usize> {
    let tokens: BTreeSet<String> = tokenize(query).into_iter().collect();
    let mut hits: HashMap<usize, (usize, usize)> = HashMap::new();
    for t in &tokens {
        let Some(list) = shard(b, t).get(t).cloned() else {
            return BTreeMap::new();
        };
        let mut doc = 0;
        for v in list.as_array().unwrap() {
            let v = v.as_u64().unwrap() as usize;
            doc += v >> 1;
            let e = hits.entry(doc).or_default();
            e.0 += 1;
            e.1 += v & 1;
        }
    }
    hits.into_iter()
        .filter(|(_, (all, _))| *all == tokens.len())
        .map(|(d, (_, own))| (d, own))
        .collect()
}

fn doc_url(b: &Built, doc: usize) -> String {
    b.meta["docs"][doc][2].as_str().unwrap().to_string()
}

#[test]
fn every_index_file_registers_itself() {
    let b = built();
    let shards = b.meta["shards"].as_u64().unwrap() as usize;
    let chunks = b.meta["chunks"].as_array().unwrap();
    assert!(shards.is_power_of_two() && shards >= 16, "{shards} shards");
    let mut expected: BTreeSet<String> = (0..shards).map(|n| format!("shard-{n:02}.js")).collect();
    expected.extend((0..chunks.len()).map(|n| format!("text-{n:02}.js")));
    expected.insert("index-meta.js".into());
    assert_eq!(b.files.keys().cloned().collect::<BTreeSet<_>>(), expected);

    let docs = b.meta["docs"].as_array().unwrap();
    let labels = b.meta["labels"].as_array().unwrap();
    let kinds = b.meta["kinds"].as_array().unwrap();
    let mut texts = 0;
    for (n, start) in chunks.iter().enumerate() {
        let chunk = payload(&b.files[&format!("text-{n:02}.js")], "text", n);
        assert_eq!(start.as_u64().unwrap() as usize, texts, "chunk {n} start");
        texts += chunk.as_array().unwrap().len();
    }
    assert_eq!(texts, docs.len(), "one text per document");
    for d in docs {
        assert!(d[0].as_u64().unwrap() < kinds.len() as u64);
        assert!(!d[1].as_str().unwrap().trim().is_empty(), "untitled: {d}");
        assert!(d[3].as_u64().unwrap() < labels.len() as u64);
    }
    // A token is only where its hash says: the browser looks nowhere else.
    for n in 0..shards {
        let data = payload(&b.files[&format!("shard-{n:02}.js")], "shard", n);
        for token in data.as_object().unwrap().keys() {
            assert_eq!(
                token_hash(token) as usize % shards,
                n,
                "{token} in shard {n}"
            );
        }
    }
}

#[test]
fn every_kind_of_page_is_indexed_and_every_result_lands_on_its_anchor() {
    let b = built();
    let docs = b.meta["docs"].as_array().unwrap();
    let kinds: Vec<&str> = b.meta["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut pages: HashMap<String, String> = HashMap::new();
    for d in docs {
        seen.insert(kinds[d[0].as_u64().unwrap() as usize]);
        let url = d[2].as_str().unwrap();
        let (path, anchor) = url.split_once('#').unwrap_or((url, ""));
        let html = pages.entry(path.to_string()).or_insert_with(|| {
            std::fs::read_to_string(b.out.join(path))
                .unwrap_or_else(|_| panic!("{url}: no page {path}"))
        });
        if !anchor.is_empty() {
            let quoted = format!("id=\"{anchor}\"");
            let bare = format!("id={anchor}");
            let found = html.contains(&quoted)
                || html
                    .match_indices(&bare)
                    .any(|(i, _)| matches!(html.as_bytes().get(i + bare.len()), Some(b' ' | b'>')));
            assert!(found, "{url}: no element with id {anchor}");
        }
    }
    for kind in [
        "チェックリスト",
        "チェック項目",
        "チェックリストの注記",
        "マニュアル",
        "立入検査の手引き",
        "ページ",
        "ガイドライン",
        "フローチャート",
    ] {
        assert!(seen.contains(kind), "no {kind} documents: {seen:?}");
    }
    // Items of all eight checklists, the manual pages' sections, both guides.
    let urls: Vec<String> = (0..docs.len()).map(|d| doc_url(b, d)).collect();
    for prefix in [
        "checklists/r5/yakkyoku.html#current-",
        "checklists/y2021/keieiso.html#no-",
        "manuals/iryokikan/30-incident.html#item-3-1",
        "guides/yakkyoku.html#",
        "about/legal.html",
        "guideline/kikaku.html#kikaku-13",
        "flowcharts/incident-response.html#step-2-5",
    ] {
        assert!(
            urls.iter().any(|u| u.starts_with(prefix)),
            "nothing indexed at {prefix}"
        );
    }
}

#[test]
fn the_browser_test_queries_find_their_items() {
    let b = built();
    let cases = [
        // query, a document that must match, and whether the match is in its own text
        (
            "リモートメンテナンス",
            "checklists/r5/yakkyoku.html#current-2-all-2",
            true,
        ),
        (
            "ＭＤＳ",
            "checklists/r5/yakkyoku.html#current-2-all-3",
            true,
        ),
        (
            "13.1.3",
            "checklists/r5/yakkyoku.html#current-2-server-4",
            false,
        ),
        (
            "連絡体制図",
            "manuals/yakkyoku/30-incident.html#item-3-1",
            true,
        ),
        (
            "２（３）",
            "checklists/r5/iryokikan.html#current-2-all-3",
            true,
        ),
        ("２（３）", "manuals/iryokikan/20-kanri.html#item-2-3", true),
    ];
    for (query, url, in_own_text) in cases {
        let found = lookup(b, query);
        let hit = found.iter().find(|(d, _)| doc_url(b, **d) == url);
        let Some((_, own)) = hit else {
            let urls: Vec<String> = found.keys().map(|d| doc_url(b, *d)).collect();
            panic!("{query}: {url} not among {urls:?}");
        };
        let all = tokenize(query).into_iter().collect::<BTreeSet<_>>().len();
        assert_eq!(*own == all, in_own_text, "{query} in the own text of {url}");
    }
    assert!(lookup(b, "存在しない語句ですよ").is_empty());
}

#[test]
fn search_page_and_header_box() {
    let b = built();
    let page = std::fs::read_to_string(b.out.join("search.html")).unwrap();
    for needed in [
        "role=search",
        "for=search-q",
        "id=search-q",
        "aria-live=polite",
        "search.js",
    ] {
        assert!(page.contains(needed), "search.html lacks {needed}");
    }
    assert!(
        !page.contains("<script>") && !page.contains("style="),
        "inline script or style"
    );
    let other = std::fs::read_to_string(b.out.join("manuals/yakkyoku/20-kanri.html")).unwrap();
    for needed in [
        "role=search",
        "action=../../search.html",
        "for=site-search-q",
        "name=q",
    ] {
        assert!(other.contains(needed), "header search box lacks {needed}");
    }
}

fn gzip_size(name: &str, bytes: &[u8]) -> usize {
    // DEFLATE via the zip crate the build already uses; a .gz adds an 18-byte header and trailer.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    zip.start_file(name, options).unwrap();
    zip.write_all(bytes).unwrap();
    let data = zip.finish().unwrap().into_inner();
    let mut archive = zip::ZipArchive::new(Cursor::new(data)).unwrap();
    let size = archive.by_index(0).unwrap().compressed_size() as usize;
    size + 18
}

#[test]
fn index_fits_the_size_budget() {
    let b = built();
    let raw: usize = b.files.values().map(String::len).sum();
    let gzip: usize = b
        .files
        .iter()
        .map(|(n, t)| gzip_size(n, t.as_bytes()))
        .sum();
    let meta = gzip_size("m", b.files["index-meta.js"].as_bytes());
    println!(
        "search index: {} files, {raw} bytes raw, {gzip} bytes gzip (index-meta.js {meta} gzip); {} documents, {} shards",
        b.files.len(),
        b.meta["docs"].as_array().unwrap().len(),
        b.meta["shards"]
    );
    assert!(
        gzip < BUDGET_GZIP_BYTES,
        "index is {gzip} bytes gzipped, budget {BUDGET_GZIP_BYTES}"
    );
}
