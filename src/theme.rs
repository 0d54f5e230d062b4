//! Themes: Tera templates and static assets under `themes/<name>/`. The default theme is also
//! compiled into the binary, so `kensa init` can write it, a site without a `themes/` folder
//! still builds, and `themes/default/` need only hold the files a site changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// A theme, loaded: its templates compiled, its static files read.
pub struct Theme {
    /// The folder name under `themes/` (`default`).
    pub name: String,
    /// Where the theme lives, relative to the site root (for messages).
    pub dir: PathBuf,
    /// The compiled templates.
    pub tera: Tera,
    /// Template name → source, for error snippets.
    pub templates: BTreeMap<String, SourceFile>,
    /// Static assets: path under `static/` → bytes.
    pub assets: BTreeMap<String, Vec<u8>>,
}

/// The default theme's files, embedded at compile time.
pub const DEFAULT_THEME: &[(&str, &str)] = &[
    (
        "templates/base.html",
        include_str!("../themes/default/templates/base.html"),
    ),
    (
        "templates/home.html",
        include_str!("../themes/default/templates/home.html"),
    ),
    (
        "templates/page.html",
        include_str!("../themes/default/templates/page.html"),
    ),
    (
        "templates/manual_page.html",
        include_str!("../themes/default/templates/manual_page.html"),
    ),
    (
        "templates/manual_index.html",
        include_str!("../themes/default/templates/manual_index.html"),
    ),
    (
        "templates/guide.html",
        include_str!("../themes/default/templates/guide.html"),
    ),
    (
        "templates/checklist.html",
        include_str!("../themes/default/templates/checklist.html"),
    ),
    (
        "templates/partials/discrepancy_items.html",
        include_str!("../themes/default/templates/partials/discrepancy_items.html"),
    ),
    (
        "templates/partials/derived_notice.html",
        include_str!("../themes/default/templates/partials/derived_notice.html"),
    ),
    (
        "templates/checklist_print.html",
        include_str!("../themes/default/templates/checklist_print.html"),
    ),
    (
        "templates/checklist_about.html",
        include_str!("../themes/default/templates/checklist_about.html"),
    ),
    (
        "templates/checklist_changes.html",
        include_str!("../themes/default/templates/checklist_changes.html"),
    ),
    (
        "templates/flowchart.html",
        include_str!("../themes/default/templates/flowchart.html"),
    ),
    (
        "templates/folder.html",
        include_str!("../themes/default/templates/folder.html"),
    ),
    (
        "templates/404.html",
        include_str!("../themes/default/templates/404.html"),
    ),
    (
        "templates/guideline.html",
        include_str!("../themes/default/templates/guideline.html"),
    ),
    (
        "templates/guideline_index.html",
        include_str!("../themes/default/templates/guideline_index.html"),
    ),
    (
        "templates/guideline_gl52.html",
        include_str!("../themes/default/templates/guideline_gl52.html"),
    ),
    (
        "templates/guideline_requirement.html",
        include_str!("../themes/default/templates/guideline_requirement.html"),
    ),
    (
        "templates/guideline_backlinks.html",
        include_str!("../themes/default/templates/guideline_backlinks.html"),
    ),
    (
        "templates/guideline_notes.html",
        include_str!("../themes/default/templates/guideline_notes.html"),
    ),
    (
        "templates/search.html",
        include_str!("../themes/default/templates/search.html"),
    ),
    (
        "templates/inspection.html",
        include_str!("../themes/default/templates/inspection.html"),
    ),
    (
        "templates/partials/source.html",
        include_str!("../themes/default/templates/partials/source.html"),
    ),
    (
        "templates/partials/score.html",
        include_str!("../themes/default/templates/partials/score.html"),
    ),
    (
        "templates/partials/toc.html",
        include_str!("../themes/default/templates/partials/toc.html"),
    ),
    (
        "static/css/pages/checklist.css",
        include_str!("../themes/default/static/css/pages/checklist.css"),
    ),
    (
        "static/css/pages/dates.css",
        include_str!("../themes/default/static/css/pages/dates.css"),
    ),
    (
        "static/css/dates.css",
        include_str!("../themes/default/static/css/dates.css"),
    ),
    (
        "static/css/pages/flowchart.css",
        include_str!("../themes/default/static/css/pages/flowchart.css"),
    ),
    (
        "static/css/pages/guideline.css",
        include_str!("../themes/default/static/css/pages/guideline.css"),
    ),
    (
        "static/css/pages/inspection.css",
        include_str!("../themes/default/static/css/pages/inspection.css"),
    ),
    (
        "static/css/pages/prose.css",
        include_str!("../themes/default/static/css/pages/prose.css"),
    ),
    (
        "static/css/pages/scoring.css",
        include_str!("../themes/default/static/css/pages/scoring.css"),
    ),
    (
        "static/css/pages/search.css",
        include_str!("../themes/default/static/css/pages/search.css"),
    ),
    (
        "static/css/main.css",
        include_str!("../themes/default/static/css/main.css"),
    ),
    (
        "static/css/guideline.css",
        include_str!("../themes/default/static/css/guideline.css"),
    ),
    (
        "static/css/search.css",
        include_str!("../themes/default/static/css/search.css"),
    ),
    (
        "static/css/base.css",
        include_str!("../themes/default/static/css/base.css"),
    ),
    (
        "static/css/prose.css",
        include_str!("../themes/default/static/css/prose.css"),
    ),
    (
        "static/css/form.css",
        include_str!("../themes/default/static/css/form.css"),
    ),
    (
        "static/css/print.css",
        include_str!("../themes/default/static/css/print.css"),
    ),
    (
        "static/css/flowchart.css",
        include_str!("../themes/default/static/css/flowchart.css"),
    ),
    (
        "static/css/scoring.css",
        include_str!("../themes/default/static/css/scoring.css"),
    ),
    (
        "static/js/kensa.js",
        include_str!("../themes/default/static/js/kensa.js"),
    ),
    (
        "static/js/answers.js",
        include_str!("../themes/default/static/js/answers.js"),
    ),
    (
        "static/js/inspect.js",
        include_str!("../themes/default/static/js/inspect.js"),
    ),
    (
        "static/css/inspect.css",
        include_str!("../themes/default/static/css/inspect.css"),
    ),
    (
        "static/js/form/3-controls.js",
        include_str!("../themes/default/static/js/form/3-controls.js"),
    ),
    (
        "static/js/form/1-rules.js",
        include_str!("../themes/default/static/js/form/1-rules.js"),
    ),
    (
        "static/js/form/2-store.js",
        include_str!("../themes/default/static/js/form/2-store.js"),
    ),
    (
        "static/js/form-dates.js",
        include_str!("../themes/default/static/js/form-dates.js"),
    ),
    (
        "static/js/form-files.js",
        include_str!("../themes/default/static/js/form-files.js"),
    ),
    (
        "static/js/print-view.js",
        include_str!("../themes/default/static/js/print-view.js"),
    ),
    (
        "static/js/migrate.js",
        include_str!("../themes/default/static/js/migrate.js"),
    ),
    (
        "static/js/sw.js",
        include_str!("../themes/default/static/js/sw.js"),
    ),
    (
        "static/js/flowchart.js",
        include_str!("../themes/default/static/js/flowchart.js"),
    ),
    (
        "static/js/scoring.js",
        include_str!("../themes/default/static/js/scoring.js"),
    ),
    (
        "static/js/search.js",
        include_str!("../themes/default/static/js/search.js"),
    ),
];

impl Theme {
    /// Loads `themes/<name>` under `root`; for `default`, the built-in files fill in what the
    /// folder lacks.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let rel_dir = PathBuf::from("themes").join(name);
        let dir = root.join(&rel_dir);
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        // The default theme starts from the built-in files; a site's themes/default/ overrides
        // file by file, so customising one template means writing only that template.
        if name == "default" {
            for (path, text) in DEFAULT_THEME {
                files.insert((*path).to_string(), text.as_bytes().to_vec());
            }
        }
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).sort_by_file_name() {
                let Ok(entry) = entry else { continue };
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let key = rel.to_string_lossy().replace('\\', "/");
                if key.rsplit('/').next().is_some_and(|n| n.starts_with('.')) {
                    continue;
                }
                match std::fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(key, bytes);
                    }
                    Err(e) => {
                        let mut d = Diagnostics::default();
                        d.push(Diagnostic::error(format!(
                            "cannot read {}: {e}",
                            entry.path().display()
                        )));
                        return Err(d);
                    }
                }
            }
        } else if name != "default" {
            let mut d = Diagnostics::default();
            d.push(
                Diagnostic::error(format!("theme `{name}` not found at {}", rel_dir.display()))
                    .in_file(Path::new("content/site.yaml"))
                    .with_help(
                        "set `theme: default` in content/site.yaml or create the theme folder",
                    ),
            );
            return Err(d);
        }
        Self::from_files(name, rel_dir, files)
    }

    fn from_files(
        name: &str,
        dir: PathBuf,
        files: BTreeMap<String, Vec<u8>>,
    ) -> Result<Theme, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut templates = BTreeMap::new();
        let mut assets = BTreeMap::new();
        for (path, bytes) in files {
            if let Some(t) = path.strip_prefix("templates/") {
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        templates.insert(t.to_string(), SourceFile::new(dir.join(&path), text));
                    }
                    Err(_) => diags.push(
                        Diagnostic::error(format!("template {path} is not UTF-8"))
                            .in_file(&dir.join(&path)),
                    ),
                }
            } else if let Some(s) = path.strip_prefix("static/") {
                assets.insert(s.to_string(), bytes);
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Add one by one so a syntax error names its own template.
        let all: Vec<(String, String)> = templates
            .iter()
            .map(|(n, f)| (n.clone(), f.text.to_string()))
            .collect();
        if let Err(e) = tera.add_raw_templates(all) {
            diags.push(template_diagnostic(&dir, &e, &templates));
        }
        for required in ["base.html", "home.html", "page.html", "checklist.html"] {
            if !templates.contains_key(required) {
                diags.push(
                    Diagnostic::error(format!("theme `{name}` has no templates/{required}"))
                        .in_file(&dir.join("templates"))
                        .with_help("copy it from the default theme (`kensa init` writes one)"),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme {
            name: name.to_string(),
            dir,
            tera,
            templates,
            assets,
        })
    }

    /// A template's error as a diagnostic at its line in the template.
    pub fn template_error(&self, e: tera::Error) -> Diagnostic {
        template_diagnostic(&self.dir, &e, &self.templates)
    }
}

/// Template errors carry the template's file, line and column.
fn template_diagnostic(
    theme_dir: &Path,
    err: &tera::Error,
    sources: &BTreeMap<String, SourceFile>,
) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    match report {
        Some(r) => {
            let name = r.filename().to_string();
            let span = r.span();
            let d = Diagnostic::error(format!("template error in {name}: {}", r.message()))
                .with_help("fix the template; Tera syntax is described at keats.github.io/tera");
            match sources.get(&name) {
                Some(file) => d.at_line_col(file, span.start_line, span.start_col + 1),
                None => d.in_file(&theme_dir.join("templates").join(&name)),
            }
        }
        None => {
            let mut msg = err.to_string();
            let mut source = std::error::Error::source(err);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            Diagnostic::error(format!("template error: {msg}"))
                .in_file(&theme_dir.join("templates"))
                .with_help("check the template names used in {% extends %} and {% include %}")
        }
    }
}
