//! The JSON spec: the whole resolved model, with units, bands, chains and the
//! diagnostics. Keys are sorted (serde_json's default map), elements keep
//! declaration order, so the same input always gives the same bytes.

use super::tree::expr_tree;
use crate::Analysis;
use crate::ast::{self, Attrs, Quantity, TargetValue, UnitDef, print};
use crate::diagnostics::{Diagnostic, Severity, Summary};
use crate::source::{SourceMap, Span};
use crate::units::{FormulaUnits, Ty, Unit};
use serde_json::{Value, json};

/// Bumped when the shape of the spec changes in a way readers must know.
pub const SPEC_VERSION: &str = "1.0";

struct Ctx<'a> {
    a: &'a Analysis,
    sources: &'a SourceMap,
}

impl Ctx<'_> {
    fn loc(&self, span: Span) -> Value {
        let file = self.sources.get(span.file);
        let lc = file.line_col(span.start());
        json!({ "file": file.name, "line": lc.line, "column": lc.column })
    }

    fn unit(&self, u: &Unit) -> Value {
        json!({ "text": u.to_string(), "dimensions": u.dimension_vector(), "factor": u.factor })
    }

    fn value(&self, q: &Quantity) -> Value {
        json!({
            "written": print::quantity_text(q),
            "value": q.value,
            "unit": q.unit.as_ref().map(print::unit_text),
            "normalized": self.a.typing.values.get(&q.span),
            "location": self.loc(q.span),
        })
    }

    fn target(&self, t: &TargetValue) -> Value {
        json!({
            "value": self.value(&t.value),
            "deadline": t.deadline.as_ref().map(|d| d.value.to_string()),
        })
    }

    fn text(t: &Option<ast::Text>) -> Value {
        t.as_ref()
            .map_or(Value::Null, |t| Value::String(t.value.to_string()))
    }

    fn name(n: &Option<ast::Name>) -> Value {
        n.as_ref()
            .map_or(Value::Null, |n| Value::String(n.text.to_string()))
    }

    fn formula(&self, a: &Attrs, units: &FormulaUnits) -> Value {
        let Some(f) = &a.formula else {
            return Value::Null;
        };
        json!({
            "text": print::expr_text(&f.value),
            "tree": expr_tree(&f.value),
            "unit": units.inferred.as_ref().map(|u| self.unit(u)),
            "conversion_to_declared": units.conversion,
            "unit_stated_with_as": units.cast,
            "location": self.loc(f.span),
        })
    }
}

/// The spec as a JSON value (for tests and tools that look inside it;
/// [`spec_json`] writes the same spec without building this tree).
pub fn build_spec(a: &Analysis, sources: &SourceMap, model_name: &str) -> Value {
    let c = Ctx { a, sources };
    serde_json::to_value(spec(&c, model_name)).unwrap_or_default()
}

/// The spec as pretty-printed JSON text, ending in a newline. Written as it
/// is produced, one element at a time: a tree of `serde_json::Value`s for a
/// model of 100,000 KPIs would take gigabytes.
pub fn spec_json(a: &Analysis, sources: &SourceMap, model_name: &str) -> String {
    let mut out = Vec::with_capacity(64 * 1024);
    // Writing to memory cannot fail, and every value here serializes.
    let _ = write_spec(a, sources, model_name, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`spec_json`], written to `out` as it is produced (to a file, it is
/// never all in memory).
pub fn write_spec(
    a: &Analysis,
    sources: &SourceMap,
    model_name: &str,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    let c = Ctx { a, sources };
    serde_json::to_writer_pretty(&mut out, &spec(&c, model_name))?;
    out.write_all(b"\n")
}

/// The spec: its top-level keys in sorted order (as a JSON map sorts them),
/// each array made element by element when it is written.
struct Spec<'a> {
    entries: Vec<(&'static str, Entry<'a>)>,
}

enum Entry<'a> {
    Value(Value),
    Array(Array<'a>),
}

/// `len` elements, element `i` made by `item(i)` when it is written.
struct Array<'a> {
    len: usize,
    item: Box<dyn Fn(usize) -> Value + 'a>,
}

impl<'a> Array<'a> {
    fn of<T>(items: &'a [T], f: impl Fn(usize, &'a T) -> Value + 'a) -> Entry<'a> {
        Entry::Array(Array {
            len: items.len(),
            item: Box::new(move |i| f(i, &items[i])),
        })
    }
}

impl serde::Serialize for Spec<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for (key, entry) in &self.entries {
            match entry {
                Entry::Value(v) => map.serialize_entry(key, v)?,
                Entry::Array(a) => map.serialize_entry(key, a)?,
            }
        }
        map.end()
    }
}

impl serde::Serialize for Array<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len))?;
        for i in 0..self.len {
            seq.serialize_element(&(self.item)(i))?;
        }
        seq.end()
    }
}

fn spec<'a>(c: &'a Ctx<'a>, model_name: &'a str) -> Spec<'a> {
    let a = c.a;
    let m = &a.model;
    let sources = c.sources;
    let units = Array::of(&m.units, move |_, u| {
        let (kind, definition) = match &u.def {
            UnitDef::Base => ("base", Value::Null),
            UnitDef::Kind(k) => ("count", Value::String(k.text.to_string())),
            UnitDef::Alias(q) => ("multiple", Value::String(print::quantity_text(q))),
        };
        json!({ "name": u.name.text, "kind": kind, "definition": definition, "location": c.loc(u.span) })
    });
    let roles = Array::of(
        &m.roles,
        move |_, r| json!({ "name": r.name.text, "title": Ctx::text(&r.title), "location": c.loc(r.span) }),
    );
    let data_sources = Array::of(&m.sources, move |si, s| {
        let fields: Vec<Value> = s
            .attrs
            .fields
            .iter()
            .enumerate()
            .map(|(fi, f)| {
                let ty = a.typing.fields.get(si).and_then(|v| v.get(fi));
                json!({
                    "name": f.name.text,
                    "type": print::unit_text(&f.ty),
                    "unit": match ty { Some(Ty::Num(u)) => c.unit(u), _ => Value::Null },
                    "description": Ctx::text(&f.description),
                    "location": c.loc(f.span),
                })
            })
            .collect();
        json!({
            "name": s.name.text,
            "title": Ctx::text(&s.title),
            "owner": Ctx::name(&s.attrs.owner),
            "rows": Ctx::name(&s.attrs.rows),
            "fields": fields,
            "definition": Ctx::text(&s.attrs.definition),
            "notes": Ctx::text(&s.attrs.notes),
            "location": c.loc(s.span),
        })
    });
    let metrics = Array::of(&m.metrics, move |i, x| {
        let u = &a.typing.metrics[i];
        json!({
            "name": x.name.text,
            "title": Ctx::text(&x.title),
            "formula": c.formula(&x.attrs, u),
            "unit": u.unit().map(|u| c.unit(u)),
            "definition": Ctx::text(&x.attrs.definition),
            "notes": Ctx::text(&x.attrs.notes),
            "location": c.loc(x.span),
        })
    });
    let kpis = Array::of(&m.kpis, move |i, k| kpi(c, i, k));
    let targets = Array::of(
        &m.targets,
        move |_, t| json!({ "kpi": t.kpi.text, "target": c.target(&t.goal), "location": c.loc(t.span) }),
    );
    let objectives = Array::of(&m.objectives, move |_, o| {
        let krs: Vec<Value> = o
            .attrs
            .key_results
            .iter()
            .map(|kr| {
                json!({
                    "kpi": kr.kpi.text,
                    "from": c.value(&kr.from),
                    "to": c.value(&kr.to),
                    "deadline": kr.deadline.as_ref().map(|d| d.value.to_string()),
                    "location": c.loc(kr.span),
                })
            })
            .collect();
        json!({
            "name": o.name.text,
            "title": Ctx::text(&o.title),
            "owner": Ctx::name(&o.attrs.owner),
            "key_results": krs,
            "notes": Ctx::text(&o.attrs.notes),
            "location": c.loc(o.span),
        })
    });
    let signals = Array::of(&m.signals, move |_, s| {
        json!({
            "name": s.name.text,
            "title": Ctx::text(&s.title),
            "owner": Ctx::name(&s.attrs.owner),
            "backup": Ctx::name(&s.attrs.backup),
            "definition": Ctx::text(&s.attrs.definition),
            "notes": Ctx::text(&s.attrs.notes),
            "location": c.loc(s.span),
        })
    });
    let chains = Array::of(&m.chains, move |_, ch| {
        let paths: Vec<Vec<&str>> = ch
            .paths
            .iter()
            .map(|p| p.iter().map(|n| n.text.as_str()).collect())
            .collect();
        json!({ "name": ch.name.text, "title": Ctx::text(&ch.title), "paths": paths, "location": c.loc(ch.span) })
    });
    let kpi_name = |k: usize| m.kpis[k].name.text.clone();
    let graph = json!({
        "nodes": a.chains.nodes.iter().map(|&k| kpi_name(k)).collect::<Vec<_>>(),
        "edges": a.chains.edges.iter().map(|e| json!({
            "from": kpi_name(e.from),
            "to": kpi_name(e.to),
            "chain": m.chains[e.chain].name.text,
        })).collect::<Vec<_>>(),
        "order": a.chains.order.iter().map(|&k| kpi_name(k)).collect::<Vec<_>>(),
    });
    let shown: Vec<&Diagnostic> = a
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Allow)
        .collect();
    let diagnostics = Entry::Array(Array {
        len: shown.len(),
        item: Box::new(move |i| diagnostic(c, shown[i])),
    });
    let files: Vec<&str> = sources.iter().map(|(_, f)| f.name.as_str()).collect();
    let mut entries = vec![
        ("spec_version", Entry::Value(Value::from(SPEC_VERSION))),
        (
            "model",
            Entry::Value(json!({ "name": model_name, "files": files })),
        ),
        ("units", units),
        ("roles", roles),
        ("sources", data_sources),
        ("metrics", metrics),
        ("kpis", kpis),
        ("targets", targets),
        ("objectives", objectives),
        ("signals", signals),
        ("chains", chains),
        ("chain_graph", Entry::Value(graph)),
        ("diagnostics", diagnostics),
        ("summary", Entry::Value(json!(Summary::of(&a.diagnostics)))),
    ];
    entries.sort_by_key(|(key, _)| *key);
    Spec { entries }
}

fn kpi(c: &Ctx<'_>, i: usize, k: &ast::Kpi) -> Value {
    let a = &k.attrs;
    let info = &c.a.model.kpi_info[i];
    let units = &c.a.typing.kpis[i];
    let bands = a.bands.as_ref().map(|b| {
        let set = c.a.goals.bands.get(i).and_then(Option::as_ref);
        json!({
            "written": bands_text(b),
            "intervals": set.map(|s| &s.intervals),
            "location": c.loc(b.span),
        })
    });
    let actions: Vec<Value> = a
        .actions
        .iter()
        .map(|x| {
            json!({
                "on": x.colour.value.as_str(),
                "actor": x.actor.text,
                "task": x.task.value,
                "within": x.within.as_ref().map(print::quantity_text),
            })
        })
        .collect();
    json!({
        "name": k.name.text,
        "title": Ctx::text(&k.title),
        "north_star": a.north_star.is_some(),
        "goal": Ctx::text(&a.goal),
        "definition": Ctx::text(&a.definition),
        "formula": c.formula(a, units),
        "unit": units.unit().map(|u| c.unit(u)),
        "unit_written": a.unit.as_ref().map(print::unit_text),
        "type": info.kpi_type.map(|t| t.as_str()),
        "kind": info.kind.map(|t| t.as_str()),
        "level": info.level.as_ref().map(|l| json!({ "kind": l.kind.as_str(), "name": l.group })),
        "perspective": info.perspective.map(|t| t.as_str()),
        "funnel": info.funnel.map(|t| t.as_str()),
        "owner": Ctx::name(&a.owner),
        "backup": Ctx::name(&a.backup),
        "frequency": info.frequency.map(|t| t.as_str()),
        "direction": c.a.goals.directions.get(i).copied().flatten().map(|d| d.as_str()),
        "target": a.target.as_ref().map(|t| c.target(t)),
        "bands": bands,
        "actions": actions,
        "segment_by": a.segment_by.iter().map(|f| format!("{}.{}", f.source.text, f.field.text)).collect::<Vec<_>>(),
        "trend": a.trend.as_ref().map(print::quantity_text),
        "notes": Ctx::text(&a.notes),
        "allow": a.allow.iter().map(|n| n.text.clone()).collect::<Vec<_>>(),
        "location": c.loc(k.span),
    })
}

/// Bands as written, canonically spaced.
pub fn bands_text(b: &ast::Bands) -> String {
    let mut s = b.first.value.as_str().to_string();
    for step in &b.steps {
        s.push_str(&format!(
            " {} {} {} {}",
            step.left.value.as_str(),
            print::quantity_text(&step.threshold),
            step.right.value.as_str(),
            step.colour.value.as_str()
        ));
    }
    s
}

fn diagnostic(c: &Ctx<'_>, d: &Diagnostic) -> Value {
    json!({
        "code": d.code.code,
        "slug": d.code.slug,
        "severity": d.severity.as_str(),
        "message": d.message,
        "location": c.loc(d.primary.span),
    })
}
