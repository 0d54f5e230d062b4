//! `kensa edition new <NEW> --from <OLD>`: next fiscal year's checklists in one command.
//!
//! Every checklist of the old edition is copied into `content/checklists/<NEW>/` with its id,
//! edition and `previous:` (where its items came from: the same id is the same item) rewritten,
//! and the edition is added to `content/site.yaml`. Both files are edited as text, line by line,
//! so that their comments and layout stay as the editor wrote them; each result is parsed back
//! and compared with what was meant before anything is written. A name or fiscal year not given
//! is written as a placeholder that `kensa check` refuses (a build only warns, so the editor can
//! preview the new edition at once).

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::*;

/// The name written when `--name` is not given.
pub const NAME_PLACEHOLDER: &str = "TODO 版の名前（例：令和6年度版）";

/// What `kensa edition new` was asked for.
pub struct NewEdition {
    /// The site's root folder (holding `content/`).
    pub root: PathBuf,
    /// The new edition's id (`r6`).
    pub id: String,
    /// The edition to copy (`r5`); it must not be superseded already.
    pub from: String,
    /// The new edition's name (令和6年度版); `NAME_PLACEHOLDER` when not given.
    pub name: Option<String>,
    /// The new edition's fiscal year; `YEAR_PLACEHOLDER` when not given.
    pub fiscal_year: Option<u32>,
}

/// What `edition new` wrote, for its summary line.
pub struct Created {
    /// The checklist copies written, in `content/checklists/<NEW>/`.
    pub files: Vec<PathBuf>,
    /// A name or fiscal year was written as a placeholder, which `kensa check` refuses until
    /// filled in.
    pub placeholders: bool,
}

fn fail(message: impl Into<String>, help: impl Into<String>) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.push(Diagnostic::error(message).with_help(help));
    d
}

/// The id a copied checklist gets: `r5-yakkyoku` → `r6-yakkyoku`; an id without the old
/// edition's prefix gets the new one in front.
pub fn new_checklist_id(old_id: &str, from: &str, to: &str) -> String {
    match old_id.strip_prefix(&format!("{from}-")) {
        Some(rest) => format!("{to}-{rest}"),
        None => format!("{to}-{old_id}"),
    }
}

/// Copies edition `from`'s checklists into edition `id` and adds it to `site.yaml`; nothing
/// is written on an error.
pub fn new_edition(opts: &NewEdition) -> Result<Created, Diagnostics> {
    let (site, _) = crate::pipeline::load_site(&opts.root)?;
    let (new, from) = (opts.id.as_str(), opts.from.as_str());
    if !crate::validate::safe_id(new) || new.len() > 20 {
        return Err(fail(
            format!("`{new}` cannot be an edition id"),
            "use ASCII letters, digits, `_` and `-` (at most 20), like `r6`",
        ));
    }
    if site.edition(new).is_some() {
        return Err(fail(
            format!("edition `{new}` is already in content/site.yaml"),
            "choose another id, or edit that edition's checklists",
        ));
    }
    let Some(old) = site.edition(from) else {
        let known: Vec<_> = site.config.editions.iter().map(|e| e.id.as_str()).collect();
        return Err(fail(
            format!("there is no edition `{from}` to start from"),
            format!("editions in content/site.yaml: {}", known.join(", ")),
        ));
    };
    if let Some(by) = &old.superseded_by {
        return Err(fail(
            format!("edition `{from}` is already superseded by `{by}`"),
            format!("start the new edition from the newest one: --from {by}"),
        ));
    }
    let folder = opts.root.join("content/checklists").join(new);
    if folder.exists() {
        return Err(fail(
            format!("{} already exists", folder.display()),
            "remove it (or choose another edition id) so that nothing there is overwritten",
        ));
    }
    let sources: Vec<&Checklist> = site
        .checklists
        .iter()
        .filter(|c| c.def.edition == from)
        .collect();
    if sources.is_empty() {
        return Err(fail(
            format!("edition `{from}` has no checklists to copy"),
            "checklists of an edition are content/checklists/<edition>/*.yaml",
        ));
    }
    let mut copies = Vec::new();
    for c in &sources {
        let new_id = new_checklist_id(&c.def.id, from, new);
        if site.checklist(&new_id).is_some() || !crate::validate::safe_id(&new_id) {
            return Err(fail(
                format!(
                    "the copy of `{}` would be `{new_id}`, which is taken or not a valid id",
                    c.def.id
                ),
                "rename the checklist or choose another edition id",
            ));
        }
        let rename = |id: &str| {
            sources
                .iter()
                .any(|s| s.def.id == id)
                .then(|| new_checklist_id(id, from, new))
        };
        let rel = c.file.content_rel();
        let text = copy_definition(&c.file.text, &rel, &new_id, &c.def.id, new, &rename);
        check_copy(&text, c, &new_id, new, &rename)?;
        let name = c.file.rel_path.file_name().unwrap_or_default().to_owned();
        copies.push((folder.join(name), text));
    }
    let config_path = opts.root.join("content/site.yaml");
    let config_text = add_edition(
        &site.config_file.text,
        from,
        new,
        opts.name.as_deref(),
        opts.fiscal_year,
    )
    .and_then(|t| check_config(&t, from, new).map(|()| t))
    .map_err(|why| {
        fail(
            format!("content/site.yaml cannot be edited: {why}"),
            format!("add the edition by hand (`- id: {new}` under `editions:`, and `superseded_by: {new}` on `{from}`), then run the command again with the checklists folder removed"),
        )
    })?;
    write_all(&folder, &copies, &config_path, &config_text).map_err(|e| {
        fail(
            format!("could not write the new edition: {e}"),
            "nothing was changed; check the folder's permissions and free space",
        )
    })?;
    Ok(Created {
        files: copies.into_iter().map(|(p, _)| p).collect(),
        placeholders: opts.name.is_none() || opts.fiscal_year.is_none(),
    })
}

/// Writes the copies, then site.yaml (through a temporary file renamed over it). On a failure
/// the folder made here is removed again, so that no half-made edition is left behind.
fn write_all(
    folder: &Path,
    copies: &[(PathBuf, String)],
    config: &Path,
    config_text: &str,
) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(folder)?;
    let result = (|| {
        for (path, text) in copies {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)?;
            f.write_all(text.as_bytes())?;
        }
        let tmp = config.with_extension("yaml.kensa-tmp");
        std::fs::write(&tmp, config_text)?;
        std::fs::rename(&tmp, config).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(folder);
    }
    result
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key: value` as the key is written at the start of a line (after its indentation and a list
/// dash), or None.
fn value_of<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let t = line.trim_start().trim_start_matches("- ");
    let rest = t.strip_prefix(key)?.strip_prefix(':')?;
    Some(rest.trim())
}

/// The old definition with its id, edition and `previous:` rewritten and the item keys that
/// relate it to its own previous edition (`replaces:`, `reworded:`) left out.
fn copy_definition(
    text: &str,
    rel: &str,
    new_id: &str,
    old_id: &str,
    edition: &str,
    rename: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = format!(
        "# Copied from content/{rel} by `kensa edition new`.\n\
         # Items with the same id are the same item. Name the earlier ids of merged, split or\n\
         # renumbered items in `replaces:`, and mark new wording `reworded: true`.\n"
    );
    let mut skip_deeper_than: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = indent_of(line);
        if let Some(limit) = skip_deeper_than {
            let t = line.trim_start();
            if line.trim().is_empty() || indent > limit || (indent == limit && t.starts_with("- "))
            {
                continue;
            }
            skip_deeper_than = None;
        }
        let eol = if line.ends_with('\n') { "\n" } else { "" };
        if indent == 0 && value_of(line, "id").is_some() {
            out.push_str(&format!("id: {new_id}\nprevious: {old_id}{eol}"));
        } else if indent == 0 && value_of(line, "previous").is_some() {
        } else if indent == 0 && value_of(line, "edition").is_some() {
            out.push_str(&format!("edition: {edition}{eol}"));
        } else if indent > 0
            && (value_of(line, "replaces").is_some() || value_of(line, "reworded").is_some())
        {
            // A key after a list dash starts the item: never the case for these two.
            if value_of(line, "replaces").is_some_and(str::is_empty) {
                skip_deeper_than = Some(indent);
            }
        } else if let Some(v) = value_of(line, "vendor_checklist") {
            let v = v.trim_matches(|c| c == '"' || c == '\'');
            match rename(v) {
                Some(to) => {
                    let key_at = line.find("vendor_checklist").unwrap_or(0);
                    out.push_str(&format!("{}vendor_checklist: {to}{eol}", &line[..key_at]));
                }
                None => out.push_str(line),
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The copy read back: what was meant, or an error before anything is written.
fn check_copy(
    text: &str,
    c: &Checklist,
    new_id: &str,
    edition: &str,
    rename: &dyn Fn(&str) -> Option<String>,
) -> Result<(), Diagnostics> {
    let file = crate::diag::SourceFile::new(c.file.rel_path.clone(), text);
    let problem = match crate::yaml::from_str::<ChecklistDef>(&file, text, 0) {
        Err(d) => Some(d.message),
        Ok(def) => {
            let vendor = |d: &ChecklistDef| {
                d.inspection
                    .as_ref()
                    .and_then(|i| i.vendor_checklist.clone())
            };
            let want_vendor = vendor(&c.def).map(|v| rename(&v).unwrap_or(v));
            let same_items = def.items.len() == c.def.items.len()
                && def.items.iter().zip(&c.def.items).all(|(a, b)| {
                    a.id == b.id && a.text == b.text && a.replaces.is_empty() && !a.reworded
                });
            (def.id != new_id
                || def.edition != edition
                || def.previous.as_deref() != Some(c.def.id.as_str())
                || vendor(&def) != want_vendor
                || !same_items)
                .then(|| "the copy does not read back as the same checklist".to_string())
        }
    };
    match problem {
        None => Ok(()),
        Some(why) => Err(fail(
            format!("{} cannot be copied: {why}", c.file.rel_path.display()),
            "its top-level `id:` and `edition:` must each be on a line of their own; copy the file by hand, then set `id:`, `edition:` and `previous:`",
        )),
    }
}

fn check_config(text: &str, from: &str, new: &str) -> Result<(), String> {
    let file = crate::diag::SourceFile::new("content/site.yaml", text);
    let config: SiteConfig =
        crate::yaml::from_str(&file, text, 0).map_err(|d| d.message.clone())?;
    let ok = config.editions.iter().any(|e| e.id == new)
        && config
            .editions
            .iter()
            .any(|e| e.id == from && e.superseded_by.as_deref() == Some(new));
    ok.then_some(())
        .ok_or_else(|| "the edited file does not read back with the new edition".into())
}

/// A YAML scalar for `s`: plain when that reads back as the same text, else double-quoted (a
/// JSON string is a YAML double-quoted scalar).
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.trim() == s
        && !s.contains(|c: char| ":#'\"[]{},&*!|>%@`\\".contains(c) || c.is_control())
        && !s.starts_with(['-', '?'])
        && s.parse::<f64>().is_err()
        && !["true", "false", "null", "yes", "no", "~"].contains(&s.to_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// site.yaml with the new edition added after the others, the old one `superseded_by` it, and
/// the new one first in `editions_shown` (when the file lists them).
fn add_edition(
    text: &str,
    from: &str,
    new: &str,
    name: Option<&str>,
    year: Option<u32>,
) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|l| indent_of(l) == 0 && value_of(l, "editions").is_some_and(str::is_empty))
        .ok_or("`editions:` is not a block list")?;
    // The editions block: up to the next line at column 0 that is not a comment or an entry.
    let end = (start + 1..lines.len())
        .find(|&i| {
            let l = lines[i];
            !l.trim().is_empty() && indent_of(l) == 0 && !l.starts_with(['#', '-'])
        })
        .unwrap_or(lines.len());
    let dash = (start + 1..end)
        .map(|i| lines[i])
        .find(|l| l.trim_start().starts_with("- "))
        .map(indent_of)
        .ok_or("`editions:` lists no edition")?;
    let entries: Vec<usize> = (start + 1..end)
        .filter(|&i| indent_of(lines[i]) == dash && lines[i].trim_start().starts_with("- "))
        .collect();
    // The last line with content of the entry that begins at entries[k].
    let last_line = |k: usize| {
        let stop = entries.get(k + 1).copied().unwrap_or(end);
        (entries[k]..stop)
            .rev()
            .find(|&i| !lines[i].trim().is_empty() && !lines[i].trim_start().starts_with('#'))
            .unwrap_or(entries[k])
    };
    let old = (0..entries.len())
        .find(|&k| {
            let stop = entries.get(k + 1).copied().unwrap_or(end);
            (entries[k]..stop).any(|i| {
                value_of(lines[i], "id").map(|v| v.trim_matches(|c| c == '"' || c == '\''))
                    == Some(from)
            })
        })
        .ok_or_else(|| format!("no entry `- id: {from}` under `editions:`"))?;
    let field = " ".repeat(dash + 2);
    let nl = |i: usize| if lines[i].ends_with('\n') { "" } else { "\n" };
    let after_old = last_line(old);
    let after_all = last_line(entries.len() - 1);
    let name = name.map_or_else(|| scalar(NAME_PLACEHOLDER), scalar);
    let year = match year {
        Some(y) => y.to_string(),
        None => format!(
            "{YEAR_PLACEHOLDER}  # TODO the Western year the 年度 begins in (令和6年度: 2024)"
        ),
    };
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        if i == after_old {
            out.push_str(&format!("{}{field}superseded_by: {new}\n", nl(i)));
        }
        if i == after_all {
            if i != after_old {
                out.push_str(nl(i));
            }
            out.push_str(&format!(
                "{}- id: {new}\n{field}name: {name}\n{field}fiscal_year: {year}\n",
                " ".repeat(dash)
            ));
        }
    }
    Ok(show_first(&out, new))
}

/// `editions_shown` with `new` first: `[r5, y2021]` → `[r6, r5, y2021]`; a block list gets a
/// line before its first. A file without the key shows every edition already.
fn show_first(text: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut block_pending = false;
    for line in text.split_inclusive('\n') {
        if block_pending && line.trim_start().starts_with("- ") {
            out.push_str(&format!("{}- {new}\n", " ".repeat(indent_of(line))));
            block_pending = false;
        }
        match value_of(line, "editions_shown").filter(|_| indent_of(line) == 0) {
            Some(v) if v.starts_with('[') => {
                let at = line.find('[').unwrap_or(0) + 1;
                let sep = if v.trim_start_matches('[').trim_start().starts_with(']') {
                    ""
                } else {
                    ", "
                };
                out.push_str(&format!("{}{new}{sep}{}", &line[..at], &line[at..]));
            }
            Some("") => {
                block_pending = true;
                out.push_str(line);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_yaml_keeps_its_comments_and_layout() {
        let text = "# comment\ntitle: t\neditions:\n  # the first\n  - id: r5\n    name: 令和5年度版\n    fiscal_year: 2023\n\n# after\neditions_shown: [r5]\nfooter: f\n";
        let out = add_edition(text, "r5", "r6", Some("令和6年度版"), Some(2024)).unwrap();
        assert_eq!(
            out,
            "# comment\ntitle: t\neditions:\n  # the first\n  - id: r5\n    name: 令和5年度版\n    fiscal_year: 2023\n    superseded_by: r6\n  - id: r6\n    name: 令和6年度版\n    fiscal_year: 2024\n\n# after\neditions_shown: [r6, r5]\nfooter: f\n"
        );
        check_config(&out, "r5", "r6").unwrap();
    }

    #[test]
    fn placeholders_and_block_lists() {
        let text = "title: t\neditions:\n- id: a\n  name: A\n  fiscal_year: 2021\n  superseded_by: r5\n- id: r5\n  name: B\n  fiscal_year: 2023\neditions_shown:\n  - r5\n";
        let out = add_edition(text, "r5", "r6", None, None).unwrap();
        assert!(
            out.contains(
                "- id: r6\n  name: TODO 版の名前（例：令和6年度版）\n  fiscal_year: 0  # TODO"
            ),
            "{out}"
        );
        assert!(
            out.contains("  fiscal_year: 2023\n  superseded_by: r6\n"),
            "{out}"
        );
        assert!(out.ends_with("editions_shown:\n  - r6\n  - r5\n"), "{out}");
        check_config(&out, "r5", "r6").unwrap();
    }

    #[test]
    fn a_copy_drops_the_lineage_of_its_own_edition() {
        let text = "id: r6-a\nedition: r6\nprevious: r5-a\ntitle: t\nitems:\n  - id: x\n    text: y\n    replaces:\n      - p\n      - q\n    reworded: true\n  - id: z\n    replaces: [x]\n    text: w\ninspection:\n  vendor_checklist: r6-b\n";
        let rename = |id: &str| (id == "r6-b").then(|| "r7-b".to_string());
        let out = copy_definition(text, "checklists/r6/a.yaml", "r7-a", "r6-a", "r7", &rename);
        let body: String = out.lines().skip(3).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            body,
            "id: r7-a\nprevious: r6-a\nedition: r7\ntitle: t\nitems:\n  - id: x\n    text: y\n  - id: z\n    text: w\ninspection:\n  vendor_checklist: r7-b\n"
        );
    }

    #[test]
    fn names_that_need_quotes_get_them() {
        assert_eq!(scalar("令和6年度版"), "令和6年度版");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("2024"), "\"2024\"");
        assert_eq!(scalar("# x"), "\"# x\"");
    }
}
