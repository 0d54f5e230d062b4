//! Flowcharts (content/flowcharts/*.yaml): a page per flowchart with a build-time SVG.
//! Placeholder until the flowchart feature lands: the YAML is only syntax-checked.

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::model::Site;
use crate::render::Output;
use crate::theme::Theme;

#[derive(Debug)]
pub struct Flowchart {
    pub file: SourceFile,
}

pub fn parse(file: &SourceFile) -> Result<Flowchart, Diagnostic> {
    crate::yaml::from_str::<serde_yaml::Value>(file, &file.text, 0)?;
    Ok(Flowchart { file: file.clone() })
}

pub fn validate(_site: &Site, _diags: &mut Diagnostics) {}

pub fn outputs(_site: &Site, _theme: &Theme) -> Result<Vec<Output>, Diagnostics> {
    Ok(Vec::new())
}
