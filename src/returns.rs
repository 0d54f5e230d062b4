//! A collection of returns (a prefecture's year, or the nation's): the folders are walked, each
//! folder's answer files are one facility's return, and facilities are judged in parallel
//! batches whose results are handed on in order as they come. Memory holds one batch, whatever
//! the number of files; nothing in the tree stops the run: every file that cannot be judged
//! (unreadable, not JSON, a link, a FIFO) is one finding of its folder.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::answers;
use crate::inspect::{self, Day, Finding, Report, Status};
use crate::model::Definitions;

/// One facility's return as found on disk: its folder and its files (or why one is skipped).
#[derive(Debug)]
pub struct Return {
    /// The folder, as the user named it (`returns/tokyo/f00001`), or `.`.
    pub facility: String,
    /// Each file's name in the folder, and what to do with it.
    pub files: Vec<(String, Input)>,
}

/// One entry of a return's folder.
#[derive(Debug)]
pub enum Input {
    /// An answer file to read.
    Path(PathBuf),
    /// Something in the folder that is not judged, and why.
    Skipped(Status, String),
}

/// What a run saw, for the closing summary line and the exit status.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Returns judged.
    pub facilities: usize,
    /// Answer files read (or tried).
    pub files: usize,
    /// Entries not judged: files that are not answer files, links, FIFOs, unreadable folders.
    pub skipped: usize,
    /// Findings by status, in `Status` order (error, fail, onsite, advice, info, pass).
    pub by_status: [usize; 6],
}

impl Summary {
    /// How many findings had this status.
    pub fn count(&self, status: Status) -> usize {
        self.by_status[status as usize]
    }
    /// Whether any finding failed a rule or a file could not be read (the exit status says so).
    pub fn failed(&self) -> bool {
        self.count(Status::Error) + self.count(Status::Fail) > 0
    }
    fn add(&mut self, ret: &Return, report: &Report) {
        self.facilities += 1;
        for (_, input) in &ret.files {
            match input {
                Input::Path(_) => self.files += 1,
                Input::Skipped(..) => self.skipped += 1,
            }
        }
        for f in &report.findings {
            self.by_status[f.status as usize] += 1;
        }
    }
    fn merge(&mut self, other: &Summary) {
        self.facilities += other.facilities;
        self.files += other.files;
        self.skipped += other.skipped;
        for (a, b) in self.by_status.iter_mut().zip(other.by_status) {
            *a += b;
        }
    }
    /// One line for the terminal, in the words of the text report.
    pub fn line(&self) -> String {
        format!(
            "施設 {}、回答ファイル {}、読み飛ばし {}：{}",
            self.facilities,
            self.files,
            self.skipped,
            inspect::totals(|s| self.count(s))
        )
    }
}

/// How many facilities are judged together: enough to keep both cores busy between the walk's
/// steps, few enough that a batch's results are a few megabytes.
const BATCH: usize = 512;

/// Judges every return under `paths` (folders and files) and hands each facility's result to
/// `consume`, in the order of the walk. `render` turns a facility's report into what
/// `consume` writes; it runs in parallel, so formatting costs no more than judging.
pub fn run<'c, T: Send>(
    paths: &[PathBuf],
    defs: &'c dyn Definitions,
    today: Day,
    answers: bool,
    render: impl Fn(&str, &Report<'c>) -> T + Sync,
    mut consume: impl FnMut(T, usize) -> std::io::Result<()>,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    let mut batch: Vec<Return> = Vec::with_capacity(BATCH);
    let mut flush = |batch: &mut Vec<Return>, summary: &mut Summary| -> std::io::Result<()> {
        let done: Vec<(T, Summary, usize)> = batch
            .par_iter()
            .map(|ret| {
                let report = judge(ret, defs, today, answers);
                let mut one = Summary::default();
                one.add(ret, &report);
                (render(&ret.facility, &report), one, ret.files.len())
            })
            .collect();
        batch.clear();
        for (out, one, files) in done {
            summary.merge(&one);
            consume(out, files)?;
        }
        Ok(())
    };
    let mut result = Ok(());
    walk(paths, &mut |ret| {
        if result.is_err() {
            return;
        }
        batch.push(ret);
        if batch.len() == BATCH {
            result = flush(&mut batch, &mut summary);
        }
    });
    result?;
    flush(&mut batch, &mut summary)?;
    Ok(summary)
}

/// One facility's report: its skipped entries first, then what the engine found.
pub fn judge<'c>(ret: &Return, defs: &'c dyn Definitions, today: Day, answers: bool) -> Report<'c> {
    let mut skipped = Vec::new();
    let mut files = Vec::new();
    for (name, input) in &ret.files {
        let read = match input {
            Input::Path(path) => read_answer_file(path).map_err(|m| (Status::Error, m)),
            Input::Skipped(status, message) => Err((*status, message.clone())),
        };
        match read {
            Ok(bytes) => files.push((name.clone(), bytes)),
            Err((status, message)) => skipped.push(skipped_finding(name, status, message)),
        }
    }
    let mut report = inspect::inspect_with(defs, &files, today, answers);
    skipped.append(&mut report.findings);
    report.findings = skipped;
    report
}

fn skipped_finding(file: &str, status: Status, message: String) -> Finding {
    let mut f = inspect::unreadable_file(file, message);
    f.status = status;
    f
}

/// One answer file's bytes, or why it was not read: a special file (a FIFO would block for
/// ever), one over the size limit, or a read error. One bad path never stops the others.
pub fn read_answer_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("読めません（{e}）。"))?;
    if !meta.is_file() {
        return Err(NOT_A_FILE.into());
    }
    let limit = answers::MAX_FILE_BYTES as u64;
    if meta.len() > limit {
        return Err(answers::too_large_message(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("読めません（{e}）。"))?;
    Ok(bytes)
}

const NOT_A_FILE: &str =
    "通常のファイルではないため、読み飛ばしました（フォルダ・名前付きパイプ・デバイスなど）。";
const LINK: &str = "シンボリックリンクのため、読み飛ばしました（集めた回答の外を読まないため）。リンク先のファイルをこのフォルダに複写してください。";
const NOT_JSON_NAME: &str = "回答ファイル（.json）ではないため、読み飛ばしました。";

/// Walks `paths` and hands over one `Return` per folder holding files, in a stable order
/// (names sorted, a folder's files before its sub-folders). Files named on the command line
/// are grouped by their folder, as they always were.
pub fn walk(paths: &[PathBuf], emit: &mut dyn FnMut(Return)) {
    let mut loose: std::collections::BTreeMap<String, Vec<(String, Input)>> = Default::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk_folder(path, emit),
            _ => {
                let (facility, name) = split(path);
                loose
                    .entry(facility)
                    .or_default()
                    .push((name, Input::Path(path.clone())));
            }
        }
    }
    for (facility, files) in loose {
        emit(Return { facility, files });
    }
}

fn split(path: &Path) -> (String, String) {
    let facility = path
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".into());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    (facility, name)
}

fn walk_folder(root: &Path, emit: &mut dyn FnMut(Return)) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by(|a, b| {
            let dir = |e: &walkdir::DirEntry| e.file_type().is_dir();
            (dir(a), a.file_name()).cmp(&(dir(b), b.file_name()))
        });
    let mut current: Option<Return> = None;
    for entry in walker {
        let (path, input) = match entry {
            Ok(e) if e.file_type().is_dir() => continue,
            Ok(e) => {
                let input = classify(&e);
                (e.into_path(), input)
            }
            Err(e) => {
                let Some(path) = e.path().map(Path::to_path_buf) else {
                    continue;
                };
                let message = format!("読めません（{}）。", io_reason(&e));
                (path, Input::Skipped(Status::Error, message))
            }
        };
        let (facility, name) = split(&path);
        if current.as_ref().is_some_and(|r| r.facility != facility) {
            emit(current.take().expect("checked"));
        }
        current
            .get_or_insert_with(|| Return {
                facility,
                files: Vec::new(),
            })
            .files
            .push((name, input));
    }
    if let Some(ret) = current {
        emit(ret);
    }
}

fn classify(entry: &walkdir::DirEntry) -> Input {
    let kind = entry.file_type();
    if kind.is_symlink() {
        return Input::Skipped(Status::Error, LINK.into());
    }
    if !kind.is_file() {
        return Input::Skipped(Status::Error, NOT_A_FILE.into());
    }
    let json = entry
        .path()
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"));
    if json {
        Input::Path(entry.path().to_path_buf())
    } else {
        Input::Skipped(Status::Info, NOT_JSON_NAME.into())
    }
}

fn io_reason(e: &walkdir::Error) -> String {
    match e.io_error() {
        Some(io) => io.to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facilities(root: &Path) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        walk(&[root.to_path_buf()], &mut |r| {
            let names = r.files.iter().map(|(n, _)| n.clone()).collect();
            out.push((r.facility, names));
        });
        out
    }

    #[test]
    fn each_folder_is_one_return_even_when_sub_folders_sort_between_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["a/1.json", "a/b/2.json", "a/c.json", "d/3.json"] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "{}").unwrap();
        }
        let got = facilities(root);
        let name = |s: &str| root.join(s).display().to_string();
        assert_eq!(
            got,
            vec![
                (name("a"), vec!["1.json".into(), "c.json".into()]),
                (name("a/b"), vec!["2.json".into()]),
                (name("d"), vec!["3.json".into()]),
            ]
        );
    }
}
