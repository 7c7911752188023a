//! What the server answers: hover, definitions, references, completion,
//! document symbols and rename. Pure functions over one [`Snapshot`].

use super::convert::whole;
use super::index::{Occurrence, Target};
use super::workspace::Snapshot;
use crate::ast::print::{quantity_text, unit_text};
use crate::ast::{self, Attrs, Expr, UnitDef};
use crate::emit::spec::bands_text;
use crate::model::{Direction, Frequency, Funnel, Kind, KpiType, LevelKind, Perspective, Symbol};
use crate::source::{FileId, Span};
use crate::syntax::{ATTRIBUTE_KEYWORDS, ITEM_KEYWORDS};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A location as the protocol writes it.
fn location(s: &Snapshot, span: Span) -> Option<Value> {
    let (uri, range) = s.location(span)?;
    Some(json!({ "uri": uri, "range": range }))
}

// ---- hover --------------------------------------------------------------------

/// Markdown for what is under the cursor: a card for a name, the unit of a
/// formula sub-expression.
pub fn hover(s: &Snapshot, file: FileId, offset: usize) -> Option<Value> {
    let (text, span) = match s.index().at(file, offset) {
        Some(o) => (describe(s, &o.target)?, o.span),
        None => {
            let e = expression_at(s, file, offset)?;
            let ty = s.types().get(&e.span)?;
            (
                format!(
                    "`{}`\n\nunit: **{}**",
                    ast::print::expr_text(e),
                    ty.describe()
                ),
                e.span,
            )
        }
    };
    Some(json!({
        "contents": { "kind": "markdown", "value": text },
        "range": s.range(span),
    }))
}

fn describe(s: &Snapshot, t: &Target) -> Option<String> {
    let m = &s.analysis.model;
    match t {
        Target::Global(name) => match m.lookup(name)? {
            Symbol::Kpi(i) => Some(kpi_card(s, i)),
            Symbol::Metric(i) => {
                let x = &m.metrics[i];
                let mut out = format!(
                    "**{}** (`{}`): metric",
                    title(&x.title, &x.name),
                    x.name.text
                );
                formula_lines(s, &x.attrs, s.analysis.typing.metrics.get(i), &mut out);
                Some(out)
            }
            Symbol::Source(i) => {
                let x = &m.sources[i];
                let mut out = format!(
                    "**{}** (`{}`): data source",
                    title(&x.title, &x.name),
                    x.name.text
                );
                if let Some(r) = &x.attrs.rows {
                    out.push_str(&format!("\n\nrows: {}", r.text));
                }
                let fields: Vec<String> = x
                    .attrs
                    .fields
                    .iter()
                    .map(|f| format!("`{}`: {}", f.name.text, unit_text(&f.ty)))
                    .collect();
                if !fields.is_empty() {
                    out.push_str(&format!("\n\nfields: {}", fields.join(", ")));
                }
                Some(out)
            }
            Symbol::Role(i) => {
                let x = &m.roles[i];
                Some(format!(
                    "**{}** (`{}`): role",
                    title(&x.title, &x.name),
                    x.name.text
                ))
            }
            Symbol::Objective(i) => {
                let x = &m.objectives[i];
                Some(format!(
                    "**{}** (`{}`): objective",
                    title(&x.title, &x.name),
                    x.name.text
                ))
            }
            Symbol::Signal(i) => {
                let x = &m.signals[i];
                Some(format!(
                    "**{}** (`{}`): signal",
                    title(&x.title, &x.name),
                    x.name.text
                ))
            }
            Symbol::Chain(i) => {
                let x = &m.chains[i];
                Some(format!(
                    "**{}** (`{}`): chain",
                    title(&x.title, &x.name),
                    x.name.text
                ))
            }
        },
        Target::Field { source, field } => {
            let Some(Symbol::Source(si)) = m.lookup(source) else {
                return None;
            };
            let fi = *m.fields.get(si)?.get(field.as_str())?;
            let f = m.sources[si].attrs.fields.get(fi)?;
            let src = &m.sources[si];
            let mut out = format!(
                "`{source}.{field}`: **{}**\n\nfield of `{source}` ({})",
                unit_text(&f.ty),
                title(&src.title, &src.name)
            );
            if let Some(d) = &f.description {
                out.push_str(&format!("\n\n{}", d.value));
            }
            Some(out)
        }
        Target::Unit(name) => {
            if let Some(u) = m.units.iter().find(|u| u.name.text == name) {
                return Some(match &u.def {
                    UnitDef::Base => format!("unit `{name}`: a base unit of its own"),
                    UnitDef::Kind(k) => format!("unit `{name}`: a counting unit ({})", k.text),
                    UnitDef::Alias(q) => format!("unit `{name}` = {}", quantity_text(q)),
                });
            }
            crate::units::registry::builtin(name).map(|u| format!("unit `{name}`: built in ({u})"))
        }
    }
}

fn title<'a>(t: &'a Option<ast::Text>, n: &'a ast::Name) -> &'a str {
    t.as_ref().map_or(&n.text, |t| &t.value)
}

fn formula_lines(
    s: &Snapshot,
    a: &Attrs,
    units: Option<&crate::units::FormulaUnits>,
    out: &mut String,
) {
    if let Some(f) = &a.formula {
        out.push_str(&format!(
            "\n\n```kpi\n{}\n```",
            ast::print::expr_text(&f.value)
        ));
    }
    let unit = match (&a.unit, units.and_then(|u| u.inferred.as_ref())) {
        (Some(u), _) => Some(unit_text(u)),
        (None, Some(i)) => Some(format!("{i} (from its formula)")),
        _ => None,
    };
    if let Some(u) = unit {
        out.push_str(&format!("\n\nunit: {u}"));
    }
    let _ = s;
}

fn kpi_card(s: &Snapshot, i: usize) -> String {
    let m = &s.analysis.model;
    let k = &m.kpis[i];
    let a = &k.attrs;
    let mut out = format!("**{}** (`{}`): KPI", m.kpi_title(i), k.name.text);
    if let Some(g) = &a.goal {
        out.push_str(&format!("\n\ngoal: {}", g.value));
    }
    formula_lines(s, a, s.analysis.typing.kpis.get(i), &mut out);
    if let Some(t) = &a.target {
        let mut v = quantity_text(&t.value);
        if let Some(d) = &t.deadline {
            v.push_str(&format!(" by {}", d.value));
        }
        out.push_str(&format!("\n\ntarget: {v}"));
    }
    if let Some(b) = &a.bands {
        out.push_str(&format!("\n\nbands: {}", bands_text(b)));
    }
    if let Some(o) = &a.owner {
        let who = match m.lookup(&o.text) {
            Some(Symbol::Role(r)) => format!(
                "{} (`{}`)",
                title(&m.roles[r].title, &m.roles[r].name),
                o.text
            ),
            _ => format!("`{}`", o.text),
        };
        out.push_str(&format!("\n\nowner: {who}"));
    }
    out
}

/// The smallest formula sub-expression at an offset.
fn expression_at(s: &Snapshot, file: FileId, offset: usize) -> Option<&Expr> {
    let m = &s.analysis.model;
    let formulas = m
        .metrics
        .iter()
        .map(|x| &x.attrs)
        .chain(m.kpis.iter().map(|x| &x.attrs))
        .filter_map(|a| a.formula.as_ref());
    let contains = |sp: Span| sp.file == file && sp.start() <= offset && offset <= sp.end();
    let root = formulas.map(|f| &f.value).find(|e| contains(e.span))?;
    let mut best = root;
    root.walk(|e| {
        if contains(e.span) && e.span.len() <= best.span.len() {
            best = e;
        }
    });
    Some(best)
}

// ---- definition, references, rename ----------------------------------------------

pub fn definition(s: &Snapshot, file: FileId, offset: usize) -> Value {
    let Some(o) = s.index().at(file, offset) else {
        return Value::Null;
    };
    let locs: Vec<Value> = s
        .index()
        .declarations(&o.target)
        .filter_map(|d| location(s, d.span))
        .collect();
    Value::Array(locs)
}

pub fn references(s: &Snapshot, file: FileId, offset: usize, include_declaration: bool) -> Value {
    let Some(o) = s.index().at(file, offset) else {
        return Value::Null;
    };
    let locs: Vec<Value> = s
        .index()
        .all(&o.target)
        .filter(|r| include_declaration || !r.decl)
        .filter_map(|r| location(s, r.span))
        .collect();
    Value::Array(locs)
}

/// The edits that rename the name at an offset in every file of the model, or
/// why it cannot be renamed.
pub fn rename(s: &Snapshot, file: FileId, offset: usize, new_name: &str) -> Result<Value, String> {
    let o: &Occurrence = s
        .index()
        .at(file, offset)
        .ok_or("there is no name here to rename")?;
    let valid = new_name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "`{new_name}` is not a name: use letters, digits and `_`, not starting with a digit"
        ));
    }
    if crate::syntax::ATTRIBUTE_KEYWORDS.contains(&new_name)
        || ITEM_KEYWORDS.contains(&new_name)
        || RESERVED.contains(&new_name)
    {
        return Err(format!("`{new_name}` is a keyword of the language"));
    }
    let m = &s.analysis.model;
    match &o.target {
        Target::Global(old) => {
            if old != new_name && (m.lookup(new_name).is_some() || m.broken.contains(new_name)) {
                return Err(format!(
                    "`{new_name}` is already declared in this model; pick another name"
                ));
            }
        }
        Target::Unit(old) => {
            if m.units.iter().all(|u| u.name.text != old) {
                return Err(format!("`{old}` is a built-in unit and cannot be renamed"));
            }
            if old != new_name
                && (m.unit_names.contains_key(new_name)
                    || crate::units::registry::builtin(new_name).is_some())
            {
                return Err(format!(
                    "a unit `{new_name}` already exists; pick another name"
                ));
            }
        }
        Target::Field { source, field } => {
            let Some(Symbol::Source(si)) = m.lookup(source) else {
                return Err(format!("`{source}` is not a data source"));
            };
            if field != new_name && m.fields.get(si).is_some_and(|f| f.contains_key(new_name)) {
                return Err(format!(
                    "`{source}` already has a field `{new_name}`; pick another name"
                ));
            }
        }
    }
    let mut changes: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for r in s.index().all(&o.target) {
        let Some((uri, range)) = s.location(r.span) else {
            continue;
        };
        changes
            .entry(uri)
            .or_default()
            .push(json!({ "range": range, "newText": new_name }));
    }
    Ok(json!({ "changes": changes }))
}

/// Words that cannot be names in formulas or after numbers.
const RESERVED: &[&str] = &[
    "by", "within", "where", "from", "to", "and", "or", "not", "as", "red", "amber", "green", "on",
    "segment",
];

// ---- document symbols ----------------------------------------------------------

pub fn symbols(s: &Snapshot, doc: usize) -> Value {
    let m = &s.analysis.model;
    let mut out: Vec<(usize, Value)> = Vec::new();
    let mut push = |name: &str,
                    detail: Option<&str>,
                    kind: u32,
                    span: Span,
                    sel: Span,
                    children: Vec<Value>| {
        if !s.in_doc(span, doc) {
            return;
        }
        let mut v = json!({
            "name": name,
            "kind": kind,
            "range": s.range(span),
            "selectionRange": s.range(sel),
        });
        if let Some(d) = detail {
            v["detail"] = json!(d);
        }
        if !children.is_empty() {
            v["children"] = Value::Array(children);
        }
        out.push((s.place(span).map_or(0, |p| p.1), v));
    };
    // Kinds from the protocol: 5 class, 12 function, 14 constant, 23 struct,
    // 8 field, 24 event, 2 module, 15 string, 10 enum, 20 key.
    for u in &m.units {
        push(&u.name.text, Some("unit"), 14, u.span, u.name.span, vec![]);
    }
    for r in &m.roles {
        push(
            &r.name.text,
            r.title.as_ref().map(|t| t.value.as_str()),
            5,
            r.span,
            r.name.span,
            vec![],
        );
    }
    for x in &m.sources {
        let children = x
            .attrs
            .fields
            .iter()
            .map(|fd| json!({ "name": fd.name.text, "detail": unit_text(&fd.ty), "kind": 8, "range": s.range(fd.span), "selectionRange": s.range(fd.name.span) }))
            .collect();
        push(
            &x.name.text,
            x.title.as_ref().map(|t| t.value.as_str()),
            23,
            x.span,
            x.name.span,
            children,
        );
    }
    for x in &m.metrics {
        push(
            &x.name.text,
            x.title.as_ref().map(|t| t.value.as_str()),
            12,
            x.span,
            x.name.span,
            vec![],
        );
    }
    for x in &m.kpis {
        push(
            &x.name.text,
            x.title.as_ref().map(|t| t.value.as_str()),
            24,
            x.span,
            x.name.span,
            vec![],
        );
    }
    for x in &m.objectives {
        push(
            &x.name.text,
            x.title.as_ref().map(|t| t.value.as_str()),
            2,
            x.span,
            x.name.span,
            vec![],
        );
    }
    for x in &m.signals {
        push(
            &x.name.text,
            x.title.as_ref().map(|t| t.value.as_str()),
            15,
            x.span,
            x.name.span,
            vec![],
        );
    }
    for x in &m.chains {
        push(
            &x.name.text,
            x.title.as_ref().map(|t| t.value.as_str()),
            10,
            x.span,
            x.name.span,
            vec![],
        );
    }
    for t in &m.targets {
        push(
            &format!("target {}", t.kpi.text),
            None,
            20,
            t.span,
            t.kpi.span,
            vec![],
        );
    }
    out.sort_by_key(|(start, _)| *start);
    Value::Array(out.into_iter().map(|(_, v)| v).collect())
}

/// The edit that formats a whole document, or no edit (a file with syntax
/// errors is left alone, its errors are already shown).
pub fn formatting(file: &crate::source::SourceFile) -> Value {
    match crate::fmt::format_source(file) {
        Ok(text) if text != *file.text => json!([{ "range": whole(file), "newText": text }]),
        _ => json!([]),
    }
}

// ---- completion ----------------------------------------------------------------

/// Completion kinds from the protocol.
const KEYWORD: u32 = 14;
const FIELD: u32 = 5;
const UNIT: u32 = 11;
const ROLE: u32 = 7;
const REFERENCE: u32 = 18;
const FUNCTION: u32 = 3;
const VALUE: u32 = 12;

const BUILTIN_UNITS: &[&str] = &[
    "%", "1", "count", "EUR", "USD", "GBP", "CHF", "s", "min", "h", "d", "wk", "month", "quarter",
    "year",
];

pub fn completion(s: &Snapshot, doc: usize, offset: usize) -> Value {
    let Some(d) = s.docs.get(doc) else {
        return json!([]);
    };
    let f = &d.file;
    let text: &str = &f.text;
    let offset = f.clamp(offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if in_comment_or_string(before) {
        return json!([]);
    }
    let word_len = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .count();
    let head = &before[..before.len() - word_len];
    let m = &s.analysis.model;
    let mut items: Vec<Value> = Vec::new();
    let mut add = |label: &str, kind: u32, detail: Option<&str>| {
        let mut v = json!({ "label": label, "kind": kind });
        if let Some(d) = detail {
            v["detail"] = json!(d);
        }
        items.push(v);
    };
    // `source.` -> its fields.
    if let Some(src) = head.strip_suffix('.') {
        let name: String = src
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Some(Symbol::Source(i)) = m.lookup(&name) {
            for fd in &m.sources[i].attrs.fields {
                add(&fd.name.text, FIELD, Some(&unit_text(&fd.ty)));
            }
        }
        return Value::Array(items);
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    let roles = |add: &mut dyn FnMut(&str, u32, Option<&str>)| {
        for r in &m.roles {
            add(
                &r.name.text,
                ROLE,
                r.title.as_ref().map(|t| t.value.as_str()),
            );
        }
    };
    // A unit after a number: `30 ` or `4.5 E`.
    let after_number = head
        .trim_end()
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_digit())
        && (head.ends_with(' ') || word_len > 0);
    if after_number && !words.is_empty() {
        units(s, &mut add);
        return Value::Array(items);
    }
    let vocab: Option<&[&str]> = match words.as_slice() {
        ["type"] => Some(KpiType::WORDS),
        ["kind"] => Some(Kind::WORDS),
        ["level"] => Some(LevelKind::WORDS),
        ["perspective"] => Some(Perspective::WORDS),
        ["funnel"] => Some(Funnel::WORDS),
        ["frequency"] => Some(Frequency::WORDS),
        ["direction"] => Some(Direction::WORDS),
        ["on"] | ["bands", ..] => Some(&["red", "amber", "green"]),
        _ => None,
    };
    if let Some(words) = vocab {
        for w in words {
            add(w, VALUE, None);
        }
        return Value::Array(items);
    }
    match words.as_slice() {
        ["owner"] | ["backup"] | ["on", _] => {
            roles(&mut add);
            return Value::Array(items);
        }
        ["unit"] | ["rows"] | ["unit", _, ":"] => {
            units(s, &mut add);
            return Value::Array(items);
        }
        ["key_result"] | ["target"] => {
            kpis(s, &mut add);
            return Value::Array(items);
        }
        _ => {}
    }
    let context = block_context(text, line_start);
    match context {
        Context::Top if words.is_empty() => {
            for k in ITEM_KEYWORDS {
                add(k, KEYWORD, None);
            }
        }
        Context::Chain => {
            kpis(s, &mut add);
        }
        Context::Block if words.is_empty() => {
            for k in ATTRIBUTE_KEYWORDS {
                add(k, KEYWORD, None);
            }
        }
        _ => {
            // Inside a formula: names and functions.
            for (name, sym) in &m.symbols {
                match sym {
                    Symbol::Metric(_) | Symbol::Kpi(_) | Symbol::Source(_) => {
                        add(name, REFERENCE, Some(sym.describe()))
                    }
                    _ => {}
                }
            }
            for f in crate::model::FUNCTIONS {
                add(f, FUNCTION, None);
            }
            for k in ["where", "and", "or", "not", "as", "true", "false"] {
                add(k, KEYWORD, None);
            }
        }
    }
    Value::Array(items)
}

fn units(s: &Snapshot, add: &mut dyn FnMut(&str, u32, Option<&str>)) {
    for u in &s.analysis.model.units {
        add(&u.name.text, UNIT, Some("declared unit"));
    }
    for u in BUILTIN_UNITS {
        add(u, UNIT, Some("built-in unit"));
    }
}

fn kpis(s: &Snapshot, add: &mut dyn FnMut(&str, u32, Option<&str>)) {
    for k in &s.analysis.model.kpis {
        add(
            &k.name.text,
            REFERENCE,
            k.title.as_ref().map(|t| t.value.as_str()),
        );
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Context {
    Top,
    Block,
    Chain,
}

/// Whether a line start lies inside a block, and whether that block is a chain.
fn block_context(text: &str, at: usize) -> Context {
    let mut depth = 0usize;
    let mut chain = false;
    let mut item_keyword = "";
    for line in text[..at].split('\n') {
        let code = strip_comment(line);
        let trimmed = code.trim_start();
        if depth == 0 {
            let word = trimmed
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if ITEM_KEYWORDS.contains(&word) {
                item_keyword = word;
            }
        }
        let mut in_string = false;
        for c in code.chars() {
            match c {
                '"' => in_string = !in_string,
                '{' if !in_string => depth += 1,
                '}' if !in_string => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        chain = item_keyword == "chain";
    }
    match depth {
        0 => Context::Top,
        _ if chain => Context::Chain,
        _ => Context::Block,
    }
}

fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

fn in_comment_or_string(before: &str) -> bool {
    strip_comment(before).len() != before.len()
        || before.chars().filter(|c| *c == '"').count() % 2 == 1
}
