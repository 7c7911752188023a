//! The template engine (minijinja) with kpic's templates embedded. HTML
//! templates are autoescaped, so user text always shows as text; the
//! Markdown template escapes table cells with the `cell` filter.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

/// A template failed to render: a bug in kpic, reported rather than panicking.
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot render the documentation: {}", self.0)
    }
}

impl std::error::Error for RenderError {}

impl From<minijinja::Error> for RenderError {
    fn from(e: minijinja::Error) -> Self {
        RenderError(format!("{e:#}"))
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    ("style.css", include_str!("../../templates/style.css")),
    ("layout.html", include_str!("../../templates/layout.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("kpi.html", include_str!("../../templates/kpi.html")),
    ("chains.html", include_str!("../../templates/chains.html")),
    (
        "objectives.html",
        include_str!("../../templates/objectives.html"),
    ),
    ("sources.html", include_str!("../../templates/sources.html")),
    (
        "glossary.html",
        include_str!("../../templates/glossary.html"),
    ),
    ("docs.md", include_str!("../../templates/docs.md")),
];

/// Text for a Markdown table cell or line: one line, `|` and `\` escaped,
/// `<` and `>` written as entities so no user text becomes HTML.
fn cell(s: String) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

pub fn environment() -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_filter("cell", cell);
    for (name, text) in TEMPLATES {
        env.add_template(name, text)?;
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::Lang;

    #[test]
    fn every_text_a_template_uses_exists() {
        let texts = Lang::En.texts();
        let mut seen = 0;
        for (name, text) in TEMPLATES {
            // `site.t.KEY` in pages, `t.KEY` in macros.
            for needle in ["site.t.", "{{ t."] {
                let mut rest = *text;
                while let Some(i) = rest.find(needle) {
                    rest = &rest[i + needle.len()..];
                    let key: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    assert!(
                        texts.contains_key(key.as_str()),
                        "{name} uses unknown text `{key}`"
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 100, "the scan found only {seen} texts");
    }

    #[test]
    fn every_template_parses() {
        assert!(environment().is_ok());
    }
}
