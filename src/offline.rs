//! Files for using the site offline and for answer files: the answers JSON Schema, the
//! service worker and the whole-site ZIP. Placeholder until the forms feature lands.

use crate::diag::Diagnostics;
use crate::model::Site;
use crate::render::Output;

/// Outputs that depend on the rest of the site's files (the ZIP packs them all).
pub fn outputs(_site: &Site, _site_files: &[Output]) -> Result<Vec<Output>, Diagnostics> {
    Ok(Vec::new())
}
