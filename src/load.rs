//! Load stage: walks `content/` and reads every source file. Nothing here knows what the
//! files mean; that is the parse stage's job.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// What the load stage read: the files for the parse stage, the others to copy, and warnings.
#[derive(Debug, Default)]
pub struct Loaded {
    /// YAML and Markdown files, sorted by path.
    pub sources: Vec<SourceFile>,
    /// Other files (images, PDFs), relative to `content/`, copied as they are.
    pub static_files: Vec<PathBuf>,
    /// What was skipped and why (links that lead out of `content/` or nowhere).
    pub warnings: Vec<Diagnostic>,
}

/// Reads every file under `root/content`. Paths in the result are relative to `root`.
pub fn load(root: &Path) -> Result<Loaded, Diagnostics> {
    let content = root.join("content");
    let mut diags = Diagnostics::default();
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(format!("no content folder at {}", content.display()))
                .with_help("run kensa in the site's root folder, pass --root DIR, or create a site with `kensa init DIR`"),
        );
        return Err(diags);
    }
    let mut text_paths = Vec::new();
    let mut static_files = Vec::new();
    let mut warnings = Vec::new();
    let content_abs = std::fs::canonicalize(&content).unwrap_or_else(|_| content.clone());
    for entry in WalkDir::new(&content).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                diags.push(Diagnostic::error(format!("cannot read {err}")));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        // Editor and OS leftovers, links too: Emacs marks a file being edited with a link
        // `.#page.md` that leads nowhere, which is no reason for a warning on every rebuild.
        if entry.depth() > 0 && (name.starts_with('.') || name.ends_with('~')) {
            continue;
        }
        if entry.path_is_symlink() {
            warnings.extend(skipped_link(root, entry.path(), &content_abs));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        match entry.path().extension().and_then(|e| e.to_str()) {
            Some("md" | "yaml" | "yml") => text_paths.push(rel),
            _ => static_files.push(rel.strip_prefix("content").unwrap_or(&rel).to_path_buf()),
        }
    }
    let read: Vec<Result<SourceFile, Diagnostic>> = text_paths
        .par_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join(rel)).map_err(|e| {
                Diagnostic::error(format!("cannot read {}: {e}", rel.display())).in_file(rel)
            })?;
            let text = String::from_utf8(bytes).map_err(|e| not_utf8(rel, e))?;
            Ok(SourceFile::new(rel.clone(), text))
        })
        .collect();
    let mut sources = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(s) => sources.push(s),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Loaded {
        sources,
        static_files,
        warnings,
    })
}

/// A file that is not UTF-8, located at its first bad byte (the text before it is valid, so
/// line and column count as an editor does).
fn not_utf8(rel: &Path, e: std::string::FromUtf8Error) -> Diagnostic {
    let at = e.utf8_error().valid_up_to();
    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
    let file = SourceFile::new(rel.to_path_buf(), lossy);
    Diagnostic::error(format!(
        "{} is not UTF-8 text (the first byte that is not is byte {at})",
        rel.display()
    ))
    .at_offset(&file, at, 1)
    .with_help("save the file as UTF-8 (an editor's \"UTF-8\" encoding, not Shift_JIS or ANSI)")
}

/// kensa does not follow links: a link that leads out of `content/` or nowhere is said so,
/// instead of being skipped without a word. A link to a file inside `content/` needs no word:
/// that file is read where it is.
fn skipped_link(root: &Path, link: &Path, content_abs: &Path) -> Option<Diagnostic> {
    let rel = link.strip_prefix(root).unwrap_or(link).to_path_buf();
    let holder = link.parent().and_then(|p| std::fs::canonicalize(p).ok());
    let why = match std::fs::canonicalize(link) {
        Err(_) => "it leads nowhere (its target is missing, or the link is a loop)",
        Ok(target) if !target.starts_with(content_abs) => {
            "it points outside content/, and a site is built only from what content/ holds"
        }
        // A folder that holds the link: followed, it would hold itself for ever.
        Ok(target) if holder.is_some_and(|h| h.starts_with(&target)) => {
            "it is a loop (it points to a folder that holds it)"
        }
        Ok(_) => return None,
    };
    Some(
        Diagnostic::warning(format!(
            "{} is a symbolic link and was skipped: {why}",
            rel.display()
        ))
        .in_file(&rel)
        .with_help("copy the file into content/, or remove the link"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_text_and_static_files_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("content");
        std::fs::create_dir_all(c.join("b")).unwrap();
        std::fs::write(c.join("site.yaml"), "title: t\n").unwrap();
        std::fs::write(c.join("b/page.md"), "---\ntitle: x\n---\n").unwrap();
        std::fs::write(c.join("b/img.png"), [0u8, 1]).unwrap();
        std::fs::write(c.join("b/.DS_Store"), "x").unwrap();
        let loaded = load(dir.path()).unwrap();
        let names: Vec<_> = loaded.sources.iter().map(|s| s.rel_path.clone()).collect();
        assert_eq!(
            names,
            [
                PathBuf::from("content/b/page.md"),
                PathBuf::from("content/site.yaml")
            ]
        );
        assert_eq!(loaded.static_files, [PathBuf::from("b/img.png")]);
    }

    #[test]
    fn missing_content_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(err.items[0].message.contains("no content folder"));
    }
}
