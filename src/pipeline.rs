//! The build, stage by stage: load → parse → validate → render → assets → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::features::ALL as FEATURES;
use crate::kit::Output;
use crate::model::Site;
use crate::plugin::{Build, RenderOptions};
use crate::render::render_site;
use crate::theme::Theme;
use crate::{assets, load, output, parse, validate};

/// What `kensa build` and `kensa serve` are asked for.
pub struct BuildOptions {
    /// The site's root folder (holding `content/` and `themes/`).
    pub root: PathBuf,
    /// The output folder (`public/` unless `--out`); the build replaces all of it.
    pub out: PathBuf,
    /// Adds the live-reload script to every page (`kensa serve`).
    pub live_reload: bool,
}

/// What a build did, for its summary line.
#[derive(Debug)]
pub struct BuildReport {
    /// How many HTML pages were written.
    pub pages: usize,
    /// How many files were written, pages included.
    pub files: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Warnings do not fail a build but are shown.
    pub warnings: Vec<Diagnostic>,
}

/// Load → parse → validate: the site's content as a checked model, with its warnings.
pub fn load_site(root: &Path) -> Result<(Site, Vec<Diagnostic>), Diagnostics> {
    let mut timer = StageTimer::new();
    let (site, warnings) = model_stages(root, &mut timer)?;
    Ok((site, warnings))
}

fn model_stages(
    root: &Path,
    timer: &mut StageTimer,
) -> Result<(Site, Vec<Diagnostic>), Diagnostics> {
    let mut loaded = load::load(root)?;
    let skipped = std::mem::take(&mut loaded.warnings);
    timer.lap("load");
    let site = parse::parse(loaded)?;
    timer.lap("parse");
    let mut diags = validate::validate(&site, FEATURES);
    diags.items.extend(skipped);
    timer.lap("validate");
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
    let placeholders = validate::edition_placeholders(&site, true);
    if !placeholders.is_empty() {
        let mut items = placeholders;
        items.append(&mut warnings);
        return Err(Diagnostics { items });
    }
    let outputs = output_stages(&site, root, false, &mut StageTimer::new())?;
    warnings.extend(crate::weight::form_page_warnings(&site, &outputs));
    Ok((site, warnings))
}

/// Render → assets → finish: every output file, in memory.
fn output_stages(
    site: &Site,
    root: &Path,
    live_reload: bool,
    timer: &mut StageTimer,
) -> Result<Vec<Output>, Diagnostics> {
    let options = RenderOptions { live_reload };
    let theme = Theme::load(root, &site.config.theme)?;
    let build = Build {
        site,
        theme: &theme,
        options: &options,
        features: FEATURES,
    };
    // Rendering and the theme's assets (lightningcss, oxc) read only the model or the theme,
    // and each has a serial part: they run side by side, timed as one lap.
    let (outputs, assets) = rayon::join(
        || render(&build),
        || assets::theme_assets(&theme, site.config.css_targets.as_ref()),
    );
    let mut outputs = outputs?;
    outputs.extend(assets?);
    timer.lap("render and assets");
    finish(&build, root, &mut outputs)?;
    timer.lap("finish (sitemap, offline copy)");
    Ok(outputs)
}

/// The pages of the site and every feature's own outputs. The features' outputs (guideline,
/// flowcharts, inspection, search index…) read only the model, and each has a serial part:
/// they are queued after the pages (rayon lets an idle thread take the oldest queued job), so
/// no serial part is left for the end with one core idle.
fn render(build: &Build) -> Result<Vec<Output>, Diagnostics> {
    let (pages, features) = rayon::join(
        || render_site(build),
        || {
            build
                .features
                .par_iter()
                .map(|f| f.outputs(build))
                .collect::<Vec<_>>()
        },
    );
    let mut outputs = pages?;
    for f in features {
        outputs.extend(f?);
    }
    Ok(outputs)
}

/// What is made from the finished output: the sitemap, then each feature's last step.
fn finish(build: &Build, root: &Path, outputs: &mut Vec<Output>) -> Result<(), Diagnostics> {
    let sitemap = crate::render::sitemap(build.site, outputs);
    outputs.push(sitemap);
    for f in build.features {
        f.finish(build, root, outputs)?;
    }
    Ok(())
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

/// The whole build: load → parse → validate → render and assets → finish → write.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let mut timer = StageTimer::new();
    // Before any work: a folder kensa must not replace is refused at once.
    output::check_out_dir(&opts.root, &opts.out)?;
    output::remove_killed_builds(&opts.out);
    let (site, mut warnings) = model_stages(&opts.root, &mut timer)?;
    warnings.extend(validate::edition_placeholders(&site, false));
    let outputs = output_stages(&site, &opts.root, opts.live_reload, &mut timer)?;
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

/// Prints every diagnostic (only errors when `quiet`) and a count line to stderr.
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
