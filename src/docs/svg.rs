//! Pictures for the HTML docs, drawn by kpic itself: band gauges and
//! cause -> effect diagrams. Every text put into an SVG is escaped here; the
//! templates insert the finished SVG as it is.
//!
//! The diagram layout is layered: a node's column is the longest path from a
//! node without causes (Kahn's algorithm, iterative), so leading KPIs stand
//! left and the lagging KPIs they drive stand right.

use super::describe::value;
use super::i18n::Lang;
use crate::model::Direction;
use crate::targets::BandSet;
use crate::units::Unit;
use std::collections::VecDeque;
use std::fmt::Write;

/// Escapes text for XML (element content and attribute values).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, for stable, short output.
fn px(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.is_finite() {
        format!("{r}")
    } else {
        "0".into()
    }
}

fn fill(colour: &str) -> &'static str {
    match colour {
        "green" => "#2e7d32",
        "amber" => "#f0a202",
        _ => "#c62828",
    }
}

/// A band set as a horizontal gauge: the bands to scale on one number line,
/// the thresholds below, the target marked, and which way is better.
pub fn gauge(
    set: &BandSet,
    target: Option<f64>,
    unit: Option<&Unit>,
    lang: Lang,
    label: &str,
) -> String {
    const W: f64 = 640.0;
    const X0: f64 = 12.0;
    const X1: f64 = W - 12.0;
    let (dmin, dmax) = domain(set, target);
    let x = |v: f64| {
        let t = ((v - dmin) / (dmax - dmin)).clamp(0.0, 1.0);
        X0 + t * (X1 - X0)
    };
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="gauge" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} 86" width="{W}" height="86" role="img" aria-label="{}"><title>{}</title>"#,
        escape(label),
        escape(label)
    );
    for (a, b, colour) in band_extents(set, dmin, dmax, &x) {
        band_rect(&mut o, a, b, 24, 20, colour);
        if b - a > 56.0 {
            let _ = write!(
                o,
                r#"<text x="{}" y="38" class="band-word">{}</text>"#,
                px((a + b) / 2.0),
                escape(&lang.word(colour))
            );
        }
    }
    // Thresholds: one tick and value each.
    let mut ticks: Vec<f64> = set
        .intervals
        .iter()
        .filter_map(|i| i.to)
        .map(|b| b.value)
        .collect();
    ticks.dedup();
    for t in ticks {
        let _ = write!(
            o,
            r#"<line x1="{x}" y1="22" x2="{x}" y2="48" class="tick"/><text x="{x}" y="60" class="tick-label">{}</text>"#,
            escape(&value(t, unit, lang)),
            x = px(x(t))
        );
    }
    if let Some(t) = target.filter(|t| t.is_finite()) {
        let tx = x(t);
        let anchor = if tx < 70.0 {
            "start"
        } else if tx > W - 70.0 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            o,
            r#"<line x1="{x}" y1="18" x2="{x}" y2="50" class="target"/><polygon points="{l},12 {r},12 {x},20" class="target-mark"/><text x="{x}" y="10" text-anchor="{anchor}" class="target-label">{} {}</text>"#,
            escape(lang.text("gauge_target")),
            escape(&value(t, unit, lang)),
            x = px(tx),
            l = px(tx - 6.0),
            r = px(tx + 6.0),
        );
    }
    let better = lang.text("is_better");
    let direction = match set.direction {
        Direction::Higher => format!("{} {better} →", lang.word("higher")),
        Direction::Lower => format!("← {} {better}", lang.word("lower")),
        Direction::Range => format!("→ {} {better} ←", lang.word("range")),
    };
    let (dx, danchor) = match set.direction {
        Direction::Higher => (X1, "end"),
        Direction::Lower => (X0, "start"),
        Direction::Range => (W / 2.0, "middle"),
    };
    let _ = write!(
        o,
        r#"<text x="{}" y="80" text-anchor="{danchor}" class="direction">{}</text></svg>"#,
        px(dx),
        escape(&direction)
    );
    o
}

/// A small gauge for a scorecard row: the bands to scale and the target,
/// no labels (the sentence is its title and is printed beside it).
pub fn mini_gauge(set: &BandSet, target: Option<f64>, label: &str) -> String {
    const W: f64 = 160.0;
    let (dmin, dmax) = domain(set, target);
    let x = |v: f64| ((v - dmin) / (dmax - dmin)).clamp(0.0, 1.0) * W;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="mini-gauge" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} 14" width="{W}" height="14" role="img" aria-label="{l}"><title>{l}</title>"#,
        l = escape(label)
    );
    for (a, b, colour) in band_extents(set, dmin, dmax, &x) {
        band_rect(&mut o, a, b, 3, 8, colour);
    }
    if let Some(t) = target.filter(|t| t.is_finite()) {
        let _ = write!(
            o,
            r#"<line x1="{x}" y1="0" x2="{x}" y2="14" class="target"/>"#,
            x = px(x(t).clamp(1.5, W - 1.5))
        );
    }
    o.push_str("</svg>");
    o
}

/// The stretch of the number line a gauge shows: every threshold and the
/// target, with room on both sides for the open-ended bands.
/// Each band's left and right edge on the drawing and its colour; unbounded
/// ends stop at the edge of the shown domain.
fn band_extents<'s>(
    set: &'s BandSet,
    dmin: f64,
    dmax: f64,
    x: &'s impl Fn(f64) -> f64,
) -> impl Iterator<Item = (f64, f64, &'static str)> + 's {
    set.intervals.iter().map(move |i| {
        (
            x(i.from.map_or(dmin, |b| b.value)),
            x(i.to.map_or(dmax, |b| b.value)),
            i.colour,
        )
    })
}

/// One band as a filled rectangle.
fn band_rect(o: &mut String, a: f64, b: f64, y: u32, height: u32, colour: &str) {
    let _ = write!(
        o,
        r#"<rect x="{}" y="{y}" width="{}" height="{height}" fill="{}"/>"#,
        px(a),
        px((b - a).max(0.0)),
        fill(colour)
    );
}

fn domain(set: &BandSet, target: Option<f64>) -> (f64, f64) {
    let mut points: Vec<f64> = set
        .intervals
        .iter()
        .flat_map(|i| [i.from, i.to])
        .flatten()
        .map(|b| b.value)
        .filter(|v| v.is_finite())
        .collect();
    if let Some(t) = target.filter(|t| t.is_finite()) {
        points.push(t);
    }
    let lo = points.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = points.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let pad = if hi > lo {
        (hi - lo) * 0.35
    } else {
        (lo.abs() * 0.5).max(1.0)
    };
    let mut dmin = lo - pad;
    let dmax = hi + pad;
    if lo >= 0.0 && dmin < 0.0 {
        dmin = 0.0;
    }
    (dmin, dmax)
}

/// A node of a cause -> effect diagram.
pub struct Node {
    pub title: String,
    /// The second line: leading or lagging, in the page's language.
    pub sub: String,
    pub href: String,
    pub leading: bool,
}

/// Columns by longest path from a node without causes; nodes on a cycle
/// (which a checked model does not have) stay in column 0.
fn columns(n: usize, edges: &[(usize, usize)]) -> (Vec<usize>, Vec<usize>) {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a < n && b < n {
            indegree[b] += 1;
            out[a].push(b);
        }
    }
    let mut col = vec![0usize; n];
    let mut ready: VecDeque<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(k) = ready.pop_front() {
        order.push(k);
        for &next in &out[k] {
            col[next] = col[next].max(col[k] + 1);
            indegree[next] -= 1;
            if indegree[next] == 0 {
                ready.push_back(next);
            }
        }
    }
    let mut placed = vec![false; n];
    for &k in &order {
        placed[k] = true;
    }
    for (i, p) in placed.iter().enumerate() {
        if !p {
            order.push(i);
        }
    }
    (col, order)
}

/// A cause -> effect diagram, laid out left (leading) to right (lagging).
pub fn diagram(nodes: &[Node], edges: &[(usize, usize)], label: &str) -> String {
    const W: f64 = 224.0;
    const H: f64 = 52.0;
    const GAP_X: f64 = 64.0;
    const GAP_Y: f64 = 22.0;
    const M: f64 = 12.0;
    let n = nodes.len();
    let (col, order) = columns(n, edges);
    let ncols = col.iter().copied().max().map_or(0, |c| c + 1);
    // Rows: topological order first, then sweeps that sort each column by the
    // mean row of its neighbours in the column before (down) or after (up),
    // so that links cross less. Nodes without such neighbours keep their place.
    let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); ncols];
    for &k in &order {
        by_col[col[k]].push(k);
    }
    let mut causes: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut effects: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a < n && b < n {
            causes[b].push(a);
            effects[a].push(b);
        }
    }
    let mut row = vec![0f64; n];
    for list in &by_col {
        for (r, &k) in list.iter().enumerate() {
            row[k] = r as f64;
        }
    }
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let cols: Vec<usize> = if down {
            (1..ncols).collect()
        } else {
            (0..ncols.saturating_sub(1)).rev().collect()
        };
        for c in cols {
            let near = if down { &causes } else { &effects };
            let mut keyed: Vec<(f64, usize)> = by_col[c]
                .iter()
                .map(|&k| {
                    let rows: Vec<f64> = near[k].iter().map(|&j| row[j]).collect();
                    let key = if rows.is_empty() {
                        row[k]
                    } else {
                        rows.iter().sum::<f64>() / rows.len() as f64
                    };
                    (key, k)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(row[a.1].total_cmp(&row[b.1])));
            by_col[c] = keyed.into_iter().map(|x| x.1).collect();
            for (r, &k) in by_col[c].iter().enumerate() {
                row[k] = r as f64;
            }
        }
    }
    let nrows = by_col.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let width = 2.0 * M + ncols.max(1) as f64 * W + ncols.saturating_sub(1) as f64 * GAP_X;
    let height = 2.0 * M + nrows as f64 * H + (nrows - 1) as f64 * GAP_Y;
    let pos = |k: usize| (M + col[k] as f64 * (W + GAP_X), M + row[k] * (H + GAP_Y));
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg class="diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{l}"><title>{l}</title>"#,
        w = px(width),
        h = px(height),
        l = escape(label)
    );
    for &(a, b) in edges {
        if a >= n || b >= n {
            continue;
        }
        let (ax, ay) = pos(a);
        let (bx, by) = pos(b);
        let (x1, y1) = (ax + W, ay + H / 2.0);
        let (x2, y2) = (bx - 8.0, by + H / 2.0);
        let mid = (x1 + x2) / 2.0;
        let _ = write!(
            o,
            r#"<path d="M{} {} C{} {} {} {} {} {}" class="edge"/><polygon points="{},{} {},{} {},{}" class="arrow"/>"#,
            px(x1),
            px(y1),
            px(mid),
            px(y1),
            px(mid),
            px(y2),
            px(x2),
            px(y2),
            px(bx),
            px(y2),
            px(x2),
            px(y2 - 5.0),
            px(x2),
            px(y2 + 5.0)
        );
    }
    for (k, node) in nodes.iter().enumerate() {
        let (x, y) = pos(k);
        let title: String = if node.title.chars().count() > 27 {
            node.title.chars().take(26).chain(['…']).collect()
        } else {
            node.title.clone()
        };
        let _ = write!(
            o,
            r#"<a href="{}"><title>{}</title><rect x="{}" y="{}" width="{W}" height="{H}" rx="6" class="node {}"/><text x="{}" y="{}" class="node-title">{}</text><text x="{}" y="{}" class="node-sub">{}</text></a>"#,
            escape(&node.href),
            escape(&node.title),
            px(x),
            px(y),
            if node.leading { "leading" } else { "lagging" },
            px(x + 10.0),
            px(y + 22.0),
            escape(&title),
            px(x + 10.0),
            px(y + 40.0),
            escape(&node.sub)
        );
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_longest_path() {
        // 0 -> 1 -> 2, 0 -> 2, 3 alone
        let (col, _) = columns(4, &[(0, 1), (1, 2), (0, 2)]);
        assert_eq!(col, [0, 1, 2, 0]);
    }

    #[test]
    fn a_cycle_does_not_hang() {
        let (col, order) = columns(2, &[(0, 1), (1, 0)]);
        assert_eq!(col, [0, 0]);
        assert_eq!(order.len(), 2);
    }

    #[test]
    fn text_is_escaped() {
        let nodes = [Node {
            title: "<script>".into(),
            sub: "a & b".into(),
            href: "x\".html".into(),
            leading: true,
        }];
        let s = diagram(&nodes, &[], "<t>");
        assert!(!s.contains("<script>"));
        assert!(s.contains("&lt;script&gt;") && s.contains("a &amp; b"));
    }
}
