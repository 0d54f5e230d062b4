//! The features that plug into the build. Each one contributes through the one `Feature` trait:
//! checks, pages, entries on the home and checklist pages, search documents and extra files.
//! The stages take the table of features as an argument, so that no stage names a feature.

pub mod editions;
pub mod flowchart;
pub mod guideline;
pub mod inspection;
pub mod offline;
pub mod scoring;
pub mod search;

use crate::plugin::Feature;

/// Every feature, in the order their hooks run: search gathers the documents of the features
/// before it, and offline packs what all the others wrote.
pub const ALL: &[&dyn Feature] = &[
    &guideline::Guideline,
    &flowchart::Flowcharts,
    &inspection::Inspection,
    &editions::Editions,
    &scoring::Scoring,
    &search::Search,
    &offline::Offline,
];
