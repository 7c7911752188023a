//! The formula dependency graph: which metrics and KPIs each formula uses.

use super::cycles::find_cycles;
use crate::ast::{Expr, ExprKind};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::{Model, Symbol};
use crate::source::Span;

/// Metrics and KPIs as one node list: metrics first, then KPIs.
#[derive(Debug, Default)]
pub struct FormulaGraph {
    pub metric_count: usize,
    /// For each node, the nodes its formula uses (not through `previous`), with the span of the use.
    pub uses: Vec<Vec<(usize, Span)>>,
    /// Nodes in an order where each comes after everything it uses; nodes on a
    /// cycle are left out.
    pub order: Vec<usize>,
}

impl FormulaGraph {
    pub fn symbol(&self, node: usize) -> Symbol {
        if node < self.metric_count {
            Symbol::Metric(node)
        } else {
            Symbol::Kpi(node - self.metric_count)
        }
    }

    pub fn node(&self, sym: Symbol) -> Option<usize> {
        match sym {
            Symbol::Metric(i) => Some(i),
            Symbol::Kpi(i) => Some(self.metric_count + i),
            _ => None,
        }
    }
}

/// The metric and KPI names an expression uses, with whether each use is
/// time-lagged (inside `previous(...)`).
pub fn names_used(e: &Expr) -> Vec<(&str, Span, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![(e, false)];
    while let Some((node, lagged)) = stack.pop() {
        match &node.kind {
            ExprKind::Name(n) => out.push((n.text.as_str(), n.span, lagged)),
            ExprKind::Call {
                function,
                args,
                filter,
            } => {
                let lag = lagged || function.text == "previous";
                for a in args.iter().chain(filter.as_deref()) {
                    stack.push((a, lag));
                }
            }
            _ => {
                let mut children = Vec::new();
                node.push_children(&mut children);
                stack.extend(children.into_iter().map(|c| (c, lagged)));
            }
        }
    }
    out
}

/// Builds the dependency graph and reports every cycle once, with its path.
pub fn check_formula_dependencies(m: &Model, diags: &mut Vec<Diagnostic>) -> FormulaGraph {
    let mut g = FormulaGraph {
        metric_count: m.metrics.len(),
        uses: Vec::with_capacity(m.metrics.len() + m.kpis.len()),
        order: Vec::new(),
    };
    let formulas = m
        .metrics
        .iter()
        .map(|x| x.attrs.formula.as_ref())
        .chain(m.kpis.iter().map(|k| k.attrs.formula.as_ref()));
    let mut edges = Vec::new();
    for (node, formula) in formulas.enumerate() {
        let mut uses = Vec::new();
        if let Some(f) = formula {
            for (name, span, lagged) in names_used(&f.value) {
                if lagged {
                    continue;
                }
                if let Some(target) = m.lookup(name).and_then(|s| g.node(s)) {
                    uses.push((target, span));
                    edges.push((node, target));
                }
            }
        }
        g.uses.push(uses);
    }
    let n = g.uses.len();
    let cycles = find_cycles(n, &edges);
    let mut on_cycle = vec![false; n];
    for cycle in &cycles {
        for &c in cycle {
            on_cycle[c] = true;
        }
        diags.push(cycle_diagnostic(m, &g, cycle));
    }
    g.order = topological_order(&g, &on_cycle);
    g
}

/// Kahn's algorithm over the uses, leaving out nodes on (or after) a cycle.
fn topological_order(g: &FormulaGraph, on_cycle: &[bool]) -> Vec<usize> {
    let n = g.uses.len();
    let mut pending: Vec<usize> = g.uses.iter().map(|u| u.len()).collect();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (node, uses) in g.uses.iter().enumerate() {
        for &(target, _) in uses {
            users[target].push(node);
        }
    }
    let mut ready: Vec<usize> = (0..n)
        .filter(|&i| pending[i] == 0 && !on_cycle[i])
        .collect();
    ready.reverse();
    let mut order = Vec::with_capacity(n);
    while let Some(node) = ready.pop() {
        order.push(node);
        for &user in &users[node] {
            pending[user] -= 1;
            if pending[user] == 0 && !on_cycle[user] {
                ready.push(user);
            }
        }
    }
    order
}

fn cycle_diagnostic(m: &Model, g: &FormulaGraph, cycle: &[usize]) -> Diagnostic {
    let name = |node: usize| m.name_of(g.symbol(node)).text.clone();
    let mut path: Vec<String> = cycle.iter().map(|&c| format!("`{}`", name(c))).collect();
    path.push(format!("`{}`", name(cycle[0])));
    let steps: Vec<(usize, usize, Span)> = cycle
        .iter()
        .enumerate()
        .map(|(i, &from)| {
            let to = cycle[(i + 1) % cycle.len()];
            let span = g.uses[from]
                .iter()
                .find(|(t, _)| *t == to)
                .map_or(m.name_of(g.symbol(from)).span, |(_, s)| *s);
            (from, to, span)
        })
        .collect();
    // The primary label goes on the last use in source order, which closes the cycle.
    let last = steps
        .iter()
        .max_by_key(|(_, _, s)| (s.file, s.start()))
        .copied()
        .unwrap_or(steps[0]);
    let message = if cycle.len() == 1 {
        format!("`{}` is defined through itself", name(cycle[0]))
    } else {
        format!(
            "formulas depend on each other in a cycle: {}",
            super::cycle_text(&path)
        )
    };
    let mut diag = Diagnostic::new(
        &codes::FORMULA_CYCLE,
        message,
        last.2,
        format!("`{}` uses `{}` here", name(last.0), name(last.1)),
    );
    for &(from, to, span) in steps.iter().take(super::SHOWN_STEPS) {
        if span != last.2 {
            diag = diag.with_label(span, format!("`{}` uses `{}` here", name(from), name(to)));
        }
    }
    diag.with_help(
        "A value cannot be computed from itself. Write one of these formulas over data source fields instead, or use `previous(name, 1 month)` if you mean the value of an earlier period.",
    )
}
