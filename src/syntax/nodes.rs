//! Building AST nodes from text that has been parsed, shared by the two ways
//! an item is read: the pest grammar + [`lower`](super::lower), and the
//! hand-written [`fast`](super::fast) path.
//!
//! Everything that turns written text into a value (unescaping a string, reading
//! a number or a date, the power of a unit), stores an attribute in its block,
//! or applies operator precedence to a flat formula lives here once, so both
//! parsers build the same AST by construction.

use super::chunk::MAX_NESTING;
use crate::ast::*;
use crate::source::Span;

/// Why an item cannot be built: a shape the grammar should have prevented
/// (reported as an internal error), or a mistake already reported (the item
/// is dropped and its name kept as broken, so nothing cascades from it).
#[derive(Debug)]
pub struct Shape {
    pub span: Span,
    pub what: String,
    /// Already reported as a diagnostic of its own.
    pub reported: bool,
}

impl Shape {
    /// A mistake reported already: the item is dropped without a word more.
    pub fn reported(span: Span) -> Shape {
        Shape {
            span,
            what: String::new(),
            reported: true,
        }
    }
}

pub type L<T> = Result<T, Shape>;

// ---- tokens ------------------------------------------------------------------

/// The text of a string between its quotes, with `\n` and `\t` unescaped and
/// `\x` read as `x` for any other character.
pub fn unescape(inner: &str) -> Str {
    if !inner.contains('\\') {
        return Str::from(inner);
    }
    let mut out = Str::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// The value of a number written with a decimal point and `_` between digits;
/// `None` when it is too large to compute with.
pub fn read_number(text: &str) -> Option<f64> {
    let value = if text.contains('_') {
        let clean: String = text.chars().filter(|c| *c != '_').collect();
        clean.parse::<f64>()
    } else {
        text.parse::<f64>()
    };
    value.ok().filter(|v| v.is_finite())
}

/// A number and its text, negated when a minus sign was written before it.
pub fn signed(value: f64, written: &str, negative: bool) -> (f64, Str) {
    if negative {
        (-value, compact_str::format_compact!("-{written}"))
    } else {
        (value, Str::from(written))
    }
}

/// A `YYYY-MM-DD` date: `Ok` if the day exists in the calendar, otherwise
/// `Err` with the date as written (parts that are not numbers are 0).
pub fn calendar_date(text: &str) -> Result<Date, Date> {
    let year = text.get(0..4).and_then(|s| s.parse::<i32>().ok());
    let month = text.get(5..7).and_then(|s| s.parse::<u32>().ok());
    let day = text.get(8..10).and_then(|s| s.parse::<u32>().ok());
    if let (Some(year), Some(month), Some(day)) = (year, month, day)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
    {
        return Ok(Date { year, month, day });
    }
    Err(Date {
        year: year.unwrap_or(0),
        month: month.unwrap_or(0),
        day: day.unwrap_or(0),
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The power of a unit factor as written (`2`, `-1`), times `sign` (-1 after
/// a `/`); `None` when it does not fit.
pub fn unit_power(text: &str, sign: i32) -> Option<i32> {
    text.parse::<i32>().ok()?.checked_mul(sign)
}

/// The unit of a number in a formula (`30 d`): one name to the power 1.
pub fn atom_unit(name: Name) -> UnitExpr {
    UnitExpr {
        span: name.span,
        factors: vec![UnitFactor { name, power: 1 }],
    }
}

/// `red`, `amber` or `green`.
pub fn colour(text: &str) -> Colour {
    match text {
        "red" => Colour::Red,
        "amber" => Colour::Amber,
        _ => Colour::Green,
    }
}

/// `<=`, `<`, `>=` or `>` between bands.
pub fn band_op(text: &str) -> BandOp {
    match text {
        "<=" => BandOp::Le,
        "<" => BandOp::Lt,
        ">=" => BandOp::Ge,
        _ => BandOp::Gt,
    }
}

// ---- attributes --------------------------------------------------------------

/// The value of one attribute of a block, before it is stored.
pub enum AttrValue {
    NorthStar,
    Goal(Text),
    Definition(Text),
    Notes(Text),
    Formula(Expr),
    Unit(UnitExpr),
    Type(Name),
    Kind(Name),
    Perspective(Name),
    Funnel(Name),
    Owner(Name),
    Backup(Name),
    Frequency(Name),
    Direction(Name),
    Rows(Name),
    Level(Name, Option<Text>),
    Target(TargetValue),
    Trend(Quantity),
    Bands(Spanned<Colour>, Vec<BandStep>),
    Action {
        colour: Spanned<Colour>,
        actor: Name,
        task: Text,
        within: Option<Quantity>,
    },
    Segment(Vec<FieldRef>),
    Allow(Vec<Name>),
    Field {
        name: Name,
        ty: UnitExpr,
        description: Option<Text>,
    },
    KeyResult {
        kpi: Name,
        from: Quantity,
        to: Quantity,
        deadline: Option<Spanned<Date>>,
    },
}

/// Where an attribute that may be given once was already given in this block.
pub fn given_before(attrs: &Attrs, kind: AttrKind) -> Option<Span> {
    if kind.repeatable() {
        return None;
    }
    attrs
        .written
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, first)| *first)
}

/// Records an attribute as written (keyword and span) and stores its value.
/// The caller has checked [`given_before`].
pub fn store(attrs: &mut Attrs, span: Span, value: AttrValue) {
    let kind = match value {
        AttrValue::NorthStar => {
            attrs.north_star = Some(span);
            AttrKind::NorthStar
        }
        AttrValue::Goal(t) => {
            attrs.goal = Some(t);
            AttrKind::Goal
        }
        AttrValue::Definition(t) => {
            attrs.definition = Some(t);
            AttrKind::Definition
        }
        AttrValue::Notes(t) => {
            attrs.notes = Some(t);
            AttrKind::Notes
        }
        AttrValue::Formula(e) => {
            attrs.formula = Some(Spanned {
                span: e.span,
                value: e,
            });
            AttrKind::Formula
        }
        AttrValue::Unit(u) => {
            attrs.unit = Some(u);
            AttrKind::Unit
        }
        AttrValue::Type(n) => {
            attrs.kpi_type = Some(n);
            AttrKind::Type
        }
        AttrValue::Kind(n) => {
            attrs.kind = Some(n);
            AttrKind::Kind
        }
        AttrValue::Perspective(n) => {
            attrs.perspective = Some(n);
            AttrKind::Perspective
        }
        AttrValue::Funnel(n) => {
            attrs.funnel = Some(n);
            AttrKind::Funnel
        }
        AttrValue::Owner(n) => {
            attrs.owner = Some(n);
            AttrKind::Owner
        }
        AttrValue::Backup(n) => {
            attrs.backup = Some(n);
            AttrKind::Backup
        }
        AttrValue::Frequency(n) => {
            attrs.frequency = Some(n);
            AttrKind::Frequency
        }
        AttrValue::Direction(n) => {
            attrs.direction = Some(n);
            AttrKind::Direction
        }
        AttrValue::Rows(n) => {
            attrs.rows = Some(n);
            AttrKind::Rows
        }
        AttrValue::Level(kind, group) => {
            attrs.level = Some(Level { kind, group, span });
            AttrKind::Level
        }
        AttrValue::Target(t) => {
            attrs.target = Some(t);
            AttrKind::Target
        }
        AttrValue::Trend(q) => {
            attrs.trend = Some(q);
            AttrKind::Trend
        }
        AttrValue::Bands(first, steps) => {
            attrs.bands = Some(Bands { first, steps, span });
            AttrKind::Bands
        }
        AttrValue::Action {
            colour,
            actor,
            task,
            within,
        } => {
            attrs.actions.push(Action {
                colour,
                actor,
                task,
                within,
                span,
            });
            AttrKind::Action
        }
        AttrValue::Segment(fields) => {
            attrs.segment_by.extend(fields);
            AttrKind::Segment
        }
        AttrValue::Allow(names) => {
            attrs.allow.extend(names);
            AttrKind::Allow
        }
        AttrValue::Field {
            name,
            ty,
            description,
        } => {
            attrs.fields.push(Field {
                name,
                ty,
                description,
                span,
            });
            AttrKind::Field
        }
        AttrValue::KeyResult {
            kpi,
            from,
            to,
            deadline,
        } => {
            attrs.key_results.push(KeyResult {
                kpi,
                from,
                to,
                deadline,
                span,
            });
            AttrKind::KeyResult
        }
    };
    attrs.written.push((kind, span));
}

/// Gives back the room that growing the block's lists left unused: a tree
/// is built once and read many times, and a list of one action would
/// otherwise hold room for four.
pub fn finish_block(attrs: &mut Attrs) {
    attrs.actions.shrink_to_fit();
    attrs.segment_by.shrink_to_fit();
    attrs.allow.shrink_to_fit();
    attrs.fields.shrink_to_fit();
    attrs.key_results.shrink_to_fit();
    attrs.written.shrink_to_fit();
}

/// A target value: the quantity and its optional deadline.
pub fn target_value(value: Quantity, deadline: Option<Spanned<Date>>) -> TargetValue {
    let end = deadline.as_ref().map_or(value.span, |d| d.span);
    TargetValue {
        span: value.span.to(end),
        value,
        deadline,
    }
}

// ---- formulas ----------------------------------------------------------------

/// One token of a flat formula (`expr = operand (infix operand)*`), before
/// precedence is applied: prefixes, values and casts of each operand, and the
/// operators between operands, in source order.
pub enum Tok {
    Value(Expr),
    Not(Span),
    Neg(Span),
    Cast(UnitExpr),
    Op(Op, Span),
}

/// An infix operator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Or,
    And,
    Compare(CompareOp),
    Arith(ArithOp),
}

/// Precedence, loosest first; `not` (3) sits between `and` and comparisons.
fn precedence(op: Op) -> u8 {
    match op {
        Op::Or => 1,
        Op::And => 2,
        Op::Compare(_) => 4,
        Op::Arith(ArithOp::Add | ArithOp::Sub) => 5,
        Op::Arith(ArithOp::Mul | ArithOp::Div) => 6,
    }
}

const NOT_PRECEDENCE: u8 = 3;

/// `=`, `!=`, `<`, `<=`, `>` or `>=`.
pub fn compare_op(s: &str) -> CompareOp {
    match s {
        "=" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        _ => CompareOp::Ge,
    }
}

/// `+`, `-`, `*` or `/`.
pub fn arith_op(s: &str) -> ArithOp {
    match s {
        "+" => ArithOp::Add,
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        _ => ArithOp::Div,
    }
}

/// A formula with precedence applied; or, not built, the length of a run of
/// prefixes (`not`, `-`) longer than [`MAX_NESTING`], or two comparisons in a
/// row (`a < b < c`), which would otherwise nest without a bound.
pub enum Formula {
    Tree(Expr),
    TooDeep(usize),
    ChainedComparison { first: Span, second: Span },
}

/// Applies precedence to the flat tokens of one formula. `span` is the
/// formula's, for the error of a shape the grammar should have prevented.
pub fn apply_precedence(toks: Vec<Tok>, span: Span) -> L<Formula> {
    let longest = longest_prefix_run(&toks);
    if longest > MAX_NESTING {
        return Ok(Formula::TooDeep(longest));
    }
    if let Some((first, second)) = chained_comparison(&toks) {
        return Ok(Formula::ChainedComparison { first, second });
    }
    let mut climber = Climber {
        toks: toks.into_iter().peekable(),
        span,
    };
    climber.expr(0).map(Formula::Tree)
}

/// The first two comparison operators with no `and` / `or` between them
/// (parentheses are inside their operand, so they are not seen here).
fn chained_comparison(toks: &[Tok]) -> Option<(Span, Span)> {
    let mut last = None;
    for t in toks {
        match t {
            Tok::Op(Op::Compare(_), at) => match last {
                Some(first) => return Some((first, *at)),
                None => last = Some(*at),
            },
            Tok::Op(Op::And | Op::Or, _) => last = None,
            _ => {}
        }
    }
    None
}

/// The longest run of `not` / `-` prefixes, which the climber nests.
fn longest_prefix_run(toks: &[Tok]) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for t in toks {
        if matches!(t, Tok::Not(_) | Tok::Neg(_)) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// Precedence climbing over the flat tokens of one `expr`. Operators of one
/// level become one flat node (`Arith`, `Logic`), so long sums loop instead of
/// recursing; recursion is bounded by the number of precedence levels and by
/// the (limited) runs of prefixes.
struct Climber {
    toks: std::iter::Peekable<std::vec::IntoIter<Tok>>,
    span: Span,
}

impl Climber {
    fn shape(&self, what: &str) -> Shape {
        Shape {
            span: self.span,
            what: what.to_string(),
            reported: false,
        }
    }

    fn peek_op(&mut self) -> Option<(Op, Span)> {
        match self.toks.peek() {
            Some(Tok::Op(op, s)) => Some((*op, *s)),
            _ => None,
        }
    }

    fn expr(&mut self, min: u8) -> L<Expr> {
        let mut lhs = self.unary()?;
        while let Some((op, op_span)) = self.peek_op() {
            let p = precedence(op);
            if p < min {
                break;
            }
            match op {
                Op::Or | Op::And => {
                    let logic = if op == Op::Or {
                        LogicOp::Or
                    } else {
                        LogicOp::And
                    };
                    let mut operands = vec![lhs];
                    while self.peek_op().is_some_and(|(o, _)| o == op) {
                        self.toks.next();
                        operands.push(self.expr(p + 1)?);
                    }
                    operands.shrink_to_fit();
                    let span = operands[0].span.to(operands[operands.len() - 1].span);
                    lhs = Expr {
                        kind: ExprKind::Logic {
                            op: logic,
                            operands,
                        },
                        span,
                    };
                }
                Op::Compare(c) => {
                    self.toks.next();
                    let rhs = self.expr(p + 1)?;
                    let span = lhs.span.to(rhs.span);
                    lhs = Expr {
                        kind: ExprKind::Compare {
                            op: c,
                            op_span,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                        span,
                    };
                }
                Op::Arith(_) => {
                    let mut rest = Vec::new();
                    while let Some((Op::Arith(a), s)) = self.peek_op() {
                        if precedence(Op::Arith(a)) != p {
                            break;
                        }
                        self.toks.next();
                        rest.push((a, s, self.expr(p + 1)?));
                    }
                    rest.shrink_to_fit();
                    let span = rest
                        .last()
                        .map_or(lhs.span, |(_, _, e)| lhs.span.to(e.span));
                    lhs = Expr {
                        kind: ExprKind::Arith {
                            first: Box::new(lhs),
                            rest,
                        },
                        span,
                    };
                }
            }
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> L<Expr> {
        match self.toks.next() {
            Some(Tok::Not(s)) => {
                let inner = self.expr(NOT_PRECEDENCE + 1)?;
                let span = s.to(inner.span);
                Ok(Expr {
                    kind: ExprKind::Not(Box::new(inner)),
                    span,
                })
            }
            Some(Tok::Neg(s)) => {
                let inner = self.unary()?;
                let span = s.to(inner.span);
                Ok(Expr {
                    kind: ExprKind::Neg(Box::new(inner)),
                    span,
                })
            }
            Some(Tok::Value(mut e)) => {
                while let Some(Tok::Cast(_)) = self.toks.peek() {
                    if let Some(Tok::Cast(unit)) = self.toks.next() {
                        let span = e.span.to(unit.span);
                        e = Expr {
                            kind: ExprKind::Cast {
                                expr: Box::new(e),
                                unit,
                            },
                            span,
                        };
                    }
                }
                Ok(e)
            }
            _ => Err(self.shape("expected a value in a formula")),
        }
    }
}
