//! The offline outputs of a build of this repository's site: the answers JSON Schema against
//! docs/answers-format.md, the service worker, and the site ZIP against the output folder.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use kensa::features::offline::{answers_schema, SCHEMA_PATH, SW_PATH, ZIP_PATH, ZIP_SIZE_MARK};
use kensa::pipeline::{build, BuildOptions};
use serde_json::Value;

mod common;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn built(live_reload: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    if let Err(d) = build(&BuildOptions {
        root: repo(),
        out: out.clone(),
        live_reload,
    }) {
        panic!(
            "the site does not build: {:?}",
            d.sorted()
                .iter()
                .map(|d| d.render(false))
                .collect::<Vec<_>>()
        );
    }
    (dir, out)
}

/// The site's files: all but the marker that says kensa wrote the folder.
/// The site's files, without kensa's own output marker (not part of the site).
fn site_files(dir: &Path) -> BTreeSet<String> {
    let mut files = common::files_under(dir);
    files.remove(".kensa-output");
    files
}

/// The ```json example of docs/answers-format.md, and the whole doc.
fn doc() -> (Value, String) {
    let text = std::fs::read_to_string(repo().join("docs/answers-format.md")).unwrap();
    let start = text.find("```json\n").expect("the doc has a JSON example") + "```json\n".len();
    let end = start + text[start..].find("```").unwrap();
    (
        serde_json::from_str(&text[start..end]).expect("the doc's example is JSON"),
        text,
    )
}

/// Schema keywords this test knows how to check; the schema may use no others.
const KEYWORDS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "type",
    "required",
    "properties",
    "additionalProperties",
    "const",
    "enum",
    "pattern",
    "format",
    "minLength",
    "items",
];

fn check_schema_shape(s: &Value, at: &str, names: &mut BTreeSet<String>) {
    let Some(o) = s.as_object() else {
        panic!("{at}: a schema is an object")
    };
    for k in o.keys() {
        assert!(KEYWORDS.contains(&k.as_str()), "{at}: unknown keyword {k}");
    }
    if let Some(t) = o.get("type") {
        let types: Vec<&Value> = t.as_array().map(|a| a.iter().collect()).unwrap_or(vec![t]);
        for t in types {
            assert!(
                ["object", "string", "null", "integer", "number", "array", "boolean"]
                    .contains(&t.as_str().unwrap()),
                "{at}: bad type {t}"
            );
        }
    }
    let props = o.get("properties").and_then(Value::as_object);
    if let Some(req) = o.get("required") {
        for r in req.as_array().unwrap() {
            let r = r.as_str().unwrap();
            assert!(
                props.is_some_and(|p| p.contains_key(r)),
                "{at}: required {r} is not a property"
            );
        }
    }
    for (k, v) in props.into_iter().flatten() {
        names.insert(k.clone());
        check_schema_shape(v, &format!("{at}.{k}"), names);
    }
    if let Some(a) = o.get("additionalProperties").filter(|a| a.is_object()) {
        check_schema_shape(a, &format!("{at}.*"), names);
    }
    if let Some(i) = o.get("items") {
        check_schema_shape(i, &format!("{at}[]"), names);
    }
    if let Some(p) = o.get("pattern") {
        assert!(
            p.as_str()
                .is_some_and(|p| p.starts_with('^') && p.ends_with('$')),
            "{at}: anchored pattern"
        );
    }
}

/// The schema as a validator: itself checked against the JSON Schema 2020-12 meta-schema, with
/// `format` asserted (date-time), as the browser tests' ajv does.
fn validator(schema: &Value) -> jsonschema::Validator {
    if let Err(e) = jsonschema::meta::validate(schema) {
        panic!("the published schema breaks the 2020-12 meta-schema: {e}");
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles")
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_is_published_valid_and_matches_the_doc() {
    let (_dir, out) = built(false);
    let text = std::fs::read_to_string(out.join(SCHEMA_PATH)).expect("the schema is published");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(schema, answers_schema());
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );

    let mut names = BTreeSet::new();
    check_schema_shape(&schema, "schema", &mut names);

    let (example, doc) = doc();
    let validator = validator(&schema);
    let found = errors(&validator, &example);
    assert!(
        found.is_empty(),
        "the doc's example does not fit the schema:\n{}",
        found.join("\n")
    );
    // The validator holds the rules the doc states (so the check above is not vacuous).
    for (path, wrong) in [
        ("/items/current-1-1/r1/answer", serde_json::json!(true)),
        ("/items/current-1-1/r1/date", serde_json::json!(20231001)),
        ("/format_version", serde_json::json!(2)),
        ("/updated_at", serde_json::json!("yesterday")),
        ("/checklist/extra", serde_json::json!("x")),
    ] {
        let mut broken = example.clone();
        let (parent, key) = path.rsplit_once('/').unwrap();
        broken.pointer_mut(parent).unwrap()[key] = wrong;
        assert!(!errors(&validator, &broken).is_empty(), "{path} accepted");
    }

    // Every property the schema knows is explained in the doc, by name.
    for n in &names {
        assert!(
            doc.contains(&format!("\"{n}\""))
                || doc.contains(&format!("`{n}`"))
                || doc.contains(&format!("`{n}.")),
            "the schema's property {n} is not in docs/answers-format.md"
        );
    }
    // The example shows every top-level property, and each item round as the schema has it.
    for k in schema["properties"].as_object().unwrap().keys() {
        assert!(example.get(k).is_some(), "the doc's example has no {k}");
    }
    let item = example["items"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    for k in schema["properties"]["items"]["additionalProperties"]["properties"]
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(item.get(k).is_some(), "the doc's example item has no {k}");
    }
}

#[test]
fn zip_contains_every_output_file() {
    let (_dir, out) = built(false);
    let files = site_files(&out);
    for f in [
        SCHEMA_PATH,
        SW_PATH,
        ZIP_PATH,
        "index.html",
        "assets/js/form-files.js",
    ] {
        assert!(files.contains(f), "no {f} in the output");
    }
    assert!(
        !files.contains("assets/js/sw.js"),
        "the worker's template is not published"
    );

    let mut zip = zip::ZipArchive::new(std::fs::File::open(out.join(ZIP_PATH)).unwrap()).unwrap();
    let names: BTreeSet<String> = zip.file_names().map(String::from).collect();
    let expected: BTreeSet<String> = files.iter().filter(|f| *f != ZIP_PATH).cloned().collect();
    assert_eq!(
        names, expected,
        "the ZIP holds exactly the site's other files"
    );
    for name in &expected {
        let mut bytes = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut bytes).unwrap();
        let on_disk = std::fs::read(out.join(name)).unwrap();
        if name == "index.html" {
            let html = String::from_utf8(bytes).unwrap();
            assert!(
                !html.contains(ZIP_PATH),
                "the ZIP's home page does not offer the ZIP"
            );
            assert!(html.contains("<h1"), "the ZIP's home page is whole");
        } else {
            assert!(bytes == on_disk, "{name} differs in the ZIP");
        }
    }
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        !home.contains(ZIP_SIZE_MARK),
        "the home page shows the ZIP's size"
    );
    assert!(home.contains(ZIP_PATH));
}

#[test]
fn service_worker_lists_the_site_and_is_versioned() {
    let (_dir, out) = built(false);
    let sw = std::fs::read_to_string(out.join(SW_PATH)).unwrap();
    assert!(!sw.contains("__KENSA"), "placeholders filled in");
    // The worker is minified (`var …,FILES=[…],…`): read the JSON array after `FILES =`.
    let at = sw.find("FILES").unwrap() + "FILES".len();
    let value = sw[at..]
        .trim_start()
        .strip_prefix('=')
        .unwrap()
        .trim_start();
    let list: Vec<String> = serde_json::Deserializer::from_str(value)
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    let files = site_files(&out);
    for f in &files {
        if f != ZIP_PATH && f != SW_PATH {
            assert!(list.contains(f), "{f} is not cached for offline use");
        }
    }
    // The form's second script is loaded only on use, by no <script> tag: it must be cached all
    // the same, or export and import would fail offline.
    for f in ["assets/js/form.js", "assets/js/form-files.js"] {
        assert!(
            list.iter().any(|l| l == f),
            "{f} is not cached for offline use"
        );
    }
    assert!(
        !list.iter().any(|f| f == ZIP_PATH),
        "the ZIP is a download, not cached"
    );

    let (_dir2, served) = built(true);
    let retire = std::fs::read_to_string(served.join(SW_PATH)).unwrap();
    assert!(
        retire.contains("unregister"),
        "under kensa serve the worker removes itself"
    );
}
