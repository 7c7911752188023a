//! Lowering: pest pairs to the typed AST, right after parsing.
//!
//! One function per construct, reading children through a [`Cursor`] instead of
//! `.next().unwrap()`. A shape the grammar should have prevented becomes an
//! internal-error diagnostic and the item is dropped; lowering never panics.

use super::chunk::MAX_NESTING;
use super::nodes::{self, AttrValue, Formula, L, Op, Shape, Tok};
use super::parser::Rule;
use crate::ast::*;
use crate::diagnostics::{Diagnostic, codes};
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};

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
                reported: false,
            }),
            None => Err(Shape {
                span: self.parent,
                what: format!("expected {rule:?}, found nothing"),
                reported: false,
            }),
        }
    }

    fn next_any(&mut self) -> L<Pair<'i, Rule>> {
        self.pairs.next().ok_or_else(|| Shape {
            span: self.parent,
            what: "expected a child, found nothing".to_string(),
            reported: false,
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
            Err(shape) if shape.reported => None,
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
                    let mut attrs = Box::<Attrs>::default();
                    nodes::store(&mut attrs, e.span, AttrValue::Formula(e));
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
                let goal = self.target_value(&mut c)?;
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
                reported: false,
            }),
        }
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: Str::from(pair.as_str()),
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
        Spanned {
            value: nodes::unescape(inner),
            span,
        }
    }

    fn target_value(&mut self, c: &mut Cursor<'_>) -> L<TargetValue> {
        let value = self.quantity(c.next(Rule::quantity)?)?;
        let deadline = match c.opt(Rule::deadline) {
            Some(d) => self.deadline(d)?,
            None => None,
        };
        Ok(nodes::target_value(value, deadline))
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
        match nodes::calendar_date(text) {
            Ok(value) => Some(Spanned { value, span }),
            Err(as_written) => {
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
                    value: as_written,
                    span,
                })
            }
        }
    }

    /// A number as written; reports a decimal comma or an unreadable number.
    fn number(&mut self, pair: Pair<'_, Rule>, negative: bool) -> (f64, Str) {
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
            match nodes::read_number(text) {
                Some(value) => (value, text.to_string()),
                None => {
                    self.diags.push(
                        Diagnostic::new(&codes::INVALID_NUMBER, "this number is too large to compute with", span, format!("{} digits", text.len()))
                            .with_help("Use a smaller unit (e.g. k EUR declared as `unit kEUR = 1000 EUR`) so the number fits."),
                    );
                    return (f64::NAN, Str::from(text));
                }
            }
        };
        nodes::signed(value, &written, negative)
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
                reported: false,
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
                        Some(pw) => nodes::unit_power(pw.as_str(), sign).ok_or_else(|| Shape {
                            span: self.span(&pw),
                            what: "unit power out of range".to_string(),
                            reported: false,
                        })?,
                        None => sign,
                    };
                    factors.push(UnitFactor { name: atom, power });
                }
                other => {
                    return Err(Shape {
                        span,
                        what: format!("unexpected {other:?} in a unit"),
                        reported: false,
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

    fn block(&mut self, pair: Pair<'_, Rule>) -> L<Box<Attrs>> {
        let mut attrs = Box::<Attrs>::default();
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
        nodes::finish_block(&mut attrs);
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
                    reported: false,
                });
            }
        };
        if let Some(first) = nodes::given_before(attrs, kind) {
            let kw = kind.keyword();
            self.diags.push(
                    Diagnostic::new(
                        &codes::DUPLICATE_ATTRIBUTE,
                        format!("`{kw}` is given twice"),
                        span,
                        "given again here",
                    )
                    .with_label(first, "first given here")
                    .with_help(format!("Keep one `{kw}`: a declaration has one {kw}, so everyone reads the same definition.")),
                );
            return Ok(());
        }
        let mut c = self.cursor(pair);
        let value = match kind {
            AttrKind::NorthStar => AttrValue::NorthStar,
            AttrKind::Goal => {
                c.next_any()?;
                AttrValue::Goal(self.string(c.next(Rule::string)?))
            }
            AttrKind::Definition => {
                c.next_any()?;
                AttrValue::Definition(self.string(c.next(Rule::string)?))
            }
            AttrKind::Notes => {
                c.next_any()?;
                AttrValue::Notes(self.string(c.next(Rule::string)?))
            }
            AttrKind::Formula => {
                c.next_any()?;
                AttrValue::Formula(self.expr(c.next(Rule::expr)?)?)
            }
            AttrKind::Unit => {
                c.next_any()?;
                AttrValue::Unit(self.unit_expr(c.next(Rule::unit_expr)?)?)
            }
            AttrKind::Type => AttrValue::Type(self.keyword_value(&mut c)?),
            AttrKind::Kind => AttrValue::Kind(self.keyword_value(&mut c)?),
            AttrKind::Perspective => AttrValue::Perspective(self.keyword_value(&mut c)?),
            AttrKind::Funnel => AttrValue::Funnel(self.keyword_value(&mut c)?),
            AttrKind::Owner => AttrValue::Owner(self.keyword_value(&mut c)?),
            AttrKind::Backup => AttrValue::Backup(self.keyword_value(&mut c)?),
            AttrKind::Frequency => AttrValue::Frequency(self.keyword_value(&mut c)?),
            AttrKind::Direction => AttrValue::Direction(self.keyword_value(&mut c)?),
            AttrKind::Rows => AttrValue::Rows(self.keyword_value(&mut c)?),
            AttrKind::Level => {
                c.next_any()?;
                let kind = self.name(c.next(Rule::ident)?);
                AttrValue::Level(kind, self.opt_string(&mut c))
            }
            AttrKind::Target => {
                c.next_any()?;
                AttrValue::Target(self.target_value(&mut c)?)
            }
            AttrKind::Trend => {
                c.next_any()?;
                AttrValue::Trend(self.quantity(c.next(Rule::quantity)?)?)
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
                AttrValue::Bands(first, steps)
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
                AttrValue::Action {
                    colour,
                    actor,
                    task,
                    within,
                }
            }
            AttrKind::Segment => {
                c.next_any()?;
                c.next(Rule::kw_by)?;
                let mut fields = Vec::new();
                for p in c.pairs.by_ref() {
                    if p.as_rule() == Rule::field_ref {
                        fields.push(self.field_ref(p)?);
                    }
                }
                AttrValue::Segment(fields)
            }
            AttrKind::Allow => {
                c.next_any()?;
                let mut names = Vec::new();
                for p in c.pairs.by_ref() {
                    if p.as_rule() == Rule::slug {
                        names.push(self.name(p));
                    }
                }
                AttrValue::Allow(names)
            }
            AttrKind::Field => {
                c.next_any()?;
                let name = self.name(c.next(Rule::ident)?);
                c.next(Rule::colon)?;
                let ty = self.unit_expr(c.next(Rule::unit_expr)?)?;
                let description = self.opt_string(&mut c);
                AttrValue::Field {
                    name,
                    ty,
                    description,
                }
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
                AttrValue::KeyResult {
                    kpi,
                    from,
                    to,
                    deadline,
                }
            }
        };
        nodes::store(attrs, span, value);
        Ok(())
    }

    /// The name after an attribute keyword (`owner cfo`, `kind leading`).
    fn keyword_value(&self, c: &mut Cursor<'_>) -> L<Name> {
        c.next_any()?;
        Ok(self.name(c.next(Rule::ident)?))
    }

    fn colour(&self, pair: Pair<'_, Rule>) -> Spanned<Colour> {
        Spanned {
            value: nodes::colour(pair.as_str()),
            span: self.span(&pair),
        }
    }

    fn band_op(&self, pair: Pair<'_, Rule>) -> Spanned<BandOp> {
        Spanned {
            value: nodes::band_op(pair.as_str()),
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
                        Rule::compare_op => Tok::Op(Op::Compare(nodes::compare_op(p.as_str())), at),
                        Rule::add_op | Rule::mul_op => {
                            Tok::Op(Op::Arith(nodes::arith_op(p.as_str())), at)
                        }
                        _ => Tok::Value(self.expr(p)?),
                    };
                    toks.push(tok);
                }
                match nodes::apply_precedence(toks, span)? {
                    Formula::Tree(e) => Ok(e),
                    Formula::TooDeep(longest) => {
                        self.diags.push(
                            Diagnostic::new(
                                &codes::TOO_DEEP,
                                format!("{longest} `not` or `-` in a row; kpic accepts at most {MAX_NESTING}"),
                                span,
                                "nested too deep here",
                            )
                            .with_help("Two in a row cancel out: remove them in pairs."),
                        );
                        Err(Shape::reported(span))
                    }
                    Formula::ChainedComparison { first, second } => {
                        self.diags.push(
                            Diagnostic::new(
                                &codes::SYNTAX,
                                "comparisons cannot be chained",
                                second,
                                "a second comparison in a row",
                            )
                            .with_label(first, "after this one")
                            .with_help("A comparison gives yes or no, which cannot be compared again. Write each comparison on its own and join them with `and`, e.g. `a < b and b < c`."),
                        );
                        Err(Shape::reported(span))
                    }
                }
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
                let unit = c
                    .opt(Rule::unit_atom)
                    .map(|u| nodes::atom_unit(self.name(u)));
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
                reported: false,
            }),
        }
    }
}

/// The length of `text` without trailing whitespace and `//` comments.
fn code_len(text: &str) -> usize {
    let mut end = text.len();
    loop {
        end = text[..end].trim_end().len();
        let line_start = text[..end].rfind(['\n', '\r']).map_or(0, |i| i + 1);
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
