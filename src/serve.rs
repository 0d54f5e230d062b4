//! `kensa serve`: builds into a private folder, serves it on 127.0.0.1, rebuilds when
//! `content/` or `themes/` change and reloads open pages. A broken edit keeps the last good
//! site on screen with the error laid over it, until the file is fixed.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::diag::Diagnostics;
use crate::pipeline::{build, BuildOptions};

#[derive(Default)]
struct State {
    version: u64,
    error: Option<String>,
}

const LIVE_RELOAD_JS: &str = include_str!("livereload.js");

/// Serves the site of `root`, built into `out`. `temporary`: `out` is serve's own folder, removed
/// when serve ends (Ctrl+C, SIGTERM), so no copy of the site is left in the temp folder.
pub fn serve(
    root: PathBuf,
    out: PathBuf,
    port: u16,
    quiet: bool,
    temporary: bool,
) -> Result<(), String> {
    // A folder kensa must not replace stops serve at once, not at every rebuild.
    crate::output::check_out_dir(&root, &out)
        .map_err(|d| render_plain(d).trim_start_matches("error: ").to_string())?;
    if temporary {
        remove_killed_serves(&out);
        remove_on_exit(&out)?;
    }
    let state = Arc::new(Mutex::new(State::default()));
    let opts = BuildOptions {
        root: root.clone(),
        out: out.clone(),
        live_reload: true,
    };
    rebuild(&opts, &state, quiet);

    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e} (try --port N)"))?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    println!(
        "serving {} at http://127.0.0.1:{port}/ (Ctrl+C to stop)",
        out.display()
    );
    watch(&root, opts, Arc::clone(&state), quiet)?;
    let handler: Arc<crate::http::Handler> =
        Arc::new(move |target: &str| respond(target, &out, &state));
    crate::http::run(listener, crate::http::Limits::default(), handler);
    Ok(())
}

/// Rebuilds on every change to `content/` or `themes/`, on a thread of its own.
fn watch(
    root: &Path,
    opts: BuildOptions,
    state: Arc<Mutex<State>>,
    quiet: bool,
) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if !matches!(event.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        }
    }
    std::thread::spawn(move || {
        let _watcher = watcher; // keep watching as long as this thread lives
        while rx.recv().is_ok() {
            // Editors write a file in several steps: wait for the burst to end.
            while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
            rebuild(&opts, &state, quiet);
        }
    });
    Ok(())
}

/// Beside a temporary output: locked by its serve for as long as it runs, so that another
/// serve can tell a folder in use from one whose serve was killed (kill -9, a crash), whatever
/// process ids mean where each runs.
fn alive_file(out: &Path) -> Option<PathBuf> {
    let name = out.file_name()?.to_string_lossy();
    Some(out.with_file_name(format!(".{name}.kensa-alive")))
}

/// A serve killed outright cannot remove its temporary output: each serve removes those (with
/// their lock and staging folders) of serves that no longer run, so no copies of the site pile
/// up in the temp folder. Then it marks its own as in use.
fn remove_killed_serves(out: &Path) {
    let Some(temp) = out.parent() else { return };
    let entries = std::fs::read_dir(temp).into_iter().flatten().flatten();
    for entry in entries {
        let file_name = entry.file_name();
        let name = file_name.to_string_lossy();
        let Some(serve) = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".kensa-alive"))
            .filter(|n| n.starts_with("kensa-serve-"))
        else {
            continue;
        };
        let Ok(alive) = std::fs::File::open(entry.path()) else {
            continue;
        };
        if alive.try_lock().is_err() {
            continue; // its serve still runs
        }
        let _ = std::fs::remove_dir_all(temp.join(serve));
        let _ = std::fs::remove_file(temp.join(format!(".{serve}.kensa-lock")));
        let staging = [
            format!(".{serve}.kensa-new-"),
            format!(".{serve}.kensa-old-"),
        ];
        for e in std::fs::read_dir(temp).into_iter().flatten().flatten() {
            let n = e.file_name();
            if staging
                .iter()
                .any(|p| n.to_string_lossy().starts_with(p.as_str()))
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let _ = std::fs::remove_file(entry.path());
    }
    // Kept open and locked until the process ends, however it ends.
    let own = alive_file(out).and_then(|path| std::fs::File::create(path).ok());
    if let Some(file) = own {
        if file.lock().is_ok() {
            std::mem::forget(file);
        }
    }
}

/// On Ctrl+C or SIGTERM, removes serve's temporary output (and the files beside it).
fn remove_on_exit(out: &Path) -> Result<(), String> {
    let out = out.to_path_buf();
    ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&out);
        if let (Some(parent), Some(name)) = (out.parent(), out.file_name()) {
            let lock = format!(".{}.kensa-lock", name.to_string_lossy());
            let _ = std::fs::remove_file(parent.join(lock));
        }
        if let Some(alive) = alive_file(&out) {
            let _ = std::fs::remove_file(alive);
        }
        std::process::exit(0);
    })
    .map_err(|e| format!("cannot handle Ctrl+C: {e}"))
}

fn rebuild(opts: &BuildOptions, state: &Mutex<State>, quiet: bool) {
    let result = build(opts);
    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
    s.version += 1;
    match result {
        Ok(report) => {
            s.error = None;
            // As build shows them: a skipped link or an overweight page is worth a word here too.
            let warnings = Diagnostics {
                items: report.warnings,
            };
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
            crate::pipeline::print_diagnostics(warnings, color, quiet);
            if !quiet {
                println!(
                    "rebuilt {} pages in {:.2} s",
                    report.pages,
                    report.elapsed.as_secs_f64()
                );
            }
        }
        Err(diags) => {
            // In the terminal as build prints them (-q: the warnings counted); over the page all.
            let shown = Diagnostics {
                items: diags.items.clone(),
            };
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
            crate::pipeline::print_diagnostics(shown, color, quiet);
            eprintln!("the last good build is still served; fix the file and it rebuilds");
            s.error = Some(render_plain(diags));
        }
    }
}

fn render_plain(diags: Diagnostics) -> String {
    diags
        .sorted()
        .iter()
        .map(|d| d.render(false))
        .collect::<Vec<_>>()
        .join("\n")
}

use crate::http::Response;

fn respond(url: &str, out: &Path, state: &Mutex<State>) -> Response {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/__kensa/status" => {
            let s = state.lock().unwrap_or_else(|p| p.into_inner());
            let body = serde_json::json!({ "version": s.version, "error": s.error }).to_string();
            return Response::new(200, "application/json; charset=utf-8", body.into_bytes());
        }
        "/__kensa/livereload.js" => {
            return Response::new(
                200,
                "text/javascript; charset=utf-8",
                LIVE_RELOAD_JS.as_bytes().to_vec(),
            );
        }
        _ => {}
    }
    let Some(rel) = safe_relative(&percent_decode(path)) else {
        return Response::new(400, "text/plain", b"bad request".to_vec());
    };
    let mut file = out.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) if content_type(&file).starts_with("text/html") => {
            Response::new(200, content_type(&file), with_live_reload(bytes))
        }
        Ok(bytes) => Response::new(200, content_type(&file), bytes),
        Err(_) => {
            let body = std::fs::read(out.join("404.html")).unwrap_or_else(|_| {
                // No good build yet: a bare page that still shows the error overlay.
                b"<!doctype html><html lang=ja><head><meta charset=utf-8><title>kensa</title><script src=\"/__kensa/livereload.js\"></script></head><body><p>\xe3\x83\x93\xe3\x83\xab\xe3\x83\x89\xe5\xbe\x85\xe3\x81\xa1</p></body></html>".to_vec()
            });
            Response::new(404, "text/html; charset=utf-8", body)
        }
    }
}

/// Adds the live-reload script to a page as it is served, so no template or feature module
/// has to know about `kensa serve`, and nothing written to disk carries it.
fn with_live_reload(page: Vec<u8>) -> Vec<u8> {
    const TAG: &[u8] = b"<script src=\"/__kensa/livereload.js\" defer></script>";
    match page
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"</head>"))
    {
        Some(i) => [&page[..i], TAG, &page[i..]].concat(),
        None => [page.as_slice(), TAG].concat(),
    }
}

/// Rejects `..` and absolute paths so nothing outside the output folder is served.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path.trim_start_matches('/'));
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `Content-Type` a file is served with, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_paths_outside_the_site() {
        assert!(safe_relative("/../etc/passwd").is_none());
        assert_eq!(safe_relative("/a/b.html"), Some(PathBuf::from("a/b.html")));
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%20b/%E3%81%82.html"), "/a b/あ.html");
        assert_eq!(percent_decode("/100%"), "/100%");
    }

    #[test]
    fn status_reports_the_error_and_pages_stay_served() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<p>ok</p>").unwrap();
        let state = Mutex::new(State {
            version: 3,
            error: Some("error: content/a.md:2:1: bad".into()),
        });
        let body = String::from_utf8(respond("/__kensa/status", dir.path(), &state).body).unwrap();
        assert!(body.contains("\"version\":3"), "{body}");
        assert!(body.contains("content/a.md:2:1"), "{body}");
        assert_eq!(respond("/", dir.path(), &state).status, 200);
        assert_eq!(respond("/missing.html", dir.path(), &state).status, 404);
    }
}
