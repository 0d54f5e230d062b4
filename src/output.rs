//! Write stage: the whole site goes into a fresh folder beside the output, which is swapped
//! in only when every file is written. A failed build leaves the previous output untouched.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::Output;

pub fn write_atomically(
    out_dir: &Path,
    outputs: &[Output],
    static_sources: &[(PathBuf, String)],
) -> Result<(), Diagnostics> {
    let fail = |message: String| {
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::error(message)
                .with_help("check that the output folder's parent exists and is writable"),
        );
        d
    };
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| fail(format!("cannot create {}: {e}", parent.display())))?;
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.kensa-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.kensa-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);

    let result = (|| -> Result<(), String> {
        std::fs::create_dir_all(&staging)
            .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
        create_folders(&staging, outputs, static_sources)?;
        write_files(&staging, outputs, static_sources)
    })();
    if let Err(message) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(fail(message));
    }
    // Swap: old → retired, staging → out, then drop retired. Between the two renames the
    // output folder is briefly absent, never half-written.
    let had_old = out_dir.exists();
    if had_old {
        let _ = std::fs::remove_dir_all(&retired);
        if let Err(e) = std::fs::rename(out_dir, &retired) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(fail(format!(
                "cannot move the old {} aside: {e}",
                out_dir.display()
            )));
        }
    }
    if let Err(e) = std::fs::rename(&staging, out_dir) {
        if had_old {
            let _ = std::fs::rename(&retired, out_dir);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(fail(format!(
            "cannot move the new site into {}: {e}",
            out_dir.display()
        )));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&retired);
    }
    Ok(())
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
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders must be cleaned up");
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
