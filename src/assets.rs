//! Assets stage: the theme's CSS bundled and minified by lightningcss, every HTML page
//! minified by minify-html, the theme's JavaScript minified by oxc (`src/jsmin.rs`), its other
//! files copied as they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lightningcss::bundler::{Bundler, ResolveResult, SourceProvider};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions};
use lightningcss::targets::{Browsers, Targets};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::kit::Output;
use crate::model::CssTargets;
use crate::theme::Theme;

struct MemoryProvider<'a> {
    files: &'a BTreeMap<String, Vec<u8>>,
}

#[derive(Debug)]
struct MissingCss(String);

impl std::fmt::Display for MissingCss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no such stylesheet: {}", self.0)
    }
}
impl std::error::Error for MissingCss {}

impl SourceProvider for MemoryProvider<'_> {
    type Error = MissingCss;

    fn read<'a>(&'a self, file: &Path) -> Result<&'a str, Self::Error> {
        let key = file.to_string_lossy().replace('\\', "/");
        self.files
            .get(&key)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or(MissingCss(key))
    }

    fn resolve(
        &self,
        specifier: &str,
        originating_file: &Path,
    ) -> Result<ResolveResult, Self::Error> {
        let base = originating_file.parent().unwrap_or(Path::new(""));
        Ok(ResolveResult::File(normalize(&base.join(specifier))))
    }
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn version(major: u32) -> u32 {
    major << 16
}

fn targets(t: Option<&CssTargets>) -> Targets {
    let t = t.cloned().unwrap_or(CssTargets {
        chrome: Some(100),
        firefox: Some(100),
        safari: Some(15),
        edge: Some(100),
    });
    Targets::from(Browsers {
        chrome: t.chrome.map(version),
        firefox: t.firefox.map(version),
        safari: t.safari.map(version),
        edge: t.edge.map(version),
        ..Browsers::default()
    })
}

/// Bundles `css/main.css` (with its `@import`s) into `assets/site.css`, minifies every script
/// and copies every other static file of the theme under `assets/`.
pub fn theme_assets(
    theme: &Theme,
    css_targets: Option<&CssTargets>,
) -> Result<Vec<Output>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut outputs = Vec::new();
    for result in stylesheets(theme, css_targets)
        .into_iter()
        .chain(scripts(theme))
    {
        match result {
            Ok(output) => outputs.push(output),
            Err(d) => diags.push(d),
        }
    }
    for (path, bytes) in &theme.assets {
        if path.starts_with("css/") || path.ends_with(".js") {
            continue; // bundled or minified above
        }
        outputs.push(Output {
            path: format!("assets/{path}"),
            bytes: bytes.clone(),
        });
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(outputs)
    }
}

/// css/main.css is on every page (assets/site.css); css/pages/<kind>.css are the extra styles
/// of one page kind (assets/css/<kind>.css), so a page loads only what it uses. Each bundle is
/// made on its own thread, like the scripts.
fn stylesheets(theme: &Theme, css_targets: Option<&CssTargets>) -> Vec<Result<Output, Diagnostic>> {
    let entries: Vec<(&str, String)> = theme
        .assets
        .keys()
        .filter_map(|k| {
            if k == "css/main.css" {
                Some((k.as_str(), "assets/site.css".to_string()))
            } else {
                k.strip_prefix("css/pages/")
                    .filter(|n| n.ends_with(".css") && !n.contains('/'))
                    .map(|n| (k.as_str(), format!("assets/css/{n}")))
            }
        })
        .collect();
    entries
        .par_iter()
        .map(|(entry, out_path)| {
            let css = bundle(theme, entry, targets(css_targets))?;
            Ok(Output {
                path: out_path.clone(),
                bytes: css.into_bytes(),
            })
        })
        .collect()
}

/// One stylesheet with its `@import`s, minified for the site's browser targets.
fn bundle(theme: &Theme, entry: &str, targets: Targets) -> Result<String, Diagnostic> {
    let provider = MemoryProvider {
        files: &theme.assets,
    };
    let mut bundler = Bundler::new(&provider, None, ParserOptions::default());
    let mut sheet = bundler
        .bundle(Path::new(entry))
        .map_err(|e| bundle_error(theme, entry, &e))?;
    sheet
        .minify(MinifyOptions {
            targets,
            ..MinifyOptions::default()
        })
        .map_err(|e| e.to_string())
        .and_then(|_| {
            sheet
                .to_css(PrinterOptions {
                    minify: true,
                    targets,
                    ..PrinterOptions::default()
                })
                .map_err(|e| e.to_string())
        })
        .map(|css| css.code)
        .map_err(|e| {
            Diagnostic::error(format!("CSS error: {e}"))
                .in_file(&theme.dir.join("static").join(entry))
        })
}

/// A stylesheet that does not parse, at its file, line and column (an imported file's, when
/// the mistake is there).
fn bundle_error<E: std::fmt::Display>(
    theme: &Theme,
    entry: &str,
    e: &lightningcss::error::Error<E>,
) -> Diagnostic {
    let loc = e.loc.as_ref();
    let file = loc
        .map(|l| theme.dir.join("static").join(&l.filename))
        .unwrap_or_else(|| theme.dir.join("static").join(entry));
    let d = Diagnostic::error(format!("CSS error: {}", e.kind));
    let source = loc.and_then(|l| theme.assets.get(l.filename.as_str()).map(|b| (l, b)));
    let d = match source {
        Some((l, bytes)) => {
            let src =
                crate::diag::SourceFile::new(file, String::from_utf8_lossy(bytes).to_string());
            d.at_line_col(&src, l.line as usize + 1, l.column as usize)
        }
        None => d.in_file(&file),
    };
    d.with_help("fix the stylesheet; @import paths are relative to the importing file")
}

/// Scripts are minified (in parallel: inspect.js and the form are the larger part of the
/// work); a script that does not parse fails the build, naming its file, line and column.
/// A folder of scripts (`js/form/*.js`) is one script, served as `assets/js/form.js`: its
/// files joined in name order inside one function scope (strict), so that they share their
/// names without globals and the minifier may rename them all. The theme keeps small files by
/// concern; a page loads one.
fn scripts(theme: &Theme) -> Vec<Result<Output, Diagnostic>> {
    let mut served: BTreeMap<String, Vec<(&String, &Vec<u8>)>> = BTreeMap::new();
    for (path, bytes) in theme.assets.iter().filter(|(p, _)| p.ends_with(".js")) {
        served
            .entry(served_script(path))
            .or_default()
            .push((path, bytes));
    }
    served
        .into_iter()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(target, files)| {
            let code = match files[..] {
                [(path, bytes)] if *path == target => minify_script(theme, path, bytes)?,
                _ if theme.assets.contains_key(&target) => {
                    return Err(both_script_and_folder(theme, &target));
                }
                _ => one_scope(theme, &files)?,
            };
            Ok(Output {
                path: format!("assets/{target}"),
                bytes: code.into_bytes(),
            })
        })
        .collect()
}

/// Where a theme script is served, under `assets/`: a part of a folder of scripts
/// (`js/form/2-store.js`) as the folder's one script (`js/form.js`), any other as itself.
pub(crate) fn served_script(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) if dir.starts_with("js/") => format!("{dir}.js"),
        _ => path.to_string(),
    }
}

/// The files of a script folder as one script (`jsmin::minify_js_parts`).
fn one_scope(theme: &Theme, files: &[(&String, &Vec<u8>)]) -> Result<String, Diagnostic> {
    let mut parts = Vec::new();
    for (path, bytes) in files {
        parts.push((file_name(theme, path), utf8(theme, path, bytes)?));
    }
    crate::jsmin::minify_js_parts(&parts)
}

fn minify_script(theme: &Theme, path: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    crate::jsmin::minify_js(&file_name(theme, path), utf8(theme, path, bytes)?)
}

/// The script as a maintainer finds it, e.g. `themes/default/static/js/form/2-store.js`.
fn file_name(theme: &Theme, path: &str) -> String {
    let file = theme.dir.join("static").join(path);
    file.to_string_lossy().replace('\\', "/")
}

fn utf8<'a>(theme: &Theme, path: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    std::str::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!("script is not UTF-8: {e}"))
            .in_file(Path::new(&file_name(theme, path)))
            .with_help("save the file as UTF-8")
    })
}

fn both_script_and_folder(theme: &Theme, target: &str) -> Diagnostic {
    let dir = target.trim_end_matches(".js");
    Diagnostic::error(format!(
        "the theme has both static/{target} and a folder static/{dir}/ of scripts served as {target}"
    ))
    .in_file(&theme.dir.join("static").join(target))
    .with_help(format!("keep one: move static/{target} into static/{dir}/ or remove the folder"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_imports_are_bundled_and_minified() {
        let mut assets = BTreeMap::new();
        assets.insert(
            "css/main.css".to_string(),
            b"@import \"a.css\";\nbody { color: #ff0000; }\n".to_vec(),
        );
        assets.insert(
            "css/a.css".to_string(),
            b"p { margin: 0px 0px 0px 0px; }\n".to_vec(),
        );
        let provider = MemoryProvider { files: &assets };
        let mut bundler = Bundler::new(&provider, None, ParserOptions::default());
        let sheet = bundler.bundle(Path::new("css/main.css")).unwrap();
        let css = sheet
            .to_css(PrinterOptions {
                minify: true,
                ..PrinterOptions::default()
            })
            .unwrap()
            .code;
        assert!(css.contains("p{margin:0"), "{css}");
        assert!(css.contains("color:red"), "{css}");
        assert!(!css.contains("@import"), "{css}");
    }

    fn site_theme(files: &[(&str, &str)]) -> Theme {
        let root = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let file = root.path().join("themes/default").join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        Theme::load(root.path(), "default").unwrap()
    }

    #[test]
    fn a_folder_of_scripts_is_served_as_one_script() {
        let theme = site_theme(&[
            ("static/js/tools/1-a.js", "var one = 1;\n"),
            ("static/js/tools/2-b.js", "window.two = one + 1;\n"),
        ]);
        let out = theme_assets(&theme, None).unwrap();
        let tools = out.iter().find(|o| o.path == "assets/js/tools.js").unwrap();
        let code = String::from_utf8_lossy(&tools.bytes);
        assert!(code.contains("window.two="), "{code}");
        assert!(!out.iter().any(|o| o.path.starts_with("assets/js/tools/")));
        assert!(out.iter().any(|o| o.path == "assets/js/form.js"));
    }

    #[test]
    fn a_script_and_a_folder_of_the_same_name_are_refused() {
        // A site that customised form.js before the form became a folder of parts.
        let theme = site_theme(&[("static/js/form.js", "window.old = 1;\n")]);
        let Err(diags) = theme_assets(&theme, None) else {
            panic!("a script and a folder of one name were both accepted")
        };
        let text = format!("{diags:?}");
        assert!(
            text.contains("static/js/form.js") && text.contains("static/js/form/"),
            "{text}"
        );
    }
}
