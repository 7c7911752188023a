//! The HTML site: an index (health, scorecards per level, views by
//! perspective, AARRR stage and owner), one page per KPI, and pages for
//! chains, objectives and signals, data sources and roles, and the glossary.
//! Every page is self-contained: inline CSS, inline SVG, no scripts, no
//! external resources, so the site works offline from `file://`.

use super::i18n::Lang;
use super::templates::{RenderError, environment};
use super::view::site;
use crate::Analysis;
use crate::lints::Limits;
use crate::source::SourceMap;
use minijinja::{Value, context};

/// The pages of the site: (file name, HTML text), index first.
pub fn html(
    a: &Analysis,
    sources: &SourceMap,
    model_name: &str,
    limits: &Limits,
    lang: Lang,
) -> Result<Vec<(String, String)>, RenderError> {
    let content = site(a, sources, model_name, limits, lang);
    let env = environment()?;
    let value = Value::from(minijinja::value::Serde(&content));
    let mut pages = Vec::with_capacity(content.kpis.len() + 5);
    for page in ["index", "chains", "objectives", "sources", "glossary"] {
        let text = env
            .get_template(&format!("{page}.html"))?
            .render(context! { site => value.clone(), page => page })?;
        pages.push((format!("{page}.html"), text));
    }
    let kpi_template = env.get_template("kpi.html")?;
    for (i, kpi) in content.kpis.iter().enumerate() {
        let text = kpi_template.render(context! {
            site => value.clone(),
            kpi => value.get_attr("kpis").and_then(|k| k.get_item(&Value::from(i)))?,
            page => "kpi",
        })?;
        pages.push((kpi.link.href.clone(), text));
    }
    Ok(pages)
}
