//! The content of the documentation, in one language, as plain data: what
//! every format shows. The HTML site and the Markdown page are both rendered
//! from this one `Site` by templates, so they carry the same content.
//!
//! Fixed text comes from `i18n`; user text (titles, goals, notes, task
//! descriptions) is copied as written. Nothing here is escaped: the
//! templates do that (HTML autoescaping, Markdown table cells).

use super::content::*;
use super::describe::{self, band_sentence, inputs, role_title, sources_of, value};
use super::i18n::{Lang, glossary};
use super::svg;
use crate::Analysis;
use crate::ast::{Colour, Date, Quantity, print};
use crate::lints::Limits;
use crate::model::{Kind, LevelKey, LevelKind, Model, Perspective};
use crate::source::SourceMap;

fn person(m: &Model, name: &str) -> Person {
    Person {
        name: name.to_string(),
        title: role_title(m, name).map(str::to_string),
    }
}

fn person_text(p: &Person) -> String {
    p.title.clone().unwrap_or_else(|| p.name.clone())
}

/// Capitalises the first letter (for vocabulary words used as headings).
fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// File names for KPI pages: lower case, unique even where names differ only in case.
fn slugs(m: &Model) -> Vec<String> {
    let mut used: Vec<String> = Vec::with_capacity(m.kpis.len());
    let mut taken: rustc_hash::FxHashSet<String> = std::collections::HashSet::default();
    for k in &m.kpis {
        let base: String = k
            .name
            .text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let mut slug = base.clone();
        let mut n = 2;
        while taken.contains(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(slug.clone());
        used.push(slug);
    }
    used
}

struct Ctx<'a> {
    a: &'a Analysis,
    m: &'a Model,
    lang: Lang,
    slugs: Vec<String>,
    /// Per KPI, the KPIs it drives and is driven by (chain edges), in edge order.
    drives: Vec<Vec<usize>>,
    driven_by: Vec<Vec<usize>>,
    /// Per chain, its edges (cause, effect).
    chain_edges: Vec<Vec<(usize, usize)>>,
}

impl Ctx<'_> {
    fn link(&self, k: usize) -> Link {
        let slug = &self.slugs[k];
        Link {
            title: self.m.kpi_title(k).to_string(),
            href: format!("kpi-{slug}.html"),
            anchor: format!("kpi-{slug}"),
        }
    }

    fn unit(&self, k: usize) -> Option<&crate::units::Unit> {
        self.a.typing.kpis.get(k).and_then(|u| u.unit())
    }

    fn quantity(&self, q: &Quantity, k: Option<usize>) -> String {
        match self.a.typing.values.get(&q.span) {
            Some(v) => value(*v, k.and_then(|k| self.unit(k)), self.lang),
            None => print::quantity_text(q),
        }
    }

    fn dated(&self, v: String, deadline: Option<Date>) -> String {
        match deadline {
            Some(d) => format!("{v} {} {}", self.lang.text("by"), self.lang.date(d)),
            None => format!("{v} ({})", self.lang.text("no_deadline")),
        }
    }

    fn level_title(&self, level: &LevelKey) -> String {
        match (&level.group, level.kind) {
            (None, _) | (_, LevelKind::Company) => self.lang.text("company_level").to_string(),
            (Some(g), kind) => format!("{}: {g}", capital(&self.lang.word(kind.as_str()))),
        }
    }

    fn row(&self, k: usize) -> Row {
        let m = self.m;
        let kpi = &m.kpis[k];
        let info = &m.kpi_info[k];
        Row {
            link: self.link(k),
            north_star: kpi.attrs.north_star.is_some(),
            kind: info
                .kind
                .map_or(String::new(), |x| self.lang.word(x.as_str())),
            kind_class: info.kind.map_or("", |x| x.as_str()),
            unit: self.unit(k).map_or(String::new(), |u| u.to_string()),
            target: kpi.attrs.target.as_ref().map_or(String::new(), |t| {
                self.dated(
                    self.quantity(&t.value, Some(k)),
                    t.deadline.as_ref().map(|d| d.value),
                )
            }),
            owner: kpi
                .attrs
                .owner
                .as_ref()
                .map_or(String::new(), |n| person_text(&person(m, &n.text))),
            frequency: info
                .frequency
                .map_or(String::new(), |f| self.lang.word(f.as_str())),
            bands: self
                .band_set(k)
                .map_or(String::new(), |s| band_sentence(s, self.unit(k), self.lang)),
            gauge: self.band_set(k).map_or(String::new(), |s| {
                svg::mini_gauge(
                    s,
                    self.target(k),
                    &band_sentence(s, self.unit(k), self.lang),
                )
            }),
        }
    }

    fn band_set(&self, k: usize) -> Option<&crate::targets::BandSet> {
        self.a.goals.bands.get(k).and_then(Option::as_ref)
    }

    /// The target value of a KPI, normalised to its unit.
    fn target(&self, k: usize) -> Option<f64> {
        let t = self.m.kpis[k].attrs.target.as_ref()?;
        self.a.typing.values.get(&t.value.span).copied()
    }

    fn source_ref(&self, s: usize) -> SourceRef {
        let src = &self.m.sources[s];
        SourceRef {
            title: src
                .title
                .as_ref()
                .map_or(src.name.text.to_string(), |t| t.value.to_string()),
            name: src.name.text.to_string(),
            owner: src.attrs.owner.as_ref().map(|o| person(self.m, &o.text)),
        }
    }
}

/// The documentation content of a checked model, in one language.
pub fn site(
    a: &Analysis,
    sources: &SourceMap,
    model_name: &str,
    limits: &Limits,
    lang: Lang,
) -> Site {
    let m = &a.model;
    let mut chain_edges = vec![Vec::new(); m.chains.len()];
    for e in &a.chains.edges {
        if let Some(list) = chain_edges.get_mut(e.chain) {
            list.push((e.from, e.to));
        }
    }
    let mut drives = vec![Vec::new(); m.kpis.len()];
    let mut driven_by = vec![Vec::new(); m.kpis.len()];
    for e in &a.chains.edges {
        if e.from < m.kpis.len() && e.to < m.kpis.len() {
            if !drives[e.from].contains(&e.to) {
                drives[e.from].push(e.to);
            }
            if !driven_by[e.to].contains(&e.from) {
                driven_by[e.to].push(e.from);
            }
        }
    }
    let cx = Ctx {
        a,
        m,
        lang,
        slugs: slugs(m),
        drives,
        driven_by,
        chain_edges,
    };
    let health_levels = describe::health(a, limits);
    let mut levels: Vec<Group> = health_levels
        .iter()
        .enumerate()
        .map(|(i, h)| Group {
            title: cx.level_title(&h.level),
            id: format!("level-{}", i + 1),
            kpis: h.kpis.iter().map(|&k| cx.row(k)).collect(),
        })
        .collect();
    let unlevelled: Vec<Row> = (0..m.kpis.len())
        .filter(|&k| m.kpi_info[k].level.is_none())
        .map(|k| cx.row(k))
        .collect();
    if !unlevelled.is_empty() {
        levels.push(Group {
            title: lang.text("no_level").into(),
            id: "level-none".into(),
            kpis: unlevelled,
        });
    }
    let group_by =
        |prefix: &str, words: &[&'static str], of: &dyn Fn(usize) -> Option<&'static str>| {
            words
                .iter()
                .map(|w| Group {
                    title: capital(&lang.word(w)),
                    id: format!("{prefix}-{w}"),
                    kpis: (0..m.kpis.len())
                        .filter(|&k| of(k) == Some(*w))
                        .map(|k| cx.row(k))
                        .collect(),
                })
                .filter(|g| !g.kpis.is_empty())
                .collect::<Vec<_>>()
        };
    let by_perspective = group_by("perspective", Perspective::WORDS, &|k| {
        m.kpi_info[k].perspective.map(|p| p.as_str())
    });
    let by_funnel = group_by("funnel", crate::model::Funnel::WORDS, &|k| {
        m.kpi_info[k].funnel.map(|p| p.as_str())
    });
    // Owners: declared roles first, then undeclared names in order of use.
    let mut owners: Vec<String> = m.roles.iter().map(|r| r.name.text.to_string()).collect();
    let mut seen: rustc_hash::FxHashSet<String> = owners.iter().cloned().collect();
    for k in &m.kpis {
        if let Some(o) = &k.attrs.owner
            && seen.insert(o.text.to_string())
        {
            owners.push(o.text.to_string());
        }
    }
    let owned = owned_kpis(m);
    let by_owner: Vec<Group> = owners
        .iter()
        .enumerate()
        .map(|(i, o)| Group {
            title: person_text(&person(m, o)),
            id: format!("owner-{}", i + 1),
            kpis: owned
                .get(o.as_str())
                .map_or(Vec::new(), |ks| ks.iter().map(|&k| cx.row(k)).collect()),
        })
        .filter(|g| !g.kpis.is_empty())
        .collect();
    Site {
        lang: lang.code(),
        t: lang.texts(),
        model: model_name.to_string(),
        files: sources.len(),
        levels,
        by_perspective,
        by_funnel,
        by_owner,
        health: health(&cx, sources, &health_levels),
        kpis: (0..m.kpis.len()).map(|k| kpi_card(&cx, k)).collect(),
        graph_svg: graph_svg(&cx, None),
        graph_mermaid: mermaid(&cx, None),
        chains: m
            .chains
            .iter()
            .enumerate()
            .map(|(ci, ch)| ChainView {
                name: ch.name.text.to_string(),
                title: ch
                    .title
                    .as_ref()
                    .map_or(ch.name.text.to_string(), |t| t.value.to_string()),
                paths: ch
                    .paths
                    .iter()
                    .map(|p| {
                        p.iter()
                            .map(|n| match m.kpi(&n.text) {
                                Some(k) => format!(
                                    "{} ({})",
                                    m.kpi_title(k),
                                    m.kpi_info[k]
                                        .kind
                                        .map_or("?".into(), |x| lang.word(x.as_str()))
                                ),
                                None => n.text.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(" → ")
                    })
                    .collect(),
                svg: graph_svg(&cx, Some(ci)),
                mermaid: mermaid(&cx, Some(ci)),
            })
            .collect(),
        objectives: objectives(&cx),
        signals: m
            .signals
            .iter()
            .map(|s| SignalView {
                name: s.name.text.to_string(),
                title: s
                    .title
                    .as_ref()
                    .map_or(s.name.text.to_string(), |t| t.value.to_string()),
                owner: s.attrs.owner.as_ref().map(|o| person(m, &o.text)),
                notes: s.attrs.notes.as_ref().map(|n| n.value.to_string()),
            })
            .collect(),
        sources: data_sources(&cx),
        roles: m
            .roles
            .iter()
            .map(|r| RoleView {
                name: r.name.text.to_string(),
                title: r
                    .title
                    .as_ref()
                    .map_or(String::new(), |t| t.value.to_string()),
                owns: owned
                    .get(r.name.text.as_str())
                    .map_or(Vec::new(), |ks| ks.iter().map(|&k| cx.link(k)).collect()),
            })
            .collect(),
        glossary: glossary(lang)
            .into_iter()
            .map(|(term, meaning, example)| Term {
                term,
                meaning,
                example,
            })
            .collect(),
    }
}

/// The KPIs each role owns, in declaration order.
fn owned_kpis(m: &Model) -> rustc_hash::FxHashMap<&str, Vec<usize>> {
    let mut map: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
    for (k, kpi) in m.kpis.iter().enumerate() {
        if let Some(o) = &kpi.attrs.owner {
            map.entry(o.text.as_str()).or_default().push(k);
        }
    }
    map
}

fn health(cx: &Ctx, sources: &SourceMap, levels: &[describe::LevelHealth]) -> Health {
    let lang = cx.lang;
    let rows = levels
        .iter()
        .map(|h| {
            let (perspectives, perspectives_ok) = if h.level.kind == LevelKind::Company {
                let missing: Vec<String> = Perspective::ALL
                    .iter()
                    .filter(|p| !h.perspectives.contains(p))
                    .map(|p| lang.word(p.as_str()))
                    .collect();
                if missing.is_empty() {
                    (lang.text("all_four").to_string(), true)
                } else {
                    (
                        format!("{}: {}", lang.text("missing"), missing.join(", ")),
                        false,
                    )
                }
            } else {
                let list: Vec<String> = h
                    .perspectives
                    .iter()
                    .map(|p| lang.word(p.as_str()))
                    .collect();
                (list.join(", "), true)
            };
            let n = h.kpis.len();
            HealthRow {
                level: cx.level_title(&h.level),
                count: n,
                count_ok: h.count_ok(),
                count_word: lang
                    .text(if n < h.advised.0 {
                        "too_few"
                    } else if n > h.advised.1 {
                        "too_many"
                    } else {
                        "ok"
                    })
                    .into(),
                advised: format!("{} {} {}", h.advised.0, lang.text("to"), h.advised.1),
                leading: h.leading,
                lagging: h.lagging,
                all_lagging: h.leading == 0 && h.lagging > 0,
                perspectives,
                perspectives_ok,
                warnings: h.warnings,
            }
        })
        .collect();
    let found = describe::findings(cx.a);
    let summary = crate::diagnostics::Summary::of(&cx.a.diagnostics);
    Health {
        levels: rows,
        funnel_gaps: describe::funnel_gaps(cx.m)
            .into_iter()
            .map(|f| lang.word(f.as_str()))
            .collect(),
        findings: found
            .into_iter()
            .map(|d| {
                let span = d.primary.span;
                let place = sources
                    .iter()
                    .find(|(id, _)| *id == span.file)
                    .map_or(String::new(), |(_, f)| {
                        format!("{}:{}", f.name, f.line_col(span.start()).line)
                    });
                Finding {
                    severity: lang.word(d.severity.as_str()),
                    class: d.severity.as_str(),
                    code: d.code.code,
                    message: d.message.clone(),
                    place,
                }
            })
            .collect(),
        summary: format!(
            "{} {}, {} {}",
            summary.warnings,
            lang.text(if summary.warnings == 1 {
                "warning_one"
            } else {
                "warning_many"
            }),
            summary.notes,
            lang.text(if summary.notes == 1 {
                "note_one"
            } else {
                "note_many"
            }),
        ),
    }
}

fn kpi_card(cx: &Ctx, k: usize) -> KpiCard {
    let (a, m, lang) = (cx.a, cx.m, cx.lang);
    let kpi = &m.kpis[k];
    let at = &kpi.attrs;
    let info = &m.kpi_info[k];
    let unit = cx.unit(k);
    let formula = at.formula.as_ref();
    let mut unit_text = unit.map(|u| u.to_string());
    if a.typing.kpis.get(k).is_some_and(|u| u.cast) {
        unit_text = unit_text.map(|u| format!("{u} ({})", lang.text("stated_with_as")));
    }
    let perspective = lang.text("perspective");
    let funnel = lang.text("funnel");
    let classification: Vec<String> = [
        info.kpi_type.map(|x| lang.word(x.as_str())),
        info.kind.map(|x| lang.word(x.as_str())),
        info.level.as_ref().map(|l| cx.level_title(l)),
        info.perspective
            .map(|x| format!("{perspective} {}", lang.word(x.as_str()))),
        info.funnel
            .map(|x| format!("{funnel}: {}", lang.word(x.as_str()))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let set = a.goals.bands.get(k).and_then(Option::as_ref);
    let target_value = at
        .target
        .as_ref()
        .and_then(|t| a.typing.values.get(&t.value.span).copied());
    let bands = match (set, &at.bands) {
        (Some(set), _) => Some(band_sentence(set, unit, lang)),
        (None, Some(b)) => Some(crate::emit::spec::bands_text(b)),
        (None, None) => None,
    };
    let mut actions = Vec::new();
    for colour in [Colour::Red, Colour::Amber, Colour::Green] {
        for act in at.actions.iter().filter(|x| x.colour.value == colour) {
            actions.push(ActionView {
                colour: colour.as_str(),
                colour_word: lang.word(colour.as_str()),
                actor: person(m, &act.actor.text),
                task: act.task.value.to_string(),
                within: act.within.as_ref().map(|w| cx.lang.span(w)),
            });
        }
    }
    KpiCard {
        name: kpi.name.text.to_string(),
        link: cx.link(k),
        north_star: at.north_star.is_some(),
        level: info
            .level
            .as_ref()
            .map_or(lang.text("no_level").to_string(), |l| cx.level_title(l)),
        goal: at.goal.as_ref().map(|g| g.value.to_string()),
        definition: at.definition.as_ref().map(|g| g.value.to_string()),
        formula: formula.map(|f| print::expr_text(&f.value)),
        inputs: formula.map_or(Vec::new(), |f| {
            inputs(a, &f.value)
                .into_iter()
                .map(|(name, unit)| Input {
                    name,
                    unit: lang.type_text(&unit),
                })
                .collect()
        }),
        sources: formula.map_or(Vec::new(), |f| {
            sources_of(m, &f.value)
                .into_iter()
                .map(|s| cx.source_ref(s))
                .collect()
        }),
        unit: unit_text,
        classification,
        frequency: info.frequency.map(|f| lang.word(f.as_str())),
        owner: at.owner.as_ref().map(|n| person(m, &n.text)),
        backup: at.backup.as_ref().map(|n| person(m, &n.text)),
        target: at.target.as_ref().map(|t| {
            cx.dated(
                cx.quantity(&t.value, Some(k)),
                t.deadline.as_ref().map(|d| d.value),
            )
        }),
        later_targets: m
            .targets
            .iter()
            .filter(|t| t.kpi.text == kpi.name.text)
            .map(|t| {
                cx.dated(
                    cx.quantity(&t.goal.value, Some(k)),
                    t.goal.deadline.as_ref().map(|d| d.value),
                )
            })
            .collect(),
        gauge: set.map(|s| {
            svg::gauge(
                s,
                target_value,
                unit,
                lang,
                &format!("{}: {}", m.kpi_title(k), band_sentence(s, unit, lang)),
            )
        }),
        bands: bands.map(|b| match set.map(|s| s.direction) {
            Some(d) => format!("{b} ({} {})", lang.word(d.as_str()), lang.text("is_better")),
            None => b,
        }),
        actions,
        segment_by: at
            .segment_by
            .iter()
            .map(|f| format!("{}.{}", f.source.text, f.field.text))
            .collect(),
        trend: at.trend.as_ref().map(|t| cx.lang.span(t)),
        notes: at.notes.as_ref().map(|n| n.value.to_string()),
        drives: cx.drives[k].iter().map(|&j| cx.link(j)).collect(),
        driven_by: cx.driven_by[k].iter().map(|&j| cx.link(j)).collect(),
    }
}

/// The edges of one chain, or of all chains; as (nodes, local edges).
fn graph_part(cx: &Ctx, chain: Option<usize>) -> (Vec<usize>, Vec<(usize, usize)>) {
    let edges: Vec<(usize, usize)> = match chain {
        Some(c) => cx.chain_edges.get(c).cloned().unwrap_or_default(),
        None => cx.a.chains.edges.iter().map(|e| (e.from, e.to)).collect(),
    };
    let mut nodes: Vec<usize> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let index = |k: usize| nodes.binary_search(&k).unwrap_or(0);
    let mut local: Vec<(usize, usize)> = edges.iter().map(|&(a, b)| (index(a), index(b))).collect();
    local.sort_unstable();
    local.dedup();
    (nodes, local)
}

fn graph_svg(cx: &Ctx, chain: Option<usize>) -> String {
    let (nodes, edges) = graph_part(cx, chain);
    if nodes.is_empty() {
        return String::new();
    }
    let svg_nodes: Vec<svg::Node> = nodes
        .iter()
        .map(|&k| {
            let kind = cx.m.kpi_info[k].kind;
            svg::Node {
                title: cx.m.kpi_title(k).to_string(),
                sub: kind.map_or(String::new(), |x| cx.lang.word(x.as_str())),
                href: cx.link(k).href,
                leading: kind == Some(Kind::Leading),
            }
        })
        .collect();
    let label = match chain {
        Some(c) => cx.m.chains[c]
            .title
            .as_ref()
            .map_or(cx.m.chains[c].name.text.clone(), |t| t.value.clone()),
        None => cx.lang.text("whole_graph").to_string().into(),
    };
    svg::diagram(&svg_nodes, &edges, &label)
}

/// A Mermaid flowchart (left to right) of one chain or of all of them.
fn mermaid(cx: &Ctx, chain: Option<usize>) -> String {
    let (nodes, edges) = graph_part(cx, chain);
    if nodes.is_empty() {
        return String::new();
    }
    let mut out = String::from("flowchart LR\n");
    for &k in &nodes {
        let safe: String =
            cx.m.kpi_title(k)
                .chars()
                .map(|c| match c {
                    '"' => "#quot;".to_string(),
                    '<' => "#lt;".to_string(),
                    '>' => "#gt;".to_string(),
                    '\n' | '\r' => " ".to_string(),
                    c => c.to_string(),
                })
                .collect();
        out.push_str(&format!("  {}[\"{safe}\"]\n", cx.m.kpis[k].name.text));
    }
    for (a, b) in edges {
        out.push_str(&format!(
            "  {} --> {}\n",
            cx.m.kpis[nodes[a]].name.text, cx.m.kpis[nodes[b]].name.text
        ));
    }
    out
}

fn objectives(cx: &Ctx) -> Vec<ObjectiveView> {
    let m = cx.m;
    m.objectives
        .iter()
        .map(|ob| {
            let mut srcs: Vec<usize> = Vec::new();
            let key_results = ob
                .attrs
                .key_results
                .iter()
                .map(|kr| {
                    let k = m.kpi(&kr.kpi.text);
                    if let Some(f) = k.and_then(|k| m.kpis[k].attrs.formula.as_ref()) {
                        for s in sources_of(m, &f.value) {
                            if !srcs.contains(&s) {
                                srcs.push(s);
                            }
                        }
                    }
                    KeyResultView {
                        kpi: k.map_or_else(
                            || Link {
                                title: kr.kpi.text.to_string(),
                                href: String::new(),
                                anchor: String::new(),
                            },
                            |k| cx.link(k),
                        ),
                        from: cx.quantity(&kr.from, k),
                        to: cx.quantity(&kr.to, k),
                        deadline: kr.deadline.as_ref().map(|d| cx.lang.date(d.value)),
                    }
                })
                .collect();
            srcs.sort_unstable();
            ObjectiveView {
                name: ob.name.text.to_string(),
                title: ob
                    .title
                    .as_ref()
                    .map_or(ob.name.text.to_string(), |t| t.value.to_string()),
                owner: ob.attrs.owner.as_ref().map(|o| person(m, &o.text)),
                key_results,
                sources: srcs.into_iter().map(|s| cx.source_ref(s)).collect(),
            }
        })
        .collect()
}

fn data_sources(cx: &Ctx) -> Vec<SourceView> {
    let (a, m) = (cx.a, cx.m);
    let used: Vec<Vec<usize>> = m
        .kpis
        .iter()
        .map(|k| {
            k.attrs
                .formula
                .as_ref()
                .map_or(Vec::new(), |f| sources_of(m, &f.value))
        })
        .collect();
    // The KPIs that read each source, in KPI order (one pass, not sources x KPIs).
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); m.sources.len()];
    for (k, read) in used.iter().enumerate() {
        for &si in read {
            if let Some(u) = users.get_mut(si) {
                u.push(k);
            }
        }
    }
    m.sources
        .iter()
        .enumerate()
        .map(|(si, s)| SourceView {
            name: s.name.text.to_string(),
            title: s
                .title
                .as_ref()
                .map_or(s.name.text.to_string(), |t| t.value.to_string()),
            owner: s.attrs.owner.as_ref().map(|o| person(m, &o.text)),
            rows: s.attrs.rows.as_ref().map(|r| r.text.to_string()),
            fields: s
                .attrs
                .fields
                .iter()
                .enumerate()
                .map(|(fi, f)| FieldView {
                    name: f.name.text.to_string(),
                    ty: cx.lang.type_text(&describe::field_type(a, si, fi, &f.ty)),
                    description: f
                        .description
                        .as_ref()
                        .map_or(String::new(), |d| d.value.to_string()),
                })
                .collect(),
            used_by: users[si].iter().map(|&k| cx.link(k)).collect(),
        })
        .collect()
}
