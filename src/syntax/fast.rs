//! The fast path: a hand-written parser for one top-level item, tried before
//! pest.
//!
//! It reads the item's bytes rule by rule as `grammar/kpi.pest` says (the same
//! ordered choices, the same places where spaces, line ends and comments may
//! stand, `hspace` only inside a quantity, a literal or a unit) and builds the
//! AST with the helpers of [`nodes`], as `lower` does after pest, so an item
//! it accepts gives exactly the AST pest + `lower` give.
//!
//! It accepts only what it is sure of. Any syntax error, anything it does not
//! read, and anything `lower` would report (a decimal comma, a date not in the
//! calendar, a number too large, an attribute given twice, too many prefixes
//! in a row) makes it return `None`, and `parse_file` parses that item again
//! with pest, which stays the definition of the language and the source of
//! every syntax error message. `tests/fast_parser.rs` compares both paths.
//!
//! Never panics (no slicing that is not checked), recursion is bounded by the
//! parenthesis nesting (at most [`MAX_NESTING`] in an item that gets here, and
//! checked again), and each byte is looked at a bounded number of times.

use super::chunk::MAX_NESTING;
use super::nodes::{self, AttrValue, Formula, Op, Tok};
use crate::ast::*;
use crate::source::{FileId, Span};

/// Parses one item (the text of one chunk, which starts at byte `base` of its
/// file); `None` if pest should parse it instead.
pub fn parse_item(file: FileId, base: usize, source: &str) -> Option<Item> {
    let mut p = Parser {
        src: source,
        b: source.as_bytes(),
        pos: 0,
        last: 0,
        file,
        base,
        depth: 0,
    };
    p.skip();
    let item = p.item()?;
    p.skip();
    (p.pos == p.b.len()).then_some(item)
}

/// Words that end a unit written after a number (`reserved` in the grammar),
/// in the grammar's order: like pest, the first one that the text starts with
/// decides (so `notes` is not reserved: `not` comes first and is followed by
/// a letter).
const RESERVED: &[&str] = &[
    "by",
    "within",
    "where",
    "from",
    "to",
    "and",
    "or",
    "not",
    "as",
    "red",
    "amber",
    "green",
    "unit",
    "goal",
    "definition",
    "formula",
    "type",
    "kind",
    "level",
    "perspective",
    "funnel",
    "owner",
    "backup",
    "frequency",
    "target",
    "bands",
    "on",
    "segment",
    "notes",
    "trend",
    "direction",
    "north_star",
    "allow",
    "rows",
    "field",
    "key_result",
];

/// Words that cannot be a name in a formula (`reserved_expr`), in order.
const RESERVED_EXPR: &[&str] = &["where", "and", "or", "not", "as"];

fn is_ident_char(b: Option<u8>) -> bool {
    b.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn is_ident_start(b: Option<u8>) -> bool {
    b.is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
}

fn is_digit(b: Option<u8>) -> bool {
    b.is_some_and(|c| c.is_ascii_digit())
}

struct Parser<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    /// The end of the last token read: where the construct being read ends
    /// (spans never include the spaces and comments after a construct).
    last: usize,
    file: FileId,
    base: usize,
    /// Formulas being read, one inside the other.
    depth: usize,
}

impl<'s> Parser<'s> {
    // ---- bytes and tokens ------------------------------------------------

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.at(self.pos)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    /// The span from `start` to the end of the last token.
    fn since(&self, start: usize) -> Span {
        self.span(start, self.last)
    }

    /// Moves past a token that ends at `end`.
    fn take(&mut self, end: usize) {
        self.pos = end;
        self.last = end;
    }

    /// Moves past spaces, tabs, line ends and `//` comments (`WHITESPACE`,
    /// `COMMENT`).
    fn skip(&mut self) {
        self.pos = self.skip_from(self.pos);
    }

    /// Where the spaces, line ends and comments from `i` end.
    fn skip_from(&self, mut i: usize) -> usize {
        loop {
            match self.at(i) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => i += 1,
                Some(b'/') if self.at(i + 1) == Some(b'/') => {
                    i += 2;
                    while !matches!(self.at(i), None | Some(b'\n' | b'\r')) {
                        i += 1;
                    }
                }
                _ => return i,
            }
        }
    }

    /// Spaces and tabs only (`hspace`).
    fn hspace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Where the run of identifier characters from `i` ends.
    fn word_end(&self, mut i: usize) -> usize {
        while is_ident_char(self.at(i)) {
            i += 1;
        }
        i
    }

    /// The identifier characters at the position (a keyword if it is one).
    fn word(&self) -> &'s str {
        self.src
            .get(self.pos..self.word_end(self.pos))
            .unwrap_or("")
    }

    /// Whether the keyword `kw` (a word not followed by an identifier
    /// character) stands at `i`.
    fn kw_at(&self, i: usize, kw: &str) -> bool {
        self.b
            .get(i..)
            .is_some_and(|rest| rest.starts_with(kw.as_bytes()))
            && !is_ident_char(self.at(i + kw.len()))
    }

    /// Reads the keyword `kw` if it stands here.
    fn kw(&mut self, kw: &str) -> Option<Span> {
        if !self.kw_at(self.pos, kw) {
            return None;
        }
        let start = self.pos;
        self.take(start + kw.len());
        Some(self.span(start, self.pos))
    }

    /// Reads one byte `c`.
    fn byte(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.take(self.pos + 1))
    }

    /// Like pest's ordered choice in `reserved` / `reserved_expr`: the first
    /// word of `words` the text at `i` starts with decides.
    fn reserved_at(&self, i: usize, words: &[&str]) -> bool {
        let rest = self.b.get(i..).unwrap_or_default();
        match words.iter().find(|w| rest.starts_with(w.as_bytes())) {
            Some(w) => !is_ident_char(self.at(i + w.len())),
            None => false,
        }
    }

    /// `ident`.
    fn ident(&mut self) -> Option<Name> {
        if !is_ident_start(self.peek()) {
            return None;
        }
        let start = self.pos;
        let end = self.word_end(start);
        self.name(start, end)
    }

    fn name(&mut self, start: usize, end: usize) -> Option<Name> {
        let text = Str::from(self.src.get(start..end)?);
        self.take(end);
        Some(Name {
            text,
            span: self.span(start, end),
        })
    }

    /// `slug`: an identifier with `-` inside (`missing-backup`).
    fn slug(&mut self) -> Option<Name> {
        if !is_ident_start(self.peek()) {
            return None;
        }
        let start = self.pos;
        let mut end = self.word_end(start);
        while self.at(end) == Some(b'-') && is_ident_char(self.at(end + 1)) {
            end = self.word_end(end + 1);
        }
        self.name(start, end)
    }

    /// `string`: on one line, `\` escapes the next character.
    fn string(&mut self) -> Option<Text> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        let mut i = start + 1;
        loop {
            match self.at(i)? {
                b'"' => break,
                b'\\' => match self.at(i + 1)? {
                    b'\n' | b'\r' => return None,
                    _ => i += 2,
                },
                b'\n' | b'\r' => return None,
                _ => i += 1,
            }
        }
        let inner = self.src.get(start + 1..i)?;
        self.take(i + 1);
        Some(Spanned {
            value: nodes::unescape(inner),
            span: self.span(start, i + 1),
        })
    }

    /// `string?`.
    fn opt_string(&mut self) -> Option<Option<Text>> {
        if self.peek() == Some(b'"') {
            self.string().map(Some)
        } else {
            Some(None)
        }
    }

    /// Whether `decimal_comma` matches at `i` (`3,5`, `1.000,5`); `lower`
    /// reports it, so the fast path leaves it to pest.
    fn decimal_comma_at(&self, mut i: usize) -> bool {
        if !is_digit(self.at(i)) {
            return false;
        }
        while is_digit(self.at(i)) {
            i += 1;
        }
        while self.at(i) == Some(b'.') && (1..=3).all(|k| is_digit(self.at(i + k))) {
            i += 4;
        }
        self.at(i) == Some(b',') && is_digit(self.at(i + 1))
    }

    /// Where `number` ends if it matches at `i`.
    fn number_end(&self, mut i: usize) -> Option<usize> {
        if !is_digit(self.at(i)) {
            return None;
        }
        while is_digit(self.at(i)) || self.at(i) == Some(b'_') {
            i += 1;
        }
        if self.at(i) == Some(b'.') && is_digit(self.at(i + 1)) {
            i += 1;
            while is_digit(self.at(i)) {
                i += 1;
            }
        }
        Some(i)
    }

    /// `any_number` with an optional minus before it: the value and the text.
    fn number(&mut self, negative: bool) -> Option<(f64, Str)> {
        if self.decimal_comma_at(self.pos) {
            return None;
        }
        let start = self.pos;
        let end = self.number_end(start)?;
        let text = self.src.get(start..end)?;
        let value = nodes::read_number(text)?;
        self.take(end);
        Some(nodes::signed(value, text, negative))
    }

    /// `date`: `YYYY-MM-DD`, a day in the calendar.
    fn date(&mut self) -> Option<Spanned<Date>> {
        let start = self.pos;
        let shape_ok = (0..10).all(|k| {
            let c = self.at(start + k);
            if k == 4 || k == 7 {
                c == Some(b'-')
            } else {
                is_digit(c)
            }
        });
        if !shape_ok {
            return None;
        }
        let value = nodes::calendar_date(self.src.get(start..start + 10)?).ok()?;
        self.take(start + 10);
        Some(Spanned {
            value,
            span: self.span(start, start + 10),
        })
    }

    // ---- units and quantities -------------------------------------------

    /// Where `unit_atom` ends if it matches at `i`: `%`, `€`, `$`, `1` (not
    /// followed by a digit) or an identifier that is not reserved.
    fn unit_atom_end(&self, i: usize) -> Option<usize> {
        match self.at(i)? {
            b'%' | b'$' => Some(i + 1),
            b'1' if !is_digit(self.at(i + 1)) => Some(i + 1),
            _ if self.b.get(i..)?.starts_with("€".as_bytes()) => Some(i + "€".len()),
            c if (c.is_ascii_alphabetic() || c == b'_') && !self.reserved_at(i, RESERVED) => {
                Some(self.word_end(i))
            }
            _ => None,
        }
    }

    /// `unit_expr`; the caller has checked that a unit atom stands here.
    fn unit_expr(&mut self) -> Option<UnitExpr> {
        let start = self.pos;
        let mut factors = vec![self.unit_factor(1)?];
        loop {
            let before = self.pos;
            self.hspace();
            let sign = match self.peek() {
                Some(b'*') => 1,
                Some(b'/') => -1,
                _ => {
                    self.pos = before;
                    break;
                }
            };
            self.pos += 1;
            self.hspace();
            if self.unit_atom_end(self.pos).is_none() {
                self.pos = before;
                break;
            }
            factors.push(self.unit_factor(sign)?);
        }
        factors.shrink_to_fit();
        Some(UnitExpr {
            factors,
            span: self.since(start),
        })
    }

    /// `unit_factor`: an atom with an optional power (`m^2`, `d ^ -1`).
    fn unit_factor(&mut self, sign: i32) -> Option<UnitFactor> {
        let start = self.pos;
        let end = self.unit_atom_end(start)?;
        let name = self.name(start, end)?;
        let before = self.pos;
        self.hspace();
        if self.peek() == Some(b'^') {
            self.pos += 1;
            self.hspace();
            let p = self.pos;
            let digits = p + usize::from(self.at(p) == Some(b'-'));
            if is_digit(self.at(digits)) {
                let mut e = digits;
                while is_digit(self.at(e)) {
                    e += 1;
                }
                let power = nodes::unit_power(self.src.get(p..e)?, sign)?;
                self.take(e);
                return Some(UnitFactor { name, power });
            }
        }
        self.pos = before;
        Some(UnitFactor { name, power: sign })
    }

    /// `quantity`: `minus? any_number (hspace* unit_expr)?`.
    fn quantity(&mut self) -> Option<Quantity> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let (value, text) = self.number(negative)?;
        let before = self.pos;
        self.hspace();
        let unit = if self.unit_atom_end(self.pos).is_some() {
            Some(self.unit_expr()?)
        } else {
            self.pos = before;
            None
        };
        Some(Quantity {
            value,
            text,
            unit,
            span: self.since(start),
        })
    }

    /// `deadline?` after a skip: `by YYYY-MM-DD`.
    fn opt_deadline(&mut self) -> Option<Option<Spanned<Date>>> {
        if self.kw("by").is_none() {
            return Some(None);
        }
        self.skip();
        self.date().map(Some)
    }

    /// A quantity and its optional deadline (`target`).
    fn target_value(&mut self) -> Option<TargetValue> {
        let value = self.quantity()?;
        self.skip();
        let deadline = self.opt_deadline()?;
        Some(nodes::target_value(value, deadline))
    }

    /// `field_ref`: `source.field`, without spaces.
    fn field_ref(&mut self) -> Option<FieldRef> {
        let start = self.pos;
        let source = self.ident()?;
        self.byte(b'.')?;
        let field = self.ident()?;
        Some(FieldRef {
            source,
            field,
            span: self.since(start),
        })
    }

    fn colour(&mut self) -> Option<Spanned<Colour>> {
        let start = self.pos;
        let word = self.word();
        if !matches!(word, "red" | "amber" | "green") {
            return None;
        }
        self.take(start + word.len());
        Some(Spanned {
            value: nodes::colour(word),
            span: self.span(start, self.pos),
        })
    }

    fn band_op(&mut self) -> Option<Spanned<BandOp>> {
        let start = self.pos;
        let len = match (self.peek()?, self.at(start + 1)) {
            (b'<' | b'>', Some(b'=')) => 2,
            (b'<' | b'>', _) => 1,
            _ => return None,
        };
        let text = self.src.get(start..start + len)?;
        self.take(start + len);
        Some(Spanned {
            value: nodes::band_op(text),
            span: self.span(start, self.pos),
        })
    }

    // ---- items -----------------------------------------------------------

    fn item(&mut self) -> Option<Item> {
        let start = self.pos;
        let keyword = self.word();
        self.take(start + keyword.len());
        self.skip();
        match keyword {
            "unit" => {
                let name = self.ident()?;
                self.skip();
                let def = match self.peek() {
                    Some(b':') => {
                        self.byte(b':')?;
                        self.skip();
                        UnitDef::Kind(self.ident()?)
                    }
                    Some(b'=') => {
                        self.byte(b'=')?;
                        self.skip();
                        UnitDef::Alias(self.quantity()?)
                    }
                    _ => UnitDef::Base,
                };
                Some(Item::Unit(UnitDecl {
                    name,
                    def,
                    span: self.since(start),
                }))
            }
            "role" => {
                let name = self.ident()?;
                self.skip();
                let title = self.opt_string()?;
                Some(Item::Role(Role {
                    name,
                    title,
                    span: self.since(start),
                }))
            }
            "metric" => {
                let name = self.ident()?;
                self.skip();
                if self.byte(b'=').is_some() {
                    self.skip();
                    let e = self.expr()?;
                    let mut attrs = Box::<Attrs>::default();
                    nodes::store(&mut attrs, e.span, AttrValue::Formula(e));
                    return Some(Item::Metric(Metric {
                        name,
                        title: None,
                        attrs,
                        short_form: true,
                        span: self.since(start),
                    }));
                }
                let (title, attrs) = self.title_and_block()?;
                Some(Item::Metric(Metric {
                    name,
                    title,
                    attrs,
                    short_form: false,
                    span: self.since(start),
                }))
            }
            "source" | "kpi" | "objective" | "signal" => {
                let name = self.ident()?;
                self.skip();
                let (title, attrs) = self.title_and_block()?;
                let span = self.since(start);
                Some(match keyword {
                    "source" => Item::Source(Source {
                        name,
                        title,
                        attrs,
                        span,
                    }),
                    "kpi" => Item::Kpi(Kpi {
                        name,
                        title,
                        attrs,
                        span,
                    }),
                    "objective" => Item::Objective(Objective {
                        name,
                        title,
                        attrs,
                        span,
                    }),
                    _ => Item::Signal(Signal {
                        name,
                        title,
                        attrs,
                        span,
                    }),
                })
            }
            "target" => {
                let kpi = self.ident()?;
                self.skip();
                let goal = self.target_value()?;
                Some(Item::Target(Target {
                    kpi,
                    goal,
                    span: self.since(start),
                }))
            }
            "chain" => {
                let name = self.ident()?;
                self.skip();
                let title = self.opt_string()?;
                self.skip();
                self.byte(b'{')?;
                let mut paths = Vec::new();
                loop {
                    self.skip();
                    if self.byte(b'}').is_some() {
                        break;
                    }
                    let mut steps = vec![self.ident()?];
                    loop {
                        self.skip();
                        if !self.b.get(self.pos..)?.starts_with(b"->") {
                            break;
                        }
                        self.take(self.pos + 2);
                        self.skip();
                        steps.push(self.ident()?);
                    }
                    steps.shrink_to_fit();
                    paths.push(steps);
                }
                paths.shrink_to_fit();
                Some(Item::Chain(Chain {
                    name,
                    title,
                    paths,
                    span: self.since(start),
                }))
            }
            _ => None,
        }
    }

    /// `string? ~ block`.
    fn title_and_block(&mut self) -> Option<(Option<Text>, Box<Attrs>)> {
        let title = self.opt_string()?;
        self.skip();
        Some((title, self.block()?))
    }

    /// `block`: `{`, attributes, `}`.
    fn block(&mut self) -> Option<Box<Attrs>> {
        self.byte(b'{')?;
        let mut attrs = Box::<Attrs>::default();
        loop {
            self.skip();
            if self.byte(b'}').is_some() {
                nodes::finish_block(&mut attrs);
                return Some(attrs);
            }
            self.attribute(&mut attrs)?;
        }
    }

    fn attribute(&mut self, attrs: &mut Attrs) -> Option<()> {
        let start = self.pos;
        let keyword = self.word();
        let kind = match keyword {
            "north_star" => AttrKind::NorthStar,
            "goal" => AttrKind::Goal,
            "definition" => AttrKind::Definition,
            "formula" => AttrKind::Formula,
            "unit" => AttrKind::Unit,
            "type" => AttrKind::Type,
            "kind" => AttrKind::Kind,
            "level" => AttrKind::Level,
            "perspective" => AttrKind::Perspective,
            "funnel" => AttrKind::Funnel,
            "owner" => AttrKind::Owner,
            "backup" => AttrKind::Backup,
            "frequency" => AttrKind::Frequency,
            "target" => AttrKind::Target,
            "bands" => AttrKind::Bands,
            "on" => AttrKind::Action,
            "segment" => AttrKind::Segment,
            "notes" => AttrKind::Notes,
            "trend" => AttrKind::Trend,
            "direction" => AttrKind::Direction,
            "allow" => AttrKind::Allow,
            "rows" => AttrKind::Rows,
            "field" => AttrKind::Field,
            "key_result" => AttrKind::KeyResult,
            _ => return None,
        };
        if nodes::given_before(attrs, kind).is_some() {
            return None; // `lower` reports it
        }
        self.take(start + keyword.len());
        if kind != AttrKind::NorthStar {
            self.skip();
        }
        let value = match kind {
            AttrKind::NorthStar => AttrValue::NorthStar,
            AttrKind::Goal => AttrValue::Goal(self.string()?),
            AttrKind::Definition => AttrValue::Definition(self.string()?),
            AttrKind::Notes => AttrValue::Notes(self.string()?),
            AttrKind::Formula => AttrValue::Formula(self.expr()?),
            AttrKind::Unit => {
                self.unit_atom_end(self.pos)?;
                AttrValue::Unit(self.unit_expr()?)
            }
            AttrKind::Type => AttrValue::Type(self.ident()?),
            AttrKind::Kind => AttrValue::Kind(self.ident()?),
            AttrKind::Perspective => AttrValue::Perspective(self.ident()?),
            AttrKind::Funnel => AttrValue::Funnel(self.ident()?),
            AttrKind::Owner => AttrValue::Owner(self.ident()?),
            AttrKind::Backup => AttrValue::Backup(self.ident()?),
            AttrKind::Frequency => AttrValue::Frequency(self.ident()?),
            AttrKind::Direction => AttrValue::Direction(self.ident()?),
            AttrKind::Rows => AttrValue::Rows(self.ident()?),
            AttrKind::Level => {
                let kind = self.ident()?;
                self.skip();
                AttrValue::Level(kind, self.opt_string()?)
            }
            AttrKind::Target => AttrValue::Target(self.target_value()?),
            AttrKind::Trend => AttrValue::Trend(self.quantity()?),
            AttrKind::Bands => {
                let first = self.colour()?;
                let mut steps = Vec::new();
                loop {
                    self.skip();
                    if !matches!(self.peek(), Some(b'<' | b'>')) {
                        break;
                    }
                    let left = self.band_op()?;
                    self.skip();
                    let threshold = self.quantity()?;
                    self.skip();
                    let right = self.band_op()?;
                    self.skip();
                    let colour = self.colour()?;
                    steps.push(BandStep {
                        left,
                        threshold,
                        right,
                        colour,
                    });
                }
                if steps.is_empty() {
                    return None;
                }
                steps.shrink_to_fit();
                AttrValue::Bands(first, steps)
            }
            AttrKind::Action => {
                let colour = self.colour()?;
                self.skip();
                let actor = self.ident()?;
                self.skip();
                let task = self.string()?;
                self.skip();
                let within = match self.kw("within") {
                    Some(_) => {
                        self.skip();
                        Some(self.quantity()?)
                    }
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
                self.kw("by")?;
                self.skip();
                let mut fields = vec![self.field_ref()?];
                loop {
                    self.skip();
                    if self.byte(b',').is_none() {
                        break;
                    }
                    self.skip();
                    fields.push(self.field_ref()?);
                }
                AttrValue::Segment(fields)
            }
            AttrKind::Allow => {
                let mut names = vec![self.slug()?];
                loop {
                    self.skip();
                    if self.byte(b',').is_none() {
                        break;
                    }
                    self.skip();
                    names.push(self.slug()?);
                }
                AttrValue::Allow(names)
            }
            AttrKind::Field => {
                let name = self.ident()?;
                self.skip();
                self.byte(b':')?;
                self.skip();
                self.unit_atom_end(self.pos)?;
                let ty = self.unit_expr()?;
                self.skip();
                let description = self.opt_string()?;
                AttrValue::Field {
                    name,
                    ty,
                    description,
                }
            }
            AttrKind::KeyResult => {
                let kpi = self.ident()?;
                self.skip();
                self.kw("from")?;
                self.skip();
                let from = self.quantity()?;
                self.skip();
                self.kw("to")?;
                self.skip();
                let to = self.quantity()?;
                self.skip();
                let deadline = self.opt_deadline()?;
                AttrValue::KeyResult {
                    kpi,
                    from,
                    to,
                    deadline,
                }
            }
        };
        nodes::store(attrs, self.since(start), value);
        Some(())
    }

    // ---- formulas --------------------------------------------------------

    /// `expr`: operands and operators, flat, then precedence from `nodes`.
    fn expr(&mut self) -> Option<Expr> {
        if self.depth > MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let start = self.pos;
        let mut toks = Vec::new();
        self.operand(&mut toks)?;
        loop {
            self.skip();
            let Some((op, len)) = self.infix() else {
                break;
            };
            let at = self.span(self.pos, self.pos + len);
            self.take(self.pos + len);
            toks.push(Tok::Op(op, at));
            self.skip();
            self.operand(&mut toks)?;
        }
        self.depth -= 1;
        match nodes::apply_precedence(toks, self.since(start)).ok()? {
            Formula::Tree(e) => Some(e),
            // `lower` reports these
            Formula::TooDeep(_) | Formula::ChainedComparison { .. } => None,
        }
    }

    /// `infix` at the position: the operator and its length.
    fn infix(&self) -> Option<(Op, usize)> {
        let i = self.pos;
        if self.kw_at(i, "or") {
            return Some((Op::Or, 2));
        }
        if self.kw_at(i, "and") {
            return Some((Op::And, 3));
        }
        let next = self.at(i + 1);
        let op = match (self.at(i)?, next) {
            (b'!', Some(b'=')) => (Op::Compare(CompareOp::Ne), 2),
            (b'<', Some(b'=')) => (Op::Compare(CompareOp::Le), 2),
            (b'>', Some(b'=')) => (Op::Compare(CompareOp::Ge), 2),
            (b'=', _) => (Op::Compare(CompareOp::Eq), 1),
            (b'<', _) => (Op::Compare(CompareOp::Lt), 1),
            (b'>', _) => (Op::Compare(CompareOp::Gt), 1),
            (b'+', _) => (Op::Arith(ArithOp::Add), 1),
            (b'-', n) if n != Some(b'>') => (Op::Arith(ArithOp::Sub), 1),
            (b'*', _) => (Op::Arith(ArithOp::Mul), 1),
            (b'/', _) => (Op::Arith(ArithOp::Div), 1),
            _ => return None,
        };
        Some(op)
    }

    /// `operand`: prefixes, a value and an optional cast, as tokens.
    fn operand(&mut self, toks: &mut Vec<Tok>) -> Option<()> {
        loop {
            if let Some(at) = self.kw("not") {
                toks.push(Tok::Not(at));
            } else if self.peek() == Some(b'-') && self.at(self.pos + 1) != Some(b'>') {
                toks.push(Tok::Neg(self.span(self.pos, self.pos + 1)));
                self.take(self.pos + 1);
            } else {
                break;
            }
            self.skip();
        }
        toks.push(Tok::Value(self.primary()?));
        self.skip();
        if self.kw("as").is_some() {
            self.skip();
            self.unit_atom_end(self.pos)?;
            toks.push(Tok::Cast(self.unit_expr()?));
        }
        Some(())
    }

    /// `primary`: `paren | call | literal | string | field_ref | name`.
    fn primary(&mut self) -> Option<Expr> {
        let start = self.pos;
        match self.peek()? {
            b'(' => {
                self.take(start + 1);
                self.skip();
                let inner = self.expr()?;
                self.skip();
                self.byte(b')')?;
                Some(Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span: self.since(start),
                })
            }
            b'"' => {
                let t = self.string()?;
                Some(Expr {
                    kind: ExprKind::Text(t.value),
                    span: t.span,
                })
            }
            c if c.is_ascii_digit() => {
                let (value, text) = self.number(false)?;
                let before = self.pos;
                self.hspace();
                let unit = match self.unit_atom_end(self.pos) {
                    Some(end) => Some(nodes::atom_unit(self.name(self.pos, end)?)),
                    None => {
                        self.pos = before;
                        None
                    }
                };
                Some(Expr {
                    kind: ExprKind::Number { value, text, unit },
                    span: self.since(start),
                })
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = self.word_end(start);
                if self.at(self.skip_from(end)) == Some(b'(') {
                    return self.call(start, end);
                }
                if self.at(end) == Some(b'.') && is_ident_start(self.at(end + 1)) {
                    let field = self.field_ref()?;
                    return Some(Expr {
                        span: field.span,
                        kind: ExprKind::Field(field),
                    });
                }
                if self.reserved_at(start, RESERVED_EXPR) {
                    return None;
                }
                let name = self.name(start, end)?;
                let kind = match name.text.as_str() {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    _ => ExprKind::Name(name),
                };
                Some(Expr {
                    kind,
                    span: self.span(start, end),
                })
            }
            _ => None,
        }
    }

    /// `call`: the function name is read (`start..end`), `(` is next.
    fn call(&mut self, start: usize, end: usize) -> Option<Expr> {
        let function = self.name(start, end)?;
        self.skip();
        self.byte(b'(')?;
        self.skip();
        let mut args = Vec::new();
        if self.peek() != Some(b')') && !self.where_clause_here() {
            args.push(self.expr()?);
            loop {
                self.skip();
                if self.byte(b',').is_none() {
                    break;
                }
                self.skip();
                args.push(self.expr()?);
            }
        }
        args.shrink_to_fit();
        let filter = if self.kw("where").is_some() {
            self.skip();
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.skip();
        self.byte(b')')?;
        Some(Expr {
            kind: ExprKind::Call {
                function,
                args,
                filter,
            },
            span: self.since(start),
        })
    }

    /// Whether `where` here starts the call's condition rather than its first
    /// argument: pest tries an argument first, and `where` is one only as a
    /// call `where(...)` or a field `where.x`.
    fn where_clause_here(&self) -> bool {
        if !self.kw_at(self.pos, "where") {
            return false;
        }
        let after = self.pos + "where".len();
        let field = self.at(after) == Some(b'.') && is_ident_start(self.at(after + 1));
        let call = self.at(self.skip_from(after)) == Some(b'(');
        !field && !call
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literals of a rule `name = @{ ( "a" | "b" ... ) ~ !ident_char }` in
    /// the grammar, in order.
    fn grammar_words(rule: &str) -> Vec<String> {
        let grammar = include_str!("../../grammar/kpi.pest");
        let start = grammar
            .find(&format!("\n{rule} = @{{"))
            .expect("rule in the grammar");
        let body = &grammar[start..];
        let end = body.find("!ident_char").expect("end of the rule");
        body[..end]
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn reserved_words_are_the_grammars() {
        assert_eq!(grammar_words("reserved"), RESERVED);
        assert_eq!(grammar_words("reserved_expr"), RESERVED_EXPR);
    }

    #[test]
    fn reserved_follows_pests_ordered_choice() {
        use super::super::parser::{KpiParser, Rule};
        use pest::Parser as _;
        let mut words: Vec<String> = RESERVED.iter().map(|w| w.to_string()).collect();
        for w in RESERVED {
            words.push(format!("{w}s"));
            words.push(format!("{w}_"));
            words.push(format!("{w}1"));
            words.push(format!("{w}-"));
            words.push(w[..w.len() - 1].to_string());
        }
        for w in &words {
            let pest = KpiParser::parse(Rule::reserved, w).is_ok();
            let p = Parser {
                src: w,
                b: w.as_bytes(),
                pos: 0,
                last: 0,
                file: FileId(0),
                base: 0,
                depth: 0,
            };
            assert_eq!(p.reserved_at(0, RESERVED), pest, "{w}");
        }
    }
}
