//! Minifies the theme's JavaScript with oxc at build time.
//!
//! The theme's scripts are classic scripts, loaded with a plain `<script src>` (also from
//! file://) and sharing globals (`KensaSearch`, `window.kensaInspect`, the service worker's
//! `VERSION`/`FILES` placeholders). So each file is parsed as a script, never as a module, and
//! names declared at the top level are neither renamed nor dropped; everything inside functions
//! may be compressed and renamed. Function-level `'use strict'` directives stay in force (oxc only
//! drops a nested one when an enclosing scope is already strict).

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_compat::EngineTargets;
use oxc_diagnostics::OxcDiagnostic;
use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
use oxc_parser::{ParseOptions, Parser};
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;

use crate::diag::{Diagnostic, SourceFile};

/// The newest syntax the minifier may introduce. The theme's scripts are written in ES5; oxc's
/// oldest target is ES2015 (it prints strings as template literals and `{a}` for `{a: a}`), and
/// with it oxc writes no `??`, `?.`, `**` or `||=`: the output needs nothing past ES2015, well
/// below every browser the site supports.
const TARGET: &str = "es2015";

/// Returns `source` minified, or a diagnostic at the first syntax error, naming
/// `path_for_errors` (the file as a maintainer finds it, e.g. `themes/default/static/js/form.js`).
pub fn minify_js(path_for_errors: &str, source: &str) -> Result<String, Diagnostic> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::cjs())
        .with_options(ParseOptions {
            // A malformed regular expression is an early error in the browser too.
            parse_regular_expression: true,
            ..ParseOptions::default()
        })
        .parse();
    if parsed.panicked || !parsed.errors.is_empty() {
        return Err(syntax_error(path_for_errors, source, &parsed.errors));
    }
    let mut program = parsed.program;
    // The parser leaves some early errors (a `let` declared twice, `break` outside a loop…) to
    // semantic analysis; a browser refuses the whole file for any of them.
    let semantic_errors = SemanticBuilder::new()
        .with_check_syntax_error(true)
        .build(&program)
        .errors;
    if !semantic_errors.is_empty() {
        return Err(syntax_error(path_for_errors, source, &semantic_errors));
    }

    let target = EngineTargets::from_target(TARGET).expect("a valid oxc target");
    let options = MinifierOptions {
        mangle: Some(MangleOptions {
            // Top-level names are globals other scripts and the page read: keep them all.
            top_level: false,
            ..MangleOptions::default()
        }),
        compress: Some(CompressOptions {
            target,
            ..CompressOptions::smallest()
        }),
    };
    let minified = Minifier::new(options).minify(&allocator, &mut program);
    let code = Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .with_private_member_mappings(minified.class_private_mappings)
        .build(&program)
        .code;
    Ok(code)
}

/// The first of `errors` as a kensa diagnostic: file:line:col, oxc's message and label, a help.
fn syntax_error(path: &str, source: &str, errors: &[OxcDiagnostic]) -> Diagnostic {
    let file = SourceFile::new(path, source);
    let Some(first) = errors.first() else {
        return Diagnostic::error("JavaScript syntax error")
            .in_file(std::path::Path::new(path))
            .with_help("fix the script so that it parses as a classic (non-module) script");
    };
    // Where the problem is: the primary label, else the last one (oxc labels a redeclared
    // `let` at both declarations and an unclosed bracket at both ends; the later one is where
    // the file went wrong).
    let labels = first.labels.as_deref().unwrap_or_default();
    let label = labels
        .iter()
        .find(|l| l.primary())
        .or_else(|| labels.iter().max_by_key(|l| l.offset()));
    let mut message = format!("JavaScript syntax error: {}", first.message);
    if let Some(text) = label.and_then(|l| l.label()) {
        if !message.contains(text) {
            message.push_str(&format!(" ({text})"));
        }
    }
    if errors.len() > 1 {
        message.push_str(&format!(
            " (and {} more error{})",
            errors.len() - 1,
            if errors.len() == 2 { "" } else { "s" }
        ));
    }
    let help = match &first.help {
        Some(h) => format!("{h}; theme scripts are parsed as classic scripts (no import/export)"),
        None => "fix the script; theme scripts are parsed as classic scripts (no import/export), \
                 and every file must parse for the build to succeed"
            .to_string(),
    };
    let d = Diagnostic::error(message).with_help(help);
    match label {
        Some(l) => d.at_offset(&file, l.offset(), l.len()),
        None => d.in_file(std::path::Path::new(path)),
    }
}

/// The files of a script folder (`path_for_errors`, source), in order, as one minified script:
/// joined inside one strict function, so that they share their names without globals and the
/// minifier may rename them all. Each is parsed first on its own, inside a function as it will
/// run (a part may `return` from the whole script), so that an error names its own file, line
/// and column.
pub fn minify_js_parts(parts: &[(String, &str)]) -> Result<String, Diagnostic> {
    let mut joined = String::from("(function () {\n'use strict';\n");
    for (path, text) in parts {
        // On the part's first line, so that its line numbers stay as they are.
        minify_js(path, &format!("(function () {{{text}\n}})();"))?;
        joined.push_str(text);
        joined.push('\n');
    }
    joined.push_str("})();\n");
    let folder = parts
        .first()
        .and_then(|(p, _)| p.rsplit_once('/'))
        .map_or("", |(d, _)| d);
    minify_js(folder, &joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default theme's scripts as the build serves them (a folder's files as one script,
    /// src/assets.rs): (served path, its sources' length, minified).
    fn theme_scripts() -> Vec<(String, usize, String)> {
        let root = tempfile::tempdir().unwrap();
        let theme = crate::theme::Theme::load(root.path(), "default").unwrap();
        let Ok(outputs) = crate::assets::theme_assets(&theme, None) else {
            panic!("the default theme's assets do not build")
        };
        let scripts: Vec<_> = outputs
            .into_iter()
            .filter_map(|o| {
                let served = o.path.strip_prefix("assets/")?.to_string();
                let source_len = theme
                    .assets
                    .iter()
                    .filter(|(p, _)| {
                        p.ends_with(".js") && crate::assets::served_script(p) == served
                    })
                    .map(|(_, b)| b.len())
                    .sum();
                let code = String::from_utf8(o.bytes).ok()?;
                served
                    .ends_with(".js")
                    .then_some((served, source_len, code))
            })
            .collect();
        assert!(
            scripts.len() >= 7,
            "{:?}",
            scripts.iter().map(|s| &s.0).collect::<Vec<_>>()
        );
        scripts
    }

    /// Parses `code` as a classic script; returns its syntax errors.
    fn reparse_errors(code: &str) -> Vec<String> {
        let allocator = Allocator::default();
        let ret = Parser::new(&allocator, code, SourceType::cjs()).parse();
        let mut errors: Vec<String> = ret.errors.iter().map(|d| d.to_string()).collect();
        if errors.is_empty() {
            errors.extend(
                SemanticBuilder::new()
                    .with_check_syntax_error(true)
                    .build(&ret.program)
                    .errors
                    .iter()
                    .map(|d| d.to_string()),
            );
        }
        assert!(!ret.panicked || !errors.is_empty());
        errors
    }

    #[test]
    fn every_theme_script_gets_smaller_and_still_parses_as_a_script() {
        for (path, source_len, out) in theme_scripts() {
            assert!(
                out.len() < source_len,
                "{path}: {source_len} -> {}",
                out.len()
            );
            let errors = reparse_errors(&out);
            assert!(errors.is_empty(), "{path}: {errors:?}\n{out}");
            let allocator = Allocator::default();
            let ret = Parser::new(&allocator, &out, SourceType::cjs()).parse();
            assert!(
                !ret.program.body.iter().any(|s| s.is_module_declaration()),
                "{path} has import/export"
            );
            // Comments are gone (every theme script opens with one).
            assert!(!out.contains("\n//") && !out.starts_with("//"), "{path}");
        }
    }

    #[test]
    fn names_other_scripts_use_are_kept() {
        let get = |name: &str| {
            let (_, _, out) = theme_scripts()
                .into_iter()
                .find(|(p, _, _)| p.ends_with(name))
                .unwrap();
            out
        };
        let search = get("search.js");
        assert!(search.contains(".KensaSearch="), "{search}");
        let inspect = get("inspect.js");
        assert!(inspect.contains("window.kensaInspect="), "{inspect}");
        assert!(inspect.contains("window.KENSA_INSPECTION"), "{inspect}");
        let answers = get("answers.js");
        assert!(answers.contains("window.kensaAnswers="), "{answers}");
        // The service worker's top-level names and the build's placeholders survive as written.
        let sw = get("sw.js");
        for kept in [
            "VERSION",
            "FILES",
            "PREFIX",
            "CACHE",
            "__KENSA_VERSION__",
            "__KENSA_FILES__",
        ] {
            assert!(sw.contains(kept), "{kept} missing: {sw}");
        }
        // The scripts keep their strict mode.
        for (path, _, out) in theme_scripts() {
            assert!(out.contains("\"use strict\""), "{path}: {out}");
        }
        // The form's parts share one scope: nothing of theirs but window.kensaForm is global.
        let form = get("js/form.js");
        assert!(form.starts_with("(function(){\"use strict\";"), "{form}");
        assert!(form.contains("window.kensaForm="), "{form}");
        assert!(
            !form.contains("kensaFormRules") && !form.contains("kensaFormStore"),
            "{form}"
        );
    }

    #[test]
    fn top_level_declarations_are_neither_renamed_nor_dropped() {
        let src = "'use strict';\nvar sharedTable = {a: 1};\nfunction kensaHelper(longName) { var local = longName * 2; return local; }\n";
        let out = minify_js("t.js", src).unwrap();
        assert!(out.starts_with("\"use strict\";"), "{out}");
        assert!(out.contains("sharedTable"), "{out}");
        assert!(out.contains("function kensaHelper("), "{out}");
        assert!(!out.contains("longName") && !out.contains("local"), "{out}");
    }

    #[test]
    fn parts_of_a_folder_share_one_scope_and_errors_name_their_own_file() {
        let a =
            "var shared = 1;\nfunction helperWithALongName() { return shared + 1; }\n".to_string();
        let b = "if (!document.body) return;\nwindow.out = helperWithALongName();\n";
        let parts = [
            ("js/x/1-a.js".to_string(), a.as_str()),
            ("js/x/2-b.js".to_string(), b),
        ];
        let out = minify_js_parts(&parts).unwrap();
        assert!(out.starts_with("(function(){\"use strict\";"), "{out}");
        assert!(
            !out.contains("helperWithALongName") && !out.contains("shared"),
            "{out}"
        );
        assert!(out.contains("window.out="), "{out}");
        let broken = "var ok = 1;\n\nvar bad = ok +* 2;\n";
        let parts = [
            ("js/x/1-a.js".to_string(), a.as_str()),
            ("js/x/2-b.js".to_string(), broken),
        ];
        let d = minify_js_parts(&parts).unwrap_err();
        assert_eq!(
            d.position().as_deref(),
            Some("js/x/2-b.js:3:15"),
            "{}",
            d.render(false)
        );
    }

    #[test]
    fn syntax_error_names_file_line_and_column() {
        let src = "(function () {\n  'use strict';\n  var a = 1;\n  var b = a +* 2;\n})();\n";
        let d = minify_js("themes/default/static/js/broken.js", src).unwrap_err();
        assert!(d.is_error());
        assert_eq!(
            d.position().as_deref(),
            Some("themes/default/static/js/broken.js:4:14"),
            "{}",
            d.render(false)
        );
        let text = d.render(false);
        assert!(
            text.starts_with(
                "error: themes/default/static/js/broken.js:4:14: JavaScript syntax error:"
            ),
            "{text}"
        );
        assert!(text.contains("var b = a +* 2;"), "{text}");
        assert!(text.contains("help:"), "{text}");
    }

    #[test]
    fn modules_and_early_errors_are_rejected() {
        let d = minify_js("m.js", "var a = 1;\nexport { a };\n").unwrap_err();
        assert_eq!(
            d.position().as_deref(),
            Some("m.js:2:1"),
            "{}",
            d.render(false)
        );
        let d = minify_js(
            "dup.js",
            "(function () {\n  let x = 1;\n  let x = 2;\n})();\n",
        )
        .unwrap_err();
        assert!(
            d.position().is_some_and(|p| p.starts_with("dup.js:3:")),
            "{}",
            d.render(false)
        );
    }
}
