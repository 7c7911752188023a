//! A grammar-aware generator of `.kpi` models for the fuzzers.
//!
//! [`generate`] turns a stream of choices (any `u32`s; an exhausted stream
//! reads as zeros, so a shorter stream gives a smaller model) into a model
//! that is valid by construction: units, roles, sources with fields, metrics,
//! KPIs with every attribute, top-level targets, objectives with key results,
//! signals and chains, where every name is declared, every formula is typed
//! and fits its declared unit, bands read from low to high with the target in
//! green, and chains run from leading to lagging KPIs without cycles. The
//! layout is random: spaces and tabs, indentation or none, blank lines, LF,
//! CRLF or both, formulas over several lines, comments on their own line and
//! after code, and strings with escapes and non-ASCII text.
//!
//! Every token is recorded, so [`Model::broken`] gives slightly broken
//! variants: one token dropped, duplicated, or swapped with the next, or a
//! line end turned into a lone `\r`.
//!
//! The generator uses only the standard library: the proptest strategies
//! (`tests/common/mod.rs`) and a libFuzzer target can both drive it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::ops::Range;

/// A generated model: its text and where each token is.
#[derive(Clone, Debug)]
pub struct Model {
    pub text: String,
    pub tokens: Vec<Range<usize>>,
}

/// How to break a model: one token dropped, duplicated or swapped with the
/// next, or the line end after it made a lone `\r` (an old Mac line end).
#[derive(Clone, Copy, Debug)]
pub enum Break {
    Drop,
    Duplicate,
    Swap,
    LoneCr,
}

impl Model {
    /// The text with token `index` (modulo the number of tokens) broken.
    pub fn broken(&self, how: Break, index: usize) -> String {
        if self.tokens.is_empty() {
            return self.text.clone();
        }
        let i = index % self.tokens.len();
        let t = self.tokens[i].clone();
        let text = &self.text;
        match how {
            Break::Drop => format!("{}{}", &text[..t.start], &text[t.end..]),
            Break::Duplicate => format!(
                "{}{} {}{}",
                &text[..t.start],
                &text[t.clone()],
                &text[t.clone()],
                &text[t.end..]
            ),
            Break::Swap => match self.tokens.get(i + 1) {
                Some(u) => format!(
                    "{}{}{}{}{}",
                    &text[..t.start],
                    &text[u.clone()],
                    &text[t.end..u.start],
                    &text[t.clone()],
                    &text[u.end..]
                ),
                None => format!("{}{}", &text[..t.start], &text[t.end..]),
            },
            Break::LoneCr => match text[t.end..].find('\n') {
                Some(at) => {
                    let at = t.end + at;
                    let from = if text[..at].ends_with('\r') {
                        at - 1
                    } else {
                        at
                    };
                    format!("{}\r{}", &text[..from], &text[at + 1..])
                }
                None => text.clone(),
            },
        }
    }
}

/// Builds a valid model from a stream of choices.
pub fn generate(choices: &[u32]) -> Model {
    let mut g = Gen::new(choices);
    g.model();
    Model {
        text: g.out,
        tokens: g.tokens,
    }
}

// ---- the choice stream and the output ----------------------------------------------

struct Gen<'a> {
    choices: &'a [u32],
    at: usize,
    out: String,
    tokens: Vec<Range<usize>>,
    /// 0: LF, 1: CRLF, 2: both.
    line_ends: u32,
    /// The indentation of attributes in this model.
    indent: &'static str,
    /// The number of names handed out, to keep them unique.
    names: usize,
    currency: &'static str,
    /// Declared counting units.
    counts: Vec<String>,
    /// A declared multiple of the currency (`unit keur = 1000 EUR`).
    multiple: Option<String>,
    /// A declared base unit (`unit point`).
    base: Option<String>,
    roles: Vec<String>,
    sources: Vec<Source>,
    metrics: Vec<(String, Ty)>,
    kpis: Vec<Kpi>,
    /// Whether a KPI is the north star already (a model may have one).
    north_star: bool,
}

#[derive(Clone, Debug)]
struct Source {
    name: String,
    /// The unit of `count(source)`.
    rows: Ty,
    fields: Vec<(String, Field)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Bool,
    Text,
    Id,
    Money,
    Timestamp,
    Date,
    Hours,
    Base,
}

/// The unit of a value, as far as the generator needs to know it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ty {
    Money,
    /// A counting unit (`None`: the generic `count`).
    Count(Option<String>),
    /// Dimensionless.
    Ratio,
    Duration,
    /// Money per counting unit.
    MoneyPer(String),
    Base,
}

#[derive(Clone, Debug)]
struct Kpi {
    name: String,
    ty: Ty,
    /// `Some(true)`: leading; `Some(false)`: lagging; `None`: no kind.
    leading: Option<bool>,
    /// Where green lies: the lowest and highest green value (None: no bands).
    green: Option<(f64, f64)>,
}

const SPACES: &[&str] = &[" ", " ", " ", " ", "  ", "\t", " \t", "   "];
const INDENTS: &[&str] = &["  ", "  ", "    ", "\t", "", " "];
const WORDS: &[&str] = &[
    "Revenue",
    "growth",
    "the team",
    "per week",
    "Omzet",
    "é",
    "ß",
    "ü",
    "日本語",
    "€",
    "📈",
    "-",
    "42",
    "3,5",
    "//",
    "/* no */",
    "{",
    "}",
    "->",
    "<=",
    "kpi x {",
    "\\\"",
    "\\\\",
    "\\n",
    "\\t",
    "\\q",
    "\t",
    "'",
    "#",
    "%",
];
const COMMENT_WORDS: &[&str] = &[
    "note",
    "TODO",
    "é ü 日本",
    "\"quoted",
    "// twice",
    "kpi x {",
    "}",
    "📈",
    "\t",
    "-> x",
    "target 5%",
];
/// Prefixes of generated names: plain words, and words of the language that a
/// name may start with (`kpi3`, `by_1`), since a name is a word only as a whole.
const PREFIXES: &[&str] = &[
    "a", "x", "rev", "kpi", "unit", "role", "source", "by", "on", "as", "red", "to", "not", "_",
    "k_", "where", "chain", "target", "true", "count", "sum", "d",
];
const LINTS: &[&str] = &[
    "missing-backup",
    "KPI506",
    "missing-target",
    "missing-bands",
    "missing-kind",
    "missing-unit",
    "missing-deadline",
    "past-deadline",
    "unused-declaration",
    "kpi-count",
    "KPI519",
    "constant-formula",
    "unit-cast",
];
const TERMS: &[&str] = &[
    "5 d", "2 wk", "1 month", "3 months", "12 h", "1 year", "10d", "90 min",
];

impl<'a> Gen<'a> {
    fn new(choices: &'a [u32]) -> Self {
        Gen {
            choices,
            at: 0,
            out: String::new(),
            tokens: Vec::new(),
            line_ends: 0,
            indent: "  ",
            names: 0,
            currency: "EUR",
            counts: Vec::new(),
            multiple: None,
            base: None,
            roles: Vec::new(),
            sources: Vec::new(),
            metrics: Vec::new(),
            kpis: Vec::new(),
            north_star: false,
        }
    }

    /// The next choice, below `n` (0 when the stream is exhausted).
    fn pick(&mut self, n: usize) -> usize {
        let c = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        if n == 0 { 0 } else { c as usize % n }
    }

    /// True with probability `p` in 8 (false when the stream is exhausted).
    fn chance(&mut self, p: usize) -> bool {
        self.pick(8) >= 8 - p
    }

    fn one<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.pick(items.len())]
    }

    /// Writes a token.
    fn tok(&mut self, s: &str) {
        let start = self.out.len();
        self.out.push_str(s);
        self.tokens.push(start..self.out.len());
    }

    /// Writes text that is not a token (space, comments, line ends).
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Horizontal space.
    fn hsp(&mut self) {
        let s = self.one(SPACES);
        self.raw(s);
    }

    /// Space between two tokens: horizontal, or now and then a line break
    /// (an attribute or a declaration may go on over several lines).
    fn sp(&mut self) {
        if self.pick(40) == 39 {
            self.newline("      ");
        } else {
            self.hsp();
        }
    }

    /// Space next to punctuation (strings, braces, `:`, `=`, `,`, `->`,
    /// symbolic operators), where none is needed: sometimes none.
    fn tight(&mut self) {
        if !self.chance(2) {
            self.sp();
        }
    }

    /// A token after a space.
    fn sp_tok(&mut self, s: &str) {
        self.sp();
        self.tok(s);
    }

    /// Punctuation or a string, maybe right after the previous token.
    fn tight_tok(&mut self, s: &str) {
        self.tight();
        self.tok(s);
    }

    /// A keyword and its string value (`goal "..."`).
    fn kw_str(&mut self, kw: &str, s: &str) {
        self.tok(kw);
        self.tight();
        self.tok(s);
    }

    fn line_end(&mut self) {
        let crlf = match self.line_ends {
            0 => false,
            1 => true,
            _ => self.chance(4),
        };
        self.raw(if crlf { "\r\n" } else { "\n" });
    }

    fn comment_text(&mut self) -> String {
        let mut text = String::from("//");
        if self.chance(6) {
            text.push(' ');
        }
        for _ in 0..self.pick(4) {
            let w = self.one(COMMENT_WORDS);
            text.push_str(w);
            text.push(' ');
        }
        if self.chance(2) {
            text.push_str("  ");
        }
        text
    }

    /// The end of a line of code: maybe a trailing comment, then the line end,
    /// maybe blank lines and comments on their own lines, then `indent`.
    fn newline(&mut self, indent: &str) {
        if self.chance(1) {
            // (`/` and `//` would make a comment of the operator too.)
            if !self.chance(1) || self.out.ends_with('/') {
                self.hsp();
            }
            let c = self.comment_text();
            self.raw(&c);
        } else if self.chance(1) {
            self.hsp(); // trailing space
        }
        self.line_end();
        while self.chance(1) {
            if self.chance(4) {
                self.raw(indent);
                let c = self.comment_text();
                self.raw(&c);
            }
            self.line_end();
        }
        self.raw(indent);
    }

    /// Between two tokens of a formula: a space, or now and then a line break.
    fn formula_gap(&mut self) {
        if self.pick(16) == 15 {
            let indent = if self.chance(6) { "      " } else { "\t " };
            self.newline(indent);
        } else {
            self.hsp();
        }
    }

    /// A unique name.
    fn name(&mut self) -> String {
        self.names += 1;
        let prefix = self.one(PREFIXES);
        let sep = if self.chance(4) { "_" } else { "" };
        format!("{prefix}{sep}{}", self.names)
    }

    fn string(&mut self) -> String {
        let mut s = String::from("\"");
        for i in 0..1 + self.pick(5) {
            if i > 0 {
                s.push(' ');
            }
            let w = self.one(WORDS);
            s.push_str(w);
        }
        s.push('"');
        s
    }

    fn number(&mut self, value: f64) -> String {
        let mut s = format!("{value}");
        if value >= 1000.0 && value.fract() == 0.0 && self.chance(4) {
            // 1_000 grouping
            let digits = s.clone();
            let head = digits.len() % 3;
            s.clear();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (i + 3 - head) % 3 == 0 {
                    s.push('_');
                }
                s.push(ch);
            }
        }
        s
    }

    fn date(&mut self) -> String {
        format!(
            "{}-{:02}-{:02}",
            2020 + self.pick(16),
            1 + self.pick(12),
            1 + self.pick(28)
        )
    }

    // ---- the model ---------------------------------------------------------------

    fn model(&mut self) {
        self.line_ends = self.pick(3) as u32;
        self.indent = self.one(INDENTS);
        self.currency = self.one(&["EUR", "EUR", "USD", "€"]);
        if self.chance(2) {
            self.raw("\u{feff}");
        }
        if self.chance(4) {
            let c = self.comment_text();
            self.raw(&c);
            self.line_end();
        }
        self.units();
        self.roles();
        for _ in 0..1 + self.pick(3) {
            self.source();
        }
        for _ in 0..self.pick(4) {
            self.metric();
        }
        for _ in 0..1 + self.pick(5) {
            self.kpi();
        }
        for _ in 0..self.pick(3) {
            self.top_level_target();
        }
        for _ in 0..self.pick(3) {
            match self.pick(3) {
                0 => self.objective(),
                1 => self.signal(),
                _ => self.chain(),
            }
        }
        if self.chance(4) {
            self.chain();
        }
        if self.chance(2) {
            let c = self.comment_text();
            self.raw(&c);
        }
        if self.chance(1) {
            let code = self.out.trim_end_matches(['\n', '\r', ' ', '\t']).len();
            self.out.truncate(code);
        }
    }

    /// Ends a top-level item: a line end, maybe blank lines and comments.
    fn end_item(&mut self) {
        self.newline("");
        if self.chance(5) {
            self.line_end();
        }
    }

    fn units(&mut self) {
        for _ in 0..1 + self.pick(3) {
            let name = self.name();
            self.tok("unit");
            self.sp_tok(&name);
            self.tight_tok(":");
            self.tight_tok("count");
            self.counts.push(name);
            self.end_item();
        }
        if self.chance(3) {
            let name = self.name();
            self.tok("unit");
            self.sp_tok(&name);
            self.base = Some(name);
            self.end_item();
        }
        if self.currency != "€" && self.chance(3) {
            let name = self.name();
            self.tok("unit");
            self.sp_tok(&name);
            self.tight_tok("=");
            let q = format!("1000 {}", self.currency);
            self.tight_tok(&q);
            self.multiple = Some(name);
            self.end_item();
        }
    }

    fn roles(&mut self) {
        for _ in 0..2 + self.pick(4) {
            let name = self.name();
            self.tok("role");
            self.sp_tok(&name);
            if self.chance(6) {
                let title = self.string();
                self.sp_tok(&title);
            }
            self.roles.push(name);
            self.end_item();
        }
    }

    fn role(&mut self) -> String {
        let i = self.pick(self.roles.len());
        self.roles[i].clone()
    }

    fn title(&mut self) {
        if self.chance(6) {
            let t = self.string();
            self.tight_tok(&t);
        }
    }

    fn open_block(&mut self) {
        self.tight_tok("{");
        let indent = self.indent;
        self.newline(indent);
    }

    /// Ends an attribute line inside a block.
    fn next_attr(&mut self) {
        let indent = self.indent;
        self.newline(indent);
    }

    fn close_block(&mut self) {
        // `next_attr` has indented the line; a `}` may stand anywhere.
        self.tok("}");
        self.end_item();
    }

    fn keyword(&mut self, kw: &str) {
        self.tok(kw);
        self.sp();
    }

    fn source(&mut self) {
        let name = self.name();
        self.tok("source");
        self.sp_tok(&name);
        self.title();
        self.open_block();
        let rows = match self.pick(4) {
            0 => Ty::Count(None),
            _ if !self.counts.is_empty() => {
                let i = self.pick(self.counts.len());
                Ty::Count(Some(self.counts[i].clone()))
            }
            _ => Ty::Count(None),
        };
        let mut fields = vec![(self.name(), Field::Bool), (self.name(), Field::Money)];
        for k in [
            Field::Bool,
            Field::Money,
            Field::Timestamp,
            Field::Timestamp,
            Field::Text,
            Field::Date,
            Field::Date,
            Field::Id,
            Field::Hours,
            Field::Base,
        ] {
            if self.chance(3) && (k != Field::Base || self.base.is_some()) {
                fields.push((self.name(), k));
            }
        }
        self.shuffle(&mut fields);
        // The attributes, in a random order.
        let mut attrs: Vec<u8> = vec![0, 1, 2, 3, 4];
        attrs.extend(std::iter::repeat_n(5, fields.len()));
        self.shuffle(&mut attrs);
        let mut next_field = 0;
        for a in attrs {
            match a {
                0 if self.chance(6) => {
                    let r = self.role();
                    self.keyword("owner");
                    self.tok(&r);
                }
                1 => match &rows {
                    Ty::Count(Some(u)) => {
                        let u = u.clone();
                        self.keyword("rows");
                        self.tok(&u);
                    }
                    _ if self.chance(4) => {
                        self.keyword("rows");
                        self.tok("count");
                    }
                    _ => continue,
                },
                2 if self.chance(2) => {
                    let s = self.string();
                    self.kw_str("definition", &s);
                }
                3 if self.chance(2) => {
                    let s = self.string();
                    self.kw_str("notes", &s);
                }
                4 if self.chance(1) => self.allow(),
                5 => {
                    let (field, kind) = fields[next_field].clone();
                    next_field += 1;
                    self.keyword("field");
                    self.tok(&field);
                    self.tight_tok(":");
                    self.tight();
                    let ty = match kind {
                        Field::Bool => "bool".to_string(),
                        Field::Text => "text".to_string(),
                        Field::Id => "id".to_string(),
                        Field::Money => self.currency.to_string(),
                        Field::Timestamp => "timestamp".to_string(),
                        Field::Date => "date".to_string(),
                        Field::Hours => "h".to_string(),
                        Field::Base => self.base.clone().unwrap_or_default(),
                    };
                    self.tok(&ty);
                    if self.chance(2) {
                        let s = self.string();
                        self.tight_tok(&s);
                    }
                }
                _ => continue,
            }
            self.next_attr();
        }
        self.close_block();
        self.sources.push(Source { name, rows, fields });
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.pick(i + 1);
            items.swap(i, j);
        }
    }

    fn allow(&mut self) {
        self.keyword("allow");
        let l = self.one(LINTS);
        self.tok(l);
        for _ in 0..self.pick(3) {
            self.tok(",");
            self.tight();
            let l = self.one(LINTS);
            self.tok(l);
        }
    }

    fn metric(&mut self) {
        let name = self.name();
        let ty = self.ty();
        self.tok("metric");
        self.sp_tok(&name);
        if self.chance(5) {
            self.tight_tok("=");
            self.tight();
            self.expr(&ty, 3);
            self.end_item();
        } else {
            self.title();
            self.open_block();
            let mut attrs = [0u8, 1, 2, 3, 4, 5];
            self.shuffle(&mut attrs);
            for a in attrs {
                match a {
                    0 => {
                        self.keyword("formula");
                        self.expr(&ty, 3);
                    }
                    1 if self.chance(6) => self.unit_attr(&ty),
                    2 if self.chance(3) => {
                        let s = self.string();
                        self.kw_str("definition", &s);
                    }
                    3 if self.chance(3) => {
                        let s = self.string();
                        self.kw_str("notes", &s);
                    }
                    4 if self.chance(3) => {
                        let r = self.role();
                        self.keyword("owner");
                        self.tok(&r);
                    }
                    5 if self.chance(1) => self.allow(),
                    _ => continue,
                }
                self.next_attr();
            }
            self.close_block();
        }
        self.metrics.push((name, ty));
    }

    /// A type that this model can compute.
    fn ty(&mut self) -> Ty {
        match self.pick(8) {
            0 | 1 => Ty::Money,
            2 | 3 => Ty::Ratio,
            4 => Ty::Duration,
            5 => {
                let i = self.pick(self.sources.len());
                self.sources[i].rows.clone()
            }
            6 => {
                let i = self.pick(self.sources.len());
                match self.sources[i].rows.clone() {
                    Ty::Count(Some(u)) => Ty::MoneyPer(u),
                    _ => Ty::Money,
                }
            }
            _ if self.base.is_some() && self.has_field(Field::Base) => Ty::Base,
            _ => Ty::Ratio,
        }
    }

    fn has_field(&self, kind: Field) -> bool {
        self.sources
            .iter()
            .any(|s| s.fields.iter().any(|(_, k)| *k == kind))
    }

    /// The unit text for a type (what a KPI or metric declares).
    fn unit_text(&mut self, ty: &Ty) -> String {
        match ty {
            Ty::Money => match self.multiple.clone() {
                Some(m) if self.chance(2) => m,
                _ => self.currency.to_string(),
            },
            Ty::Count(Some(u)) => u.clone(),
            Ty::Count(None) => "count".to_string(),
            Ty::Ratio => self.one(&["%", "%", "1"]).to_string(),
            Ty::Duration => self.one(&["d", "h", "min", "wk", "s", "days"]).to_string(),
            Ty::MoneyPer(u) => {
                let slash = self.one(&[" / ", "/", " /", "\t/ "]);
                format!("{}{slash}{u}", self.currency)
            }
            Ty::Base => self.base.clone().unwrap_or_default(),
        }
    }

    fn unit_attr(&mut self, ty: &Ty) {
        let u = self.unit_text(ty);
        self.keyword("unit");
        self.tok(&u);
    }

    // ---- formulas ----------------------------------------------------------------

    /// A source with a field of this kind, and the field.
    fn field(&mut self, kind: Field) -> Option<(String, String)> {
        let with: Vec<usize> = (0..self.sources.len())
            .filter(|&i| self.sources[i].fields.iter().any(|(_, k)| *k == kind))
            .collect();
        if with.is_empty() {
            return None;
        }
        let i = with[self.pick(with.len())];
        let s = self.sources[i].clone();
        let fields: Vec<&String> = s
            .fields
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(n, _)| n)
            .collect();
        let f = fields[self.pick(fields.len())].clone();
        Some((s.name.clone(), f))
    }

    fn source_of(&self, name: &str) -> Source {
        self.sources
            .iter()
            .find(|s| s.name == name)
            .cloned()
            .unwrap_or_else(|| self.sources[0].clone())
    }

    /// A metric or earlier KPI of this type.
    fn reference(&mut self, ty: &Ty) -> Option<String> {
        let names: Vec<String> = self
            .metrics
            .iter()
            .filter(|(_, t)| t == ty)
            .map(|(n, _)| n.clone())
            .chain(
                self.kpis
                    .iter()
                    .filter(|k| &k.ty == ty)
                    .map(|k| k.name.clone()),
            )
            .collect();
        if names.is_empty() {
            None
        } else {
            Some(names[self.pick(names.len())].clone())
        }
    }

    fn call_open(&mut self, f: &str) {
        self.tok(f);
        self.tok("(");
        if self.chance(1) {
            self.sp();
        }
    }

    fn call_close(&mut self) {
        if self.chance(1) {
            self.sp();
        }
        self.tok(")");
    }

    fn op(&mut self, op: &str) {
        let symbol = !op.starts_with(|c: char| c.is_ascii_alphabetic());
        if !(symbol && self.chance(2)) {
            self.formula_gap();
        }
        self.tok(op);
        if !(symbol && self.chance(2)) {
            self.formula_gap();
        }
    }

    fn literal(&mut self, unit: &str) {
        let v = self.one(&["2", "0.5", "1_000", "100", "3", "12.75"]);
        let gap = if unit == "%" || self.chance(2) {
            ""
        } else {
            " "
        };
        let text = format!("{v}{gap}{unit}");
        self.tok(text.trim_end());
    }

    /// A formula of type `ty`, nested at most `depth` deep.
    fn expr(&mut self, ty: &Ty, depth: usize) {
        let deeper = depth > 0;
        if deeper && self.chance(3) {
            // A composite of two values of the same type, or a scaling.
            match self.pick(5) {
                0 | 1 => {
                    self.expr(ty, depth - 1);
                    let op = self.one(&["+", "-"]);
                    self.op(op);
                    self.expr(ty, depth - 1);
                }
                2 => {
                    self.expr(ty, depth - 1);
                    let op = self.one(&["*", "/"]);
                    self.op(op);
                    self.literal("");
                }
                3 => {
                    self.tok("(");
                    self.expr(ty, depth - 1);
                    self.tok(")");
                }
                _ => {
                    let f = self.one(&["min", "max"]);
                    self.call_open(f);
                    self.expr(ty, depth - 1);
                    self.tok(",");
                    self.formula_gap();
                    self.expr(ty, depth - 1);
                    self.call_close();
                }
            }
            return;
        }
        if self.chance(2)
            && let Some(r) = self.reference(ty)
        {
            if self.chance(2) {
                self.call_open("previous");
                self.tok(&r);
                self.tok(",");
                self.sp();
                let term = self.one(&["1 year", "4 wk", "3 months", "1 quarter"]);
                self.tok(term);
                self.call_close();
            } else {
                self.tok(&r);
            }
            return;
        }
        match ty {
            Ty::Money => self.money(depth),
            Ty::Count(rows) => self.count(rows.clone(), depth),
            Ty::Ratio => self.ratio(depth),
            Ty::Duration => self.duration(),
            Ty::MoneyPer(u) => {
                let u = u.clone();
                self.money(depth.saturating_sub(1));
                self.op("/");
                self.count(Some(u), depth.saturating_sub(1));
            }
            Ty::Base => match self.field(Field::Base) {
                Some((s, f)) => self.aggregate(&s, &f, Field::Base),
                None => self.literal(""),
            },
        }
    }

    fn money(&mut self, depth: usize) {
        match self.field(Field::Money) {
            Some((s, f)) if !self.chance(1) => self.aggregate(&s, &f, Field::Money),
            _ => {
                let c = self.currency;
                if depth > 0 && self.chance(4) {
                    // money times a ratio
                    self.tok("(");
                    self.money(0);
                    self.tok(")");
                    self.op("*");
                    self.tok("(");
                    self.ratio(0);
                    self.tok(")");
                } else {
                    self.literal(c);
                }
            }
        }
    }

    /// `sum(s.f)`, `avg(s.f - s.g where ...)`, ... over a numeric field.
    fn aggregate(&mut self, source: &str, field: &str, kind: Field) {
        let f = self.one(&["sum", "avg", "median", "min", "max", "sum"]);
        self.call_open(f);
        let src = self.source_of(source);
        let same: Vec<String> = src
            .fields
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(n, _)| n.clone())
            .collect();
        self.tok(&format!("{source}.{field}"));
        if self.chance(2) {
            let other = same[self.pick(same.len())].clone();
            let op = self.one(&["+", "-"]);
            self.op(op);
            self.tok(&format!("{source}.{other}"));
        } else if self.chance(1) {
            self.op("*");
            self.literal("");
        }
        if f != "min" && f != "max" || self.chance(4) {
            self.where_clause(&src);
        }
        self.call_close();
    }

    fn where_clause(&mut self, src: &Source) {
        if self.chance(3) {
            self.formula_gap();
            self.tok("where");
            self.formula_gap();
            self.condition(src, 2);
        }
    }

    /// A yes/no value over the rows of `src`.
    fn condition(&mut self, src: &Source, depth: usize) {
        if depth > 0 && self.chance(3) {
            match self.pick(3) {
                0 => {
                    self.condition(src, depth - 1);
                    let op = self.one(&["and", "or"]);
                    self.op(op);
                    self.condition(src, depth - 1);
                }
                1 => {
                    self.tok("not");
                    self.sp();
                    self.condition(src, depth - 1);
                }
                _ => {
                    self.tok("(");
                    self.condition(src, depth - 1);
                    self.tok(")");
                }
            }
            return;
        }
        let fields = src.fields.clone();
        let pick = self.pick(fields.len().max(1));
        let Some((f, kind)) = fields.get(pick) else {
            self.tok("true");
            return;
        };
        let field = format!("{}.{f}", src.name);
        let compare = self.one(&["=", "!=", "<", "<=", ">", ">="]);
        match kind {
            Field::Bool => {
                self.tok(&field);
                if self.chance(2) {
                    let op = self.one(&["=", "!="]);
                    self.op(op);
                    let v = self.one(&["true", "false"]);
                    self.tok(v);
                }
            }
            Field::Text | Field::Id => {
                self.tok(&field);
                let op = self.one(&["=", "!="]);
                self.op(op);
                let s = self.string();
                self.tok(&s);
            }
            Field::Money => {
                self.tok(&field);
                self.op(compare);
                let c = self.currency;
                self.literal(c);
            }
            Field::Hours => {
                self.tok(&field);
                self.op(compare);
                let u = self.one(&["h", "d", "min"]);
                self.literal(u);
            }
            Field::Timestamp | Field::Date | Field::Base => {
                let same: Vec<String> = fields
                    .iter()
                    .filter(|(_, k)| k == kind)
                    .map(|(n, _)| n.clone())
                    .collect();
                let other = same[self.pick(same.len())].clone();
                self.tok(&field);
                self.op(compare);
                self.tok(&format!("{}.{other}", src.name));
            }
        }
    }

    fn count(&mut self, rows: Option<String>, depth: usize) {
        let with: Vec<Source> = self
            .sources
            .iter()
            .filter(|s| s.rows == Ty::Count(rows.clone()))
            .cloned()
            .collect();
        if with.is_empty() {
            // No source counts in this unit (cannot happen for the types
            // `ty` hands out); a plain number keeps the formula typed.
            self.literal("");
            return;
        }
        let s = with[self.pick(with.len())].clone();
        self.call_open("count");
        self.tok(&s.name);
        if depth > 0 {
            self.where_clause(&s);
        }
        self.call_close();
    }

    fn ratio(&mut self, depth: usize) {
        match self.pick(5) {
            0 | 1 => {
                // a share of rows: count(s where ...) / count(s)
                let i = self.pick(self.sources.len());
                let s = self.sources[i].clone();
                self.call_open("count");
                self.tok(&s.name);
                self.where_clause(&s);
                self.call_close();
                self.op("/");
                self.call_open("count");
                self.tok(&s.name);
                self.call_close();
            }
            2 => {
                self.tok("(");
                self.money(depth.saturating_sub(1));
                self.tok(")");
                self.op("/");
                self.tok("(");
                self.money(depth.saturating_sub(1));
                self.tok(")");
            }
            3 if self.field(Field::Money).is_some() => {
                // a stated unit: (sum(s.f) / sum(s.g)) as %
                self.tok("(");
                self.tok("(");
                self.money(0);
                self.op("/");
                self.money(0);
                self.tok(")");
                self.sp_tok("as");
                self.sp_tok("1");
                self.tok(")");
            }
            _ => self.literal(""),
        }
    }

    fn duration(&mut self) {
        let pair = |g: &mut Self, kind: Field| -> Option<(String, String, String)> {
            let (s, f) = g.field(kind)?;
            let src = g.source_of(&s);
            let same: Vec<String> = src
                .fields
                .iter()
                .filter(|(_, k)| *k == kind)
                .map(|(n, _)| n.clone())
                .collect();
            let other = same[g.pick(same.len())].clone();
            Some((s, f, other))
        };
        let kind = self.one(&[Field::Timestamp, Field::Date, Field::Hours]);
        match (kind, pair(self, kind)) {
            (Field::Hours, Some((s, f, _))) => self.aggregate(&s, &f, Field::Hours),
            (_, Some((s, f, g))) => {
                let agg = self.one(&["avg", "median", "max", "min", "sum"]);
                self.call_open(agg);
                self.tok(&format!("{s}.{f}"));
                self.op("-");
                self.tok(&format!("{s}.{g}"));
                let src = self.source_of(&s);
                self.where_clause(&src);
                self.call_close();
            }
            _ => {
                let u = self.one(&["d", "h", "min", "wk"]);
                self.literal(u);
            }
        }
    }

    // ---- KPIs, targets, objectives, signals, chains ----------------------------------

    fn kpi(&mut self) {
        let name = self.name();
        let ty = self.ty();
        let leading = match self.pick(5) {
            0 => None,
            1 | 2 => Some(true),
            _ => Some(false),
        };
        self.tok("kpi");
        self.sp_tok(&name);
        self.title();
        self.open_block();
        // Bands: where green lies, and the thresholds.
        let shape = self.pick(4); // 0 higher, 1 lower, 2 range, 3 none
        let a = (1 + self.pick(40)) as f64;
        let b = a + (1 + self.pick(40)) as f64 + if self.chance(2) { 0.5 } else { 0.0 };
        let c = b + (1 + self.pick(40)) as f64;
        let d = c + (1 + self.pick(40)) as f64;
        let amber = !self.chance(2);
        let green = match shape {
            0 => Some(if amber {
                (b, f64::INFINITY)
            } else {
                (a, f64::INFINITY)
            }),
            1 => Some((f64::NEG_INFINITY, a)),
            2 => Some(if amber { (b, c) } else { (a, b) }),
            _ => None,
        };
        let target = match green {
            Some((lo, hi)) if lo.is_finite() && hi.is_finite() => lo,
            Some((lo, _)) if lo.is_finite() => lo + self.pick(10) as f64,
            Some((_, hi)) => (hi - self.pick(hi as usize) as f64).max(0.0),
            None => (self.pick(100)) as f64,
        };
        let declared = self.unit_text(&ty);
        let declares_unit = self.chance(7);
        // Values are in the KPI's unit: without a declared unit, bare numbers
        // (in the formula's unit) only.
        let unit = if declares_unit {
            declared.clone()
        } else {
            "1".to_string()
        };
        let mut attrs: Vec<u8> = (0..20).collect();
        self.shuffle(&mut attrs);
        // The formula must be generated before this KPI is visible to
        // references, and attributes are written in a random order.
        for attr in attrs {
            match attr {
                0 => {
                    let s = self.string();
                    self.kw_str("goal", &s);
                }
                1 if self.chance(3) => {
                    let s = self.string();
                    self.kw_str("definition", &s);
                }
                2 => {
                    self.keyword("formula");
                    self.expr(&ty, 3);
                }
                3 if declares_unit => {
                    self.keyword("unit");
                    self.tok(&declared);
                }
                4 if self.chance(4) => {
                    let t = self.one(&["strategic", "operational"]);
                    self.keyword("type");
                    self.tok(t);
                }
                5 => match leading {
                    Some(l) => {
                        self.keyword("kind");
                        self.tok(if l { "leading" } else { "lagging" });
                    }
                    None => continue,
                },
                6 => self.level(),
                7 if self.chance(4) => {
                    let p = self.one(&["financial", "customer", "internal", "learning"]);
                    self.keyword("perspective");
                    self.tok(p);
                }
                8 if self.chance(3) => {
                    let f = self.one(&[
                        "acquisition",
                        "activation",
                        "retention",
                        "referral",
                        "revenue",
                    ]);
                    self.keyword("funnel");
                    self.tok(f);
                }
                9 => {
                    let r = self.role();
                    self.keyword("owner");
                    self.tok(&r);
                }
                10 if self.chance(6) => {
                    let r = self.role();
                    self.keyword("backup");
                    self.tok(&r);
                }
                11 => {
                    let f = self.one(&["daily", "weekly", "monthly", "quarterly", "yearly"]);
                    self.keyword("frequency");
                    self.tok(f);
                }
                12 if self.chance(6) => {
                    self.keyword("target");
                    self.value(target, &unit);
                    if self.chance(6) {
                        self.sp_tok("by");
                        let d = self.date();
                        self.sp_tok(&d);
                    }
                }
                13 if green.is_some() => {
                    self.keyword("bands");
                    let t = |g: &mut Self, v: f64| g.value(v, &unit);
                    match (shape, amber) {
                        (0, true) => self.band_line(
                            &["red", "<", "", "<=", "amber", "<", "", "<=", "green"],
                            &[a, b],
                            t,
                        ),
                        (0, false) => self.band_line(&["red", "<", "", "<=", "green"], &[a], t),
                        (1, true) => self.band_line(
                            &["green", "<=", "", "<", "amber", "<=", "", "<", "red"],
                            &[a, b],
                            t,
                        ),
                        (1, false) => self.band_line(&["green", "<=", "", "<", "red"], &[a], t),
                        (_, true) => self.band_line(
                            &[
                                "red", "<", "", "<=", "amber", "<", "", "<=", "green", "<=", "",
                                "<", "amber", "<=", "", "<", "red",
                            ],
                            &[a, b, c, d],
                            t,
                        ),
                        (_, false) => self.band_line(
                            &["red", "<", "", "<=", "green", "<=", "", "<", "red"],
                            &[a, b],
                            t,
                        ),
                    }
                }
                14 => {
                    for _ in 0..self.pick(4) {
                        let colour = self.one(&["red", "red", "amber", "green"]);
                        self.keyword("on");
                        self.tok(colour);
                        let r = self.role();
                        self.sp_tok(&r);
                        let s = self.string();
                        self.tight_tok(&s);
                        if self.chance(5) {
                            self.sp_tok("within");
                            let term = self.one(TERMS);
                            self.sp_tok(term);
                        }
                        self.next_attr();
                    }
                    continue;
                }
                15 if self.chance(3) => {
                    let fields: Vec<String> = self
                        .sources
                        .iter()
                        .flat_map(|s| s.fields.iter().map(move |(f, _)| format!("{}.{f}", s.name)))
                        .collect();
                    self.keyword("segment");
                    self.tok("by");
                    self.sp();
                    let f = fields[self.pick(fields.len())].clone();
                    self.tok(&f);
                    for _ in 0..self.pick(3) {
                        self.tok(",");
                        self.tight();
                        let f = fields[self.pick(fields.len())].clone();
                        self.tok(&f);
                    }
                }
                16 if self.chance(3) => {
                    let s = self.string();
                    self.kw_str("notes", &s);
                }
                17 if self.chance(2) => {
                    let term = self.one(&["12 months", "12 wk", "1 year", "90 d", "4 quarters"]);
                    self.keyword("trend");
                    self.tok(term);
                }
                18 if self.chance(2) => {
                    let d = match shape {
                        0 => "higher",
                        1 => "lower",
                        2 => "range",
                        _ => self.one(&["higher", "lower", "range"]),
                    };
                    self.keyword("direction");
                    self.tok(d);
                }
                19 if self.chance(2) => {
                    if !self.north_star && self.chance(4) {
                        self.north_star = true;
                        self.tok("north_star");
                    } else {
                        self.allow();
                    }
                }
                _ => continue,
            }
            self.next_attr();
        }
        self.close_block();
        self.kpis.push(Kpi {
            name,
            ty,
            leading,
            green,
        });
    }

    /// Writes a band line: colours and operators from `shape`, where each ""
    /// is the next threshold.
    fn band_line(&mut self, shape: &[&str], thresholds: &[f64], value: impl Fn(&mut Self, f64)) {
        let mut next = thresholds.iter();
        for (i, part) in shape.iter().enumerate() {
            if i > 0 {
                self.tight();
            }
            if part.is_empty() {
                let v = *next.next().unwrap_or(&0.0);
                value(self, v);
            } else {
                self.tok(part);
            }
        }
    }

    /// A value in a KPI's unit: a bare number or the number with the unit.
    fn value(&mut self, v: f64, unit: &str) {
        let n = self.number(v);
        let text = if self.chance(5) || unit == "1" {
            n
        } else if unit == "%" {
            format!("{n}%")
        } else {
            let gap = if unit.contains('/') || unit.starts_with('_') || self.chance(6) {
                " "
            } else {
                ""
            };
            format!("{n}{gap}{unit}")
        };
        self.tok(&text);
    }

    fn some_kpi(&mut self) -> Kpi {
        let i = self.pick(self.kpis.len());
        self.kpis[i].clone()
    }

    fn top_level_target(&mut self) {
        let k = self.some_kpi();
        self.tok("target");
        self.sp_tok(&k.name);
        let v = match k.green {
            Some((lo, hi)) if lo.is_finite() => {
                if hi.is_finite() {
                    lo
                } else {
                    lo + 1.0
                }
            }
            Some((_, hi)) => (hi - 1.0).max(0.0),
            None => 5.0,
        };
        self.sp();
        let n = self.number(v);
        self.tok(&n);
        if self.chance(6) {
            self.sp_tok("by");
            let d = self.date();
            self.sp_tok(&d);
        }
        self.end_item();
    }

    fn level(&mut self) {
        self.keyword("level");
        match self.pick(3) {
            0 => self.tok("company"),
            1 => {
                self.tok("department");
                let s = self.string();
                self.tight_tok(&s);
            }
            _ => {
                self.tok("team");
                let s = self.string();
                self.tight_tok(&s);
            }
        }
    }

    fn objective(&mut self) {
        let name = self.name();
        self.tok("objective");
        self.sp_tok(&name);
        self.title();
        self.open_block();
        let mut attrs = [0u8, 1, 2, 3, 4, 5];
        self.shuffle(&mut attrs);
        for a in attrs {
            match a {
                0 if self.chance(6) => {
                    let r = self.role();
                    self.keyword("owner");
                    self.tok(&r);
                }
                1 => {
                    for _ in 0..1 + self.pick(3) {
                        let k = self.some_kpi();
                        let (from, to) = match k.green {
                            Some((lo, hi)) if lo.is_finite() && hi.is_finite() => (lo, hi),
                            Some((lo, _)) if lo.is_finite() => (lo, lo + 3.0),
                            Some((_, hi)) => (hi + 3.0, hi),
                            None => (1.0, 2.0),
                        };
                        self.keyword("key_result");
                        self.tok(&k.name);
                        self.sp_tok("from");
                        self.sp();
                        let from = self.number(from);
                        self.tok(&from);
                        self.sp_tok("to");
                        self.sp();
                        let to = self.number(to);
                        self.tok(&to);
                        if self.chance(6) {
                            self.sp_tok("by");
                            let d = self.date();
                            self.sp_tok(&d);
                        }
                        self.next_attr();
                    }
                    continue;
                }
                2 if self.chance(3) => {
                    let s = self.string();
                    self.kw_str("definition", &s);
                }
                3 if self.chance(3) => self.level(),
                4 if self.chance(3) => {
                    let s = self.string();
                    self.kw_str("notes", &s);
                }
                5 if self.chance(1) => self.allow(),
                _ => continue,
            }
            self.next_attr();
        }
        self.close_block();
    }

    fn signal(&mut self) {
        let name = self.name();
        self.tok("signal");
        self.sp_tok(&name);
        self.title();
        self.open_block();
        let mut attrs = [0u8, 1, 2, 3, 4, 5, 6, 7, 8];
        self.shuffle(&mut attrs);
        for a in attrs {
            match a {
                0 if self.chance(6) => {
                    let r = self.role();
                    self.keyword("owner");
                    self.tok(&r);
                }
                1 if self.chance(3) => {
                    let r = self.role();
                    self.keyword("backup");
                    self.tok(&r);
                }
                2..=4 if self.chance(3) => {
                    let kw = ["goal", "definition", "notes"][a as usize - 2];
                    let s = self.string();
                    self.kw_str(kw, &s);
                }
                5 if self.chance(3) => {
                    let f = self.one(&["daily", "weekly", "monthly", "quarterly", "yearly"]);
                    self.keyword("frequency");
                    self.tok(f);
                }
                6 if self.chance(3) => self.level(),
                7 if self.chance(3) => {
                    let p = self.one(&["financial", "customer", "internal", "learning"]);
                    self.keyword("perspective");
                    self.tok(p);
                }
                8 if self.chance(1) => self.allow(),
                _ => continue,
            }
            self.next_attr();
        }
        self.close_block();
    }

    /// A chain: paths from leading to lagging KPIs, in one fixed order of all
    /// KPIs (leading first, then by declaration), so no two paths make a cycle.
    fn chain(&mut self) {
        let mut order: Vec<(bool, usize)> = self
            .kpis
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.leading.map(|l| (!l, i)))
            .collect();
        order.sort();
        if order.len() < 2 {
            return;
        }
        let name = self.name();
        self.tok("chain");
        self.sp_tok(&name);
        self.title();
        self.open_block();
        for _ in 0..1 + self.pick(3) {
            let mut steps: Vec<usize> = (0..order.len()).filter(|_| self.chance(4)).collect();
            if steps.len() < 2 {
                steps = vec![0, order.len() - 1];
            }
            for (n, &s) in steps.iter().enumerate() {
                let kpi = self.kpis[order[s].1].name.clone();
                if n > 0 {
                    if self.pick(6) == 5 {
                        let indent = format!("{}{}", self.indent, self.indent);
                        self.newline(&indent);
                    } else {
                        self.tight();
                    }
                    self.tok("->");
                    self.tight();
                }
                self.tok(&kpi);
            }
            self.next_attr();
        }
        self.close_block();
    }
}

/// The text of a model, for messages.
pub fn describe(text: &str) -> String {
    let mut s = String::new();
    for (i, line) in text.split('\n').enumerate() {
        let _ = writeln!(s, "{:>4} | {line}", i + 1);
    }
    s
}
