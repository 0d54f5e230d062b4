//! Write stage: the whole site goes into a fresh folder beside the output, which is swapped
//! in only when every file is written. A failed build leaves the previous output untouched.
//!
//! Because a build replaces the whole output folder, kensa refuses one whose replacement would
//! delete what it did not write (`check_out_dir`), marks every output it writes (`MARKER`), and
//! keeps two builds into one folder apart with a lock file beside it.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::kit::Output;

/// Written into every output folder: a later build may replace a folder that holds it.
pub const MARKER: &str = ".kensa-output";
const MARKER_TEXT: &str = "This folder is written by kensa (kensa build, kensa serve).\nEach build replaces all of it: keep nothing of your own here.\n";

fn refusal(message: String, help: String) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.push(Diagnostic::error(message).with_help(help));
    d
}

/// Where `p` leads if it is a symbolic link, even to a folder not made yet (an output's first
/// build); `p` itself otherwise. A loop gives up as a link.
fn link_target(p: &Path) -> PathBuf {
    let mut p = p.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&p) else {
            break;
        };
        p = p.parent().unwrap_or(Path::new("")).join(target);
    }
    p
}

/// `p` made absolute, with `.` and `..` resolved and symlinks followed as far as it exists, so
/// that `--out content/../content` or a link to the sources is seen for what it is.
fn absolute(p: &Path) -> PathBuf {
    let p = &link_target(p);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut existing = joined.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    while std::fs::canonicalize(&existing).is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => out.push(part),
        }
    }
    out
}

/// Refuses an output folder whose replacement would delete what kensa did not write: the site
/// itself or a folder holding it, anything inside `content/` or `themes/`, a file, or a folder
/// that holds files and was not written by kensa.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<(), Diagnostics> {
    let (root_abs, out_abs) = (absolute(root), absolute(out));
    let shown = out.display();
    let own = root.join("public");
    if root_abs.starts_with(&out_abs) {
        return Err(refusal(
            format!("--out {shown} is the site's folder or holds it: a build replaces the whole output folder, which would delete the site's sources"),
            format!("write the site into a folder of its own, such as {}", own.display()),
        ));
    }
    for sources in ["content", "themes"] {
        if out_abs.starts_with(root_abs.join(sources)) {
            return Err(refusal(
                format!("--out {shown} is inside {sources}/: the build would replace the site's own sources, and the next build would read its output as content"),
                format!("write the site outside content/ and themes/, such as {}", own.display()),
            ));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(refusal(
            format!("--out {shown} is a file, not a folder"),
            "name a folder (it is created if missing)".into(),
        ));
    }
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()), // made by the build
        Err(e) => {
            return Err(refusal(
                format!("--out {shown} cannot be read ({e}), so kensa cannot tell whether it holds files of yours"),
                "choose an empty or new folder for the site".into(),
            ))
        }
    };
    let names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() || out.join(MARKER).is_file() || looks_like_old_output(out) {
        return Ok(());
    }
    let mut shown_names = names.clone();
    shown_names.sort();
    shown_names.truncate(3);
    Err(refusal(
        format!(
            "--out {shown} holds {} file(s) or folder(s) kensa did not write ({}{}): a build replaces the whole output folder and would delete them",
            names.len(),
            shown_names.join(", "),
            if names.len() > 3 { ", …" } else { "" }
        ),
        "choose an empty or new folder for the site, or move those files elsewhere first".into(),
    ))
}

/// An output written before outputs were marked: its pages, its scripts and its service worker.
fn looks_like_old_output(dir: &Path) -> bool {
    ["index.html", "sw.js", "assets/js/form.js"]
        .iter()
        .all(|f| dir.join(f).is_file())
}

/// Holds the lock beside `out_dir` for as long as it lives: two builds into one folder (two
/// terminals, serve and build) never interleave; the second waits for the first.
fn lock_beside(parent: &Path, name: &str) -> Result<File, String> {
    let path = parent.join(format!(".{name}.kensa-lock"));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot create the lock file {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another kensa build into {}/{name} to finish…",
                parent.display()
            );
            file.lock()
                .map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
            Ok(file)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// Staging folders of builds that were killed (kill -9, power loss, a full disk): with the lock
/// held, no other build is writing one, so every such folder is a leftover.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.kensa-new-"), format!(".{name}.kensa-old-")];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let file_name = e.file_name();
        let file_name = file_name.to_string_lossy();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Puts `staging` in place of `out_dir`. Where Linux can exchange the two in one step, the
/// output folder is never absent; elsewhere it is absent between two renames, never half-written.
/// Returns the path of the folder that now holds the old site, if any.
fn swap_in(staging: &Path, out_dir: &Path, retired: &Path) -> Result<Option<PathBuf>, String> {
    if !out_dir.exists() {
        return std::fs::rename(staging, out_dir)
            .map(|_| None)
            .map_err(|e| format!("cannot move the new site into {}: {e}", out_dir.display()));
    }
    #[cfg(target_os = "linux")]
    if exchange(staging, out_dir).is_ok() {
        return Ok(Some(staging.to_path_buf()));
    }
    std::fs::rename(out_dir, retired)
        .map_err(|e| format!("cannot move the old {} aside: {e}", out_dir.display()))?;
    if let Err(e) = std::fs::rename(staging, out_dir) {
        let _ = std::fs::rename(retired, out_dir);
        return Err(format!(
            "cannot move the new site into {}: {e}",
            out_dir.display()
        ));
    }
    Ok(Some(retired.to_path_buf()))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated C strings that live across the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Where the output folder really is (an output that is a link, public -> /var/www/site, is
/// written where it points: swapped itself, the link would move aside with the old site and
/// the folder served never change), the folder holding it and its name.
fn placed(out_dir: &Path) -> Result<(PathBuf, PathBuf, String), String> {
    let resolved = link_target(out_dir);
    if resolved.is_symlink() {
        return Err(format!(
            "{} is a symbolic link that leads round in a loop",
            out_dir.display()
        ));
    }
    let parent = resolved
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = resolved
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    Ok((resolved, parent, name))
}

/// Removes what killed builds into `out_dir` left, at the start of every build (one that fails
/// on the content too), unless a build into it runs now: that one cleans up when it writes.
pub fn remove_killed_builds(out_dir: &Path) {
    let Ok((_, parent, name)) = placed(out_dir) else {
        return;
    };
    // No lock file: no build has run here since builds took one, so none runs now either.
    let lock = File::options()
        .write(true)
        .open(parent.join(format!(".{name}.kensa-lock")));
    match lock {
        Ok(lock) if lock.try_lock().is_err() => {}
        _ => remove_leftovers(&parent, &name),
    }
}

/// Writes one file whole or not at all: into a hidden sibling first, renamed over `path` once
/// written and synced, so that a reader (or a crash) never sees half a report. A path that is
/// not a regular file (`/dev/stdout`, `/dev/null`, a FIFO) is written straight: renaming over
/// it would replace the device with a file.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let Some(target) = rename_target(path)? else {
        return std::fs::write(path, bytes);
    };
    let partial = partial_path(&target)?;
    let written = std::fs::File::create(&partial).and_then(|mut f| {
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&partial, &target)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// The file a whole-or-nothing write renames into place: `path`, or the file a link at `path`
/// leads to (the link stays). None when `path` exists and is not a regular file.
pub fn rename_target(path: &Path) -> std::io::Result<Option<PathBuf>> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Ok(None),
        Ok(_) => Ok(Some(std::fs::canonicalize(path)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Some(path.to_path_buf())),
        Err(e) => Err(e),
    }
}

/// The hidden sibling a whole-or-nothing write goes into first.
pub fn partial_path(target: &Path) -> std::io::Result<PathBuf> {
    let name = target
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    Ok(target.with_file_name(format!(".{}.kensa-partial", name.to_string_lossy())))
}

/// Writes the site into a fresh folder beside `out_dir` and swaps it in; `static_sources` are
/// (file to copy, path in the site).
pub fn write_atomically(
    out_dir: &Path,
    outputs: &[Output],
    static_sources: &[(PathBuf, String)],
) -> Result<(), Diagnostics> {
    let fail = |message: String| {
        refusal(
            message,
            "check that the output folder's parent exists and is writable".into(),
        )
    };
    let (out_dir, parent, name) = placed(out_dir).map_err(fail)?;
    let (out_dir, parent) = (out_dir.as_path(), parent.as_path());
    std::fs::create_dir_all(parent)
        .map_err(|e| fail(format!("cannot create {}: {e}", parent.display())))?;
    let _lock = lock_beside(parent, &name).map_err(fail)?;
    remove_leftovers(parent, &name);
    let staging = parent.join(format!(".{name}.kensa-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.kensa-old-{}", std::process::id()));

    let result = (|| -> Result<(), String> {
        std::fs::create_dir_all(&staging)
            .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
        create_folders(&staging, outputs, static_sources)?;
        write_files(&staging, outputs, static_sources)?;
        std::fs::write(staging.join(MARKER), MARKER_TEXT)
            .map_err(|e| format!("cannot write {}: {e}", staging.join(MARKER).display()))
    })();
    if let Err(message) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(fail(message));
    }
    match swap_in(&staging, out_dir, &retired) {
        Ok(old) => {
            if let Some(old) = old {
                let _ = std::fs::remove_dir_all(old);
            }
            Ok(())
        }
        Err(message) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(fail(message))
        }
    }
}

/// Every folder once, before any file: no `create_dir_all` per file.
fn create_folders(
    staging: &Path,
    outputs: &[Output],
    static_sources: &[(PathBuf, String)],
) -> Result<(), String> {
    let mut folders: Vec<&Path> = outputs
        .iter()
        .map(|o| Path::new(o.path.as_str()))
        .chain(static_sources.iter().map(|(_, to)| Path::new(to.as_str())))
        .filter_map(|p| p.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        let dir = staging.join(folder);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    Ok(())
}

fn write_files(
    staging: &Path,
    outputs: &[Output],
    static_sources: &[(PathBuf, String)],
) -> Result<(), String> {
    // The few big files (the site ZIP, the search index's chunks) first: written last, the
    // ZIP alone kept one core busy while the other had nothing left to write.
    let mut order: Vec<&Output> = outputs.iter().collect();
    order.sort_by_key(|o| std::cmp::Reverse(o.bytes.len()));
    order.par_iter().with_max_len(8).try_for_each(|o| {
        let path = staging.join(&o.path);
        std::fs::write(&path, &o.bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    })?;
    static_sources.par_iter().try_for_each(|(from, to)| {
        let path = staging.join(to);
        std::fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("stale.html"), "old").unwrap();
        let outputs = vec![Output {
            path: "a/b.html".into(),
            bytes: b"new".to_vec(),
        }];
        write_atomically(&out, &outputs, &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b.html")).unwrap(),
            "new"
        );
        assert!(!out.join("stale.html").exists());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        // The lock file stays: removing it could let a waiting build lock a file nobody sees.
        assert_eq!(
            left,
            [".public.kensa-lock", "public"],
            "staging folders are cleaned up"
        );
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn failure_leaves_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        let missing = vec![(dir.path().join("does-not-exist.png"), "x.png".to_string())];
        assert!(write_atomically(&out, &[], &missing).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
    }
}
