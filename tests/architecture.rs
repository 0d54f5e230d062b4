//! The layout holds: no import circle between the modules of src/, no stage imports a later
//! stage, only the pipeline names the features, and the model and the shared helpers stand
//! below everything else. Read from the source, so that a new `use` that breaks one of these
//! fails here, naming the files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The build's stages in pipeline order (README, "How it is built").
const STAGES: &[&str] = &[
    "load", "parse", "validate", "render", "assets", "owners", "output", "pipeline",
];

/// Modules that import nothing of kensa's, or only each other.
const LEAVES: &[&str] = &["kit", "diag", "yaml", "markdown"];

type Graph = BTreeMap<String, BTreeMap<String, PathBuf>>;

/// Top-level module → the top-level modules it names, each with a file that names it.
fn imports() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph = Graph::new();
    for f in &files {
        let from = module_of(&src, f);
        let text = std::fs::read_to_string(f).unwrap();
        let entry = graph.entry(from.clone()).or_default();
        for to in named_modules(&without_tests_and_comments(&text)) {
            if to != from && modules.contains(&to) {
                entry.entry(to).or_insert_with(|| f.clone());
            }
        }
    }
    graph
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/features/guideline.rs` → `features`, `src/render.rs` → `render`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code a module's build uses: unit-test modules (which may reach for anything) and
/// comments cut away.
fn without_tests_and_comments(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines.peek().is_some_and(|next| next.contains("mod tests"))
        {
            break;
        }
        let code = line.split("//").next().unwrap_or_default();
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The first path segment after every `crate::`, and inside `use crate::{a, b::c}` groups.
fn named_modules(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => start = true,
                    c if c.is_whitespace() => {}
                    _ if start && depth == 1 => {
                        found.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found
}

#[test]
fn no_import_circle() {
    let graph = imports();
    // Depth-first search; a module met again while still on the path closes a circle.
    fn visit<'a>(
        g: &'a Graph,
        m: &'a str,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == m) {
            let mut circle: Vec<String> = path[i..].iter().map(|s| s.to_string()).collect();
            circle.push(m.to_string());
            return Some(circle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for to in g.get(m).into_iter().flat_map(|t| t.keys()) {
            if let Some(c) = visit(g, to, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(circle) = visit(&graph, m, &mut Vec::new(), &mut done) {
            let steps: Vec<String> = circle
                .windows(2)
                .map(|w| format!("{} → {} ({})", w[0], w[1], graph[&w[0]][&w[1]].display()))
                .collect();
            panic!("import circle:\n{}", steps.join("\n"));
        }
    }
}

#[test]
fn stages_import_only_earlier_stages_and_never_a_feature() {
    let graph = imports();
    let mut wrong = Vec::new();
    for (i, stage) in STAGES.iter().enumerate() {
        for (to, file) in graph.get(*stage).into_iter().flatten() {
            let later = STAGES[i + 1..].contains(&to.as_str());
            let feature = to == "features" && *stage != "pipeline";
            if later || feature {
                wrong.push(format!("{stage} imports {to} ({})", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Only the pipeline hands the table of features to the stages.
    let importers: Vec<&String> = graph
        .iter()
        .filter(|(_, to)| to.contains_key("features"))
        .map(|(from, _)| from)
        .collect();
    assert_eq!(importers, ["pipeline"], "who names the features");
}

#[test]
fn the_model_and_the_helpers_stand_below_everything() {
    let graph = imports();
    for leaf in LEAVES {
        let names: Vec<&String> = graph[*leaf]
            .keys()
            .filter(|to| !LEAVES.contains(&to.as_str()))
            .collect();
        assert!(names.is_empty(), "{leaf} imports {names:?}");
    }
    assert!(graph["kit"].is_empty(), "kit imports {:?}", graph["kit"]);
    let model: Vec<&String> = graph["model"]
        .keys()
        .filter(|to| !LEAVES.contains(&to.as_str()))
        .collect();
    assert!(model.is_empty(), "the model imports {model:?}");
}

#[test]
fn the_scanner_sees_grouped_and_nested_imports() {
    let code = "use crate::{assets, load::Loaded, render::{a, b}};\nlet x = crate::kit::root_prefix(u);\n// crate::ignored\n";
    let found = named_modules(&without_tests_and_comments(code));
    let want: BTreeSet<String> = ["assets", "load", "render", "kit"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want);
}
