//! The page-weight budget of checklist form pages: each page, with the stylesheets and scripts
//! it loads when it opens, stays under 60 KB uncompressed, so that a facility on a slow or
//! metered line gets its form at once (tests/browser/form-weight.test.js measures the same in a
//! browser). The build warns, naming the checklist, so that a maintainer who adds text splits
//! the list (`split_at`) before the page grows; scripts a page loads only when asked for
//! (`data-load-scripts`; form-files.js, which form.js loads on first use) are not counted, as a browser does not fetch them.

use std::collections::HashMap;

use crate::diag::{locate_text, Diagnostic};
use crate::kit::Output;
use crate::model::Site;

pub const FORM_PAGE_BUDGET: usize = 60 * 1024;

/// One warning per form page over the budget.
pub fn form_page_warnings(site: &Site, outputs: &[Output]) -> Vec<Diagnostic> {
    let by_path: HashMap<&str, &Output> = outputs.iter().map(|o| (o.path.as_str(), o)).collect();
    let mut warnings = Vec::new();
    for c in &site.checklists {
        for part in 0..c.part_count() {
            let url = c.part_url(part);
            let Some(page) = by_path.get(url.as_str()) else {
                continue;
            };
            let html = String::from_utf8_lossy(&page.bytes);
            let loaded: usize = loaded_files(&html)
                .iter()
                .filter_map(|r| by_path.get(resolve(&url, r).as_str()))
                .map(|o| o.bytes.len())
                .sum();
            let total = page.bytes.len() + loaded;
            if total > FORM_PAGE_BUDGET {
                let at = locate_text(&c.file.text, "split_at:", 0)
                    .or_else(|| locate_text(&c.file.text, "items:", 0))
                    .unwrap_or(0);
                warnings.push(
                    Diagnostic::warning(format!(
                        "{url} weighs {} with the CSS and JS it loads, over the {} budget of a form page",
                        kb(total),
                        kb(FORM_PAGE_BUDGET)
                    ))
                    .at_offset(&c.file, at, 1)
                    .with_help(
                        "fill the list on several pages: name the items that begin pages 2, 3, … in `split_at` (docs/content-format.md)",
                    ),
                );
            }
        }
    }
    warnings
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// The stylesheets (`<link rel=stylesheet href>`) and scripts (`<script src>`) a page loads.
fn loaded_files(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let attr = if tag.starts_with("script") {
            attribute(tag, "src")
        } else if tag.starts_with("link") && attribute(tag, "rel") == Some("stylesheet") {
            attribute(tag, "href")
        } else {
            None
        };
        found.extend(attr);
        rest = &rest[end..];
    }
    found
}

/// The value of attribute `name` in a tag's text, quoted or not (minified HTML drops quotes).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = tag[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) || !tag[from..].starts_with('=') {
            continue;
        }
        let value = &tag[from + 1..];
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        });
    }
    None
}

/// A link relative to the page at `page` (a site path such as `checklists/r5/a.html`) as a
/// site path.
fn resolve(page: &str, link: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in link.split(['?', '#']).next().unwrap_or("").split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_page_loads_when_it_opens() {
        let html = r#"<link href=../../assets/site.css rel=stylesheet><link href=data:, rel=icon><link rel="stylesheet" href="x.css"><script defer src=../../assets/js/form.js></script><section data-load-scripts="../../assets/js/inspect.js"><script type=application/json id=data>{}</script>"#;
        assert_eq!(
            loaded_files(html),
            ["../../assets/site.css", "x.css", "../../assets/js/form.js"]
        );
    }

    #[test]
    fn links_resolve_against_the_page_folder() {
        assert_eq!(
            resolve("checklists/r5/a.html", "../../assets/site.css"),
            "assets/site.css"
        );
        assert_eq!(
            resolve("index.html", "assets/js/kensa.js?v=1"),
            "assets/js/kensa.js"
        );
        assert_eq!(
            resolve("checklists/r5/a.html", "b.css"),
            "checklists/r5/b.css"
        );
    }
}
