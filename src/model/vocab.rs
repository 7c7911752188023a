//! The closed vocabularies of the KPI method: type, kind, level, perspective,
//! funnel stage, frequency and direction.

use crate::source::Span;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl $name {
            /// Every word, in the order the method lists them.
            pub const WORDS: &'static [&'static str] = &[$($word),*];
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn parse(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)*
                    _ => None,
                }
            }

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }
        }
    };
}

vocabulary! {
    /// Strategic KPIs steer on main goals; operational ones on processes.
    KpiType { Strategic = "strategic", Operational = "operational" }
}
vocabulary! {
    /// Leading KPIs predict; lagging KPIs report the result.
    Kind { Leading = "leading", Lagging = "lagging" }
}
vocabulary! {
    /// The level a KPI is steered at.
    LevelKind { Company = "company", Department = "department", Team = "team" }
}
vocabulary! {
    /// Balanced Scorecard perspectives.
    Perspective { Financial = "financial", Customer = "customer", Internal = "internal", Learning = "learning" }
}
vocabulary! {
    /// AARRR funnel stages.
    Funnel { Acquisition = "acquisition", Activation = "activation", Retention = "retention", Referral = "referral", Revenue = "revenue" }
}
vocabulary! {
    /// How often a KPI is measured.
    Frequency { Daily = "daily", Weekly = "weekly", Monthly = "monthly", Quarterly = "quarterly", Yearly = "yearly" }
}
vocabulary! {
    /// Which way is better.
    Direction { Higher = "higher", Lower = "lower", Range = "range" }
}

impl Frequency {
    /// Measurements per year, to compare how often two KPIs are measured.
    pub fn per_year(self) -> u32 {
        match self {
            Frequency::Daily => 365,
            Frequency::Weekly => 52,
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
            Frequency::Yearly => 1,
        }
    }
}

/// The level of a KPI: company, or a named department or team.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LevelKey {
    pub kind: LevelKind,
    pub group: Option<crate::ast::Str>,
}

impl LevelKey {
    /// "the company level", "department \"Sales\"", "team \"Checkout\"".
    pub fn label(&self) -> String {
        match &self.group {
            Some(g) => format!("{} \"{g}\"", self.kind.as_str()),
            None => "the company level".to_string(),
        }
    }
}

/// The vocabulary attributes of one KPI, read into enums.
#[derive(Clone, Debug, Default)]
pub struct KpiInfo {
    pub kpi_type: Option<KpiType>,
    pub kind: Option<Kind>,
    pub level: Option<LevelKey>,
    pub perspective: Option<Perspective>,
    pub funnel: Option<Funnel>,
    pub frequency: Option<Frequency>,
    pub direction: Option<(Direction, Span)>,
}
