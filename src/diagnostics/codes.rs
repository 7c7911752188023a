//! The one registry of diagnostic codes.
//!
//! Every diagnostic kpic can report has an entry here: a stable code (`KPI` and
//! three digits, never reused), a slug for lint configuration, a default severity
//! and a one-line summary. Ranges: 0xx syntax, 1xx names, 2xx units, 3xx targets,
//! bands, objectives and chains, 5xx method lints, 9xx internal. The long
//! explanation of each code lives in `docs/diagnostics/KPIxxx.md`.

use super::Severity;

/// One diagnostic code.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub code: &'static str,
    pub slug: &'static str,
    pub default: Severity,
    pub summary: &'static str,
}

macro_rules! codes {
    ($( $name:ident = $code:literal, $slug:literal, $sev:ident, $summary:literal; )*) => {
        $( pub static $name: Code = Code {
            code: $code,
            slug: $slug,
            default: Severity::$sev,
            summary: $summary,
        }; )*
        /// Every code, in code order.
        pub static ALL: &[&Code] = &[$( &$name ),*];
    };
}

codes! {
    SYNTAX = "KPI001", "syntax-error", Error, "the text does not have the shape of a .kpi declaration";
    DECIMAL_COMMA = "KPI002", "decimal-comma", Error, "a number is written with a decimal comma";
    UNCLOSED_BLOCK = "KPI003", "unclosed-block", Error, "a block opened with `{` is never closed";
    TOO_DEEP = "KPI004", "nesting-too-deep", Error, "a formula is nested deeper than kpic allows";
    ATTRIBUTE_NOT_ALLOWED = "KPI005", "attribute-not-allowed", Error, "an attribute is used in a declaration that cannot have it";
    DUPLICATE_ATTRIBUTE = "KPI006", "duplicate-attribute", Error, "an attribute that may appear once is given twice";
    INVALID_DATE = "KPI007", "invalid-date", Error, "a date does not exist in the calendar";
    NOT_UTF8 = "KPI008", "not-utf8", Error, "a file is not UTF-8 text";
    EMPTY_FILE = "KPI009", "empty-file", Warning, "a file declares nothing";
    INVALID_NUMBER = "KPI010", "invalid-number", Error, "a number cannot be read";
    UNTERMINATED_STRING = "KPI011", "unterminated-string", Error, "a text in quotes is not closed on its line";

    UNKNOWN_ROLE = "KPI101", "unknown-role", Error, "a role is used but never declared";
    UNKNOWN_SOURCE = "KPI102", "unknown-source", Error, "a data source is used but never declared";
    UNKNOWN_FIELD = "KPI103", "unknown-field", Error, "a field is not declared in its data source";
    UNKNOWN_UNIT = "KPI104", "unknown-unit", Error, "a unit is neither built in nor declared";
    UNKNOWN_NAME = "KPI105", "unknown-name", Error, "a formula uses a name that is not a metric or KPI";
    UNKNOWN_KPI = "KPI106", "unknown-kpi", Error, "a target, key result or chain names something that does not exist";
    UNKNOWN_FUNCTION = "KPI107", "unknown-function", Error, "a formula calls a function kpic does not know";
    WRONG_KIND = "KPI108", "wrong-kind-of-name", Error, "a name is used where a different kind of thing is expected";
    DUPLICATE_DEFINITION = "KPI110", "duplicate-definition", Error, "two declarations share one name";
    DUPLICATE_FIELD = "KPI111", "duplicate-field", Error, "a data source declares the same field twice";
    RESERVED_NAME = "KPI112", "reserved-name", Error, "a declaration takes a name that is a word of the language";

    INCOMPATIBLE_UNITS = "KPI201", "incompatible-units", Error, "two values of different units are added, subtracted or compared";
    UNIT_MISMATCH = "KPI202", "unit-mismatch", Error, "the formula's unit is not the KPI's declared unit";
    VALUE_UNIT_MISMATCH = "KPI203", "value-unit-mismatch", Error, "a target, threshold or key result value has the wrong unit";
    NOT_A_NUMBER = "KPI204", "not-a-number", Error, "text, a yes/no value or a point in time is used as a number";
    BARE_FIELD = "KPI205", "bare-field", Error, "a field is used outside an aggregation";
    NESTED_AGGREGATION = "KPI206", "nested-aggregation", Error, "an aggregation is used inside another aggregation";
    MIXED_SOURCES = "KPI207", "mixed-sources", Error, "one aggregation reads fields of two data sources";
    NOT_A_CONDITION = "KPI208", "not-a-condition", Error, "a `where` condition is not a yes/no value";
    PERIOD_MISUSE = "KPI209", "period-misuse", Error, "a term, trend window or look-back period is not a span of time";
    WRONG_ARGUMENTS = "KPI210", "wrong-arguments", Error, "a function gets the wrong number or kind of arguments";
    DOUBLE_SCALING = "KPI211", "double-scaling", Warning, "a ratio is multiplied by 100 in a KPI already declared in %";
    CONSTANT_FORMULA = "KPI212", "constant-formula", Warning, "a formula always gives the same value";
    UNIT_CAST = "KPI213", "unit-cast", Note, "a unit is stated with `as` instead of derived";
    INVALID_UNIT_DECLARATION = "KPI214", "invalid-unit-declaration", Error, "a unit declaration cannot be used";

    BAND_OVERLAP = "KPI301", "band-overlap", Error, "a threshold belongs to two bands";
    BAND_GAP = "KPI302", "band-gap", Error, "a threshold belongs to no band";
    BAND_ORDER = "KPI303", "band-order", Error, "band thresholds do not increase from left to right";
    BAND_COLOURS = "KPI304", "band-colours", Error, "the colours of the bands are in an order that makes no sense";
    DIRECTION_MISMATCH = "KPI305", "direction-mismatch", Error, "the declared direction contradicts the bands";
    TARGET_OUTSIDE_GREEN = "KPI306", "target-outside-green", Error, "a KPI's target lies outside its green band";
    MISSING_DEADLINE = "KPI307", "missing-deadline", Warning, "a target has no deadline";
    ORPHAN_TARGET = "KPI308", "orphan-target", Error, "a target names something that is not a KPI";
    MILESTONE_OUTSIDE_GREEN = "KPI309", "milestone-outside-green", Warning, "a separate target lies outside the KPI's green band";
    PAST_DEADLINE = "KPI310", "past-deadline", Note, "a target's deadline has passed";
    ORPHAN_KEY_RESULT = "KPI311", "orphan-key-result", Error, "a key result names something that is not a KPI";
    KEY_RESULT_WRONG_WAY = "KPI312", "key-result-wrong-way", Warning, "a key result moves its KPI the wrong way";
    SIGNAL_WITH_TARGET = "KPI313", "signal-with-target", Error, "a signal carries a target, bands or a formula";
    NOT_A_KPI_IN_CHAIN = "KPI314", "chain-not-kpi", Error, "a chain names a metric, signal or other non-KPI";
    LAGGING_DRIVES_LEADING = "KPI315", "lagging-drives-leading", Error, "a chain goes from a lagging KPI to a leading one";
    CHAIN_CYCLE = "KPI316", "chain-cycle", Error, "the chains form a cycle";
    PREDICTS_NOTHING = "KPI317", "predicts-nothing", Warning, "a leading KPI reaches no lagging KPI";
    LEADING_TOO_SLOW = "KPI318", "leading-too-slow", Warning, "a leading KPI is measured less often than the KPI it predicts";
    SHORT_CHAIN = "KPI319", "short-chain", Error, "a chain has a single step";
    FORMULA_CYCLE = "KPI320", "formula-cycle", Error, "metrics or KPIs are defined through themselves";
    BAND_OPERATOR = "KPI321", "band-operator", Error, "bands use `>` or `>=` instead of reading from low to high";

    MISSING_GOAL = "KPI501", "missing-goal", Error, "a KPI does not say which goal it serves";
    MISSING_FORMULA = "KPI502", "missing-formula", Error, "a KPI has no formula: a vague statement, not a KPI";
    MISSING_ACTION = "KPI503", "missing-action-on-red", Warning, "a KPI says nothing about what happens on red";
    MISSING_FREQUENCY = "KPI504", "missing-frequency", Error, "a KPI has no measurement frequency";
    MISSING_OWNER = "KPI505", "missing-owner", Error, "a KPI has no owner";
    MISSING_BACKUP = "KPI506", "missing-backup", Warning, "a KPI has no backup owner";
    BACKUP_IS_OWNER = "KPI507", "backup-is-owner", Warning, "a KPI's backup is its owner";
    KPI_COUNT = "KPI509", "kpi-count", Warning, "a level has more or fewer KPIs than the guide advises";
    ALL_LAGGING = "KPI510", "all-lagging", Warning, "every KPI of a level is lagging: you steer too late";
    PERSPECTIVE_GAP = "KPI511", "perspective-gap", Warning, "the company level leaves a Balanced Scorecard perspective empty";
    MULTIPLE_NORTH_STARS = "KPI512", "multiple-north-stars", Error, "more than one KPI is marked as north star";
    NORTH_STAR_PLACEMENT = "KPI513", "north-star-placement", Warning, "the north star is not a lagging company-level KPI";
    DUPLICATE_FORMULA = "KPI514", "duplicate-formula", Warning, "two KPIs compute the same formula under different names";
    UNUSED = "KPI515", "unused-declaration", Warning, "a metric, role, unit or source is declared but never used";
    UNKNOWN_VOCABULARY = "KPI516", "unknown-vocabulary", Error, "a type, kind, level, perspective, funnel stage, frequency or direction is not one kpic knows";
    FUNNEL_GAP = "KPI517", "funnel-gap", Note, "the AARRR funnel misses a stage";
    MISSING_UNIT = "KPI518", "missing-unit", Warning, "a KPI does not declare its unit";
    MISSING_TARGET = "KPI519", "missing-target", Warning, "a KPI has no target";
    MISSING_BANDS = "KPI520", "missing-bands", Warning, "a KPI has no green/amber/red bands";
    UNKNOWN_LINT = "KPI521", "unknown-lint", Error, "a lint name or code is not known";
    MISSING_KIND = "KPI522", "missing-kind", Warning, "a KPI does not say whether it is leading or lagging";

    INTERNAL = "KPI901", "internal-error", Error, "kpic met a situation it should have prevented";
}

/// Looks a code up by its code (`KPI201`, case-insensitive) or slug.
pub fn lookup(name: &str) -> Option<&'static Code> {
    let bare = name.len() == 3 && name.bytes().all(|b| b.is_ascii_digit());
    ALL.iter().copied().find(|c| {
        c.code.eq_ignore_ascii_case(name) || c.slug == name || (bare && &c.code[3..] == name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_slugs_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut slugs = HashSet::new();
        for c in ALL {
            assert!(codes.insert(c.code), "code {} used twice", c.code);
            assert!(slugs.insert(c.slug), "slug {} used twice", c.slug);
            assert!(c.code.len() == 6 && c.code.starts_with("KPI"));
            assert!(c.code[3..].chars().all(|d| d.is_ascii_digit()));
            assert!(!c.summary.ends_with('.'));
        }
    }
}
