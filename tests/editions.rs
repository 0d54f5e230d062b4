//! Editions end to end: `kensa edition new` on a copy of the real site, lineage errors at their
//! place, the page of what changed, and answer files carried over by `kensa migrate`, on the
//! fixture site tests/fixtures/editions (r5 and r6 of one checklist: r6 moves the 参考項目 into
//! the current phase, rewords one item, adds one, removes one and merges two into one).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kensa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .output()
        .expect("kensa runs")
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A private copy of `content/` (and nothing else) of the site at `from`.
fn site_copy(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&from.join("content"), &dir.path().join("content"));
    dir
}

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/editions")
}

fn edit(site: &Path, rel: &str, change: impl FnOnce(String) -> String) {
    let path = site.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, change(text)).unwrap();
}

fn files_under(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn edition_new_on_the_real_site_builds_and_check_wants_the_placeholders_filled() {
    let site = site_copy(repo());
    let root = site.path().to_str().unwrap();
    let before = std::fs::read_to_string(site.path().join("content/site.yaml")).unwrap();
    let out = kensa(&["edition", "new", "r6", "--from", "r5", "--root", root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("4 checklist(s)"),
        "{}",
        text(&out.stdout)
    );

    // site.yaml was edited as text: every line it had is still there, in order.
    let after = std::fs::read_to_string(site.path().join("content/site.yaml")).unwrap();
    let mut rest = after.lines();
    for line in before.lines().filter(|l| !l.starts_with("editions_shown")) {
        assert!(rest.any(|l| l == line), "lost or moved: {line}\n{after}");
    }
    assert!(after.contains("editions_shown: [r6, r5, y2021]"), "{after}");
    for name in [
        "iryokikan",
        "iryokikan-jigyosha",
        "yakkyoku",
        "yakkyoku-jigyosha",
    ] {
        let copy = std::fs::read_to_string(
            site.path()
                .join(format!("content/checklists/r6/{name}.yaml")),
        )
        .unwrap();
        assert!(copy.contains(&format!(
            "\nid: r6-{name}\nprevious: r5-{name}\nedition: r6\n"
        )));
    }

    // It builds at once, warning about the placeholders; check refuses them.
    let out = kensa(&["build", "--root", root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("has no name yet"),
        "{}",
        text(&out.stderr)
    );
    let check = kensa(&["check", "--root", root]);
    assert!(!check.status.success());
    let stderr = text(&check.stderr);
    assert!(
        stderr.contains("content/site.yaml:16:5: edition `r6` has no name yet")
            && stderr.contains("content/site.yaml:17:5: edition `r6` has no fiscal year yet"),
        "{stderr}"
    );

    // Filled in: check passes, and every page published before is still there.
    edit(site.path(), "content/site.yaml", |t| {
        t.replace("TODO 版の名前（例：令和6年度版）", "令和6年度版")
            .replace(
                "fiscal_year: 0  # TODO the Western year the 年度 begins in (令和6年度: 2024)",
                "fiscal_year: 2024",
            )
    });
    let check = kensa(&["check", "--root", root]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let published = tempfile::tempdir().unwrap();
    let out = kensa(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--out",
        published.path().join("site").to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kensa(&["build", "--root", root, "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let old = files_under(&published.path().join("site"));
    let new = files_under(&site.path().join("public"));
    let lost: Vec<_> = old.difference(&new).collect();
    assert!(lost.is_empty(), "published files gone: {lost:?}");
}

#[test]
fn edition_new_refuses_what_would_overwrite_and_writes_nothing() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    let before = files_under(site.path());
    for (args, wanted) in [
        (
            vec!["r6", "--from", "r5"],
            "edition `r6` is already in content/site.yaml",
        ),
        (
            vec!["r7", "--from", "r5"],
            "edition `r5` is already superseded by `r6`",
        ),
        (
            vec!["r7", "--from", "r4"],
            "there is no edition `r4` to start from",
        ),
        (vec!["r 7", "--from", "r6"], "`r 7` cannot be an edition id"),
    ] {
        let mut all = vec!["edition", "new"];
        all.extend(args);
        all.extend(["--root", root]);
        let out = kensa(&all);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains(wanted), "{}", text(&out.stderr));
        assert_eq!(files_under(site.path()), before);
    }
    std::fs::create_dir_all(site.path().join("content/checklists/r7")).unwrap();
    let out = kensa(&["edition", "new", "r7", "--from", "r6", "--root", root]);
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn edition_new_twice_drops_the_earlier_lineage_from_the_copy() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    let out = kensa(&[
        "edition",
        "new",
        "r7",
        "--from",
        "r6",
        "--name",
        "令和7年度版",
        "--fiscal-year",
        "2025",
        "--root",
        root,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let copy =
        std::fs::read_to_string(site.path().join("content/checklists/r7/facility.yaml")).unwrap();
    let body: String = copy.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        !body.contains("replaces") && !body.contains("reworded"),
        "{copy}"
    );
    let check = kensa(&["check", "--root", root]);
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn lineage_that_points_nowhere_is_an_error_at_its_place() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    let rel = "content/checklists/r6/facility.yaml";
    edit(site.path(), rel, |t| {
        t.replace("replaces: [current-2-5]", "replaces: [current-2-6]")
    });
    let out = kensa(&["check", "--root", root]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{rel}:67:16: item `current-2-4` replaces `current-2-6`, which is not an item of `r5-facility`; did you mean `current-2-1`?")),
        "{stderr}"
    );
    edit(site.path(), rel, |t| {
        t.replace("previous: r5-facility", "previous: r5-facilty")
    });
    let stderr = text(&kensa(&["check", "--root", root]).stderr);
    assert!(
        stderr.contains(&format!("{rel}:3:1: previous names checklist `r5-facilty`, which does not exist; did you mean `r5-facility`?")),
        "{stderr}"
    );
    edit(site.path(), rel, |t| {
        t.replace("previous: r5-facilty", "previous: r6-facility")
    });
    let stderr = text(&kensa(&["check", "--root", root]).stderr);
    assert!(
        stderr.contains(&format!("{rel}:3:1: previous names `r6-facility` of edition `r6`, which is not an earlier edition than `r6`")),
        "{stderr}"
    );
    edit(site.path(), rel, |t| {
        t.replace("previous: r6-facility\n", "")
    });
    let stderr = text(&kensa(&["check", "--root", root]).stderr);
    assert!(
        stderr.contains(&format!("{rel}:66:5: item `current-2-4` replaces earlier items, but the checklist names no `previous:` checklist")),
        "{stderr}"
    );
}

#[test]
fn a_changed_text_without_reworded_is_a_warning_at_the_text() {
    let site = site_copy(&fixture());
    let root = site.path().to_str().unwrap();
    let rel = "content/checklists/r6/facility.yaml";
    let clean = kensa(&["check", "--root", root]);
    assert!(clean.status.success(), "{}", text(&clean.stderr));
    assert!(
        text(&clean.stdout).contains("0 warning(s)"),
        "{}",
        text(&clean.stdout)
    );
    edit(site.path(), rel, |t| {
        t.replacen(
            "    reworded: true\n  - id: current-3-2",
            "  - id: current-3-2",
            1,
        )
        .replace(
            "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。\n",
            "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。\n    reworded: true\n",
        )
    });
    let out = kensa(&["check", "--root", root]);
    assert!(out.status.success(), "warnings only: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("warning: {rel}:75:5: the text of item `current-3-1` differs from that of `current-3-1` in `r5-facility`")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("warning: {rel}:54:5: item `current-2-1` says `reworded: true` but its text is that of `current-2-1` in `r5-facility`")),
        "{stderr}"
    );
}
