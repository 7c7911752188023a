//! Typing of formulas: the unit of every expression, and whether it is a
//! row-level value (inside an aggregation) or an aggregate.

use super::dim::{Base, Unit};
use super::registry::{FieldKind, Registry};
use crate::ast::print::expr_text;
use crate::ast::{ArithOp, Expr, ExprKind, LogicOp};
use crate::diagnostics::{Diagnostic, codes};
use crate::model::{Model, Symbol};
use crate::source::Span;
use rustc_hash::FxHashMap as HashMap;

/// The type of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Num(Unit),
    Kind(FieldKind),
    /// An error was already reported for this value: check nothing more.
    Unknown,
}

impl Ty {
    /// How a type reads in a message.
    pub fn describe(&self) -> String {
        match self {
            Ty::Num(u) if u.is_dimensionless() && u.factor == 1.0 => "a plain number".into(),
            Ty::Num(u) => u.to_string(),
            Ty::Kind(FieldKind::Text) => "text".into(),
            Ty::Kind(FieldKind::Bool) => "a yes/no value".into(),
            Ty::Kind(FieldKind::Date) => "a date".into(),
            Ty::Kind(FieldKind::Timestamp) => "a point in time".into(),
            Ty::Kind(FieldKind::Id) => "an id".into(),
            Ty::Unknown => "unknown".into(),
        }
    }

    fn is_bool(&self) -> bool {
        matches!(self, Ty::Kind(FieldKind::Bool) | Ty::Unknown)
    }
}

/// Whether a value is per row of one source, per period (an aggregate) or constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Const,
    Row(usize),
    Agg,
}

/// Where a value's unit comes from, to show in a diagnostic. Kept as data
/// and put into words only when a diagnostic shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Origin {
    pub span: Span,
    pub note: Note,
}

/// What an [`Origin`] says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Note {
    /// "`name` is declared in UNIT here" (a metric's or KPI's `unit`).
    Declared(Symbol),
    /// "`name` is UNIT (from its formula)".
    Inferred(Symbol),
    /// "`field` is declared as TYPE here".
    Field { source: usize, field: usize },
    /// "unit stated with `as` here".
    Cast,
}

#[derive(Clone, Debug)]
pub struct Typed {
    pub ty: Ty,
    pub level: Level,
    pub origin: Option<Origin>,
    /// For row-level values: the field that makes them row-level.
    pub field: Option<Span>,
}

impl Typed {
    fn new(ty: Ty, level: Level) -> Typed {
        Typed {
            ty,
            level,
            origin: None,
            field: None,
        }
    }
    fn unknown() -> Typed {
        Typed::new(Ty::Unknown, Level::Const)
    }
}

/// What typing needs to know about the model.
pub struct Env<'a> {
    pub model: &'a Model,
    pub registry: &'a Registry,
    /// Per source: the unit of one row (`rows order`).
    pub rows: &'a [Option<Unit>],
    /// Per source, per field: its type.
    pub fields: &'a [Vec<Ty>],
    /// Metrics and KPIs typed so far: their unit and where it is declared.
    pub symbols: &'a HashMap<Symbol, (Ty, Option<Origin>)>,
}

pub struct Infer<'a, 'd> {
    env: &'a Env<'a>,
    diags: &'d mut Vec<Diagnostic>,
    /// Spans of `as UNIT` casts met.
    pub casts: Vec<Span>,
    /// Every typed sub-expression, when asked for (hover in the editor).
    pub record: Option<HashMap<Span, Ty>>,
}

const AGGREGATIONS: &[&str] = &[
    "sum",
    "avg",
    "min",
    "max",
    "median",
    "count",
    "count_distinct",
];

impl<'a, 'd> Infer<'a, 'd> {
    pub fn new(env: &'a Env<'a>, diags: &'d mut Vec<Diagnostic>) -> Self {
        Infer {
            env,
            diags,
            casts: Vec::new(),
            record: None,
        }
    }

    /// An origin's note in words.
    fn note(&self, note: Note) -> String {
        let model = self.env.model;
        let unit_of = |sym| match self.env.symbols.get(&sym) {
            Some((Ty::Num(unit), _)) => unit.to_string(),
            Some((ty, _)) => ty.describe(),
            None => Ty::Unknown.describe(),
        };
        match note {
            Note::Declared(sym) => format!(
                "`{}` is declared in {} here",
                model.name_of(sym).text,
                unit_of(sym)
            ),
            Note::Inferred(sym) => format!(
                "`{}` is {} (from its formula)",
                model.name_of(sym).text,
                unit_of(sym)
            ),
            Note::Field { source, field } => {
                let name = model.sources[source]
                    .attrs
                    .fields
                    .get(field)
                    .map_or("?", |f| f.name.text.as_str());
                let ty = self.env.fields[source]
                    .get(field)
                    .unwrap_or(&Ty::Unknown)
                    .describe();
                format!("`{name}` is declared as {ty} here")
            }
            Note::Cast => "unit stated with `as` here".into(),
        }
    }

    /// Types a whole formula: it must be one number per period.
    pub fn formula(&mut self, e: &Expr) -> Ty {
        let t = self.expr(e);
        if let Level::Row(s) = t.level {
            self.bare_field(t.field.unwrap_or(e.span), s);
            return Ty::Unknown;
        }
        match &t.ty {
            Ty::Kind(k) => {
                let help = match k {
                    FieldKind::Bool => {
                        "Count the rows where it holds, e.g. `count(src where src.flag) / count(src)` for a share."
                    }
                    FieldKind::Timestamp | FieldKind::Date => {
                        "Subtract two points in time to get a duration, e.g. `avg(src.done_at - src.created_at)`."
                    }
                    _ => {
                        "Count rows or distinct values instead, e.g. `count(src)` or `count_distinct(src.field)`."
                    }
                };
                self.diags.push(
                    Diagnostic::new(
                        &codes::NOT_A_NUMBER,
                        format!(
                            "a formula must give a number, but this gives {}",
                            t.ty.describe()
                        ),
                        e.span,
                        format!("this is {}", t.ty.describe()),
                    )
                    .with_help(help),
                );
                Ty::Unknown
            }
            _ => t.ty,
        }
    }

    fn bare_field(&mut self, span: Span, source: usize) {
        let name = &self.env.model.sources[source].name.text;
        self.diags.push(
            Diagnostic::new(
                &codes::BARE_FIELD,
                "a field is used outside an aggregation",
                span,
                "one value per row, not per period",
            )
            .with_help(format!(
                "A formula gives one number per period, so wrap row values in an aggregation: `sum(...)`, `avg(...)`, `min(...)` or `max(...)` over `{name}`."
            )),
        );
    }

    fn record(&mut self, span: Span, ty: &Ty) {
        if let Some(r) = self.record.as_mut() {
            r.insert(span, ty.clone());
        }
    }

    pub fn expr(&mut self, e: &Expr) -> Typed {
        let t = self.expr_inner(e);
        self.record(e.span, &t.ty);
        t
    }

    fn expr_inner(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Number { unit, .. } => match unit {
                None => Typed::new(Ty::Num(Unit::one()), Level::Const),
                Some(u) => match self.env.registry.unit(u, self.diags) {
                    Ok(unit) => Typed::new(Ty::Num(unit), Level::Const),
                    Err(_) => Typed::unknown(),
                },
            },
            ExprKind::Text(_) => Typed::new(Ty::Kind(FieldKind::Text), Level::Const),
            ExprKind::Bool(_) => Typed::new(Ty::Kind(FieldKind::Bool), Level::Const),
            ExprKind::Name(n) => match self.env.model.lookup(&n.text) {
                Some(sym @ (Symbol::Metric(_) | Symbol::Kpi(_))) => {
                    match self.env.symbols.get(&sym) {
                        Some((ty, origin)) => Typed {
                            ty: ty.clone(),
                            level: Level::Agg,
                            origin: *origin,
                            field: None,
                        },
                        None => Typed::new(Ty::Unknown, Level::Agg),
                    }
                }
                // Not a metric or KPI: already reported by resolve.
                _ => Typed::unknown(),
            },
            ExprKind::Field(r) => match self.env.model.field(r) {
                Some((s, f)) => {
                    let fi = self.env.model.fields[s]
                        .get(&r.field.text)
                        .copied()
                        .unwrap_or(0);
                    let ty = self.env.fields[s].get(fi).cloned().unwrap_or(Ty::Unknown);
                    Typed {
                        origin: Some(Origin {
                            span: f.ty.span,
                            note: Note::Field {
                                source: s,
                                field: fi,
                            },
                        }),
                        ty,
                        level: Level::Row(s),
                        field: Some(r.span),
                    }
                }
                None => Typed::new(Ty::Unknown, Level::Const),
            },
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Neg(inner) => {
                let t = self.expr(inner);
                if let Ty::Kind(_) = t.ty {
                    self.not_a_number(inner, &t, "make negative");
                    return Typed {
                        ty: Ty::Unknown,
                        ..t
                    };
                }
                t
            }
            ExprKind::Not(inner) => {
                let t = self.expr(inner);
                self.condition(inner, &t);
                Typed {
                    ty: Ty::Kind(FieldKind::Bool),
                    ..t
                }
            }
            ExprKind::Logic { op, operands } => {
                let mut level = Level::Const;
                let mut field = None;
                for o in operands {
                    let t = self.expr(o);
                    self.condition(o, &t);
                    level = self.combine_levels(level, &t, o.span, &mut field);
                }
                let _ = op == &LogicOp::And;
                Typed {
                    ty: Ty::Kind(FieldKind::Bool),
                    level,
                    origin: None,
                    field,
                }
            }
            ExprKind::Compare {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                let l = self.expr(lhs);
                let r = self.expr(rhs);
                let mut field = l.field.or(r.field);
                let level = self.combine_levels(l.level, &r, rhs.span, &mut field);
                if !comparable(&l.ty, &r.ty) {
                    let verb = format!("compare ({})", op.as_str());
                    self.incompatible(&verb, lhs, &l, rhs, &r, *op_span);
                }
                Typed {
                    ty: Ty::Kind(FieldKind::Bool),
                    level,
                    origin: None,
                    field,
                }
            }
            ExprKind::Arith { first, rest } => self.arith(first, rest),
            ExprKind::Cast { expr, unit } => {
                let t = self.expr(expr);
                self.casts.push(e.span);
                match self.env.registry.unit(unit, self.diags) {
                    Ok(u) => Typed {
                        ty: Ty::Num(u),
                        level: t.level,
                        origin: Some(Origin {
                            span: unit.span,
                            note: Note::Cast,
                        }),
                        field: t.field,
                    },
                    Err(_) => Typed::unknown(),
                }
            }
            ExprKind::Call {
                function,
                args,
                filter,
            } => self.call(e, &function.text, args, filter.as_deref()),
        }
    }

    /// Folds levels: row values of two sources, or a row value next to an
    /// aggregate, are reported here.
    fn combine_levels(
        &mut self,
        acc: Level,
        t: &Typed,
        span: Span,
        field: &mut Option<Span>,
    ) -> Level {
        if field.is_none() {
            *field = t.field;
        }
        match (acc, t.level) {
            (Level::Const, l) | (l, Level::Const) => l,
            (Level::Agg, Level::Agg) => Level::Agg,
            (Level::Row(a), Level::Row(b)) if a == b => Level::Row(a),
            (Level::Row(a), Level::Row(b)) => {
                let m = self.env.model;
                self.diags.push(
                    Diagnostic::new(
                        &codes::MIXED_SOURCES,
                        format!("one row-level value mixes fields of `{}` and `{}`", m.sources[a].name.text, m.sources[b].name.text),
                        t.field.unwrap_or(span),
                        format!("a field of `{}`", m.sources[b].name.text),
                    )
                    .with_optional_label(*field, format!("a field of `{}`", m.sources[a].name.text))
                    .with_help("A row belongs to one source. Aggregate each source on its own and combine the results, e.g. `sum(a.x) / sum(b.y)`."),
                );
                Level::Row(a)
            }
            (Level::Row(s), Level::Agg) => {
                self.bare_field(field.unwrap_or(span), s);
                Level::Agg
            }
            (Level::Agg, Level::Row(s)) => {
                self.bare_field(t.field.unwrap_or(span), s);
                Level::Agg
            }
        }
    }

    fn condition(&mut self, e: &Expr, t: &Typed) {
        if !t.ty.is_bool() {
            self.diags.push(
                Diagnostic::new(
                    &codes::NOT_A_CONDITION,
                    format!("expected a yes/no condition, but this is {}", t.ty.describe()),
                    e.span,
                    format!("this is {}", t.ty.describe()),
                )
                .with_help("A condition is a `bool` field or a comparison, e.g. `crm.region = \"EU\"` or `crm.amount > 1000 EUR`."),
            );
        }
    }

    fn operand_label(&self, e: &Expr, t: &Typed) -> String {
        let text = expr_text(e);
        if text.chars().count() <= 40 {
            format!("`{text}` is {}", t.ty.describe())
        } else {
            format!("this is {}", t.ty.describe())
        }
    }

    fn not_a_number(&mut self, e: &Expr, t: &Typed, verb: &str) {
        let help = match t.ty {
            Ty::Kind(FieldKind::Bool) => {
                "To count rows where a yes/no field holds, write `count(src where src.flag)`."
            }
            Ty::Kind(FieldKind::Text | FieldKind::Id) => {
                "Text can be compared with a string (`src.region = \"EU\"`), used in `where` or in `segment by`, or counted with `count_distinct(src.field)`."
            }
            Ty::Kind(FieldKind::Timestamp | FieldKind::Date) => {
                "Subtract two points in time to get a duration, e.g. `avg(src.done_at - src.created_at)`."
            }
            _ => "Use a numeric field or a number with a unit.",
        };
        let mut d = Diagnostic::new(
            &codes::NOT_A_NUMBER,
            format!("cannot {verb} {}", t.ty.describe()),
            e.span,
            self.operand_label(e, t),
        )
        .with_help(help);
        if let Some(o) = &t.origin {
            d = d.with_label(o.span, self.note(o.note));
        }
        self.diags.push(d);
    }

    fn incompatible(&mut self, verb: &str, le: &Expr, l: &Typed, re: &Expr, r: &Typed, op: Span) {
        let message = match verb {
            "add" => format!("cannot add {} and {}", l.ty.describe(), r.ty.describe()),
            "subtract" => format!(
                "cannot subtract {} from {}",
                r.ty.describe(),
                l.ty.describe()
            ),
            _ => format!("cannot {verb} {} with {}", l.ty.describe(), r.ty.describe()),
        };
        let mut d = Diagnostic::new(
            &codes::INCOMPATIBLE_UNITS,
            message,
            re.span,
            self.operand_label(re, r),
        )
        .with_label(le.span, self.operand_label(le, l));
        for o in [&l.origin, &r.origin].into_iter().flatten() {
            d = d.with_label(o.span, self.note(o.note));
        }
        let _ = op;
        let help = match (&l.ty, &r.ty) {
            (Ty::Num(a), Ty::Num(b)) if a.is_currency() && b.is_currency() => format!(
                "{a} and {b} are different currencies. Convert one with an exchange-rate field (e.g. `sum(src.amount * src.rate)` with `field rate: {a} / {b}`), or state the unit with `as {a}` if the data is already converted."
            ),
            (Ty::Num(a), Ty::Num(b)) if (a.is_currency() && b.is_count()) || (a.is_count() && b.is_currency()) => format!(
                "Did you mean to divide? `{} / {}` gives {} per {}.",
                expr_text(le),
                expr_text(re),
                a,
                b
            ),
            (Ty::Num(a), Ty::Num(b)) if a.is_count_ratio() || b.is_count_ratio() => {
                let ratio = if a.is_count_ratio() { a } else { b };
                format!(
                    "{ratio} is a ratio of two different counts. Name it with `metric NAME {{ formula ...  unit % }}` and use that metric, so both sides are plain ratios."
                )
            }
            (Ty::Num(a), Ty::Num(b)) if a.is_dimensionless() != b.is_dimensionless() => {
                let unit = if a.is_dimensionless() { b } else { a };
                format!("Give the plain number its unit, e.g. `5 {unit}`.")
            }
            (Ty::Num(a), Ty::Num(b)) if (a.is_period() && b.is_duration()) || (a.is_duration() && b.is_period()) => {
                "A month, quarter or year is a calendar period, not a fixed number of days. Use days or weeks on both sides.".to_string()
            }
            _ => "Both sides must have the same kind of unit: convert one side, or check that the right field or metric is used.".to_string(),
        };
        self.diags.push(d.with_help(help));
    }

    fn arith(&mut self, first: &Expr, rest: &[(ArithOp, Span, Expr)]) -> Typed {
        let mut acc = self.expr(first);
        let mut acc_expr_span = first.span;
        for (op, op_span, operand) in rest {
            let t = self.expr(operand);
            let mut field = acc.field;
            let level = self.combine_levels(acc.level, &t, operand.span, &mut field);
            let left = Expr {
                kind: ExprKind::Bool(false),
                span: acc_expr_span,
            };
            let ty = match (op, &acc.ty, &t.ty) {
                (_, Ty::Unknown, _) | (_, _, Ty::Unknown) => Ty::Unknown,
                (ArithOp::Add | ArithOp::Sub, Ty::Num(a), Ty::Num(b)) => {
                    if a.same_dims(b) {
                        Ty::Num(a.clone())
                    } else {
                        let verb = if *op == ArithOp::Add {
                            "add"
                        } else {
                            "subtract"
                        };
                        let left_expr = if rest.len() == 1 || acc_expr_span == first.span {
                            first
                        } else {
                            &left
                        };
                        self.incompatible(verb, left_expr, &acc, operand, &t, *op_span);
                        Ty::Unknown
                    }
                }
                (ArithOp::Sub, Ty::Kind(FieldKind::Timestamp), Ty::Kind(FieldKind::Timestamp)) => {
                    Ty::Num(Unit::base(Base::Time, 1.0))
                }
                (ArithOp::Sub, Ty::Kind(FieldKind::Date), Ty::Kind(FieldKind::Date)) => {
                    Ty::Num(Unit::base(Base::Time, 86_400.0))
                }
                (
                    ArithOp::Add | ArithOp::Sub,
                    Ty::Kind(k @ (FieldKind::Timestamp | FieldKind::Date)),
                    Ty::Num(u),
                ) if u.is_duration() => Ty::Kind(*k),
                (
                    ArithOp::Add,
                    Ty::Num(u),
                    Ty::Kind(k @ (FieldKind::Timestamp | FieldKind::Date)),
                ) if u.is_duration() => Ty::Kind(*k),
                (ArithOp::Mul, Ty::Num(a), Ty::Num(b)) => Ty::Num(a.mul(b)),
                (ArithOp::Div, Ty::Num(a), Ty::Num(b)) => Ty::Num(a.div(b)),
                (_, Ty::Kind(_), _) => {
                    self.not_a_number(
                        if acc_expr_span == first.span {
                            first
                        } else {
                            &left
                        },
                        &acc,
                        "calculate with",
                    );
                    Ty::Unknown
                }
                (_, _, Ty::Kind(_)) => {
                    self.not_a_number(operand, &t, "calculate with");
                    Ty::Unknown
                }
            };
            acc_expr_span = acc_expr_span.to(operand.span);
            acc = Typed {
                ty,
                level,
                origin: None,
                field,
            };
        }
        acc
    }

    fn wrong_arguments(&mut self, e: &Expr, function: &str, expected: &str) {
        self.diags.push(
            Diagnostic::new(
                &codes::WRONG_ARGUMENTS,
                format!("`{function}` takes {expected}"),
                e.span,
                "wrong arguments",
            )
            .with_help(match function {
                "count" => "Write `count(source)` or `count(source where condition)`; `count_distinct(source.field)` counts distinct values.",
                "count_distinct" => "Write `count_distinct(source.field)`.",
                "previous" => "Write `previous(metric, 1 year)`: a value and how far back to look.",
                "min" | "max" => "Write `max(source.field)` for the largest value per period, or `max(a, b)` for the larger of two values.",
                _ => "Write the function with one row-level value, e.g. `sum(source.field where condition)`.",
            }),
        );
    }

    fn call(&mut self, e: &Expr, function: &str, args: &[Expr], filter: Option<&Expr>) -> Typed {
        if !crate::model::FUNCTIONS.contains(&function) {
            for a in args {
                self.expr(a);
            }
            return Typed::new(Ty::Unknown, Level::Agg);
        }
        if (function == "min" || function == "max") && args.len() == 2 && filter.is_none() {
            let a = self.expr(&args[0]);
            let b = self.expr(&args[1]);
            let mut field = a.field;
            let level = self.combine_levels(a.level, &b, args[1].span, &mut field);
            if let (Ty::Num(x), Ty::Num(y)) = (&a.ty, &b.ty)
                && !x.same_dims(y)
            {
                self.incompatible(
                    &format!("take the {function} of"),
                    &args[0],
                    &a,
                    &args[1],
                    &b,
                    e.span,
                );
                return Typed::new(Ty::Unknown, level);
            }
            return Typed {
                ty: a.ty,
                level,
                origin: None,
                field,
            };
        }
        if function == "previous" {
            if args.len() != 2 || filter.is_some() {
                self.wrong_arguments(
                    e,
                    function,
                    "a value and a period, e.g. `previous(revenue, 1 year)`",
                );
                return Typed::unknown();
            }
            let value = self.expr(&args[0]);
            if let Level::Row(s) = value.level {
                self.bare_field(value.field.unwrap_or(args[0].span), s);
            }
            let back = self.expr(&args[1]);
            let ok = matches!(&back.ty, Ty::Num(u) if u.is_period() || u.is_duration())
                || back.ty == Ty::Unknown;
            if !ok || back.level != Level::Const {
                self.diags.push(
                    Diagnostic::new(
                        &codes::PERIOD_MISUSE,
                        format!("`previous` needs a period such as `1 year` or `4 wk`, not {}", back.ty.describe()),
                        args[1].span,
                        "how far back to look",
                    )
                    .with_help("Write the period with its unit: `previous(revenue, 1 year)`, `previous(revenue, 3 months)`, `previous(x, 1 wk)`."),
                );
            }
            return Typed {
                level: Level::Agg,
                field: None,
                ..value
            };
        }
        // An aggregation over the rows of one source.
        debug_assert!(AGGREGATIONS.contains(&function));
        if args.len() != 1 {
            self.wrong_arguments(e, function, "one value");
            return Typed::new(Ty::Unknown, Level::Agg);
        }
        let arg = &args[0];
        let (ty, source) = if function == "count" {
            match &arg.unparen().kind {
                ExprKind::Name(n) => match self.env.model.lookup(&n.text) {
                    Some(Symbol::Source(s)) => {
                        let unit = self.env.rows[s]
                            .clone()
                            .unwrap_or_else(|| Unit::base(Base::Count("count".into()), 1.0));
                        (Ty::Num(unit), Some(s))
                    }
                    _ => (Ty::Unknown, None),
                },
                _ => {
                    self.wrong_arguments(
                        e,
                        function,
                        "a data source, e.g. `count(orders where orders.paid)`",
                    );
                    return Typed::new(Ty::Unknown, Level::Agg);
                }
            }
        } else {
            let t = self.expr(arg);
            let source = match t.level {
                Level::Row(s) => Some(s),
                Level::Agg => {
                    self.diags.push(
                        Diagnostic::new(
                            &codes::NESTED_AGGREGATION,
                            format!("`{function}` is applied to a value that is already aggregated"),
                            arg.span,
                            "one value per period already",
                        )
                        .with_help(format!("`{function}` works on the rows of a source, e.g. `{function}(orders.amount)`. Metrics and KPIs are already one number per period; use them without `{function}`.")),
                    );
                    return Typed::new(Ty::Unknown, Level::Agg);
                }
                Level::Const => None,
            };
            let ty = match (function, &t.ty) {
                (_, Ty::Unknown) => Ty::Unknown,
                ("count_distinct", _) => Ty::Num(Unit::base(Base::Count("count".into()), 1.0)),
                ("min" | "max", Ty::Kind(k @ (FieldKind::Timestamp | FieldKind::Date))) => {
                    Ty::Kind(*k)
                }
                (_, Ty::Num(u)) => Ty::Num(u.clone()),
                (_, Ty::Kind(_)) => {
                    let verb = match function {
                        "sum" => "sum",
                        "avg" => "average",
                        "median" => "take the median of",
                        other => other,
                    };
                    self.not_a_number(arg, &t, verb);
                    Ty::Unknown
                }
            };
            if function == "count_distinct" && !matches!(arg.unparen().kind, ExprKind::Field(_)) {
                self.wrong_arguments(
                    e,
                    function,
                    "a field, e.g. `count_distinct(orders.customer_id)`",
                );
            }
            (ty, source)
        };
        if let Some(f) = filter {
            let t = self.expr(f);
            self.condition(f, &t);
            match (t.level, source) {
                (Level::Row(a), Some(b)) if a != b => {
                    let m = self.env.model;
                    self.diags.push(
                        Diagnostic::new(
                            &codes::MIXED_SOURCES,
                            format!("the condition reads `{}`, but the aggregation runs over `{}`", m.sources[a].name.text, m.sources[b].name.text),
                            t.field.unwrap_or(f.span),
                            format!("a field of `{}`", m.sources[a].name.text),
                        )
                        .with_help(format!("A `where` condition filters the rows being aggregated: use fields of `{}` here.", m.sources[b].name.text)),
                    );
                }
                (Level::Agg, _) => {
                    self.diags.push(
                        Diagnostic::new(
                            &codes::NESTED_AGGREGATION,
                            "a `where` condition uses an aggregated value",
                            f.span,
                            "one value per period, not per row",
                        )
                        .with_help("A `where` condition is checked on each row: compare fields of the source with constants."),
                    );
                }
                _ => {}
            }
        }
        Typed::new(ty, Level::Agg)
    }
}

trait OptionalLabel {
    fn with_optional_label(self, span: Option<Span>, message: String) -> Self;
}

impl OptionalLabel for Diagnostic {
    fn with_optional_label(self, span: Option<Span>, message: String) -> Self {
        match span {
            Some(s) => self.with_label(s, message),
            None => self,
        }
    }
}

/// Whether two values may be compared.
fn comparable(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Unknown, _) | (_, Ty::Unknown) => true,
        (Ty::Num(x), Ty::Num(y)) => x.same_dims(y),
        (Ty::Kind(FieldKind::Id | FieldKind::Text), Ty::Kind(FieldKind::Id | FieldKind::Text)) => {
            true
        }
        (Ty::Kind(x), Ty::Kind(y)) => x == y,
        _ => false,
    }
}
