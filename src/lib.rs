//! kensa: builds the site that publishes MHLW's cybersecurity checklists, their manuals and the
//! inspectors' guides. The build is one pipeline with one module per stage; see `pipeline`.

// Diagnostics travel only on the error path, once per problem; boxing them would buy nothing.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod answers;
pub(crate) mod assets;
pub mod diag;
pub mod edition;
pub mod features;
pub(crate) mod http;
pub mod init;
pub mod inspect;
pub(crate) mod item_rules;
pub(crate) mod jsmin;
pub mod kit;
pub mod lineage;
pub mod load;
pub mod markdown;
pub mod migrate;
pub mod model;
pub mod output;
pub(crate) mod owners;
pub mod parse;
pub mod pipeline;
pub mod plugin;
pub mod published;
pub mod render;
pub mod report;
pub mod returns;
pub mod serve;
pub mod tables;
pub mod theme;
pub mod validate;
pub(crate) mod weight;
pub(crate) mod yaml;
