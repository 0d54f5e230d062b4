//! Every output path has one owner. Run once every generated file is known (before the offline
//! copy packs them), so that no source silently replaces another.

use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics};
use crate::kit::Output;

/// A source's name as the user can tell it apart: bytes that are not UTF-8 as `\xFF`, where
/// `to_string_lossy` would show two different names as the same `�`.
fn source_name(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        if cfg!(windows) {
            out.push_str(&chunk.valid().replace('\\', "/"));
        } else {
            out.push_str(chunk.valid());
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// What wrote a generated output, for the message that names both owners of a path: a
/// checklist's YAML for its form pages, else kensa itself (search page, service worker, ZIP,
/// the theme's assets).
fn generator(site: &crate::model::Site, path: &str) -> String {
    site.checklists
        .iter()
        .find(|c| {
            let stem = c.url.trim_end_matches(".html");
            path.strip_prefix(stem)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('-'))
        })
        .map_or_else(
            || "a file kensa generates".to_string(),
            |c| source_name(&c.file.rel_path),
        )
}

/// Every output path has one owner: a Markdown page or a static file of `content/` that lands
/// on a path kensa generates (or on another source's path) would silently replace it, which one
/// winning by chance. Such a build fails, naming both. `also_generated`: paths kensa is yet to
/// add to `outputs`.
pub fn check_owners(
    site: &crate::model::Site,
    outputs: &[Output],
    also_generated: &[&str],
) -> Result<(), Diagnostics> {
    use crate::model::Page;
    // Pages by address, each list in reverse so that `pop` hands them out in site order: two
    // pages at one address (two names that differ only in bytes that are not UTF-8) are two
    // owners, each named.
    let mut pages: std::collections::HashMap<&str, Vec<&Page>> = Default::default();
    for p in site.pages.iter().rev() {
        pages.entry(p.url.as_str()).or_default().push(p);
    }
    // The owner of a path: a page, a static file of content/ (its name), or neither: generated.
    type Owner<'a> = (Option<&'a Page>, Option<String>);
    let name = |path: &str, (page, file): &Owner| match (page, file) {
        (Some(p), _) => source_name(&p.file.rel_path),
        (None, Some(file)) => format!("content/{file}"),
        (None, None) => generator(site, path),
    };
    // By the path as Windows and macOS compare names (case aside): `About.html` and
    // `about.html` are one file there, where the site's ZIP is unpacked.
    let mut owners: std::collections::HashMap<String, (String, Owner)> = Default::default();
    let mut diags = Diagnostics::default();
    let statics = site.static_files.iter().map(|p| {
        let path = p.to_string_lossy().replace('\\', "/");
        (path, (None, Some(source_name(p))))
    });
    // Each page owns one output at its address; any other output there is generated.
    let paths = outputs.iter().map(|o| o.path.as_str());
    let generated = paths.chain(also_generated.iter().copied()).map(|path| {
        let page = pages.get_mut(path).and_then(Vec::pop);
        (path.to_string(), (page, None))
    });
    for (path, owner) in statics.chain(generated) {
        let Some((first_path, first)) = owners.get(&path.to_lowercase()) else {
            owners.insert(path.to_lowercase(), (path, owner));
            continue;
        };
        let help = if path.contains('\u{FFFD}') {
            "give the files names in UTF-8: the bytes that are not become one \u{FFFD} in the site's addresses"
        } else {
            "rename or move one of them: every file of the site comes from one source"
        };
        let (first_name, name) = (name(first_path, first), name(&path, &owner));
        let message = if *first_path == path {
            format!(
                "two sources write {path}: {first_name} and {name}; one would replace the other"
            )
        } else {
            format!("{first_path} (from {first_name}) and {path} (from {name}) differ only in upper and lower case: on Windows and macOS, where the site's ZIP is unpacked too, they are one file and one would replace the other")
        };
        let mut d = Diagnostic::error(message).with_help(help);
        // Located at the Markdown page, where there is one: that is what the editor can change.
        if let Some(p) = owner.0.or(first.0) {
            d = d.at_offset(&p.file, 0, 3);
        }
        diags.push(d);
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}
