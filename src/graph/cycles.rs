//! Cycle finding: one cycle per strongly connected component, as a path.

use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

/// How many steps of a cycle a diagnostic names and labels; a longer cycle
/// is shortened so that one message stays readable.
pub const SHOWN_STEPS: usize = 12;

/// "`a` -> `b` -> `a`", shortened in the middle for a long cycle.
pub fn cycle_text(path: &[String]) -> String {
    if path.len() <= SHOWN_STEPS + 1 {
        return path.join(" -> ");
    }
    let head = &path[..SHOWN_STEPS / 2];
    let tail = &path[path.len() - SHOWN_STEPS / 2..];
    let hidden = path.len() - head.len() - tail.len();
    format!(
        "{} -> ... ({hidden} more) -> {}",
        head.join(" -> "),
        tail.join(" -> ")
    )
}

/// Every cycle in a directed graph, reported once per strongly connected
/// component: the nodes in order, starting at the smallest, without repeating it.
/// A node with an edge to itself is a cycle of one node.
pub fn find_cycles(nodes: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(nodes, edges.len());
    for _ in 0..nodes {
        g.add_node(());
    }
    let mut adjacency = vec![Vec::new(); nodes];
    for &(a, b) in edges {
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
        adjacency[a].push(b);
    }
    for list in &mut adjacency {
        list.sort_unstable();
        list.dedup();
    }
    let mut component = vec![usize::MAX; nodes];
    let mut cycles = Vec::new();
    // kosaraju_scc is iterative, so a long chain cannot overflow the stack.
    for (c, scc) in petgraph::algo::kosaraju_scc(&g).into_iter().enumerate() {
        for n in &scc {
            component[n.index()] = c;
        }
        let start = scc.iter().map(|n| n.index()).min().unwrap_or(0);
        let self_loop = adjacency[start].contains(&start);
        if scc.len() > 1 {
            cycles.push((c, start));
        } else if self_loop {
            cycles.push((usize::MAX, start));
        }
    }
    let mut out: Vec<Vec<usize>> = cycles
        .into_iter()
        .map(|(c, start)| {
            if c == usize::MAX {
                vec![start]
            } else {
                shortest_cycle_through(start, &adjacency, |n| component[n] == c)
            }
        })
        .collect();
    out.sort();
    out
}

/// The shortest path from `start` back to itself inside one component (BFS).
fn shortest_cycle_through(
    start: usize,
    adjacency: &[Vec<usize>],
    inside: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let mut parent: rustc_hash::FxHashMap<usize, usize> = Default::default();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &next in &adjacency[n] {
            if !inside(next) {
                continue;
            }
            if next == start {
                let mut path = vec![n];
                let mut at = n;
                while at != start {
                    at = parent[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(next) {
                e.insert(n);
                queue.push_back(next);
            }
        }
    }
    vec![start]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_cycle_once_in_order() {
        assert_eq!(
            find_cycles(3, &[(0, 1), (1, 2), (2, 0)]),
            vec![vec![0, 1, 2]]
        );
        assert_eq!(find_cycles(2, &[(1, 1)]), vec![vec![1]]);
        assert!(find_cycles(3, &[(0, 1), (1, 2)]).is_empty());
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let edges: Vec<(usize, usize)> =
            (0..n - 1).map(|i| (i, i + 1)).chain([(n - 1, 0)]).collect();
        let cycles = find_cycles(n, &edges);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), n);
    }
}
