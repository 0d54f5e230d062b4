//! Reading a published site back: the checklist definitions an inspector needs, from a `public/`
//! folder, an unzipped copy of the site ZIP, or the ZIP itself (`kensa inspect --site PATH`).
//!
//! A prefecture has the published site and a year of returns, not the ministry's `content/`
//! folder. Every checklist page is published with its definition as JSON
//! (`checklists/<edition>/<id>.json`, `render::checklist_json`), whole and with the hash that
//! answer files record, so the inspection reads exactly what the forms were filled against.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::SourceFile;
use crate::model::{Checklist, ChecklistDef, Definitions, Edition};

/// The checklist definitions of a published site, and its stylesheet (for `kensa report`).
#[derive(Debug)]
pub struct PublishedSite {
    /// Every published checklist definition; each one's `file` names its JSON, without the text.
    pub checklists: Vec<Checklist>,
    /// The editions the checklists belong to, as published with them.
    pub editions: Vec<Edition>,
    /// `assets/site.css`, when the site has one: the report page wears the site's own theme.
    pub site_css: Option<String>,
}

/// The published JSON of one checklist (the fields the inspection needs).
#[derive(Deserialize)]
struct ChecklistJson {
    format: String,
    format_version: u64,
    definition_hash: String,
    #[serde(default)]
    edition: Option<Edition>,
    checklist: ChecklistDef,
}

const CHECKLIST_FORMAT: &str = "kensa-checklist";
const SITE_CSS: &str = "assets/site.css";
/// The published checklist JSON of the longest list is about 120 KB; a larger "definition" is
/// some other file, and reading it whole would cost memory for nothing.
const MAX_DEFINITION_BYTES: u64 = 8 * 1024 * 1024;

/// Reads the published site at `path`: a folder (with `checklists/` in it, or the one folder
/// an unzip made) or a `.zip` file.
pub fn load(path: &Path) -> Result<PublishedSite, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("{}: cannot read the published site ({e})", path.display()))?;
    let files = if meta.is_dir() {
        folder_files(&site_folder(path)?)?
    } else {
        zip_files(path)?
    };
    let mut checklists = Vec::new();
    let mut editions: Vec<Edition> = Vec::new();
    let mut site_css = None;
    for (rel, bytes) in files {
        if rel == SITE_CSS {
            site_css = Some(String::from_utf8_lossy(&bytes).into_owned());
            continue;
        }
        let (c, edition) = checklist(path, &rel, &bytes)?;
        if let Some(e) = edition.filter(|e| !editions.iter().any(|x| x.id == e.id)) {
            editions.push(e);
        }
        checklists.push(c);
    }
    if checklists.is_empty() {
        return Err(format!(
            "{}: no checklist definitions (checklists/<edition>/<id>.json) found. Give the published site: the public/ folder kensa build wrote, an unzipped copy of kensa-site.zip, or the ZIP itself.",
            path.display()
        ));
    }
    checklists.sort_by(|a, b| a.def.id.cmp(&b.def.id));
    if let Some(pair) = checklists.windows(2).find(|w| w[0].def.id == w[1].def.id) {
        return Err(format!(
            "{}: the checklist id {} is defined twice ({} and {}); is this one site?",
            path.display(),
            pair[0].def.id,
            pair[0].url,
            pair[1].url
        ));
    }
    Ok(PublishedSite {
        checklists,
        editions,
        site_css,
    })
}

/// The folder that holds `checklists/`: `path` itself, or its only sub-folder (unzip tools
/// often put the files in a folder named after the ZIP).
fn site_folder(path: &Path) -> Result<PathBuf, String> {
    if path.join("checklists").is_dir() {
        return Ok(path.to_path_buf());
    }
    let subfolders: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: cannot read the folder ({e})", path.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    match subfolders.as_slice() {
        [only] if only.join("checklists").is_dir() => Ok(only.clone()),
        _ => Err(format!(
            "{}: no checklists/ folder here. Give the published site: the public/ folder kensa build wrote, an unzipped copy of kensa-site.zip, or the ZIP itself.",
            path.display()
        )),
    }
}

/// Whether a site-relative path is one this reader wants.
fn wanted(rel: &str) -> bool {
    rel == SITE_CSS
        || (rel.starts_with("checklists/")
            && rel.ends_with(".json")
            && rel.matches('/').count() == 2)
}

fn folder_files(root: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root).max_depth(3).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("{}: {e}", root.display()))?;
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !entry.file_type().is_file() || !wanted(&rel) {
            continue;
        }
        let mut bytes = Vec::new();
        std::fs::File::open(entry.path())
            .and_then(|f| f.take(MAX_DEFINITION_BYTES).read_to_end(&mut bytes))
            .map_err(|e| format!("{}: cannot read ({e})", entry.path().display()))?;
        out.push((rel, bytes));
    }
    Ok(out)
}

fn zip_files(path: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let not_zip = |e: &dyn std::fmt::Display| {
        format!(
            "{}: not a folder and not a site ZIP ({e}). Give the published site: the public/ folder, an unzipped copy of kensa-site.zip, or the ZIP itself.",
            path.display()
        )
    };
    let file = std::fs::File::open(path).map_err(|e| not_zip(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| not_zip(&e))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| not_zip(&e))?;
        let rel = entry.name().to_string();
        if !entry.is_file() || !wanted(&rel) {
            continue;
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_DEFINITION_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {rel}: cannot read ({e})", path.display()))?;
        out.push((rel, bytes));
    }
    out.sort();
    Ok(out)
}

/// One published checklist JSON as the model's checklist, as `parse` makes it from YAML.
fn checklist(site: &Path, rel: &str, bytes: &[u8]) -> Result<(Checklist, Option<Edition>), String> {
    let at = || format!("{}: {rel}", site.display());
    let doc: ChecklistJson = serde_json::from_slice(bytes).map_err(|e| {
        format!("{}: not a checklist definition kensa can read ({e}). Was the site built by another version of kensa?", at())
    })?;
    if doc.format != CHECKLIST_FORMAT || doc.format_version != 1 {
        return Err(format!(
            "{}: format {} version {} is not one this kensa reads ({CHECKLIST_FORMAT} 1)",
            at(),
            doc.format,
            doc.format_version
        ));
    }
    let c = Checklist::new(
        doc.checklist,
        SourceFile::new(rel, ""),
        rel.trim_end_matches(".json").to_string() + ".html",
        doc.definition_hash,
    );
    Ok((c, doc.edition))
}

impl Definitions for PublishedSite {
    fn checklists(&self) -> &[Checklist] {
        &self.checklists
    }
    fn edition(&self, id: &str) -> Option<&Edition> {
        self.editions.iter().find(|e| e.id == id)
    }
}
