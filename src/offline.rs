//! Files for using the site offline and for answer files: the answers JSON Schema, the
//! service worker and the whole-site ZIP. Runs last, since the ZIP packs every other file.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::Output;

/// Where the JSON Schema of answer files (docs/answers-format.md) is published.
pub const SCHEMA_PATH: &str = "schema/answers-v1.schema.json";
/// The whole site in one file, for PCs with no network.
pub const ZIP_PATH: &str = "kensa-site.zip";
/// The service worker sits at the root: a worker controls only pages at or below its folder.
pub const SW_PATH: &str = "sw.js";
/// The theme's service worker, before the build fills in its version and file list.
const SW_TEMPLATE: &str = "assets/js/sw.js";
/// Placeholder on the home page for the ZIP's size, known only once everything else is built.
pub const ZIP_SIZE_MARK: &str = "__KENSA_ZIP_SIZE__";
/// The id of the home page's download block, left out of the ZIP's own copy of the home page
/// (the ZIP cannot contain itself).
const ZIP_BLOCK_ID: &str = "offline-download";

/// Under `kensa serve` pages change on every edit, so no worker may serve them from a cache:
/// this one replaces any worker an earlier build left at the same address, then removes itself.
const SW_RETIRE: &str = "'use strict';\n\
self.addEventListener('install', function () { self.skipWaiting(); });\n\
self.addEventListener('activate', function (e) {\n\
  e.waitUntil(caches.keys().then(function (ks) {\n\
    return Promise.all(ks.filter(function (k) { return k.indexOf('kensa:') === 0; }).map(function (k) { return caches.delete(k); }));\n\
  }).then(function () { return self.registration.unregister(); }));\n\
});\n";

/// The JSON Schema (draft 2020-12) of answer files, format version 1. Keep it in step with
/// docs/answers-format.md (tests/offline.rs compares the two).
pub fn answers_schema() -> Value {
    let answer = json!({ "enum": ["yes", "no", null] });
    let date = json!({
        "type": ["string", "null"],
        "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        "description": "YYYY-MM-DD (西暦) when complete and valid, otherwise null"
    });
    let date_input = json!({
        "type": "object",
        "description": "what was typed when it is not yet a valid date, so nothing typed is lost",
        "properties": { "y": { "type": "string" }, "m": { "type": "string" }, "d": { "type": "string" } },
        "additionalProperties": false
    });
    let round = json!({
        "type": "object",
        "properties": { "answer": answer, "date": date, "date_input": date_input },
        "required": ["answer"],
        "additionalProperties": false
    });
    let target = json!({
        "type": "object",
        "properties": { "date": date, "date_input": date_input },
        "required": ["date"],
        "additionalProperties": false
    });
    let timestamp = json!({
        "type": "string",
        "format": "date-time",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kensa answers file (format_version 1)",
        "description": "One facility's or vendor's answers to one checklist. See docs/answers-format.md.",
        "type": "object",
        "required": ["format", "format_version", "generator", "checklist", "updated_at", "fields", "gate", "switches", "items"],
        "properties": {
            "format": { "const": "kensa-answers" },
            "format_version": { "const": 1 },
            "generator": { "type": "string" },
            "checklist": {
                "type": "object",
                "required": ["id", "edition", "definition_hash"],
                "properties": {
                    "id": { "type": "string", "minLength": 1 },
                    "edition": { "type": "string" },
                    "definition_hash": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                    "title": { "type": "string" },
                    "form": { "type": "string" }
                },
                "additionalProperties": false
            },
            "copy": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$" },
                    "name": { "type": "string" }
                },
                "additionalProperties": false
            },
            "updated_at": timestamp,
            "exported_at": timestamp,
            "fields": { "type": "object", "additionalProperties": { "type": "string" } },
            "gate": answer,
            "switches": { "type": "object", "additionalProperties": answer },
            "items": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["r1", "note", "status"],
                    "properties": {
                        "r1": round,
                        "target": target,
                        "r2": round,
                        "note": { "type": "string" },
                        "status": { "enum": ["applicable", "not_applicable"] }
                    },
                    "additionalProperties": false
                }
            }
        },
        "additionalProperties": false
    })
}

/// Adds the schema, the service worker and the site ZIP to the outputs, and writes the ZIP's
/// size on the home page. `root` is the site root (content static files are read from it).
pub fn finish(
    site: &Site,
    root: &Path,
    live_reload: bool,
    outputs: &mut Vec<Output>,
) -> Result<(), Diagnostics> {
    let fail = |message: String| {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error(message));
        d
    };
    let schema = serde_json::to_vec_pretty(&answers_schema()).expect("schema serializes");
    outputs.push(Output {
        path: SCHEMA_PATH.into(),
        bytes: schema,
    });

    let mut statics = Vec::new();
    for p in &site.static_files {
        let from = root.join("content").join(p);
        let bytes = std::fs::read(&from)
            .map_err(|e| fail(format!("cannot read {}: {e}", from.display())))?;
        statics.push(Output {
            path: p.to_string_lossy().replace('\\', "/"),
            bytes,
        });
    }

    if let Some(i) = outputs.iter().position(|o| o.path == SW_TEMPLATE) {
        let template = outputs.remove(i);
        let sw = if live_reload {
            SW_RETIRE.as_bytes().to_vec()
        } else {
            service_worker(&String::from_utf8_lossy(&template.bytes), outputs, &statics)
        };
        outputs.push(Output {
            path: SW_PATH.into(),
            bytes: sw,
        });
    }

    let zip =
        site_zip(outputs, &statics).map_err(|e| fail(format!("cannot build {ZIP_PATH}: {e}")))?;
    let size = human_size(zip.len());
    if let Some(home) = outputs.iter_mut().find(|o| o.path == "index.html") {
        let html = String::from_utf8_lossy(&home.bytes).replace(ZIP_SIZE_MARK, &size);
        home.bytes = html.into_bytes();
    }
    outputs.push(Output {
        path: ZIP_PATH.into(),
        bytes: zip,
    });
    Ok(())
}

/// The theme's worker with its cache version (a hash of every file it serves, so any change to
/// the site makes a new cache) and the files to fetch on install.
fn service_worker(template: &str, outputs: &[Output], statics: &[Output]) -> Vec<u8> {
    use rayon::prelude::*;
    let mut files: Vec<&Output> = outputs.iter().chain(statics).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // Each file hashed on its own thread, then the digests in path order: the same version for
    // the same files, without one thread reading the whole site.
    let digests: Vec<[u8; 32]> = files
        .par_iter()
        .map(|f| {
            let mut h = Sha256::new();
            h.update(f.path.as_bytes());
            h.update([0]);
            h.update(&f.bytes);
            h.finalize().into()
        })
        .collect();
    let mut hash = Sha256::new();
    for d in &digests {
        hash.update(d);
    }
    let list: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let version: String = hash
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let list = serde_json::to_string(&list).expect("file list serializes");
    template
        .replace("__KENSA_VERSION__", &version)
        .replace("__KENSA_FILES__", &list)
        .into_bytes()
}

/// Every output and content file, unpacked into one folder that works opened from disk.
/// Compression is most of the cost, so chunks are compressed in parallel into small archives
/// that are then merged without recompressing.
fn site_zip(outputs: &[Output], statics: &[Output]) -> zip::result::ZipResult<Vec<u8>> {
    use rayon::prelude::*;
    let mut files: Vec<&Output> = outputs.iter().chain(statics).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Fastest level: the archive is about 10% larger, the build much faster.
        .compression_level(Some(1));
    let chunk = files
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(1);
    let parts: Vec<zip::result::ZipResult<Vec<u8>>> = files
        .par_chunks(chunk)
        .map(|part| {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for f in part {
                w.start_file(f.path.as_str(), opts)?;
                if f.path == "index.html" {
                    w.write_all(&without_zip_block(&f.bytes))?;
                } else {
                    w.write_all(&f.bytes)?;
                }
            }
            Ok(w.finish()?.into_inner())
        })
        .collect();
    let parts: Vec<Vec<u8>> = parts.into_iter().collect::<Result<_, _>>()?;
    // The archive is the parts' entries plus one directory: sized once, not grown by doubling
    // (which kept up to twice the archive in memory at the build's peak).
    let size = parts.iter().map(Vec::len).sum();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(size)));
    for part in parts {
        w.merge_archive(zip::ZipArchive::new(std::io::Cursor::new(part))?)?;
    }
    Ok(w.finish()?.into_inner())
}

/// The home page without its download block (the element with id `offline-download`).
fn without_zip_block(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let id = text
        .find(&format!("id={ZIP_BLOCK_ID}"))
        .or_else(|| text.find(&format!("id=\"{ZIP_BLOCK_ID}\"")));
    let cut = id.and_then(|at| {
        let start = text[..at].rfind("<section")?;
        let end = at + text[at..].find("</section>")? + "</section>".len();
        Some((start, end))
    });
    match cut {
        Some((start, end)) => format!("{}{}", &text[..start], &text[end..]).into_bytes(),
        None => html.to_vec(),
    }
}

/// `1234567` → `約1.2MB`, as Windows shows sizes (1 KB = 1024 bytes).
fn human_size(bytes: usize) -> String {
    let kb = bytes as f64 / 1024.0;
    if kb < 1024.0 {
        format!("約{}KB", kb.ceil() as u64)
    } else {
        format!("約{:.1}MB", kb / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_windows() {
        assert_eq!(human_size(1000), "約1KB");
        assert_eq!(human_size(350 * 1024), "約350KB");
        assert_eq!(human_size(1_258_291), "約1.2MB");
    }

    #[test]
    fn zip_copy_of_home_has_no_download_block() {
        let html = b"<main><p>a</p><section class=x id=offline-download><a href=kensa-site.zip>z</a></section><p>b</p></main>";
        let out = String::from_utf8(without_zip_block(html)).unwrap();
        assert_eq!(out, "<main><p>a</p><p>b</p></main>");
        assert_eq!(without_zip_block(b"<p>none</p>"), b"<p>none</p>".to_vec());
    }

    #[test]
    fn worker_version_follows_the_files() {
        let files = |body: &str| {
            vec![Output {
                path: "index.html".into(),
                bytes: body.as_bytes().to_vec(),
            }]
        };
        let t = "var V='__KENSA_VERSION__';var F=__KENSA_FILES__;";
        let a = String::from_utf8(service_worker(t, &files("a"), &[])).unwrap();
        let b = String::from_utf8(service_worker(t, &files("b"), &[])).unwrap();
        assert!(a.contains("[\"index.html\"]"), "{a}");
        assert_ne!(a, b);
        assert!(!a.contains("__KENSA"), "{a}");
    }
}
