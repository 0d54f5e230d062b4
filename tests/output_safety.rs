//! kensa never deletes what it did not write, never leaves an interrupted build's litter, and
//! never lets two sources (or two builds) write one file: the CLI on copies of the fixture sites.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{copy_dir, text};

fn kensa_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("kensa runs")
}

/// Like `kensa_in`, but a serve that wrongly starts serving is stopped after 20 s.
fn kensa_with_deadline(cwd: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kensa runs");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

/// A private copy of tests/fixtures/valid, with a git folder and a document of the user's.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        dir.path(),
    );
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    dir
}

fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

/// Every page the sitemap lists is there: the output is a whole site, not part of one.
fn assert_whole_site(public: &Path) {
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).expect("sitemap.xml");
    let mut pages = 0;
    for loc in sitemap.split("<loc>").skip(1) {
        let url = loc.split("</loc>").next().unwrap();
        let rel = url.split_once("/site/").map_or(url, |(_, r)| r);
        assert!(
            public.join(rel).is_file(),
            "{rel} missing from {}",
            public.display()
        );
        pages += 1;
    }
    assert!(pages > 5, "sitemap lists {pages} pages");
    // The service worker lists every file of the site, scripts and stylesheets too.
    let sw = std::fs::read_to_string(public.join("sw.js")).expect("sw.js");
    let list = sw.split_once("FILES=").expect("sw.js lists its files").1;
    let list = &list[..=list.find(']').expect("the list ends")];
    let files: Vec<String> = serde_json::from_str(list).expect("a JSON list");
    assert!(files.len() > pages, "sw.js lists {} files", files.len());
    for f in files {
        assert!(
            public.join(&f).is_file(),
            "{f} missing from {}",
            public.display()
        );
    }
    assert!(
        public.join(".kensa-output").is_file(),
        "the output is marked"
    );
}

fn staging_leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".kensa-new-") || n.contains(".kensa-old-"))
        .collect()
}

#[test]
fn refuses_an_output_folder_that_holds_what_kensa_did_not_write() {
    let site = site();
    let root = site.path();
    std::fs::create_dir_all(root.join("letters")).unwrap();
    std::fs::write(
        root.join("letters/保健所への回答.docx"),
        "the user's document",
    )
    .unwrap();
    std::fs::write(root.join("notes.txt"), "a file").unwrap();
    let before = tree(root);
    for (out, words) in [
        ("content", "is inside content/"),
        ("content/out", "is inside content/"),
        ("content/../content", "is inside content/"),
        ("themes", "is inside themes/"),
        (".", "is the site's folder or holds it"),
        ("..", "is the site's folder or holds it"),
        (
            "letters",
            "holds 1 file(s) or folder(s) kensa did not write (保健所への回答.docx)",
        ),
        ("notes.txt", "is a file, not a folder"),
    ] {
        for command in ["build", "serve"] {
            let mut args = vec![command, "--root", ".", "--out", out];
            if command == "serve" {
                args.extend(["--port", "0"]);
            }
            let run = kensa_with_deadline(root, &args);
            let stderr = text(&run.stderr);
            assert_eq!(
                run.status.code(),
                Some(1),
                "{command} --out {out}: {stderr}"
            );
            assert!(stderr.contains(words), "{command} --out {out}: {stderr}");
            assert!(stderr.contains("help:"), "{stderr}");
        }
    }
    assert_eq!(tree(root), before, "nothing was changed or deleted");
}

#[test]
fn accepts_new_empty_and_earlier_output_folders() {
    let site = site();
    let root = site.path();
    std::fs::create_dir_all(root.join("empty")).unwrap();
    // An output of a kensa from before outputs were marked.
    let old = root.join("old-site");
    std::fs::create_dir_all(old.join("assets/js")).unwrap();
    for f in ["index.html", "sw.js", "assets/js/form.js"] {
        std::fs::write(old.join(f), "old").unwrap();
    }
    for out in ["new/site", "empty", "old-site", "public", "public"] {
        let run = kensa_in(root, &["build", "--root", ".", "--out", out]);
        assert!(run.status.success(), "--out {out}: {}", text(&run.stderr));
        assert_whole_site(&root.join(out));
    }
    assert!(
        !old.join("sw.js").exists() || std::fs::read_to_string(old.join("sw.js")).unwrap() != "old"
    );
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_link_stays_a_link() {
    let site = site();
    let root = site.path();
    let served = tempfile::tempdir().unwrap();
    let www = served.path().join("www");
    std::os::unix::fs::symlink(&www, root.join("public")).unwrap();
    for _ in 0..2 {
        let run = kensa_in(root, &["build", "--root", "."]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        assert!(root.join("public").is_symlink(), "public is still the link");
        assert_whole_site(&www);
    }
    assert_eq!(staging_leftovers(root), Vec::<String>::new());
    assert_eq!(staging_leftovers(served.path()), Vec::<String>::new());
    // A link into the sources is refused like the folder it leads to, made yet or not.
    std::fs::remove_file(root.join("public")).unwrap();
    std::os::unix::fs::symlink("content/new", root.join("public")).unwrap();
    let run = kensa_in(root, &["build", "--root", "."]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("is inside content/"),
        "{}",
        text(&run.stderr)
    );
    assert!(!root.join("content/new").exists());
}

#[test]
fn a_build_removes_what_killed_builds_left_behind() {
    let site = site();
    let root = site.path();
    for leftover in [".public.kensa-new-4242", ".public.kensa-old-4242"] {
        std::fs::create_dir_all(root.join(leftover).join("assets")).unwrap();
        std::fs::write(root.join(leftover).join("index.html"), "half").unwrap();
    }
    // Another output's staging is not this build's business.
    std::fs::create_dir_all(root.join(".other.kensa-new-1")).unwrap();
    let run = kensa_in(root, &["build", "--root", "."]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(
        staging_leftovers(root),
        vec![".other.kensa-new-1".to_string()]
    );
    assert_whole_site(&root.join("public"));
}

#[test]
fn a_build_that_fails_removes_killed_builds_litter_but_not_a_running_builds() {
    let site = site();
    let root = site.path();
    let good = kensa_in(root, &["build", "--root", "."]);
    assert!(good.status.success(), "{}", text(&good.stderr));
    let before = tree(&root.join("public"));
    std::fs::write(
        root.join("content/broken.md"),
        "---\ntitle: x\n---\n\n[手引き](@/guides/inspekt.md)\n",
    )
    .unwrap();
    let staging = root.join(".public.kensa-new-4242");
    std::fs::create_dir_all(staging.join("assets")).unwrap();
    // While another build holds the lock, its staging folder is its own.
    let lock = std::fs::File::open(root.join(".public.kensa-lock")).unwrap();
    lock.lock().unwrap();
    let run = kensa_in(root, &["build", "--root", "."]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert!(staging.is_dir(), "a running build's folder was removed");
    drop(lock);
    let run = kensa_in(root, &["build", "--root", "."]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert_eq!(staging_leftovers(root), Vec::<String>::new());
    assert_eq!(
        tree(&root.join("public")),
        before,
        "the last good site stays"
    );
}

/// A site of `n` extra Markdown pages, big enough that a build takes a while.
fn big_site(n: usize) -> tempfile::TempDir {
    let site = site();
    let dir = site.path().join("content/many");
    std::fs::create_dir_all(&dir).unwrap();
    let body = "医療情報システムの安全管理に関する記述です。".repeat(40);
    for i in 0..n {
        std::fs::write(
            dir.join(format!("p{i:05}.md")),
            format!("---\ntitle: ページ {i}\n---\n\n# 見出し {i}\n\n{body}\n"),
        )
        .unwrap();
    }
    site
}

/// A small xorshift: the kill moments differ from run to run, and the seed in a failure
/// message repeats one.
struct Moments(u64);

impl Moments {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Returns when `child` has begun to write the new site (or has ended).
fn wait_for_staging(root: &Path, child: &mut std::process::Child) -> Instant {
    let writing = || {
        staging_leftovers(root)
            .iter()
            .any(|n| n.starts_with(".public.kensa-new-"))
    };
    while !writing() && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }
    Instant::now()
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site() {
    let site = big_site(2_000);
    let root = site.path();
    let first = kensa_in(root, &["build", "--root", ".", "-q"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_kensa"))
            .current_dir(root)
            .args(["build", "--root", ".", "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a build takes, and how long of that it writes (a small part: rendering is most).
    let started = Instant::now();
    let mut again = spawn();
    let writing_from = wait_for_staging(root, &mut again);
    assert!(again.wait().unwrap().success());
    let took = started.elapsed().as_millis() as u64;
    let writing = writing_from.elapsed().as_millis() as u64;
    let seed = std::env::var("KENSA_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let mut moments = Moments(seed);
    let mut littered = 0;
    for round in 0..6 {
        let mut child = spawn();
        // Odd rounds: anywhere in the build (and a little past it). Even rounds: while the
        // new site is being written, the moment an interrupted build leaves litter.
        if round % 2 == 0 {
            wait_for_staging(root, &mut child);
            std::thread::sleep(Duration::from_millis(moments.below(writing)));
        } else {
            std::thread::sleep(Duration::from_millis(moments.below(took * 11 / 10)));
        }
        let _ = child.kill(); // SIGKILL: no cleanup runs
        let _ = child.wait();
        if !staging_leftovers(root).is_empty() {
            littered += 1;
        }
        // The previous site stays whole until the new one replaces it in one step.
        assert_whole_site(&root.join("public"));
        let next = kensa_in(root, &["build", "--root", ".", "-q"]);
        assert!(next.status.success(), "{}", text(&next.stderr));
        assert_whole_site(&root.join("public"));
        assert_eq!(
            staging_leftovers(root),
            Vec::<String>::new(),
            "round {round}, KENSA_KILL_SEED={seed}"
        );
    }
    // Otherwise no kill hit the write stage, and the cleanup went untested.
    assert!(
        littered > 0,
        "no kill left litter (KENSA_KILL_SEED={seed}, writing {writing} of {took} ms)"
    );
    eprintln!("{littered} of 6 kills left staging folders (KENSA_KILL_SEED={seed})");
}

#[test]
fn a_second_build_waits_for_the_first() {
    use std::io::BufRead;
    let site = site();
    let root = site.path();
    // The lock a running build holds, taken by the test instead.
    let lock = std::fs::File::create(root.join(".public.kensa-lock")).unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .current_dir(root)
        .args(["build", "--root", "."])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    while stderr.read_line(&mut said).unwrap() > 0 && !said.contains("waiting") {}
    assert!(
        said.contains("waiting for another kensa build into ./public to finish"),
        "{said}"
    );
    assert!(
        !root.join("public").exists(),
        "nothing written while waiting"
    );
    assert!(staging_leftovers(root).is_empty());
    drop(lock);
    assert!(child.wait().unwrap().success());
    assert_whole_site(&root.join("public"));
}

#[test]
fn two_builds_into_one_folder_take_turns() {
    let site = big_site(500);
    let root = site.path();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_kensa"))
            .current_dir(root)
            .args(["build", "--root", "."])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}{}",
        text(&a.stderr),
        text(&b.stderr)
    );
    assert_whole_site(&root.join("public"));
    assert_eq!(staging_leftovers(root), Vec::<String>::new());
}

#[test]
fn two_sources_for_one_output_path_fail_naming_both() {
    let page = "---\ntitle: x\n---\nx\n";
    let generated = "a file kensa generates";
    let cases: [(&str, &str, &str, &str); 7] = [
        (
            "checklists/r6/facility.md",
            page,
            "checklists/r6/facility.html",
            "content/checklists/r6/facility.yaml",
        ),
        (
            "checklists/r6/facility-about.html",
            "<p>x</p>",
            "checklists/r6/facility-about.html",
            "content/checklists/r6/facility.yaml",
        ),
        ("search.md", page, "search.html", generated),
        ("404.md", page, "404.html", generated),
        ("sw.js", "self.x = 1;\n", "sw.js", generated),
        (
            "assets/js/form.js",
            "alert(1);\n",
            "assets/js/form.js",
            generated,
        ),
        ("kensa-site.zip", "PK", "kensa-site.zip", generated),
    ];
    for (file, body, output, other) in cases {
        let site = site();
        let root = site.path();
        let path = root.join("content").join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
        for command in ["build", "check"] {
            let run = kensa_in(root, &[command, "--root", "."]);
            let stderr = text(&run.stderr);
            assert_eq!(run.status.code(), Some(1), "{file}: {stderr}");
            assert!(
                stderr.contains(&format!("two sources write {output}")),
                "{file}: {stderr}"
            );
            assert!(
                stderr.contains(&format!("content/{file}")) && stderr.contains(other),
                "{file}: {stderr}"
            );
        }
        assert!(!root.join("public").exists(), "{file}: nothing written");
    }
}

/// `kensa serve`'s stderr up to the moment it serves (after its first build), then stopped.
fn serve_stderr(root: &Path, quiet: bool) -> String {
    use std::io::BufRead;
    let mut args = vec!["serve", "--root", ".", "--port", "0", "--out", "served"];
    if quiet {
        args.push("-q");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .current_dir(root)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while stdout.read_line(&mut line).unwrap() > 0 && !line.contains("serving ") {}
    assert!(line.contains("serving "), "{line}");
    let _ = child.kill();
    text(&child.wait_with_output().unwrap().stderr)
}

#[test]
fn quiet_prints_errors_and_counts_warnings() {
    let site = site();
    let root = site.path();
    // A link that leads out of content/: one warning.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", root.join("content/outside.md")).unwrap();
    for command in ["check", "build"] {
        let loud = kensa_in(root, &[command, "--root", "."]);
        let quiet = kensa_in(root, &[command, "--root", ".", "-q"]);
        assert!(loud.status.success() && quiet.status.success());
        assert!(
            text(&loud.stderr).contains("warning: content/outside.md"),
            "{}",
            text(&loud.stderr)
        );
        assert_eq!(
            text(&quiet.stderr),
            "1 warning(s) (run without -q to see them)\n"
        );
        assert_eq!(text(&quiet.stdout), "");
    }
    assert!(serve_stderr(root, false).contains("warning: content/outside.md"));
    assert_eq!(
        serve_stderr(root, true),
        "1 warning(s) (run without -q to see them)\n"
    );
    // An error is printed in full, with its place, its source line and its help.
    std::fs::write(
        root.join("content/broken.md"),
        "---\ntitle: x\n---\n\n[手引き](@/guides/inspekt.md)\n",
    )
    .unwrap();
    for command in ["check", "build"] {
        let quiet = kensa_in(root, &[command, "--root", ".", "-q"]);
        let stderr = text(&quiet.stderr);
        assert_eq!(quiet.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.starts_with("error: content/broken.md:5:1: broken link"),
            "{stderr}"
        );
        assert!(stderr.contains("[手引き](@/guides/inspekt.md)"), "{stderr}");
        assert!(stderr.contains("help: "), "{stderr}");
        assert!(!stderr.contains("warning: "), "{stderr}");
        assert!(
            stderr.ends_with("1 error(s), 1 warning(s): nothing was written (run without -q to see the warnings)\n"),
            "{stderr}"
        );
    }
    let served = serve_stderr(root, true);
    assert!(
        served.starts_with("error: content/broken.md:5:1: broken link"),
        "{served}"
    );
    assert!(served.contains("help: "), "{served}");
    assert!(!served.contains("warning: "), "{served}");
    assert!(
        served.contains("(run without -q to see the warnings)"),
        "{served}"
    );
}

#[cfg(unix)]
#[test]
fn links_that_lead_out_of_content_or_nowhere_are_reported() {
    let site = site();
    let root = site.path();
    let content = root.join("content");
    std::os::unix::fs::symlink("/etc/hostname", content.join("outside.md")).unwrap();
    std::os::unix::fs::symlink("loop-b", content.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", content.join("loop-b")).unwrap();
    std::os::unix::fs::symlink("index.md", content.join("inside.md")).unwrap();
    // A folder that holds the link: walked through it, content/ would hold itself for ever.
    std::fs::create_dir_all(content.join("deep")).unwrap();
    std::os::unix::fs::symlink("..", content.join("deep/up")).unwrap();
    std::os::unix::fs::symlink("../about", content.join("deep/about")).unwrap();
    // Emacs marks a file being edited with a link that leads nowhere: an editor's, not the site's.
    std::os::unix::fs::symlink("user@host.1234:1700000000", content.join(".#index.md")).unwrap();
    let run = kensa_in(root, &["build", "--root", "."]);
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "content/outside.md is a symbolic link and was skipped: it points outside content/"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/loop-a is a symbolic link and was skipped: it leads nowhere"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/loop-b is a symbolic link"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/deep/up is a symbolic link and was skipped: it is a loop"),
        "{stderr}"
    );
    for quiet in ["inside.md", "deep/about", "index.md is"] {
        assert!(
            !stderr.contains(quiet),
            "a link within content/ needs no word: {stderr}"
        );
    }
    assert_eq!(stderr.matches("warning: ").count(), 4, "{stderr}");
    assert!(!root.join("public/outside.html").exists());
}

#[test]
fn a_file_that_is_not_utf8_is_located_at_its_first_bad_byte() {
    let site = site();
    let root = site.path();
    let mut bytes = "---\ntitle: x\n---\n\n本文です。\nここで"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"\x82\xa0 Shift_JIS\n");
    std::fs::write(root.join("content/sjis.md"), bytes).unwrap();
    let run = kensa_in(root, &["build", "--root", "."]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr.contains("content/sjis.md:6:4: content/sjis.md is not UTF-8 text"),
        "{stderr}"
    );
}

/// Only where names are case-sensitive can such files be made at all.
#[cfg(target_os = "linux")]
#[test]
fn two_names_that_differ_only_in_case_fail() {
    let site = site();
    let root = site.path();
    let page = "---\ntitle: x\n---\nx\n";
    std::fs::write(root.join("content/about/Legal.md"), page).unwrap();
    std::fs::create_dir_all(root.join("content/img")).unwrap();
    std::fs::write(root.join("content/img/Logo.PNG"), "x").unwrap();
    std::fs::write(root.join("content/img/logo.png"), "x").unwrap();
    for command in ["build", "check"] {
        let run = kensa_in(root, &[command, "--root", "."]);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        for (a, b) in [
            (
                "img/Logo.PNG (from content/img/Logo.PNG)",
                "img/logo.png (from content/img/logo.png)",
            ),
            (
                "about/Legal.html (from content/about/Legal.md)",
                "about/legal.html (from content/about/legal.md)",
            ),
        ] {
            assert!(
                stderr.lines().any(|l| l.contains(a)
                    && l.contains(b)
                    && l.contains("differ only in upper and lower case")),
                "{stderr}"
            );
        }
        assert!(stderr.contains("2 error(s)"), "{stderr}");
    }
    assert!(!root.join("public").exists());
}

#[cfg(unix)]
#[test]
fn two_file_names_that_are_not_utf8_and_map_to_one_page_fail() {
    use std::os::unix::ffi::OsStrExt;
    let site = site();
    let root = site.path();
    for raw in [&b"p\xff.md"[..], &b"p\xfe.md"[..]] {
        let name = std::ffi::OsStr::from_bytes(raw);
        std::fs::write(root.join("content").join(name), "---\ntitle: x\n---\nx\n").unwrap();
    }
    let run = kensa_in(root, &["build", "--root", "."]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("two sources write p\u{FFFD}.html: content/p\\xFE.md and content/p\\xFF.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: give the files names in UTF-8"),
        "{stderr}"
    );
    assert!(!root.join("public").exists());
}

/// Starts `kensa serve` with its temporary output in `temp`; returns it once it serves, with
/// the folder it serves (its first line names it).
#[cfg(unix)]
fn serve_in_temp(root: &Path, temp: &Path) -> (std::process::Child, PathBuf) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .current_dir(root)
        .args(["serve", "--root", ".", "--port", "0", "-q"])
        .env("TMPDIR", temp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let folder = line
        .strip_prefix("serving ")
        .and_then(|l| l.split_once(" at http://"))
        .unwrap_or_else(|| panic!("{line}"))
        .0;
    (child, PathBuf::from(folder))
}

#[cfg(unix)]
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn a_serve_removes_what_killed_serves_left_in_the_temp_folder() {
    let site = site();
    let root = site.path();
    let temp = tempfile::tempdir().unwrap();
    let temp = temp.path();
    // Still running: its folder is in use.
    let (mut running, running_folder) = serve_in_temp(root, temp);
    // Killed outright: its private copy of the site stays, with the files beside it.
    let (mut killed, killed_folder) = serve_in_temp(root, temp);
    assert!(killed_folder.join("index.html").is_file());
    killed.kill().unwrap();
    killed.wait().unwrap();
    let killed_name = killed_folder.file_name().unwrap().to_string_lossy();
    std::fs::create_dir_all(temp.join(format!(".{killed_name}.kensa-new-1/assets"))).unwrap();
    // Not known to be a serve's (an older kensa's, or nobody's): left alone.
    std::fs::create_dir_all(temp.join("kensa-serve-7")).unwrap();
    let before = names(temp);
    assert!(before
        .iter()
        .any(|n| n.starts_with(&format!(".{killed_name}."))));

    let (mut next, next_folder) = serve_in_temp(root, temp);
    let after = names(temp);
    assert!(!killed_folder.exists(), "{after:?}");
    assert!(
        !after.iter().any(|n| n.contains(killed_name.as_ref())),
        "{after:?}"
    );
    assert!(running_folder.join("index.html").is_file(), "{after:?}");
    assert!(next_folder.join("index.html").is_file(), "{after:?}");
    assert!(temp.join("kensa-serve-7").is_dir());
    for child in [&mut running, &mut next] {
        // SAFETY: kill() with a child's pid and SIGTERM only sends a signal.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        child.wait().unwrap();
    }
    assert_eq!(
        names(temp),
        ["kensa-serve-7"],
        "stopped serves leave nothing"
    );
}
