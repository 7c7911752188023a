//! Which attributes each kind of declaration may have, and the closed
//! vocabularies of type, kind, level, perspective, funnel, frequency, direction.

use crate::ast::{AttrKind, Attrs, Name};
use crate::diagnostics::{Diagnostic, codes, suggest};
use crate::model::*;

/// Attributes a source may have.
const SOURCE: &[AttrKind] = &[
    AttrKind::Owner,
    AttrKind::Rows,
    AttrKind::Field,
    AttrKind::Notes,
    AttrKind::Definition,
    AttrKind::Allow,
];
/// Attributes a metric block may have.
const METRIC: &[AttrKind] = &[
    AttrKind::Formula,
    AttrKind::Unit,
    AttrKind::Definition,
    AttrKind::Notes,
    AttrKind::Owner,
    AttrKind::Allow,
];
/// Attributes an objective may have.
const OBJECTIVE: &[AttrKind] = &[
    AttrKind::Owner,
    AttrKind::KeyResult,
    AttrKind::Notes,
    AttrKind::Definition,
    AttrKind::Level,
    AttrKind::Allow,
];
/// Attributes a signal may have.
const SIGNAL: &[AttrKind] = &[
    AttrKind::Owner,
    AttrKind::Backup,
    AttrKind::Notes,
    AttrKind::Definition,
    AttrKind::Goal,
    AttrKind::Frequency,
    AttrKind::Level,
    AttrKind::Perspective,
    AttrKind::Allow,
];
/// Attributes a KPI may not have.
const NOT_KPI: &[AttrKind] = &[AttrKind::Rows, AttrKind::Field, AttrKind::KeyResult];

pub fn check_attributes(m: &mut Model, diags: &mut Vec<Diagnostic>) {
    for s in &m.sources {
        allowed(&s.attrs, "a data source", |k| SOURCE.contains(&k), diags);
        check_allow(&s.attrs, diags);
    }
    for x in &m.metrics {
        let help_kpi = |k: AttrKind| METRIC.contains(&k);
        for &(kind, span) in &x.attrs.written {
            if !help_kpi(kind) {
                diags.push(
                    not_allowed(kind, span, "a metric").with_help(format!(
                        "A metric is a number worth naming, without `{}`. If this number steers a goal, declare it as a `kpi`.",
                        kind.keyword()
                    )),
                );
            }
        }
        check_allow(&x.attrs, diags);
    }
    for x in &m.objectives {
        allowed(&x.attrs, "an objective", |k| OBJECTIVE.contains(&k), diags);
        check_allow(&x.attrs, diags);
        kpi_info(&x.attrs, diags);
    }
    for x in &m.signals {
        for &(kind, span) in &x.attrs.written {
            if SIGNAL.contains(&kind) {
                continue;
            }
            let carries = matches!(
                kind,
                AttrKind::Target | AttrKind::Bands | AttrKind::KeyResult | AttrKind::Formula
            );
            if carries {
                diags.push(
                    Diagnostic::new(
                        &codes::SIGNAL_WITH_TARGET,
                        format!("signal `{}` cannot have `{}`", x.name.text, kind.keyword()),
                        span,
                        format!("a signal has no {}", kind.keyword()),
                    )
                    .with_label(x.name.span, "declared as a signal here")
                    .with_help("A signal is qualitative context, never steered on a number. Remove this attribute, or declare a `kpi` with an exact formula for what you want to steer."),
                );
            } else {
                diags.push(not_allowed(kind, span, "a signal"));
            }
        }
        check_allow(&x.attrs, diags);
        kpi_info(&x.attrs, diags);
    }
    let mut infos = Vec::with_capacity(m.kpis.len());
    for k in &m.kpis {
        allowed(&k.attrs, "a KPI", |k| !NOT_KPI.contains(&k), diags);
        check_allow(&k.attrs, diags);
        infos.push(kpi_info(&k.attrs, diags));
    }
    m.kpi_info = infos;
}

fn allowed(attrs: &Attrs, what: &str, ok: impl Fn(AttrKind) -> bool, diags: &mut Vec<Diagnostic>) {
    for &(kind, span) in &attrs.written {
        if !ok(kind) {
            diags.push(not_allowed(kind, span, what));
        }
    }
}

fn not_allowed(kind: AttrKind, span: crate::source::Span, what: &str) -> Diagnostic {
    let kw = kind.keyword();
    let help = match kind {
        AttrKind::Field | AttrKind::Rows => {
            "Fields and rows belong in a `source` block.".to_string()
        }
        AttrKind::KeyResult => "Key results belong in an `objective` block.".to_string(),
        _ => format!(
            "Remove `{kw}` here; see docs/language.md for the attributes of each declaration."
        ),
    };
    Diagnostic::new(
        &codes::ATTRIBUTE_NOT_ALLOWED,
        format!("{what} cannot have `{kw}`"),
        span,
        format!("`{kw}` is not allowed here"),
    )
    .with_help(help)
}

/// Lint names in `allow` must exist.
fn check_allow(attrs: &Attrs, diags: &mut Vec<Diagnostic>) {
    for name in &attrs.allow {
        if let Some(code) = codes::lookup(&name.text).filter(|c| !crate::lints::config::is_lint(c))
        {
            diags.push(
                Diagnostic::new(
                    &codes::UNKNOWN_LINT,
                    format!("`{}` is an error in the model, not a lint", name.text),
                    name.span,
                    "errors cannot be allowed",
                )
                .with_help(format!("{} ({}) reports a mistake that makes the model wrong; fix it instead of silencing it.", code.code, code.slug)),
            );
        } else if codes::lookup(&name.text).is_none() {
            diags.push(
                Diagnostic::new(
                    &codes::UNKNOWN_LINT,
                    format!("`{}` is not a lint kpic knows", name.text),
                    name.span,
                    "unknown lint",
                )
                .with_help(
                    suggest::did_you_mean(&name.text, codes::ALL.iter().map(|c| c.slug))
                        .unwrap_or_else(|| {
                            "Run `kpic explain --list` to see every code and slug.".to_string()
                        }),
                ),
            );
        }
    }
}

/// Reads one vocabulary word, reporting a word outside the vocabulary.
fn word<T: Copy>(
    name: Option<&Name>,
    attr: &str,
    words: &[&str],
    parse: impl Fn(&str) -> Option<T>,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let name = name?;
    let value = parse(&name.text);
    if value.is_none() {
        let list = words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = suggest::did_you_mean(&name.text, words.iter().copied())
            .map(|d| format!("{} ", d.replace("did you mean", "Did you mean")))
            .unwrap_or_default();
        diags.push(
            Diagnostic::new(
                &codes::UNKNOWN_VOCABULARY,
                format!("`{}` is not a {attr}", name.text),
                name.span,
                format!("unknown {attr}"),
            )
            .with_help(format!("{hint}The {attr} is one of {list}.")),
        );
    }
    value
}

fn kpi_info(a: &Attrs, diags: &mut Vec<Diagnostic>) -> KpiInfo {
    let level = a.level.as_ref().and_then(|l| {
        let kind = word(Some(&l.kind), "level", LevelKind::WORDS, LevelKind::parse, diags)?;
        let group = l.group.as_ref().map(|g| g.value.clone());
        match (kind, &group) {
            (LevelKind::Company, Some(_)) => {
                diags.push(
                    Diagnostic::new(
                        &codes::UNKNOWN_VOCABULARY,
                        "the company level has no name",
                        l.span,
                        "remove the name after `company`",
                    )
                    .with_help("Write `level company`; only departments and teams are named (`level department \"Sales\"`)."),
                );
                None
            }
            (LevelKind::Department | LevelKind::Team, None) => {
                diags.push(
                    Diagnostic::new(
                        &codes::UNKNOWN_VOCABULARY,
                        format!("a {} level needs a name", kind.as_str()),
                        l.span,
                        "which one?",
                    )
                    .with_help(format!("Name it in quotes: `level {} \"Sales\"`.", kind.as_str())),
                );
                None
            }
            _ => Some(LevelKey { kind, group }),
        }
    });
    KpiInfo {
        kpi_type: word(
            a.kpi_type.as_ref(),
            "type",
            KpiType::WORDS,
            KpiType::parse,
            diags,
        ),
        kind: word(a.kind.as_ref(), "kind", Kind::WORDS, Kind::parse, diags),
        level,
        perspective: word(
            a.perspective.as_ref(),
            "perspective",
            Perspective::WORDS,
            Perspective::parse,
            diags,
        ),
        funnel: word(
            a.funnel.as_ref(),
            "funnel stage",
            Funnel::WORDS,
            Funnel::parse,
            diags,
        ),
        frequency: word(
            a.frequency.as_ref(),
            "frequency",
            Frequency::WORDS,
            Frequency::parse,
            diags,
        ),
        direction: word(
            a.direction.as_ref(),
            "direction",
            Direction::WORDS,
            Direction::parse,
            diags,
        )
        .zip(a.direction.as_ref().map(|d| d.span)),
    }
}
