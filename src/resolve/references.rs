//! Checks that every name used refers to a declaration of the right kind.

use crate::ast::{Expr, ExprKind, FieldRef, Name};
use crate::diagnostics::{Diagnostic, codes, suggest};
use crate::model::{FUNCTIONS, Model, Symbol};
use rustc_hash::FxHashSet as HashSet;

pub fn check_references(m: &Model, diags: &mut Vec<Diagnostic>) {
    let mut r = Refs {
        m,
        diags,
        suggestions_left: 200,
    };
    for s in &m.sources {
        r.role(s.attrs.owner.as_ref());
    }
    for x in &m.metrics {
        r.role(x.attrs.owner.as_ref());
        if let Some(f) = &x.attrs.formula {
            r.formula(&f.value);
        }
    }
    for k in &m.kpis {
        let a = &k.attrs;
        r.role(a.owner.as_ref());
        r.role(a.backup.as_ref());
        for action in &a.actions {
            r.role(Some(&action.actor));
        }
        if let Some(f) = &a.formula {
            r.formula(&f.value);
        }
        for f in &a.segment_by {
            r.field(f);
        }
    }
    for o in &m.objectives {
        r.role(o.attrs.owner.as_ref());
        for kr in &o.attrs.key_results {
            r.kpi_ref(&kr.kpi, &codes::ORPHAN_KEY_RESULT, "key result");
        }
    }
    for s in &m.signals {
        r.role(s.attrs.owner.as_ref());
        r.role(s.attrs.backup.as_ref());
    }
    for t in &m.targets {
        r.kpi_ref(&t.kpi, &codes::ORPHAN_TARGET, "target");
    }
    for c in &m.chains {
        for step in c.paths.iter().flatten() {
            r.kpi_ref(step, &codes::NOT_A_KPI_IN_CHAIN, "chain");
        }
    }
}

struct Refs<'a> {
    m: &'a Model,
    diags: &'a mut Vec<Diagnostic>,
    /// Did-you-mean compares a name with every candidate; after this many
    /// unknown names the rest get the plain help, so hostile input with
    /// thousands of unknown names stays linear.
    suggestions_left: usize,
}

impl Refs<'_> {
    fn unknown(
        &mut self,
        code: &'static codes::Code,
        what: &str,
        name: &Name,
        candidates: fn(Symbol) -> bool,
        fallback: String,
    ) {
        if self.m.broken.contains(&name.text) {
            return;
        }
        let suggestion = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            suggest::did_you_mean(&name.text, self.m.names_where(candidates))
        } else {
            None
        };
        let help = suggestion.unwrap_or(fallback);
        self.diags.push(
            Diagnostic::new(
                code,
                format!("unknown {what} `{}`", name.text),
                name.span,
                format!("no {what} has this name"),
            )
            .with_help(help),
        );
    }

    fn wrong_kind(&mut self, name: &Name, found: Symbol, expected: &str, help: String) {
        let decl = self.m.name_of(found).span;
        self.diags.push(
            Diagnostic::new(
                &codes::WRONG_KIND,
                format!("`{}` is {}, not {expected}", name.text, found.describe()),
                name.span,
                format!("{expected} is expected here"),
            )
            .with_label(decl, format!("declared as {} here", found.describe()))
            .with_help(help),
        );
    }

    fn role(&mut self, name: Option<&Name>) {
        let Some(name) = name else { return };
        match self.m.lookup(&name.text) {
            Some(Symbol::Role(_)) => {}
            Some(other) => self.wrong_kind(
                name,
                other,
                "a role",
                format!("Owners, backups and actors are roles: declare `role {} \"Title\"` under another name, or name an existing role.", name.text),
            ),
            None => {
                self.unknown(
                    &codes::UNKNOWN_ROLE,
                    "role",
                    name,
                    |s| matches!(s, Symbol::Role(_)),
                    format!("Declare it with `role {} \"Title of the person\"`.", name.text),
                );
            }
        }
    }

    /// A name that must be a KPI: in a target, key result or chain.
    fn kpi_ref(&mut self, name: &Name, orphan: &'static codes::Code, place: &str) {
        match self.m.lookup(&name.text) {
            Some(Symbol::Kpi(_)) => {}
            Some(other) => {
                let decl = self.m.name_of(other).span;
                let (message, help) = match place {
                    "target" => (
                        format!("target for `{}`, which is {}, not a KPI", name.text, other.describe()),
                        "A target without an indicator is a goal, not a KPI. Declare a `kpi` with a goal, formula, owner and bands, and set the target on it.".to_string(),
                    ),
                    "key result" => (
                        format!("key result on `{}`, which is {}, not a KPI", name.text, other.describe()),
                        "A key result must be measured by a KPI: declare a `kpi` for it and name that KPI here.".to_string(),
                    ),
                    _ => (
                        format!("chain step `{}` is {}, not a KPI", name.text, other.describe()),
                        match other {
                            Symbol::Metric(_) => format!("A chain links KPIs. If `{}` predicts or reports a result, declare it as a `kpi` with a kind (leading or lagging); otherwise remove it from the chain.", name.text),
                            Symbol::Signal(_) => "A signal is qualitative context and cannot drive or be driven in a chain; remove it from the chain.".to_string(),
                            _ => "A chain links KPIs only; remove this step.".to_string(),
                        },
                    ),
                };
                self.diags.push(
                    Diagnostic::new(
                        orphan,
                        message,
                        name.span,
                        format!("this is {}", other.describe()),
                    )
                    .with_label(decl, format!("declared as {} here", other.describe()))
                    .with_help(help),
                );
            }
            None => {
                self.unknown(
                    &codes::UNKNOWN_KPI,
                    "KPI",
                    name,
                    |s| matches!(s, Symbol::Kpi(_)),
                    format!("The {place} must name a declared `kpi`."),
                );
            }
        }
    }

    fn field(&mut self, r: &FieldRef) {
        match self.m.lookup(&r.source.text) {
            Some(Symbol::Source(s)) => {
                if self.m.fields[s].contains_key(&r.field.text) {
                    return;
                }
                let source = &self.m.sources[s];
                let names: Vec<&str> = source
                    .attrs
                    .fields
                    .iter()
                    .map(|f| f.name.text.as_str())
                    .collect();
                let help = suggest::did_you_mean(&r.field.text, names.iter().copied())
                    .unwrap_or_else(|| {
                        if names.is_empty() {
                            format!(
                                "Source `{}` declares no fields; add `field {}: TYPE` to it.",
                                source.name.text, r.field.text
                            )
                        } else {
                            format!(
                                "Source `{}` has the fields {}.",
                                source.name.text,
                                names
                                    .iter()
                                    .map(|n| format!("`{n}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }
                    });
                self.diags.push(
                    Diagnostic::new(
                        &codes::UNKNOWN_FIELD,
                        format!("source `{}` has no field `{}`", r.source.text, r.field.text),
                        r.field.span,
                        "unknown field",
                    )
                    .with_label(
                        source.name.span,
                        format!("source `{}` is declared here", source.name.text),
                    )
                    .with_help(help),
                );
            }
            Some(other) => self.wrong_kind(
                &r.source,
                other,
                "a data source",
                "Only data sources have fields: write `source.field` with a declared `source`."
                    .to_string(),
            ),
            None => {
                self.unknown(
                    &codes::UNKNOWN_SOURCE,
                    "data source",
                    &r.source,
                    |s| matches!(s, Symbol::Source(_)),
                    format!("Declare it with `source {} \"Title\" {{ owner ROLE  rows UNIT  field NAME: TYPE }}`.", r.source.text),
                );
            }
        }
    }

    fn formula(&mut self, e: &Expr) {
        // Names directly inside count(...) may be data sources.
        let mut counted: HashSet<crate::source::Span> = HashSet::default();
        e.walk(|node| {
            if let ExprKind::Call { function, args, .. } = &node.kind
                && (function.text == "count" || !FUNCTIONS.contains(&function.text.as_str()))
            {
                for a in args {
                    counted.insert(a.unparen().span);
                }
            }
        });
        let mut nodes = Vec::new();
        e.walk(|node| nodes.push(node));
        for node in nodes {
            match &node.kind {
                ExprKind::Name(n) => self.formula_name(n, counted.contains(&node.span)),
                ExprKind::Field(r) => self.field(r),
                ExprKind::Call { function, .. } if !FUNCTIONS.contains(&function.text.as_str()) => {
                    let help = suggest::did_you_mean(&function.text, FUNCTIONS.iter().copied())
                        .unwrap_or_else(|| {
                            format!(
                                "The functions are {}.",
                                FUNCTIONS
                                    .iter()
                                    .map(|f| format!("`{f}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        });
                    self.diags.push(
                        Diagnostic::new(
                            &codes::UNKNOWN_FUNCTION,
                            format!("unknown function `{}`", function.text),
                            function.span,
                            "kpic has no function with this name",
                        )
                        .with_help(help),
                    );
                }
                _ => {}
            }
        }
    }

    fn formula_name(&mut self, n: &Name, counted: bool) {
        match self.m.lookup(&n.text) {
            Some(Symbol::Metric(_) | Symbol::Kpi(_)) => {}
            Some(Symbol::Source(_)) if counted => {}
            Some(source @ Symbol::Source(_)) => self.wrong_kind(
                n,
                source,
                "a number",
                format!("Use `count({0})` for the number of rows, or `sum({0}.FIELD)` for a total of one field.", n.text),
            ),
            Some(other) => self.wrong_kind(
                n,
                other,
                "a metric or KPI",
                "A formula can use metrics, KPIs, numbers and the fields of data sources.".to_string(),
            ),
            None => {
                let fallback = if self.m.unit_names.contains_key(&n.text) {
                    format!("`{0}` is a unit. A number with a unit is written `2.5 {0}`.", n.text)
                } else {
                    format!("Declare it with `metric {} = FORMULA`, or use a field as `source.field`.", n.text)
                };
                self.unknown(&codes::UNKNOWN_NAME, "name", n, |s| matches!(s, Symbol::Metric(_) | Symbol::Kpi(_) | Symbol::Source(_)), fallback);
            }
        }
    }
}
