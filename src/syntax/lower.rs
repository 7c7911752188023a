//! Lowering: pest pairs to the typed AST, right after parsing.
//!
//! One function per construct, reading children through a [`Cursor`] instead of
//! `.next().unwrap()`. A shape the grammar should have prevented becomes an
//! internal-error diagnostic and the item is dropped; lowering never panics.

use super::chunk::MAX_NESTING;
use super::parser::Rule;
use crate::ast::*;
use crate::diagnostics::{Diagnostic, codes};
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};

/// A shape the grammar should have prevented (already reported, or to report).
#[derive(Debug)]
pub struct Shape {
    pub span: Span,
    pub what: String,
}

type L<T> = Result<T, Shape>;

pub struct Lowerer<'d> {
    file: FileId,
    offset: usize,
    diags: &'d mut Vec<Diagnostic>,
}

/// Reads the children of a pair in order.
struct Cursor<'i> {
    pairs: std::iter::Peekable<Pairs<'i, Rule>>,
    parent: Span,
}

impl<'i> Cursor<'i> {
    fn next(&mut self, rule: Rule) -> L<Pair<'i, Rule>> {
        match self.pairs.next() {
            Some(p) if p.as_rule() == rule => Ok(p),
            Some(p) => Err(Shape {
                span: self.parent,
                what: format!("expected {rule:?}, found {:?}", p.as_rule()),
            }),
            None => Err(Shape {
                span: self.parent,
                what: format!("expected {rule:?}, found nothing"),
            }),
        }
    }

    fn next_any(&mut self) -> L<Pair<'i, Rule>> {
        self.pairs.next().ok_or_else(|| Shape {
            span: self.parent,
            what: "expected a child, found nothing".to_string(),
        })
    }

    fn opt(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        if self.pairs.peek().map(|p| p.as_rule()) == Some(rule) {
            self.pairs.next()
        } else {
            None
        }
    }

    fn peek_rule(&mut self) -> Option<Rule> {
        self.pairs.peek().map(|p| p.as_rule())
    }
}

impl<'d> Lowerer<'d> {
    pub fn new(file: FileId, offset: usize, diags: &'d mut Vec<Diagnostic>) -> Self {
        Lowerer {
            file,
            offset,
            diags,
        }
    }

    /// The span of a pair, without the spaces and comments pest keeps after
    /// its last token.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let end = s.start() + code_len(pair.as_str());
        Span::new(self.file, self.offset + s.start(), self.offset + end)
    }

    fn cursor<'i>(&self, pair: Pair<'i, Rule>) -> Cursor<'i> {
        let parent = self.span(&pair);
        Cursor {
            pairs: pair.into_inner().peekable(),
            parent,
        }
    }

    /// Lowers one top-level item; on an unexpected shape reports an internal error.
    pub fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        match self.item_inner(pair) {
            Ok(item) => Some(item),
            Err(shape) => {
                self.diags.push(
                    Diagnostic::new(
                        &codes::INTERNAL,
                        "kpic could not read this declaration (internal error)",
                        shape.span,
                        "kpic stopped here",
                    )
                    .with_note(shape.what)
                    .with_help("This is a bug in kpic. Please report it with the declaration that caused it."),
                );
                None
            }
        }
    }

    fn item_inner(&mut self, pair: Pair<'_, Rule>) -> L<Item> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut c = self.cursor(pair);
        match rule {
            Rule::unit_decl => {
                c.next(Rule::kw_unit)?;
                let name = self.name(c.next(Rule::ident)?);
                let def = if c.opt(Rule::colon).is_some() {
                    UnitDef::Kind(self.name(c.next(Rule::ident)?))
                } else if c.opt(Rule::equals).is_some() {
                    UnitDef::Alias(self.quantity(c.next(Rule::quantity)?)?)
                } else {
                    UnitDef::Base
                };
                Ok(Item::Unit(UnitDecl { name, def, span }))
            }
            Rule::role_decl => {
                c.next(Rule::kw_role)?;
                let name = self.name(c.next(Rule::ident)?);
                let title = self.opt_string(&mut c);
                Ok(Item::Role(Role { name, title, span }))
            }
            Rule::source_decl => {
                c.next(Rule::kw_source)?;
                let name = self.name(c.next(Rule::ident)?);
                let title = self.opt_string(&mut c);
                let attrs = self.block(c.next(Rule::block)?)?;
                Ok(Item::Source(Source {
                    name,
                    title,
                    attrs,
                    span,
                }))
            }
            Rule::metric_decl => {
                c.next(Rule::kw_metric)?;
                let name = self.name(c.next(Rule::ident)?);
                if c.opt(Rule::equals).is_some() {
                    let e = self.expr(c.next(Rule::expr)?)?;
                    let mut attrs = Attrs::default();
                    attrs.written.push((AttrKind::Formula, e.span));
                    attrs.formula = Some(Spanned {
                        span: e.span,
                        value: e,
                    });
                    Ok(Item::Metric(Metric {
                        name,
                        title: None,
                        attrs,
                        short_form: true,
                        span,
                    }))
                } else {
                    let title = self.opt_string(&mut c);
                    let attrs = self.block(c.next(Rule::block)?)?;
                    Ok(Item::Metric(Metric {
                        name,
                        title,
                        attrs,
                        short_form: false,
                        span,
                    }))
                }
            }
            Rule::kpi_decl => {
                c.next(Rule::kw_kpi)?;
                let name = self.name(c.next(Rule::ident)?);
                let title = self.opt_string(&mut c);
                let attrs = self.block(c.next(Rule::block)?)?;
                Ok(Item::Kpi(Kpi {
                    name,
                    title,
                    attrs,
                    span,
                }))
            }
            Rule::objective_decl => {
                c.next(Rule::kw_objective)?;
                let name = self.name(c.next(Rule::ident)?);
                let title = self.opt_string(&mut c);
                let attrs = self.block(c.next(Rule::block)?)?;
                Ok(Item::Objective(Objective {
                    name,
                    title,
                    attrs,
                    span,
                }))
            }
            Rule::signal_decl => {
                c.next(Rule::kw_signal)?;
                let name = self.name(c.next(Rule::ident)?);
                let title = self.opt_string(&mut c);
                let attrs = self.block(c.next(Rule::block)?)?;
                Ok(Item::Signal(Signal {
                    name,
                    title,
                    attrs,
                    span,
                }))
            }
            Rule::target_decl => {
                c.next(Rule::kw_target)?;
                let kpi = self.name(c.next(Rule::ident)?);
                let goal = self.target_value(span, &mut c)?;
                Ok(Item::Target(Target { kpi, goal, span }))
            }
            Rule::chain_decl => {
                c.next(Rule::kw_chain)?;
                let name = self.name(c.next(Rule::ident)?);
                let title = self.opt_string(&mut c);
                c.next(Rule::block_open)?;
                let mut paths = Vec::new();
                while let Some(path) = c.opt(Rule::chain_path) {
                    let mut steps = Vec::new();
                    for p in path.into_inner() {
                        if p.as_rule() == Rule::ident {
                            steps.push(self.name(p));
                        }
                    }
                    paths.push(steps);
                }
                c.next(Rule::block_close)?;
                Ok(Item::Chain(Chain {
                    name,
                    title,
                    paths,
                    span,
                }))
            }
            other => Err(Shape {
                span,
                what: format!("unexpected item rule {other:?}"),
            }),
        }
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn opt_string(&mut self, c: &mut Cursor<'_>) -> Option<Text> {
        c.opt(Rule::string).map(|p| self.string(p))
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let mut out = String::with_capacity(inner.len());
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
        Spanned { value: out, span }
    }

    fn target_value(&mut self, span: Span, c: &mut Cursor<'_>) -> L<TargetValue> {
        let value = self.quantity(c.next(Rule::quantity)?)?;
        let deadline = match c.opt(Rule::deadline) {
            Some(d) => self.deadline(d)?,
            None => None,
        };
        let end = deadline.as_ref().map_or(value.span, |d| d.span);
        let _ = span;
        Ok(TargetValue {
            span: value.span.to(end),
            value,
            deadline,
        })
    }

    fn deadline(&mut self, pair: Pair<'_, Rule>) -> L<Option<Spanned<Date>>> {
        let mut c = self.cursor(pair);
        c.next(Rule::kw_by)?;
        let d = c.next(Rule::date)?;
        Ok(self.date(d))
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<Date>> {
        let span = self.span(&pair);
        let text = pair.as_str();
        let year = text.get(0..4).and_then(|s| s.parse::<i32>().ok());
        let month = text.get(5..7).and_then(|s| s.parse::<u32>().ok());
        let day = text.get(8..10).and_then(|s| s.parse::<u32>().ok());
        if let (Some(year), Some(month), Some(day)) = (year, month, day)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
        {
            return Some(Spanned {
                value: Date { year, month, day },
                span,
            });
        }
        self.diags.push(
            Diagnostic::new(
                &codes::INVALID_DATE,
                format!("`{text}` is not a date in the calendar"),
                span,
                "no such day",
            )
            .with_help("Write the date as YYYY-MM-DD with a month from 01 to 12 and a day that exists in that month, e.g. 2027-12-31."),
        );
        // Keep the date as written (it still orders) so no "missing deadline" follows.
        Some(Spanned {
            value: Date {
                year: year.unwrap_or(0),
                month: month.unwrap_or(0),
                day: day.unwrap_or(0),
            },
            span,
        })
    }

    /// A number as written; reports a decimal comma or an unreadable number.
    fn number(&mut self, pair: Pair<'_, Rule>, negative: bool) -> (f64, String) {
        let span = self.span(&pair);
        let text = pair.as_str();
        let (value, written) = if pair.as_rule() == Rule::decimal_comma {
            let fixed: String = text.replace('.', "").replace(',', ".");
            let mut diag = Diagnostic::new(
                &codes::DECIMAL_COMMA,
                format!("`{text}` uses a decimal comma"),
                span,
                format!("kpic reads this as {fixed}, but only if you write it so"),
            )
            .with_help(format!(
                "Write `{fixed}`: kpic uses a decimal point, and `_` to group digits (1_234.56)."
            ));
            if let Some((whole, frac)) = text
                .split_once(',')
                .filter(|(w, f)| f.len() == 3 && !w.contains('.'))
            {
                diag = diag.with_note(format!(
                    "if the comma separates thousands, write `{whole}_{frac}` or `{whole}{frac}`"
                ));
            }
            if text.contains('.') {
                diag = diag.with_note("the `.` here groups thousands, as in Dutch; kpic would read it as a decimal point");
            }
            self.diags.push(diag);
            // Reported: later phases skip an unreadable number (NaN).
            (f64::NAN, fixed)
        } else {
            let clean: String = text.chars().filter(|c| *c != '_').collect();
            (
                clean.parse::<f64>().unwrap_or(f64::INFINITY),
                text.to_string(),
            )
        };
        if value.is_infinite() {
            self.diags.push(
                Diagnostic::new(&codes::INVALID_NUMBER, "this number is too large to compute with", span, format!("{} digits", text.len()))
                    .with_help("Use a smaller unit (e.g. k EUR declared as `unit kEUR = 1000 EUR`) so the number fits."),
            );
            return (f64::NAN, written);
        }
        if negative {
            (-value, format!("-{written}"))
        } else {
            (value, written)
        }
    }

    fn quantity(&mut self, pair: Pair<'_, Rule>) -> L<Quantity> {
        let span = self.span(&pair);
        let mut c = self.cursor(pair);
        let negative = c.opt(Rule::minus).is_some();
        let num = c.next_any()?;
        if !matches!(num.as_rule(), Rule::number | Rule::decimal_comma) {
            return Err(Shape {
                span,
                what: format!("expected a number in a quantity, found {:?}", num.as_rule()),
            });
        }
        let (value, text) = self.number(num, negative);
        let unit = match c.opt(Rule::unit_expr) {
            Some(u) => Some(self.unit_expr(u)?),
            None => None,
        };
        Ok(Quantity {
            value,
            text,
            unit,
            span,
        })
    }

    /// Lowers a `unit_expr` pair on its own (for `syntax::parse_unit`).
    pub fn unit(&mut self, pair: Pair<'_, Rule>) -> Option<UnitExpr> {
        self.unit_expr(pair).ok()
    }

    fn unit_expr(&mut self, pair: Pair<'_, Rule>) -> L<UnitExpr> {
        let span = self.span(&pair);
        let mut factors = Vec::new();
        let mut sign = 1;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::unit_op => sign = if p.as_str() == "/" { -1 } else { 1 },
                Rule::unit_factor => {
                    let mut c = self.cursor(p);
                    let atom = self.name(c.next(Rule::unit_atom)?);
                    let power = match c.opt(Rule::unit_power) {
                        Some(pw) => pw.as_str().parse::<i32>().map_err(|_| Shape {
                            span: self.span(&pw),
                            what: "unit power out of range".to_string(),
                        })?,
                        None => 1,
                    };
                    factors.push(UnitFactor {
                        name: atom,
                        power: power * sign,
                    });
                }
                other => {
                    return Err(Shape {
                        span,
                        what: format!("unexpected {other:?} in a unit"),
                    });
                }
            }
        }
        Ok(UnitExpr { factors, span })
    }

    fn field_ref(&self, pair: Pair<'_, Rule>) -> L<FieldRef> {
        let span = self.span(&pair);
        let mut c = self.cursor(pair);
        let source = self.name(c.next(Rule::ident)?);
        let field = self.name(c.next(Rule::ident)?);
        Ok(FieldRef {
            source,
            field,
            span,
        })
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> L<Attrs> {
        let mut attrs = Attrs::default();
        let mut c = self.cursor(pair);
        c.next(Rule::block_open)?;
        while let Some(rule) = c.peek_rule() {
            if rule == Rule::block_close {
                break;
            }
            let p = c.next_any()?;
            self.attribute(&mut attrs, p)?;
        }
        c.next(Rule::block_close)?;
        Ok(attrs)
    }

    fn attribute(&mut self, attrs: &mut Attrs, pair: Pair<'_, Rule>) -> L<()> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let kind = match rule {
            Rule::north_star_attr => AttrKind::NorthStar,
            Rule::goal_attr => AttrKind::Goal,
            Rule::definition_attr => AttrKind::Definition,
            Rule::formula_attr => AttrKind::Formula,
            Rule::unit_attr => AttrKind::Unit,
            Rule::type_attr => AttrKind::Type,
            Rule::kind_attr => AttrKind::Kind,
            Rule::level_attr => AttrKind::Level,
            Rule::perspective_attr => AttrKind::Perspective,
            Rule::funnel_attr => AttrKind::Funnel,
            Rule::owner_attr => AttrKind::Owner,
            Rule::backup_attr => AttrKind::Backup,
            Rule::frequency_attr => AttrKind::Frequency,
            Rule::target_attr => AttrKind::Target,
            Rule::bands_attr => AttrKind::Bands,
            Rule::action_attr => AttrKind::Action,
            Rule::segment_attr => AttrKind::Segment,
            Rule::notes_attr => AttrKind::Notes,
            Rule::trend_attr => AttrKind::Trend,
            Rule::direction_attr => AttrKind::Direction,
            Rule::allow_attr => AttrKind::Allow,
            Rule::rows_attr => AttrKind::Rows,
            Rule::field_attr => AttrKind::Field,
            Rule::key_result_attr => AttrKind::KeyResult,
            other => {
                return Err(Shape {
                    span,
                    what: format!("unexpected attribute rule {other:?}"),
                });
            }
        };
        if !kind.repeatable()
            && let Some((_, first)) = attrs.written.iter().find(|(k, _)| *k == kind)
        {
            let kw = kind.keyword();
            self.diags.push(
                    Diagnostic::new(
                        &codes::DUPLICATE_ATTRIBUTE,
                        format!("`{kw}` is given twice"),
                        span,
                        "given again here",
                    )
                    .with_label(*first, "first given here")
                    .with_help(format!("Keep one `{kw}`: a declaration has one {kw}, so everyone reads the same definition.")),
                );
            return Ok(());
        }
        attrs.written.push((kind, span));
        let mut c = self.cursor(pair);
        match kind {
            AttrKind::NorthStar => attrs.north_star = Some(span),
            AttrKind::Goal => {
                c.next_any()?;
                attrs.goal = Some(self.string(c.next(Rule::string)?));
            }
            AttrKind::Definition => {
                c.next_any()?;
                attrs.definition = Some(self.string(c.next(Rule::string)?));
            }
            AttrKind::Notes => {
                c.next_any()?;
                attrs.notes = Some(self.string(c.next(Rule::string)?));
            }
            AttrKind::Formula => {
                c.next_any()?;
                let e = self.expr(c.next(Rule::expr)?)?;
                attrs.formula = Some(Spanned {
                    span: e.span,
                    value: e,
                });
            }
            AttrKind::Unit => {
                c.next_any()?;
                attrs.unit = Some(self.unit_expr(c.next(Rule::unit_expr)?)?);
            }
            AttrKind::Type => attrs.kpi_type = Some(self.keyword_value(&mut c)?),
            AttrKind::Kind => attrs.kind = Some(self.keyword_value(&mut c)?),
            AttrKind::Perspective => attrs.perspective = Some(self.keyword_value(&mut c)?),
            AttrKind::Funnel => attrs.funnel = Some(self.keyword_value(&mut c)?),
            AttrKind::Owner => attrs.owner = Some(self.keyword_value(&mut c)?),
            AttrKind::Backup => attrs.backup = Some(self.keyword_value(&mut c)?),
            AttrKind::Frequency => attrs.frequency = Some(self.keyword_value(&mut c)?),
            AttrKind::Direction => attrs.direction = Some(self.keyword_value(&mut c)?),
            AttrKind::Rows => attrs.rows = Some(self.keyword_value(&mut c)?),
            AttrKind::Level => {
                c.next_any()?;
                let kind = self.name(c.next(Rule::ident)?);
                let group = self.opt_string(&mut c);
                attrs.level = Some(Level { kind, group, span });
            }
            AttrKind::Target => {
                c.next_any()?;
                attrs.target = Some(self.target_value(span, &mut c)?);
            }
            AttrKind::Trend => {
                c.next_any()?;
                attrs.trend = Some(self.quantity(c.next(Rule::quantity)?)?);
            }
            AttrKind::Bands => {
                c.next_any()?;
                let first = self.colour(c.next(Rule::band_colour)?);
                let mut steps = Vec::new();
                while let Some(step) = c.opt(Rule::band_step) {
                    let mut s = self.cursor(step);
                    let left = self.band_op(s.next(Rule::band_op)?);
                    let threshold = self.quantity(s.next(Rule::quantity)?)?;
                    let right = self.band_op(s.next(Rule::band_op)?);
                    let colour = self.colour(s.next(Rule::band_colour)?);
                    steps.push(BandStep {
                        left,
                        threshold,
                        right,
                        colour,
                    });
                }
                attrs.bands = Some(Bands { first, steps, span });
            }
            AttrKind::Action => {
                c.next_any()?;
                let colour = self.colour(c.next(Rule::band_colour)?);
                let actor = self.name(c.next(Rule::ident)?);
                let task = self.string(c.next(Rule::string)?);
                let within = match c.opt(Rule::kw_within) {
                    Some(_) => Some(self.quantity(c.next(Rule::quantity)?)?),
                    None => None,
                };
                attrs.actions.push(Action {
                    colour,
                    actor,
                    task,
                    within,
                    span,
                });
            }
            AttrKind::Segment => {
                c.next_any()?;
                c.next(Rule::kw_by)?;
                for p in c.pairs.by_ref() {
                    if p.as_rule() == Rule::field_ref {
                        attrs.segment_by.push(self.field_ref(p)?);
                    }
                }
            }
            AttrKind::Allow => {
                c.next_any()?;
                for p in c.pairs.by_ref() {
                    if p.as_rule() == Rule::slug {
                        attrs.allow.push(self.name(p));
                    }
                }
            }
            AttrKind::Field => {
                c.next_any()?;
                let name = self.name(c.next(Rule::ident)?);
                c.next(Rule::colon)?;
                let ty = self.unit_expr(c.next(Rule::unit_expr)?)?;
                let description = self.opt_string(&mut c);
                attrs.fields.push(Field {
                    name,
                    ty,
                    description,
                    span,
                });
            }
            AttrKind::KeyResult => {
                c.next_any()?;
                let kpi = self.name(c.next(Rule::ident)?);
                c.next(Rule::kw_from)?;
                let from = self.quantity(c.next(Rule::quantity)?)?;
                c.next(Rule::kw_to)?;
                let to = self.quantity(c.next(Rule::quantity)?)?;
                let deadline = match c.opt(Rule::deadline) {
                    Some(d) => self.deadline(d)?,
                    None => None,
                };
                attrs.key_results.push(KeyResult {
                    kpi,
                    from,
                    to,
                    deadline,
                    span,
                });
            }
        }
        Ok(())
    }

    /// The name after an attribute keyword (`owner cfo`, `kind leading`).
    fn keyword_value(&self, c: &mut Cursor<'_>) -> L<Name> {
        c.next_any()?;
        Ok(self.name(c.next(Rule::ident)?))
    }

    fn colour(&self, pair: Pair<'_, Rule>) -> Spanned<Colour> {
        let value = match pair.as_str() {
            "red" => Colour::Red,
            "amber" => Colour::Amber,
            _ => Colour::Green,
        };
        Spanned {
            value,
            span: self.span(&pair),
        }
    }

    fn band_op(&self, pair: Pair<'_, Rule>) -> Spanned<BandOp> {
        let value = match pair.as_str() {
            "<=" => BandOp::Le,
            "<" => BandOp::Lt,
            ">=" => BandOp::Ge,
            _ => BandOp::Gt,
        };
        Spanned {
            value,
            span: self.span(&pair),
        }
    }

    // ---- expressions ------------------------------------------------------

    fn expr(&mut self, pair: Pair<'_, Rule>) -> L<Expr> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        match rule {
            Rule::expr => {
                let mut toks = Vec::new();
                for p in pair.into_inner() {
                    let at = self.span(&p);
                    let tok = match p.as_rule() {
                        Rule::kw_not => Tok::Not(at),
                        Rule::neg => Tok::Neg(at),
                        Rule::cast => {
                            let mut c = self.cursor(p);
                            c.next(Rule::kw_as)?;
                            Tok::Cast(self.unit_expr(c.next(Rule::unit_expr)?)?)
                        }
                        Rule::kw_or => Tok::Op(Op::Or, at),
                        Rule::kw_and => Tok::Op(Op::And, at),
                        Rule::compare_op => Tok::Op(Op::Compare(compare_op(p.as_str())), at),
                        Rule::add_op | Rule::mul_op => Tok::Op(Op::Arith(arith_op(p.as_str())), at),
                        _ => Tok::Value(self.expr(p)?),
                    };
                    toks.push(tok);
                }
                let longest = longest_prefix_run(&toks);
                if longest > MAX_NESTING {
                    self.diags.push(
                        Diagnostic::new(
                            &codes::TOO_DEEP,
                            format!("{longest} `not` or `-` in a row; kpic accepts at most {MAX_NESTING}"),
                            span,
                            "nested too deep here",
                        )
                        .with_help("Two in a row cancel out: remove them in pairs."),
                    );
                    return Ok(Expr {
                        kind: ExprKind::Bool(false),
                        span,
                    });
                }
                let mut climber = Climber {
                    toks: toks.into_iter().peekable(),
                    span,
                };
                climber.expr(0)
            }
            Rule::paren => {
                let mut c = self.cursor(pair);
                let inner = self.expr(c.next(Rule::expr)?)?;
                Ok(Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span,
                })
            }
            Rule::call => {
                let mut c = self.cursor(pair);
                let function = self.name(c.next(Rule::ident)?);
                let mut args = Vec::new();
                let mut filter = None;
                for p in c.pairs.by_ref() {
                    match p.as_rule() {
                        Rule::expr => args.push(self.expr(p)?),
                        Rule::where_clause => {
                            let mut w = self.cursor(p);
                            w.next(Rule::kw_where)?;
                            filter = Some(Box::new(self.expr(w.next(Rule::expr)?)?));
                        }
                        _ => {}
                    }
                }
                Ok(Expr {
                    kind: ExprKind::Call {
                        function,
                        args,
                        filter,
                    },
                    span,
                })
            }
            Rule::literal => {
                let mut c = self.cursor(pair);
                let (value, text) = self.number(c.next_any()?, false);
                let unit = c.opt(Rule::unit_atom).map(|u| {
                    let name = self.name(u);
                    UnitExpr {
                        span: name.span,
                        factors: vec![UnitFactor { name, power: 1 }],
                    }
                });
                Ok(Expr {
                    kind: ExprKind::Number { value, text, unit },
                    span,
                })
            }
            Rule::string => {
                let t = self.string(pair);
                Ok(Expr {
                    kind: ExprKind::Text(t.value),
                    span,
                })
            }
            Rule::field_ref => Ok(Expr {
                kind: ExprKind::Field(self.field_ref(pair)?),
                span,
            }),
            Rule::name => {
                let kind = match pair.as_str() {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    _ => ExprKind::Name(self.name(pair)),
                };
                Ok(Expr { kind, span })
            }
            other => Err(Shape {
                span,
                what: format!("unexpected expression rule {other:?}"),
            }),
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The length of `text` without trailing whitespace and `//` comments.
fn code_len(text: &str) -> usize {
    let mut end = text.len();
    loop {
        end = text[..end].trim_end().len();
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&text[line_start..end]) {
            Some(c) => end = line_start + c,
            None => return end,
        }
    }
}

/// Where a `//` comment starts on a line, outside any string.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::code_len;

    #[test]
    fn spans_end_at_the_last_token() {
        assert_eq!(code_len("a + b  \n  "), 5);
        assert_eq!(code_len("a + b // note\n"), 5);
        assert_eq!(code_len("goal \"http://x\" // c\n  // d\n"), 15);
    }
}

/// One token of a flat formula, before precedence is applied.
enum Tok {
    Value(Expr),
    Not(Span),
    Neg(Span),
    Cast(UnitExpr),
    Op(Op, Span),
}

/// An infix operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
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

fn compare_op(s: &str) -> CompareOp {
    match s {
        "=" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        _ => CompareOp::Ge,
    }
}

fn arith_op(s: &str) -> ArithOp {
    match s {
        "+" => ArithOp::Add,
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        _ => ArithOp::Div,
    }
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
