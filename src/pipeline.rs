//! The build, stage by stage: load → parse → validate → render → assets → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics};
use crate::kit::Output;
use crate::model::Site;
use crate::render::{render_site, RenderOptions};
use crate::theme::Theme;
use crate::{assets, load, output, parse, validate};

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub live_reload: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Warnings do not fail a build but are shown.
    pub warnings: Vec<Diagnostic>,
}

/// Loads, parses and validates the site's content.
pub fn load_site(root: &Path) -> Result<(Site, Vec<Diagnostic>), Diagnostics> {
    let mut loaded = load::load(root)?;
    let skipped = std::mem::take(&mut loaded.warnings);
    let site = parse::parse(loaded)?;
    let mut diags = validate::validate(&site);
    diags.items.extend(skipped);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((site, diags.items))
}

/// Everything `build` does except writing: templates and stylesheets are checked too, so
/// `kensa check` finds every mistake a build would.
pub fn check(root: &Path) -> Result<(Site, Vec<Diagnostic>), Diagnostics> {
    let (site, mut warnings) = load_site(root)?;
    // What `kensa edition new` left to fill in may be previewed, never published.
    let placeholders = crate::edition::placeholders(&site, true);
    if !placeholders.is_empty() {
        let mut items = placeholders;
        items.append(&mut warnings);
        return Err(Diagnostics { items });
    }
    let outputs = render_all(&site, root, false)?;
    warnings.extend(crate::weight::form_page_warnings(&site, &outputs));
    Ok((site, warnings))
}

/// Renders every output file in memory.
fn render_all(site: &Site, root: &Path, live_reload: bool) -> Result<Vec<Output>, Diagnostics> {
    let mut timer = StageTimer::new();
    let options = RenderOptions { live_reload };
    let theme = Theme::load(root, &site.config.theme)?;
    // The search index, the guideline, the flowcharts, the inspection page and the theme's
    // stylesheets and scripts (lightningcss, oxc) read only the model or the theme, not the
    // rendered pages, and each has a serial part. The calling thread starts on them at once
    // while another takes the pages (rayon lets an idle thread take the oldest queued job:
    // the pages, queued first), so that no serial part is left for the end with one core idle.
    let ((theme_assets, (reference, index)), pages) = rayon::join(
        || {
            rayon::join(
                || assets::theme_assets(&theme, site.config.css_targets.as_ref()),
                || {
                    rayon::join(
                        || -> Result<Vec<Output>, Diagnostics> {
                            let mut outputs = crate::guideline::outputs(site, &theme, &options)?;
                            outputs.extend(crate::flowchart::outputs(site, &theme)?);
                            outputs.extend(crate::inspect_page::outputs(site, &theme)?);
                            outputs.extend(crate::changes::outputs(site, &theme, &options)?);
                            Ok(outputs)
                        },
                        || crate::search::outputs(site),
                    )
                },
            )
        },
        || render_site(site, &theme, &options),
    );
    let mut outputs = pages?;
    outputs.extend(reference?);
    outputs.extend(index?);
    outputs.extend(theme_assets?);
    outputs.extend(crate::search::page(site, &theme, &options)?);
    timer.lap("render pages, guideline, flowchart, inspection, search index, assets");
    let sitemap = crate::render::sitemap(site, &outputs);
    outputs.push(sitemap);
    crate::offline::finish(site, root, live_reload, &mut outputs)?;
    timer.lap("offline (zip, service worker)");
    Ok(outputs)
}

/// Per-stage times on stderr when KENSA_TIMINGS is set, for finding where a build spends.
struct StageTimer {
    enabled: bool,
    last: Instant,
}

impl StageTimer {
    fn new() -> Self {
        StageTimer {
            enabled: std::env::var_os("KENSA_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }
    fn lap(&mut self, stage: &str) {
        if self.enabled {
            eprintln!(
                "timing: {stage}: {:.3} s",
                self.last.elapsed().as_secs_f64()
            );
        }
        self.last = Instant::now();
    }
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let mut timer = StageTimer::new();
    // Before any work: a folder kensa must not replace is refused at once.
    output::check_out_dir(&opts.root, &opts.out)?;
    output::remove_killed_builds(&opts.out);
    let (site, mut warnings) = load_site(&opts.root)?;
    warnings.extend(crate::edition::placeholders(&site, false));
    timer.lap("load, parse, validate");
    let outputs = render_all(&site, &opts.root, opts.live_reload)?;
    warnings.extend(crate::weight::form_page_warnings(&site, &outputs));
    let pages = outputs.iter().filter(|o| o.path.ends_with(".html")).count();
    let statics: Vec<(PathBuf, String)> = site
        .static_files
        .iter()
        .map(|p| {
            (
                opts.root.join("content").join(p),
                p.to_string_lossy().replace('\\', "/"),
            )
        })
        .collect();
    timer.last = Instant::now();
    output::write_atomically(&opts.out, &outputs, &statics)?;
    timer.lap("write");
    let report = BuildReport {
        pages,
        files: outputs.len() + statics.len(),
        elapsed: started.elapsed(),
        warnings,
    };
    // Freeing every page and the whole model takes milliseconds nobody needs to wait for: a
    // pool thread does it after the build returns (or the process exits first, which frees
    // everything at once).
    rayon::spawn(move || drop((site, outputs)));
    Ok(report)
}

/// Prints diagnostics to stderr, sorted by position. `quiet` prints the errors in full and the
/// warnings as one line that counts them.
pub fn print_diagnostics(diags: Diagnostics, color: bool, quiet: bool) {
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    for d in diags
        .sorted()
        .into_iter()
        .filter(|d| !quiet || d.is_error())
    {
        eprint!("{}", d.render(color));
        eprintln!();
    }
    if errors > 0 {
        let hint = if quiet && warnings > 0 {
            " (run without -q to see the warnings)"
        } else {
            ""
        };
        eprintln!("{errors} error(s), {warnings} warning(s): nothing was written{hint}");
    } else if quiet && warnings > 0 {
        eprintln!("{warnings} warning(s) (run without -q to see them)");
    }
}
