//! The Markdown documentation: one page with the same content as the HTML
//! site (health, scorecards, views, a definition card per KPI, chains as
//! Mermaid diagrams, objectives, signals, data sources, roles, glossary).

use super::i18n::Lang;
use super::templates::{RenderError, environment};
use super::view::site;
use crate::Analysis;
use crate::lints::Limits;
use crate::source::SourceMap;
use minijinja::context;

/// The pages of the docs: (file name, Markdown text).
pub fn markdown(
    a: &Analysis,
    sources: &SourceMap,
    model_name: &str,
    limits: &Limits,
    lang: Lang,
) -> Result<Vec<(String, String)>, RenderError> {
    let content = site(a, sources, model_name, limits, lang);
    let env = environment()?;
    let text = env
        .get_template("docs.md")?
        .render(context! { site => minijinja::Value::from(minijinja::value::Serde(&content)) })?;
    Ok(vec![("index.md".to_string(), text)])
}
