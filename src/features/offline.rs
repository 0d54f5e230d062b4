//! Files for using the site offline and for answer files: the answers JSON Schema, the
//! service worker and the whole-site ZIP. Runs last, since the ZIP packs every other file.

use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Diagnostics};
use crate::kit::Output;
use crate::model::Site;
use crate::plugin::{Build, Feature};

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
    let item_properties = json!({
        "r1": round,
        "target": target,
        "r2": round,
        "note": { "type": "string" },
        "status": { "enum": ["applicable", "not_applicable"] },
        "confirm": {
            "const": "reworded",
            "description": "carried over from an earlier edition whose wording differs: not answered until the user confirms it"
        }
    });
    let mut kept_properties = item_properties.clone();
    kept_properties["label"] = json!({ "type": "string" });
    kept_properties["text"] = json!({ "type": "string" });
    let checklist_block = json!({
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
    });
    let fields = json!({ "type": "object", "additionalProperties": { "type": "string" } });
    let items = |required: &[&str], properties: &Value| {
        json!({
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": required,
                "properties": properties,
                "additionalProperties": false
            }
        })
    };
    let switches = json!({ "type": "object", "additionalProperties": answer });
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
            "checklist": checklist_block,
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
            "fields": fields,
            "gate": answer,
            "switches": switches,
            "items": items(&["r1", "note", "status"], &item_properties),
            "earlier": {
                "type": "array",
                "description": "answers carried over from earlier editions that this edition has no place for, one entry per carry-over",
                "items": {
                    "type": "object",
                    "required": ["checklist", "fields", "switches", "items"],
                    "properties": {
                        "checklist": checklist_block,
                        "fields": fields,
                        "gate": answer,
                        "switches": switches,
                        "items": items(&["r1", "note", "status", "label", "text"], &kept_properties)
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

    // Before the ZIP, which packs every file once: each path has one owner, named if not.
    crate::owners::check_owners(site, outputs, &[ZIP_PATH])?;
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
    // Each file's CRC-32 and length, computed on its own thread, then the list of them in path
    // order hashed: the same version for the same files. CRC-32 runs at memory speed, where
    // SHA-256 of every file was 2% of a build; a change that kept both a file's CRC and its
    // length would keep the old cache, a chance of 1 in 4 billion per changed file.
    let fingerprints: Vec<(u32, usize)> = files
        .par_iter()
        .map(|f| {
            let mut h = crc32fast::Hasher::new();
            h.update(f.path.as_bytes());
            h.update(&[0]);
            h.update(&f.bytes);
            (h.finalize(), f.bytes.len())
        })
        .collect();
    let mut hash = Sha256::new();
    for (crc, len) in &fingerprints {
        hash.update(crc.to_le_bytes());
        hash.update((*len as u64).to_le_bytes());
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
/// Compression is most of the cost, so runs of files are compressed in parallel, each run
/// into its own part (local headers and data, offsets relative to the part), and the parts
/// are then joined behind each other with one central directory.
fn site_zip(outputs: &[Output], statics: &[Output]) -> Result<Vec<u8>, String> {
    use rayon::prelude::*;
    let mut files: Vec<&Output> = outputs.iter().chain(statics).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // check_owners has named the two sources already; this keeps a duplicate entry, which
    // unpackers treat differently, out of the archive whatever the caller did.
    if let Some(pair) = files.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(format!("two files at {}", pair[0].path));
    }
    // Small runs: files differ a lot in size (the search index's chunks are 100 times a
    // page), and a run costs only its buffer.
    let run = files
        .len()
        .div_ceil(rayon::current_num_threads() * 16)
        .max(1);
    let parts: Vec<zipw::Part> = files
        .par_chunks(run)
        .map(|run| {
            let mut part = zipw::Part::default();
            for f in run {
                if f.path == "index.html" {
                    part.add(&f.path, &without_zip_block(&f.bytes))?;
                } else {
                    part.add(&f.path, &f.bytes)?;
                }
            }
            Ok(part)
        })
        .collect::<Result<_, String>>()?;
    zipw::join(parts)
}

/// A ZIP writer for exactly what the site archive needs: deflated entries (level 1), UTF-8
/// names, no ZIP64 (a site that needs it fails the build with a clear message). The zip crate
/// allocated a new compressor (about 300 KB) for every entry and copied every part a second
/// time to merge them; here each thread keeps one compressor and resets it between entries.
mod zipw {
    use std::cell::RefCell;

    use flate2::{Compress, Compression, FlushCompress, Status};

    const LOCAL_HEADER: u32 = 0x0403_4b50;
    const CENTRAL_HEADER: u32 = 0x0201_4b50;
    const END_OF_CENTRAL_DIR: u32 = 0x0605_4b50;
    /// Made by: Unix (3), spec 2.0. Needed to extract: 2.0 (deflate).
    const VERSION_MADE_BY: u16 = 3 << 8 | 20;
    const VERSION_NEEDED: u16 = 20;
    const DEFLATE: u16 = 8;
    /// General purpose bit 11: the name is UTF-8 (set only for non-ASCII names, as others do).
    const UTF8_NAME: u16 = 1 << 11;
    /// 1980-01-01 00:00, the earliest DOS date: the archive does not change with the clock.
    const DOS_TIME: u16 = 0;
    const DOS_DATE: u16 = 1 << 5 | 1;
    /// Regular file, rw-r--r--.
    const UNIX_MODE: u32 = 0o100_644 << 16;

    thread_local! {
        static DEFLATER: RefCell<Option<Compress>> = const { RefCell::new(None) };
    }

    struct Entry {
        name: String,
        crc: u32,
        compressed: u32,
        size: u32,
        /// Offset of the local header within its part.
        offset: u32,
    }

    /// Entries compressed one after another into one buffer.
    #[derive(Default)]
    pub struct Part {
        bytes: Vec<u8>,
        entries: Vec<Entry>,
    }

    fn too_big(what: &str) -> String {
        format!("{what} is 4 GiB or more, which needs ZIP64; kensa writes only plain ZIP")
    }

    fn u32_of(n: usize, what: &str) -> Result<u32, String> {
        u32::try_from(n)
            .ok()
            .filter(|&n| n != u32::MAX)
            .ok_or_else(|| too_big(what))
    }

    fn flags(name: &str) -> u16 {
        if name.is_ascii() {
            0
        } else {
            UTF8_NAME
        }
    }

    impl Part {
        /// Appends one file: its local header, then its deflated bytes.
        pub fn add(&mut self, name: &str, data: &[u8]) -> Result<(), String> {
            let name_len =
                u16::try_from(name.len()).map_err(|_| format!("file name too long: {name}"))?;
            let size = u32_of(data.len(), name)?;
            let offset = u32_of(self.bytes.len(), "the archive")?;
            let crc = crc32fast::hash(data);
            let b = &mut self.bytes;
            put32(b, LOCAL_HEADER);
            put16(b, VERSION_NEEDED);
            put16(b, flags(name));
            put16(b, DEFLATE);
            put16(b, DOS_TIME);
            put16(b, DOS_DATE);
            put32(b, crc);
            let sizes_at = b.len();
            put32(b, 0); // compressed size, written below
            put32(b, size);
            put16(b, name_len);
            put16(b, 0); // no extra field
            b.extend_from_slice(name.as_bytes());
            let data_at = b.len();
            deflate(data, b).map_err(|e| format!("cannot compress {name}: {e}"))?;
            let compressed = u32_of(b.len() - data_at, name)?;
            b[sizes_at..sizes_at + 4].copy_from_slice(&compressed.to_le_bytes());
            self.entries.push(Entry {
                name: name.to_string(),
                crc,
                compressed,
                size,
                offset,
            });
            Ok(())
        }
    }

    /// Raw deflate (no zlib header) of `data`, appended to `out`, with this thread's compressor.
    fn deflate(data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        DEFLATER.with(|cell| {
            let mut cell = cell.borrow_mut();
            let c = cell.get_or_insert_with(|| Compress::new(Compression::new(1), false));
            c.reset();
            // Level 1 output is rarely larger than its input; the loop grows the buffer if so.
            out.reserve(data.len() / 2 + 64);
            loop {
                let read = c.total_in() as usize;
                match c
                    .compress_vec(&data[read..], out, FlushCompress::Finish)
                    .map_err(|e| e.to_string())?
                {
                    Status::StreamEnd => return Ok(()),
                    Status::Ok | Status::BufError => out.reserve(data.len() / 4 + 1024),
                }
            }
        })
    }

    /// The parts one after another, then the central directory and its end record.
    pub fn join(parts: Vec<Part>) -> Result<Vec<u8>, String> {
        let data: usize = parts.iter().map(|p| p.bytes.len()).sum();
        let entries: usize = parts.iter().map(|p| p.entries.len()).sum();
        let directory: usize = parts
            .iter()
            .flat_map(|p| &p.entries)
            .map(|e| 46 + e.name.len())
            .sum();
        let count = u16::try_from(entries)
            .ok()
            .filter(|&n| n != u16::MAX)
            .ok_or_else(|| {
                format!(
                    "{entries} files: more than 65,534 needs ZIP64; kensa writes only plain ZIP"
                )
            })?;
        let directory_at = u32_of(data, "the archive")?;
        let directory_len = u32_of(directory, "the archive's directory")?;
        u32_of(data + directory + 22, "the archive")?;
        // Sized once: joining never reallocates.
        let mut out = Vec::with_capacity(data + directory + 22);
        let mut index = Vec::with_capacity(entries);
        for part in parts {
            let base = out.len() as u32; // checked above
            out.extend_from_slice(&part.bytes);
            index.extend(part.entries.into_iter().map(|mut e| {
                e.offset += base;
                e
            }));
        }
        for e in &index {
            put32(&mut out, CENTRAL_HEADER);
            put16(&mut out, VERSION_MADE_BY);
            put16(&mut out, VERSION_NEEDED);
            put16(&mut out, flags(&e.name));
            put16(&mut out, DEFLATE);
            put16(&mut out, DOS_TIME);
            put16(&mut out, DOS_DATE);
            put32(&mut out, e.crc);
            put32(&mut out, e.compressed);
            put32(&mut out, e.size);
            put16(&mut out, e.name.len() as u16); // checked in `add`
            put16(&mut out, 0); // extra field
            put16(&mut out, 0); // comment
            put16(&mut out, 0); // disk number
            put16(&mut out, 0); // internal attributes
            put32(&mut out, UNIX_MODE);
            put32(&mut out, e.offset);
            out.extend_from_slice(e.name.as_bytes());
        }
        put32(&mut out, END_OF_CENTRAL_DIR);
        put16(&mut out, 0); // this disk
        put16(&mut out, 0); // disk with the directory
        put16(&mut out, count);
        put16(&mut out, count);
        put32(&mut out, directory_len);
        put32(&mut out, directory_at);
        put16(&mut out, 0); // comment length
        Ok(out)
    }

    fn put16(out: &mut Vec<u8>, n: u16) {
        out.extend_from_slice(&n.to_le_bytes());
    }

    fn put32(out: &mut Vec<u8>, n: u32) {
        out.extend_from_slice(&n.to_le_bytes());
    }
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

// ---------------------------------------------------------------- the feature

/// The offline copy: the answers schema, the service worker and the site ZIP.
pub struct Offline;

impl Feature for Offline {
    fn finish(
        &self,
        build: &Build,
        root: &Path,
        outputs: &mut Vec<Output>,
    ) -> Result<(), Diagnostics> {
        finish(build.site, root, build.options.live_reload, outputs)
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
    fn zip_never_holds_one_name_twice() {
        let out = |path: &str| Output {
            path: path.into(),
            bytes: b"x".to_vec(),
        };
        let err = site_zip(&[out("a.html"), out("sw.js")], &[out("sw.js")]).unwrap_err();
        assert_eq!(err, "two files at sw.js");
    }

    #[test]
    fn zip_reads_back_with_the_zip_crate() {
        use std::io::Read;
        // Incompressible bytes (a small xorshift), larger than the first output reservation.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let noise: Vec<u8> = (0..300_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let page = "<p>本文</p>".repeat(5000).into_bytes();
        let out = |path: &str, bytes: Vec<u8>| Output {
            path: path.into(),
            bytes,
        };
        let outputs = vec![
            out("manuals/手順書.html", page.clone()),
            out("empty.txt", Vec::new()),
            out("assets/noise.bin", noise.clone()),
            out(
                "index.html",
                b"<p>a</p><section id=offline-download>z</section>".to_vec(),
            ),
        ];
        let statics = vec![out("files/様式.pdf", b"%PDF".to_vec())];
        let zip = site_zip(&outputs, &statics).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let names: Vec<&str> = archive.file_names().collect();
        assert_eq!(names.len(), 5);
        let mut read = |name: &str| {
            let mut f = archive.by_name(name).unwrap();
            assert_eq!(f.compression(), zip::CompressionMethod::Deflated);
            assert_eq!(f.unix_mode(), Some(0o100_644));
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap(); // checks the CRC too
            bytes
        };
        assert_eq!(read("manuals/手順書.html"), page);
        assert_eq!(read("empty.txt"), b"");
        assert_eq!(read("assets/noise.bin"), noise);
        assert_eq!(read("index.html"), b"<p>a</p>");
        assert_eq!(read("files/様式.pdf"), b"%PDF");
        // In path order, so the archive is the same from build to build.
        let order: Vec<String> = (0..5)
            .map(|i| archive.by_index(i).unwrap().name().to_string())
            .collect();
        assert_eq!(
            order,
            [
                "assets/noise.bin",
                "empty.txt",
                "files/様式.pdf",
                "index.html",
                "manuals/手順書.html"
            ]
        );
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
