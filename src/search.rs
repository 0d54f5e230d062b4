//! Full-text search index, written as static script files.
//! Placeholder until the search feature lands.

use crate::diag::Diagnostics;
use crate::model::Site;
use crate::render::Output;

pub fn outputs(_site: &Site) -> Result<Vec<Output>, Diagnostics> {
    Ok(Vec::new())
}
