//! Collects declarations and reports duplicates (also across files).

use crate::ast::{self, Item};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::{Model, Symbol};
use rustc_hash::FxHashMap as HashMap;

/// Words a formula or a value reads as part of the language, so a
/// declaration with that name could never be used.
const RESERVED_IN_FORMULAS: &[&str] = &["true", "false", "and", "or", "not", "as", "where"];
/// Words that end a unit written after a number (`30 by 2027-01-01`).
const RESERVED_AS_UNITS: &[&str] = &[
    "by", "within", "where", "from", "to", "and", "or", "not", "as", "red", "amber", "green",
];

fn reserved(name: &ast::Name, words: &[&str], what: &str) -> Option<Diagnostic> {
    words.contains(&name.text.as_str()).then(|| {
        Diagnostic::new(
            &codes::RESERVED_NAME,
            format!(
                "`{}` is a word of the language and cannot name {what}",
                name.text
            ),
            name.span,
            "reserved word",
        )
        .with_help("Choose another name that says what it is; a name is letters, digits and `_`.")
    })
}

pub fn declare(files: Vec<ast::File>, diags: &mut Vec<Diagnostic>) -> Model {
    let mut m = Model::default();
    reserve(&mut m, &files);
    for file in files {
        m.broken.extend(file.broken.into_iter().map(|n| n.text));
        for item in file.items {
            let name = item.name().clone();
            let check = match &item {
                Item::Unit(_) => reserved(&name, RESERVED_AS_UNITS, "a unit"),
                Item::Target(_) => None,
                _ => reserved(&name, RESERVED_IN_FORMULAS, "a declaration"),
            };
            diags.extend(check);
            let symbol = match item {
                Item::Unit(u) => {
                    if let Some(&prev) = m.unit_names.get(&u.name.text) {
                        diags.push(duplicate(&u.name, &m.units[prev].name, "a unit"));
                    } else {
                        m.unit_names.insert(u.name.text.clone(), m.units.len());
                    }
                    m.units.push(u);
                    continue;
                }
                Item::Target(t) => {
                    m.targets.push(t);
                    continue;
                }
                Item::Role(x) => {
                    m.roles.push(x);
                    Symbol::Role(m.roles.len() - 1)
                }
                Item::Source(x) => {
                    m.fields.push(fields_of(&x, diags));
                    m.sources.push(x);
                    Symbol::Source(m.sources.len() - 1)
                }
                Item::Metric(x) => {
                    m.metrics.push(x);
                    Symbol::Metric(m.metrics.len() - 1)
                }
                Item::Kpi(x) => {
                    m.kpis.push(x);
                    Symbol::Kpi(m.kpis.len() - 1)
                }
                Item::Objective(x) => {
                    m.objectives.push(x);
                    Symbol::Objective(m.objectives.len() - 1)
                }
                Item::Signal(x) => {
                    m.signals.push(x);
                    Symbol::Signal(m.signals.len() - 1)
                }
                Item::Chain(x) => {
                    m.chains.push(x);
                    Symbol::Chain(m.chains.len() - 1)
                }
            };
            match m.symbols.get(&name.text) {
                Some(&prev) => {
                    let first = m.name_of(prev).clone();
                    diags.push(duplicate(&name, &first, prev.describe()));
                }
                None => {
                    m.symbols.insert(name.text, symbol);
                }
            }
        }
    }
    m
}

/// Makes room for exactly the items of every kind, so that the model's lists
/// never grow (and leave a copy behind) while items move in.
fn reserve(m: &mut Model, files: &[ast::File]) {
    let mut counts = [0usize; 9];
    for item in files.iter().flat_map(|f| &f.items) {
        counts[match item {
            Item::Unit(_) => 0,
            Item::Role(_) => 1,
            Item::Source(_) => 2,
            Item::Metric(_) => 3,
            Item::Kpi(_) => 4,
            Item::Target(_) => 5,
            Item::Objective(_) => 6,
            Item::Signal(_) => 7,
            Item::Chain(_) => 8,
        }] += 1;
    }
    let [
        units,
        roles,
        sources,
        metrics,
        kpis,
        targets,
        objectives,
        signals,
        chains,
    ] = counts;
    m.units.reserve_exact(units);
    m.roles.reserve_exact(roles);
    m.sources.reserve_exact(sources);
    m.fields.reserve_exact(sources);
    m.metrics.reserve_exact(metrics);
    m.kpis.reserve_exact(kpis);
    m.targets.reserve_exact(targets);
    m.objectives.reserve_exact(objectives);
    m.signals.reserve_exact(signals);
    m.chains.reserve_exact(chains);
    m.unit_names.reserve(units);
    m.symbols
        .reserve(counts.iter().sum::<usize>() - units - targets);
}

fn duplicate(again: &ast::Name, first: &ast::Name, what: &str) -> Diagnostic {
    Diagnostic::new(
        &codes::DUPLICATE_DEFINITION,
        format!("`{}` is declared twice", again.text),
        again.span,
        "declared again here",
    )
    .with_label(first.span, format!("first declared here, as {what}"))
    .with_help(format!(
        "Names are global to the model (all its files): rename one of them, or remove the second declaration if both mean `{}`.",
        again.text
    ))
}

fn fields_of(source: &ast::Source, diags: &mut Vec<Diagnostic>) -> HashMap<ast::Str, usize> {
    let mut map: HashMap<ast::Str, usize> = HashMap::default();
    for (i, f) in source.attrs.fields.iter().enumerate() {
        if let Some(&prev) = map.get(&f.name.text) {
            diags.push(
                Diagnostic::new(
                    &codes::DUPLICATE_FIELD,
                    format!(
                        "field `{}` is declared twice in source `{}`",
                        f.name.text, source.name.text
                    ),
                    f.name.span,
                    "declared again here",
                )
                .with_label(source.attrs.fields[prev].name.span, "first declared here")
                .with_help("Remove one of the two, or give the second field its own name."),
            );
        } else {
            map.insert(f.name.text.clone(), i);
        }
    }
    map
}
