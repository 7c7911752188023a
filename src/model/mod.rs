//! The resolved model: every declaration of every file, grouped by kind, with
//! symbol tables. Built by `resolve`; read by every later phase.
//!
//! **Invariant:** after `resolve`, each name in the model maps to one
//! declaration; a reference that did not resolve has been reported, and later
//! phases skip it silently (no second diagnostic for the same unknown name).

mod vocab;
pub use vocab::*;

use crate::ast;
use rustc_hash::FxHashMap as HashMap;

/// What a global name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Symbol {
    Role(usize),
    Source(usize),
    Metric(usize),
    Kpi(usize),
    Objective(usize),
    Signal(usize),
    Chain(usize),
}

impl Symbol {
    /// "a role", "a KPI", ... for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Symbol::Role(_) => "a role",
            Symbol::Source(_) => "a data source",
            Symbol::Metric(_) => "a metric",
            Symbol::Kpi(_) => "a KPI",
            Symbol::Objective(_) => "an objective",
            Symbol::Signal(_) => "a signal",
            Symbol::Chain(_) => "a chain",
        }
    }
}

/// The whole model.
#[derive(Debug, Default)]
pub struct Model {
    pub units: Vec<ast::UnitDecl>,
    pub roles: Vec<ast::Role>,
    pub sources: Vec<ast::Source>,
    pub metrics: Vec<ast::Metric>,
    pub kpis: Vec<ast::Kpi>,
    pub targets: Vec<ast::Target>,
    pub objectives: Vec<ast::Objective>,
    pub signals: Vec<ast::Signal>,
    pub chains: Vec<ast::Chain>,
    /// Global names (everything but units).
    pub symbols: HashMap<ast::Str, Symbol>,
    /// Declared unit names.
    pub unit_names: HashMap<ast::Str, usize>,
    /// Per source, its fields by name.
    pub fields: Vec<HashMap<ast::Str, usize>>,
    /// Per KPI, its vocabulary attributes read into enums (unknown words reported).
    pub kpi_info: Vec<KpiInfo>,
    /// Names of declarations that did not parse; not reported again as unknown.
    pub broken: rustc_hash::FxHashSet<ast::Str>,
}

impl Model {
    pub fn lookup(&self, name: &str) -> Option<Symbol> {
        self.symbols.get(name).copied()
    }

    /// The KPI index of a name, if it names a KPI.
    pub fn kpi(&self, name: &str) -> Option<usize> {
        match self.lookup(name) {
            Some(Symbol::Kpi(i)) => Some(i),
            _ => None,
        }
    }

    /// The field of `source.field`, if both exist.
    pub fn field(&self, r: &ast::FieldRef) -> Option<(usize, &ast::Field)> {
        let Some(Symbol::Source(s)) = self.lookup(&r.source.text) else {
            return None;
        };
        let f = *self.fields[s].get(&r.field.text)?;
        Some((s, &self.sources[s].attrs.fields[f]))
    }

    /// The formula of a metric or KPI symbol.
    pub fn formula_of(&self, sym: Symbol) -> Option<&ast::Spanned<ast::Expr>> {
        match sym {
            Symbol::Metric(i) => self.metrics[i].attrs.formula.as_ref(),
            Symbol::Kpi(i) => self.kpis[i].attrs.formula.as_ref(),
            _ => None,
        }
    }

    /// The declared name of a symbol.
    pub fn name_of(&self, sym: Symbol) -> &ast::Name {
        match sym {
            Symbol::Role(i) => &self.roles[i].name,
            Symbol::Source(i) => &self.sources[i].name,
            Symbol::Metric(i) => &self.metrics[i].name,
            Symbol::Kpi(i) => &self.kpis[i].name,
            Symbol::Objective(i) => &self.objectives[i].name,
            Symbol::Signal(i) => &self.signals[i].name,
            Symbol::Chain(i) => &self.chains[i].name,
        }
    }

    /// The title of a KPI, or its name when it has none.
    pub fn kpi_title(&self, i: usize) -> &str {
        let k = &self.kpis[i];
        k.title.as_ref().map_or(&k.name.text, |t| &t.value)
    }

    /// Names of all symbols of one kind, for did-you-mean.
    pub fn names_where(&self, keep: impl Fn(Symbol) -> bool) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .symbols
            .iter()
            .filter(|(_, s)| keep(**s))
            .map(|(n, _)| n.as_str())
            .collect();
        names.sort_unstable();
        names
    }
}

/// The functions a formula may call.
pub const FUNCTIONS: &[&str] = &[
    "sum",
    "avg",
    "min",
    "max",
    "median",
    "count",
    "count_distinct",
    "previous",
];
