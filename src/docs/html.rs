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
    let mut pages = Vec::with_capacity(a.model.kpis.len() + 5);
    html_pages(a, sources, model_name, limits, lang, |name, text| {
        pages.push((name, text));
        Ok::<(), RenderError>(())
    })?;
    Ok(pages)
}

/// [`html`], handing each page to `page` as soon as it is rendered, so that
/// a caller writing files never holds the whole site in memory.
pub fn html_pages<E: From<RenderError>>(
    a: &Analysis,
    sources: &SourceMap,
    model_name: &str,
    limits: &Limits,
    lang: Lang,
    mut page: impl FnMut(String, String) -> Result<(), E>,
) -> Result<(), E> {
    let mut content = site(a, sources, model_name, limits, lang);
    let env = environment()?;
    // No template reads `site.kpis`: each KPI page gets its own card. So the
    // cards stay out of the site's template value, and each is converted
    // only for its page: converting 100,000 cards at once took gigabytes.
    let cards = std::mem::take(&mut content.kpis);
    let value = Value::from(minijinja::value::Serde(&content));
    for name in ["index", "chains", "objectives", "sources", "glossary"] {
        let text = env
            .get_template(&format!("{name}.html"))
            .and_then(|t| t.render(context! { site => value.clone(), page => name }))
            .map_err(RenderError::from)?;
        page(format!("{name}.html"), text)?;
    }
    let kpi_template = env.get_template("kpi.html").map_err(RenderError::from)?;
    for kpi in &cards {
        let card = Value::from(minijinja::value::Serde(kpi));
        let text = kpi_template
            .render(context! { site => value.clone(), kpi => card, page => "kpi" })
            .map_err(RenderError::from)?;
        page(kpi.link.href.clone(), text)?;
    }
    Ok(())
}
