//! The site model: plain structs shared by every stage. Parsing fills them, validation reads
//! them, rendering turns them into pages. Content-facing structs reject unknown keys so that a
//! typo in `content/` is an error, not a silently ignored field.
mod checklist;
mod page;
mod provenance;
mod site;

pub use checklist::*;
pub use page::*;
pub use provenance::*;
pub use site::*;

pub mod flowchart;
pub mod guideline;
pub mod search;
