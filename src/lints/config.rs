//! Lint levels: from `kpic.toml`, from the command line and from `allow`
//! attributes in the source, applied to the diagnostics after all checks ran.

use crate::ast::Attrs;
use crate::diagnostics::{Code, Diagnostic, Severity, codes};
use crate::model::{LevelKind, Model};
use crate::source::Span;
use std::collections::HashMap;

/// The advised number of KPIs per level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub company: (usize, usize),
    pub department: (usize, usize),
    pub team: (usize, usize),
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            company: (5, 12),
            department: (5, 10),
            team: (3, 7),
        }
    }
}

impl Limits {
    pub fn range(&self, kind: LevelKind) -> (usize, usize) {
        match kind {
            LevelKind::Company => self.company,
            LevelKind::Department => self.department,
            LevelKind::Team => self.team,
        }
    }
}

/// Lint levels set by the user, in the order they apply: file config first,
/// then the command line (a later setting wins).
#[derive(Clone, Debug, Default)]
pub struct LintConfig {
    pub levels: Vec<(&'static Code, Severity)>,
    /// `-D warnings`: every warning becomes an error.
    pub deny_warnings: bool,
    pub limits: Limits,
}

/// Whether a code's level may be changed: every lint (5xx) and every code
/// that is not an error by default. Errors in the model itself stay errors.
pub fn is_lint(code: &Code) -> bool {
    code != &codes::UNKNOWN_LINT
        && (code.code.starts_with("KPI5") || code.default != Severity::Error)
}

/// Reads a lint level word.
pub fn parse_level(word: &str) -> Option<Severity> {
    match word {
        "allow" => Some(Severity::Allow),
        "warn" => Some(Severity::Warning),
        "deny" => Some(Severity::Error),
        _ => None,
    }
}

/// Looks a lint up by slug or code; the error says what is wrong.
pub fn find_lint(name: &str) -> Result<&'static Code, String> {
    match codes::lookup(name) {
        Some(c) if is_lint(c) => Ok(c),
        Some(c) => Err(format!(
            "{} ({}) is an error in the model itself, not a lint; its level cannot be changed",
            c.code, c.slug
        )),
        None => {
            let hint = crate::diagnostics::suggest::did_you_mean(
                name,
                codes::ALL.iter().filter(|c| is_lint(c)).map(|c| c.slug),
            )
            .map(|d| format!(": {d}"))
            .unwrap_or_else(|| "; run `kpic explain --list` to see them all".to_string());
            Err(format!("unknown lint `{name}`{hint}"))
        }
    }
}

/// Sets each diagnostic's severity from the configuration and the `allow`
/// attributes of the item it is reported in.
pub fn apply(diags: &mut [Diagnostic], config: &LintConfig, m: &Model) {
    let levels: HashMap<&str, Severity> = config.levels.iter().map(|(c, s)| (c.code, *s)).collect();
    let allows = allow_scopes(m);
    for d in diags.iter_mut() {
        if !is_lint(d.code) {
            continue;
        }
        if let Some(&s) = levels.get(d.code.code) {
            d.severity = s;
        }
        let span = d.primary.span;
        let allowed = allows.iter().any(|(scope, code)| {
            *code == d.code.code
                && scope.file == span.file
                && scope.start() <= span.start()
                && span.end() <= scope.end()
        });
        if allowed {
            d.severity = Severity::Allow;
        }
        if config.deny_warnings && d.severity == Severity::Warning {
            d.severity = Severity::Error;
        }
    }
}

/// Every `allow` in the model: the item's span and the code it silences.
fn allow_scopes(m: &Model) -> Vec<(Span, &'static str)> {
    let mut out = Vec::new();
    let mut add = |span: Span, attrs: &Attrs| {
        for name in &attrs.allow {
            if let Some(c) = codes::lookup(&name.text) {
                out.push((span, c.code));
            }
        }
    };
    for x in &m.kpis {
        add(x.span, &x.attrs);
    }
    for x in &m.metrics {
        add(x.span, &x.attrs);
    }
    for x in &m.sources {
        add(x.span, &x.attrs);
    }
    for x in &m.signals {
        add(x.span, &x.attrs);
    }
    for x in &m.objectives {
        add(x.span, &x.attrs);
    }
    out
}

/// What a `kpic.toml` says: the model's name (if given), lint levels and limits.
#[derive(Clone, Debug, Default)]
pub struct ModelConfig {
    pub name: Option<String>,
    pub lints: LintConfig,
}

/// Reads the text of a `kpic.toml` (`[model] name`, `[lints] slug = "allow" |
/// "warn" | "deny"`, `[limits] company = [5, 12]` ...). Unknown sections,
/// keys, lints and levels are errors, with the line for TOML syntax errors.
pub fn parse_config(text: &str) -> Result<ModelConfig, String> {
    let value: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        match line {
            Some(l) => format!("line {l}: {}", e.message().trim()),
            None => e.message().trim().to_string(),
        }
    })?;
    let mut config = ModelConfig::default();
    for (key, v) in &value {
        let table = v
            .as_table()
            .ok_or(format!("`{key}` must be a section: write `[{key}]`"))?;
        match key.as_str() {
            "model" => {
                for (k, v) in table {
                    match (k.as_str(), v.as_str()) {
                        ("name", Some(n)) => config.name = Some(n.to_string()),
                        ("name", None) => {
                            return Err("`model.name` must be a text in quotes".into());
                        }
                        (other, _) => {
                            return Err(format!(
                                "unknown key `{other}` in [model]: it has only `name`"
                            ));
                        }
                    }
                }
            }
            "lints" => {
                for (lint, level) in table {
                    let code = find_lint(lint)?;
                    let level = level.as_str().and_then(parse_level).ok_or(format!(
                        "the level of `{lint}` must be \"allow\", \"warn\" or \"deny\""
                    ))?;
                    config.lints.levels.push((code, level));
                }
            }
            "limits" => {
                for (level, range) in table {
                    let number =
                        |v: &toml::Value| v.as_integer().and_then(|n| usize::try_from(n).ok());
                    let pair = range
                        .as_array()
                        .filter(|a| a.len() == 2)
                        .and_then(|a| Some((number(&a[0])?, number(&a[1])?)))
                        .filter(|(lo, hi)| lo <= hi)
                        .ok_or(format!(
                            "`limits.{level}` must be [min, max] with 0 <= min <= max, e.g. [5, 12]"
                        ))?;
                    match level.as_str() {
                        "company" => config.lints.limits.company = pair,
                        "department" => config.lints.limits.department = pair,
                        "team" => config.lints.limits.team = pair,
                        other => {
                            return Err(format!(
                                "unknown level `{other}` in [limits]: use company, department or team"
                            ));
                        }
                    }
                }
            }
            other => {
                return Err(format!(
                    "unknown section `[{other}]`: kpic.toml has [model], [lints] and [limits]"
                ));
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_complete_config() {
        let c = parse_config("[model]\nname = \"Shop\"\n[lints]\nmissing-backup = \"allow\"\n[limits]\nteam = [2, 9]\n")
            .expect("valid");
        assert_eq!(c.name.as_deref(), Some("Shop"));
        assert_eq!(c.lints.levels[0].0.code, "KPI506");
        assert_eq!(c.lints.limits.team, (2, 9));
    }

    #[test]
    fn says_what_is_wrong() {
        let err = |t: &str| parse_config(t).err().unwrap_or_default();
        assert!(err("[model\n").starts_with("line 1:"));
        assert!(err("[model]\nextra = 1\n").contains("unknown key `extra`"));
        assert!(err("[limits]\nteam = [-1, 3]\n").contains("[min, max]"));
        assert!(
            err("[lints]\nmissing-bakup = \"allow\"\n").contains("did you mean `missing-backup`")
        );
        assert!(err("[lints]\nincompatible-units = \"allow\"\n").contains("not a lint"));
        assert!(err("[other]\n").contains("unknown section"));
    }
}
