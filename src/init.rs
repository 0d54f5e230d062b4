//! `kensa init DIR`: a new site that builds at once, with one checklist and one manual page
//! showing every kind of content, and the default theme to customise.

use std::path::Path;

use crate::theme::DEFAULT_THEME;

const SKELETON: &[(&str, &str)] = &[
    ("content/site.yaml", include_str!("skeleton/site.yaml")),
    ("content/index.md", include_str!("skeleton/index.md")),
    (
        "content/checklists/r6/sample.yaml",
        include_str!("skeleton/sample.yaml"),
    ),
    (
        "content/manuals/sample/_manual.yaml",
        include_str!("skeleton/_manual.yaml"),
    ),
    (
        "content/manuals/sample/10-items.md",
        include_str!("skeleton/10-items.md"),
    ),
];

/// Writes a new site into `dir`, which must not exist or be empty; the error is a message for
/// the terminal.
pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .next()
            .is_some();
        if non_empty {
            return Err(format!(
                "{} is not empty; choose a new folder so nothing is overwritten",
                dir.display()
            ));
        }
    }
    let theme = DEFAULT_THEME
        .iter()
        .map(|(p, t)| (format!("themes/default/{p}"), *t));
    let files = SKELETON
        .iter()
        .map(|(p, t)| ((*p).to_string(), *t))
        .chain(theme);
    for (path, text) in files {
        let target = dir.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, text)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(())
}
