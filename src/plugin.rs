//! The one interface through which a feature (guideline, flowcharts, search, inspection,
//! scoring, editions, offline) joins the build. The stages take the table of features
//! (`features::ALL`) as an argument and call these hooks in table order, so that no stage names
//! a feature, and a new feature is one module plus one line in the table.
//!
//! Every hook has a default that does nothing: a feature implements only where it contributes.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};
use tera::Context;

use crate::diag::Diagnostics;
use crate::kit::Output;
use crate::model::search::Doc;
use crate::model::{Checklist, Site};
use crate::theme::Theme;

/// How pages are rendered for this run.
pub struct RenderOptions {
    /// Adds the live-reload script (kensa serve).
    pub live_reload: bool,
}

/// What every render-time hook may read.
pub struct Build<'a> {
    /// The checked site.
    pub site: &'a Site,
    /// The theme the site is rendered with.
    pub theme: &'a Theme,
    /// How pages are rendered for this run.
    pub options: &'a RenderOptions,
    /// The whole table, for a feature that gathers from the others (search).
    pub features: &'a [&'a dyn Feature],
}

/// Where a checklist is shown, for `Feature::checklist`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecklistView {
    /// Its entry in the home page's list of checklists.
    Home,
    /// One of its form pages, or the print view of a split form.
    Form,
    /// Its companion page (sources, guideline coverage, discrepancies).
    About,
}

/// A mark a feature puts beside an item wherever a manual page links to it: (url from the site
/// root, text).
pub type ItemMark = (String, String);

/// A feature of the build: each hook adds to one stage; see the module's header.
pub trait Feature: Sync {
    /// Checks the feature's own content, after the model's checks (located diagnostics).
    fn validate(&self, _site: &Site, _diags: &mut Diagnostics) {}

    /// Adds what the home page shows of this feature to the home page's context.
    fn home(&self, _build: &Build, _ctx: &mut Context) {}

    /// Adds fields to the `checklist` object a checklist's page or home entry is rendered from;
    /// `from` is the URL of the page being rendered (links are relative to it).
    fn checklist(
        &self,
        _build: &Build,
        _c: &Checklist,
        _view: ChecklistView,
        _from: &str,
        _fields: &mut Map<String, Value>,
    ) {
    }

    /// Adds fields to a checklist's published JSON (`checklists/<edition>/<id>.json`).
    fn checklist_json(&self, _site: &Site, _c: &Checklist, _json: &mut Map<String, Value>) {}

    /// Marks for checklist items, keyed by (checklist id, item id).
    fn item_marks(&self, _build: &Build) -> BTreeMap<(String, String), ItemMark> {
        BTreeMap::new()
    }

    /// The search documents of this feature's pages, in page order.
    fn search_documents(&self, _site: &Site, _docs: &mut Vec<Doc>) {}

    /// The pages and data files of this feature, rendered from the model (in parallel with the
    /// site's pages and with the other features).
    fn outputs(&self, _build: &Build) -> Result<Vec<Output>, Diagnostics> {
        Ok(Vec::new())
    }

    /// Runs once every page and asset exists (in table order), for what is made from the
    /// finished output (the offline copy).
    fn finish(
        &self,
        _build: &Build,
        _root: &Path,
        _outputs: &mut Vec<Output>,
    ) -> Result<(), Diagnostics> {
        Ok(())
    }
}
