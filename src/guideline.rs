//! Guideline catalog (content/guideline/*.yaml) and `[[GL6 …]]` references.
//! Placeholder until the catalog feature lands: the YAML is only syntax-checked.

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::model::Site;
use crate::render::Output;
use crate::theme::Theme;

#[derive(Debug)]
pub struct Catalog {
    pub file: SourceFile,
}

pub fn parse(file: &SourceFile) -> Result<Catalog, Diagnostic> {
    crate::yaml::from_str::<serde_yaml::Value>(file, &file.text, 0)?;
    Ok(Catalog { file: file.clone() })
}

pub fn validate(_site: &Site, _diags: &mut Diagnostics) {}

pub fn outputs(_site: &Site, _theme: &Theme) -> Result<Vec<Output>, Diagnostics> {
    Ok(Vec::new())
}
