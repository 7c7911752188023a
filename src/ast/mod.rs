//! The syntax tree: what a file says, shaped like the text, with a span on every
//! node and every name. No pest types here; built by `syntax::lower`.

mod expr;
pub mod print;
pub use expr::*;

use crate::source::{FileId, Span};

/// Text of the syntax tree: names, strings and numbers as written. Most are
/// short, and a string of up to 24 bytes is stored inline, without an
/// allocation of its own: a model has millions of them.
pub type Str = compact_str::CompactString;

/// A name as written, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: Str,
    pub span: Span,
}

/// A value with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A text in quotes, unescaped.
pub type Text = Spanned<Str>;

/// One parsed file.
#[derive(Clone, Debug, Default)]
pub struct File {
    pub id: FileId,
    pub items: Vec<Item>,
    /// Names declared by items that could not be parsed: references to them
    /// are not reported again as unknown.
    pub broken: Vec<Name>,
}

/// A top-level declaration.
#[derive(Clone, Debug)]
pub enum Item {
    Unit(UnitDecl),
    Role(Role),
    Source(Source),
    Metric(Metric),
    Kpi(Kpi),
    Target(Target),
    Objective(Objective),
    Signal(Signal),
    Chain(Chain),
}

/// A unit as written: `EUR / session`, `%`, `min / piece`, `m^2`.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitExpr {
    /// Factors with their powers, e.g. `EUR / session` is `[(EUR, 1), (session, -1)]`.
    pub factors: Vec<UnitFactor>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnitFactor {
    pub name: Name,
    pub power: i32,
}

/// A number with an optional unit, as in targets and bands: `2.40 EUR/session`.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// The value; NaN when the number could not be read (already reported).
    pub value: f64,
    /// The number exactly as written (for docs and the formatter).
    pub text: Str,
    pub unit: Option<UnitExpr>,
    pub span: Span,
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Whether the date exists in the calendar (an invalid one was reported).
    pub fn is_valid(&self) -> bool {
        let days = match self.month {
            2 if (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => 0,
        };
        (1..=days).contains(&self.day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `unit order: count`, `unit point`, `unit kEUR = 1000 EUR`.
#[derive(Clone, Debug)]
pub struct UnitDecl {
    pub name: Name,
    pub def: UnitDef,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum UnitDef {
    /// `unit point`: a new base unit.
    Base,
    /// `unit order: count`: a counting unit (the name after the colon).
    Kind(Name),
    /// `unit kEUR = 1000 EUR`.
    Alias(Quantity),
}

/// `role cfo "CFO"`.
#[derive(Clone, Debug)]
pub struct Role {
    pub name: Name,
    pub title: Option<Text>,
    pub span: Span,
}

/// `source name "Title" { ... }`.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: Name,
    pub title: Option<Text>,
    pub attrs: Box<Attrs>,
    pub span: Span,
}

/// `field name: TYPE "description"`.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: Name,
    pub ty: UnitExpr,
    pub description: Option<Text>,
    pub span: Span,
}

/// `metric name = expr` or `metric name "Title" { ... }`.
#[derive(Clone, Debug)]
pub struct Metric {
    pub name: Name,
    pub title: Option<Text>,
    pub attrs: Box<Attrs>,
    /// Whether it was written in the short `metric name = expr` form.
    pub short_form: bool,
    pub span: Span,
}

/// `kpi name "Title" { ... }`.
#[derive(Clone, Debug)]
pub struct Kpi {
    pub name: Name,
    pub title: Option<Text>,
    pub attrs: Box<Attrs>,
    pub span: Span,
}

/// `signal name "Title" { ... }`.
#[derive(Clone, Debug)]
pub struct Signal {
    pub name: Name,
    pub title: Option<Text>,
    pub attrs: Box<Attrs>,
    pub span: Span,
}

/// `objective name "Title" { ... }`.
#[derive(Clone, Debug)]
pub struct Objective {
    pub name: Name,
    pub title: Option<Text>,
    pub attrs: Box<Attrs>,
    pub span: Span,
}

/// A top-level `target kpi 2.60 EUR/session by 2028-12-31`.
#[derive(Clone, Debug)]
pub struct Target {
    pub kpi: Name,
    pub goal: TargetValue,
    pub span: Span,
}

/// A target value with its optional deadline.
#[derive(Clone, Debug)]
pub struct TargetValue {
    pub value: Quantity,
    pub deadline: Option<Spanned<Date>>,
    pub span: Span,
}

/// `key_result kpi from 42% to 47% by 2027-12-31`.
#[derive(Clone, Debug)]
pub struct KeyResult {
    pub kpi: Name,
    pub from: Quantity,
    pub to: Quantity,
    pub deadline: Option<Spanned<Date>>,
    pub span: Span,
}

/// `chain name "Title" { a -> b -> c }`.
#[derive(Clone, Debug)]
pub struct Chain {
    pub name: Name,
    pub title: Option<Text>,
    /// Each line of the chain: the KPI names joined by `->`.
    pub paths: Vec<Vec<Name>>,
    pub span: Span,
}

/// A band colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Colour {
    Red,
    Amber,
    Green,
}

impl Colour {
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Red => "red",
            Colour::Amber => "amber",
            Colour::Green => "green",
        }
    }
}

/// A comparison operator between bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandOp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl BandOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BandOp::Lt => "<",
            BandOp::Le => "<=",
            BandOp::Gt => ">",
            BandOp::Ge => ">=",
        }
    }
}

/// `bands red < 20% <= amber < 28% <= green`.
#[derive(Clone, Debug)]
pub struct Bands {
    pub first: Spanned<Colour>,
    pub steps: Vec<BandStep>,
    pub span: Span,
}

/// `< 20% <= amber`: a threshold and the band after it.
#[derive(Clone, Debug)]
pub struct BandStep {
    pub left: Spanned<BandOp>,
    pub threshold: Quantity,
    pub right: Spanned<BandOp>,
    pub colour: Spanned<Colour>,
}

/// `on red cro "runs a review" within 5 d`.
#[derive(Clone, Debug)]
pub struct Action {
    pub colour: Spanned<Colour>,
    pub actor: Name,
    pub task: Text,
    pub within: Option<Quantity>,
    pub span: Span,
}

/// `level company`, `level department "Sales"`.
#[derive(Clone, Debug)]
pub struct Level {
    pub kind: Name,
    pub group: Option<Text>,
    pub span: Span,
}

/// The attributes of a block, each with its span. Attributes that may appear
/// once are `Option`s; the lowering reports a second occurrence.
/// Which attributes a kind of declaration may have is checked in `resolve`.
#[derive(Clone, Debug, Default)]
pub struct Attrs {
    pub north_star: Option<Span>,
    pub goal: Option<Text>,
    pub definition: Option<Text>,
    pub formula: Option<Spanned<Expr>>,
    pub unit: Option<UnitExpr>,
    pub kpi_type: Option<Name>,
    pub kind: Option<Name>,
    pub level: Option<Level>,
    pub perspective: Option<Name>,
    pub funnel: Option<Name>,
    pub owner: Option<Name>,
    pub backup: Option<Name>,
    pub frequency: Option<Name>,
    pub target: Option<TargetValue>,
    pub bands: Option<Bands>,
    pub actions: Vec<Action>,
    pub segment_by: Vec<FieldRef>,
    pub notes: Option<Text>,
    pub trend: Option<Quantity>,
    pub direction: Option<Name>,
    pub allow: Vec<Name>,
    pub rows: Option<Name>,
    pub fields: Vec<Field>,
    pub key_results: Vec<KeyResult>,
    /// Every attribute as written: its keyword and span, in source order.
    pub written: Vec<(AttrKind, Span)>,
}

/// The keyword of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttrKind {
    NorthStar,
    Goal,
    Definition,
    Formula,
    Unit,
    Type,
    Kind,
    Level,
    Perspective,
    Funnel,
    Owner,
    Backup,
    Frequency,
    Target,
    Bands,
    Action,
    Segment,
    Notes,
    Trend,
    Direction,
    Allow,
    Rows,
    Field,
    KeyResult,
}

impl AttrKind {
    /// The keyword as written in a file.
    pub fn keyword(self) -> &'static str {
        match self {
            AttrKind::NorthStar => "north_star",
            AttrKind::Goal => "goal",
            AttrKind::Definition => "definition",
            AttrKind::Formula => "formula",
            AttrKind::Unit => "unit",
            AttrKind::Type => "type",
            AttrKind::Kind => "kind",
            AttrKind::Level => "level",
            AttrKind::Perspective => "perspective",
            AttrKind::Funnel => "funnel",
            AttrKind::Owner => "owner",
            AttrKind::Backup => "backup",
            AttrKind::Frequency => "frequency",
            AttrKind::Target => "target",
            AttrKind::Bands => "bands",
            AttrKind::Action => "on",
            AttrKind::Segment => "segment by",
            AttrKind::Notes => "notes",
            AttrKind::Trend => "trend",
            AttrKind::Direction => "direction",
            AttrKind::Allow => "allow",
            AttrKind::Rows => "rows",
            AttrKind::Field => "field",
            AttrKind::KeyResult => "key_result",
        }
    }

    /// Whether the attribute may be given more than once in a block.
    pub fn repeatable(self) -> bool {
        matches!(
            self,
            AttrKind::Action
                | AttrKind::Field
                | AttrKind::KeyResult
                | AttrKind::Allow
                | AttrKind::Segment
        )
    }
}

/// `source.field`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    pub source: Name,
    pub field: Name,
    pub span: Span,
}

impl Item {
    /// The declared name and its span, for items that declare one.
    pub fn name(&self) -> &Name {
        match self {
            Item::Unit(x) => &x.name,
            Item::Role(x) => &x.name,
            Item::Source(x) => &x.name,
            Item::Metric(x) => &x.name,
            Item::Kpi(x) => &x.name,
            Item::Target(x) => &x.kpi,
            Item::Objective(x) => &x.name,
            Item::Signal(x) => &x.name,
            Item::Chain(x) => &x.name,
        }
    }
}
