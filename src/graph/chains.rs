//! The cause -> effect graph of all chains together.

use super::cycles::find_cycles;
use crate::diagnostics::{Diagnostic, codes};
use crate::model::{Kind, Model};
use crate::source::Span;
use std::collections::VecDeque;

/// One cause -> effect link between two KPIs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEdge {
    pub from: usize,
    pub to: usize,
    /// The chain (index in `Model::chains`) this edge was written in.
    pub chain: usize,
    /// From the cause's name to the effect's name.
    pub span: Span,
}

/// All chains merged into one graph over KPIs.
#[derive(Debug, Default)]
pub struct ChainGraph {
    /// KPIs that appear in some chain, ascending.
    pub nodes: Vec<usize>,
    pub edges: Vec<ChainEdge>,
    /// Nodes so that every cause comes before its effects (empty when cyclic).
    pub order: Vec<usize>,
}

pub fn check_chains(m: &Model, diags: &mut Vec<Diagnostic>) -> ChainGraph {
    let mut g = ChainGraph::default();
    let mut in_chain = vec![false; m.kpis.len()];
    for (ci, chain) in m.chains.iter().enumerate() {
        if chain.paths.is_empty() || chain.paths.iter().any(|p| p.len() < 2) {
            let span = chain
                .paths
                .iter()
                .find(|p| p.len() < 2)
                .and_then(|p| p.first())
                .map_or(chain.name.span, |n| n.span);
            let message = if chain.paths.is_empty() {
                format!("chain `{}` is empty", chain.name.text)
            } else {
                format!("chain `{}` has a line with a single KPI", chain.name.text)
            };
            diags.push(
                Diagnostic::new(
                    &codes::SHORT_CHAIN,
                    message,
                    span,
                    "nothing is linked to this",
                )
                .with_help("A chain links a cause to its effect: write at least two KPIs joined by `->`, e.g. `leads -> win_rate`."),
            );
        }
        for path in &chain.paths {
            for pair in path.windows(2) {
                let (Some(a), Some(b)) = (m.kpi(&pair[0].text), m.kpi(&pair[1].text)) else {
                    continue;
                };
                in_chain[a] = true;
                in_chain[b] = true;
                g.edges.push(ChainEdge {
                    from: a,
                    to: b,
                    chain: ci,
                    span: pair[0].span.to(pair[1].span),
                });
            }
        }
    }
    g.nodes = (0..m.kpis.len()).filter(|&i| in_chain[i]).collect();
    let kind = |k: usize| m.kpi_info.get(k).and_then(|i| i.kind);
    for e in &g.edges {
        if kind(e.from) == Some(Kind::Lagging) && kind(e.to) == Some(Kind::Leading) {
            let from = &m.kpis[e.from].name.text;
            let to = &m.kpis[e.to].name.text;
            diags.push(
                Diagnostic::new(
                    &codes::LAGGING_DRIVES_LEADING,
                    format!("lagging KPI `{from}` cannot drive leading KPI `{to}`"),
                    e.span,
                    "this link runs from a result back to a predictor",
                )
                .with_label(m.kpis[e.from].attrs.kind.as_ref().map_or(m.kpis[e.from].name.span, |k| k.span), format!("`{from}` is lagging"))
                .with_label(m.kpis[e.to].attrs.kind.as_ref().map_or(m.kpis[e.to].name.span, |k| k.span), format!("`{to}` is leading"))
                .with_help(format!("A chain runs from cause (leading) to effect (lagging). Reverse the link (`{to} -> {from}`), or correct the `kind` of one of them.")),
            );
        }
    }
    let edge_list: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.from, e.to)).collect();
    let cycles = find_cycles(m.kpis.len(), &edge_list);
    for cycle in &cycles {
        diags.push(cycle_diagnostic(m, &g, cycle));
    }
    if cycles.is_empty() {
        g.order = topological(&g, m.kpis.len());
    }
    check_predictions(m, &g, diags);
    g
}

fn topological(g: &ChainGraph, n: usize) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &g.edges {
        indegree[e.to] += 1;
        out[e.from].push(e.to);
    }
    let mut ready: VecDeque<usize> = g
        .nodes
        .iter()
        .copied()
        .filter(|&i| indegree[i] == 0)
        .collect();
    let mut order = Vec::with_capacity(g.nodes.len());
    while let Some(k) = ready.pop_front() {
        order.push(k);
        for &next in &out[k] {
            indegree[next] -= 1;
            if indegree[next] == 0 {
                ready.push_back(next);
            }
        }
    }
    order
}

fn cycle_diagnostic(m: &Model, g: &ChainGraph, cycle: &[usize]) -> Diagnostic {
    let name = |k: usize| m.kpis[k].name.text.clone();
    let mut path: Vec<String> = cycle.iter().map(|&k| format!("`{}`", name(k))).collect();
    path.push(format!("`{}`", name(cycle[0])));
    let steps: Vec<&ChainEdge> = cycle
        .iter()
        .enumerate()
        .filter_map(|(i, &from)| {
            let to = cycle[(i + 1) % cycle.len()];
            g.edges.iter().find(|e| e.from == from && e.to == to)
        })
        .collect();
    let last = steps
        .iter()
        .max_by_key(|e| (e.span.file, e.span.start()))
        .copied();
    let Some(last) = last else {
        return Diagnostic::new(
            &codes::INTERNAL,
            "a chain cycle without edges",
            m.kpis[cycle[0]].name.span,
            "here",
        );
    };
    let label = |e: &ChainEdge| {
        format!(
            "`{}` drives `{}` (chain `{}`)",
            name(e.from),
            name(e.to),
            m.chains[e.chain].name.text
        )
    };
    let mut diag = Diagnostic::new(
        &codes::CHAIN_CYCLE,
        format!("the chains form a cycle: {}", super::cycle_text(&path)),
        last.span,
        label(last),
    );
    for e in steps.into_iter().take(super::SHOWN_STEPS) {
        if e.span != last.span {
            diag = diag.with_label(e.span, label(e));
        }
    }
    diag.with_help("Cause and effect run one way: remove or reverse the link that goes back from an effect to its cause.")
}

/// Leading KPIs must reach a lagging KPI, and be measured at least as often
/// as the KPIs they feed.
fn check_predictions(m: &Model, g: &ChainGraph, diags: &mut Vec<Diagnostic>) {
    let n = m.kpis.len();
    let info = |k: usize| m.kpi_info.get(k);
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &g.edges {
        incoming[e.to].push(e.from);
    }
    // Walk backwards from every lagging KPI: whatever is reached predicts something.
    let mut reaches = vec![false; n];
    let mut queue: VecDeque<usize> = (0..n)
        .filter(|&k| info(k).and_then(|i| i.kind) == Some(Kind::Lagging))
        .collect();
    while let Some(k) = queue.pop_front() {
        for &p in &incoming[k] {
            if !reaches[p] {
                reaches[p] = true;
                queue.push_back(p);
            }
        }
    }
    for (k, kpi) in m.kpis.iter().enumerate() {
        if info(k).and_then(|i| i.kind) == Some(Kind::Leading) && !reaches[k] {
            let span = kpi.attrs.kind.as_ref().map_or(kpi.name.span, |x| x.span);
            diags.push(
                Diagnostic::new(
                    &codes::PREDICTS_NOTHING,
                    format!("leading KPI `{}` predicts nothing", kpi.name.text),
                    span,
                    "leading, but no chain leads from it to a lagging KPI",
                )
                .with_label(kpi.name.span, "declared here")
                .with_help(format!(
                    "Add it to a chain that ends in the lagging KPI it predicts (`{} -> RESULT_KPI`). A leading KPI that drives no result is an activity or vanity metric.",
                    kpi.name.text
                )),
            );
        }
    }
    for e in &g.edges {
        let (Some(a), Some(b)) = (info(e.from), info(e.to)) else {
            continue;
        };
        if a.kind != Some(Kind::Leading) {
            continue;
        }
        if let (Some(fa), Some(fb)) = (a.frequency, b.frequency)
            && fa.per_year() < fb.per_year()
        {
            let from = &m.kpis[e.from];
            let to = &m.kpis[e.to];
            let mut diag = Diagnostic::new(
                &codes::LEADING_TOO_SLOW,
                format!(
                    "leading KPI `{}` is measured {}, less often than `{}` ({}) that it predicts",
                    from.name.text,
                    fa.as_str(),
                    to.name.text,
                    fb.as_str()
                ),
                e.span,
                "the prediction arrives after the result",
            );
            if let Some(f) = &from.attrs.frequency {
                diag = diag.with_label(f.span, format!("measured {}", fa.as_str()));
            }
            if let Some(f) = &to.attrs.frequency {
                diag = diag.with_label(f.span, format!("measured {}", fb.as_str()));
            }
            diags.push(diag.with_help(format!(
                "Measure `{}` at least {} so it can warn before the result is in.",
                from.name.text,
                fb.as_str()
            )));
        }
    }
}
