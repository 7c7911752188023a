//! Parse errors in people's words.
//!
//! pest reports which grammar rules it expected; this module turns them into a
//! sentence such as "expected a unit such as EUR, % or d after `2.5`". Every
//! rule has a phrase (the match is exhaustive), so a new rule cannot leak its
//! internal name into a message.

use super::parser::Rule;

/// The words for one rule, or `None` for rules that never show up in errors.
pub fn phrase(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "the end of this declaration",
        WHITESPACE | COMMENT | hspace | reserved | reserved_expr | ident_char | item_only
        | item | attribute | primary | any_number | operand | prefix | infix | string_char => {
            return None;
        }
        kw_unit => "`unit`",
        kw_role => "`role`",
        kw_source => "`source`",
        kw_metric => "`metric`",
        kw_kpi => "`kpi`",
        kw_target => "`target`",
        kw_objective => "`objective`",
        kw_signal => "`signal`",
        kw_chain => "`chain`",
        kw_by | deadline => "`by` and a date",
        kw_within => "`within`",
        kw_where | where_clause => "`where`",
        kw_from => "`from`",
        kw_to => "`to`",
        kw_and => "`and`",
        kw_or => "`or`",
        kw_not => "`not`",
        kw_on | action_attr => "`on`",
        kw_segment | segment_attr => "`segment by`",
        kw_as => "`as`",
        ident | name | chain_path => "a name",
        slug => "a lint name such as `missing-backup`",
        string => "a text in quotes",
        string_text | string_end => "a closing `\"`",
        decimal_comma | number | literal => "a number",
        minus | neg => "`-`",
        date => "a date such as 2027-12-31",
        block_open | block => "`{`",
        block_close => "`}`",
        colon => "`:`",
        equals => "`=`",
        comma => "`,`",
        arrow => "`->`",
        unit_expr | unit_factor | unit_atom => "a unit such as EUR, % or d",
        unit_op | mul_op => "`*` or `/`",
        unit_power => "a whole number",
        quantity => "a value such as 30%, 2 d or 1.5 EUR",
        unit_decl | role_decl | source_decl | metric_decl | kpi_decl | target_decl
        | objective_decl | signal_decl | chain_decl => "a declaration",
        north_star_attr => "`north_star`",
        goal_attr | kw_goal => "`goal`",
        definition_attr | kw_definition => "`definition`",
        formula_attr | kw_formula => "`formula`",
        unit_attr => "`unit`",
        type_attr | kw_type => "`type`",
        kind_attr | kw_kind => "`kind`",
        level_attr | kw_level => "`level`",
        perspective_attr | kw_perspective => "`perspective`",
        funnel_attr | kw_funnel => "`funnel`",
        owner_attr | kw_owner => "`owner`",
        backup_attr | kw_backup => "`backup`",
        frequency_attr | kw_frequency => "`frequency`",
        target_attr => "`target`",
        bands_attr | kw_bands => "`bands`",
        band_step | band_op => "`<` or `<=`",
        band_colour => "a band colour (`red`, `amber` or `green`)",
        field_ref => "a field such as `source.field`",
        notes_attr | kw_notes => "`notes`",
        trend_attr | kw_trend => "`trend`",
        direction_attr | kw_direction => "`direction`",
        allow_attr | kw_allow => "`allow`",
        rows_attr | kw_rows => "`rows`",
        field_attr | kw_field => "`field`",
        key_result_attr | kw_key_result => "`key_result`",
        expr => "a formula",
        cast => "`as`",
        compare_op => "a comparison such as `=` or `<`",
        add_op => "`+` or `-`",
        paren => "`(`",
        paren_close => "`)`",
        call => "a function call",
    })
}

/// Rules that start an attribute inside a block.
pub fn is_attribute_start(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        north_star_attr
            | kw_goal
            | kw_definition
            | kw_formula
            | kw_unit
            | kw_type
            | kw_kind
            | kw_level
            | kw_perspective
            | kw_funnel
            | kw_owner
            | kw_backup
            | kw_frequency
            | kw_target
            | kw_bands
            | kw_on
            | kw_segment
            | kw_notes
            | kw_trend
            | kw_direction
            | kw_allow
            | kw_rows
            | kw_field
            | kw_key_result
    )
}

/// Rules that start a top-level declaration.
fn is_item_start(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        kw_unit
            | kw_role
            | kw_source
            | kw_metric
            | kw_kpi
            | kw_target
            | kw_objective
            | kw_signal
            | kw_chain
    )
}

/// Rules that start a value in a formula.
fn is_value_start(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        ident
            | name
            | field_ref
            | number
            | decimal_comma
            | literal
            | paren
            | call
            | neg
            | kw_not
            | string
    )
}

/// Rules that continue a formula after a complete value.
fn is_operator(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        add_op | mul_op | compare_op | kw_and | kw_or | kw_as | cast
    )
}

/// What the parser expected, in words, most useful first.
pub fn expected_phrases(positives: &[Rule]) -> Vec<&'static str> {
    let operators = positives.iter().filter(|r| is_operator(**r)).count();
    let attributes = positives.iter().filter(|r| is_attribute_start(**r)).count();
    let items = positives.iter().filter(|r| is_item_start(**r)).count();
    let values = positives.iter().filter(|r| is_value_start(**r)).count();
    let mut out: Vec<&'static str> = Vec::new();
    let push = |p: &'static str, out: &mut Vec<&'static str>| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    // Units first: after a number, a unit is the most likely thing meant.
    if positives
        .iter()
        .any(|r| matches!(r, Rule::unit_expr | Rule::unit_atom | Rule::unit_factor))
    {
        push("a unit such as EUR, % or d", &mut out);
    }
    if values >= 3 {
        push(
            "a value (a number, a name, a function call or `(`)",
            &mut out,
        );
    }
    if items >= 3 {
        push(
            "a declaration such as `kpi`, `metric`, `source` or `unit`",
            &mut out,
        );
    } else if attributes >= 3 {
        push(
            "an attribute such as `goal`, `formula`, `unit` or `owner`",
            &mut out,
        );
    }
    for rule in positives {
        let grouped = (attributes >= 3 && is_attribute_start(*rule))
            || (items >= 3 && is_item_start(*rule))
            || (values >= 3 && is_value_start(*rule))
            || (operators >= 3 && is_operator(*rule));
        if grouped {
            continue;
        }
        // `attribute` picks candidates by their first letter, so at a `}` that
        // could also have been an attribute, pest may have tried none of them.
        let in_attribute_block = *rule == Rule::block_close && !positives.contains(&Rule::ident);
        if in_attribute_block && attributes < 3 {
            push(
                "an attribute such as `goal`, `formula`, `unit` or `owner`",
                &mut out,
            );
        }
        if let Some(p) = phrase(*rule) {
            push(p, &mut out);
        }
    }
    if operators >= 3 {
        push("an operator such as `+` or `and`", &mut out);
    }
    out
}

/// "A, B or C".
pub fn join_or(phrases: &[&str]) -> String {
    match phrases {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// The attribute keywords, for did-you-mean on an unknown attribute.
pub const ATTRIBUTE_KEYWORDS: &[&str] = &[
    "north_star",
    "goal",
    "definition",
    "formula",
    "unit",
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
    "allow",
    "rows",
    "field",
    "key_result",
];

/// The top-level keywords, for did-you-mean on an unknown declaration.
pub use super::chunk::ITEM_KEYWORDS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_never_mention_rule_names() {
        for p in [
            Rule::unit_expr,
            Rule::block_close,
            Rule::quantity,
            Rule::deadline,
        ]
        .into_iter()
        .filter_map(phrase)
        {
            assert!(!p.contains('_') || p.contains("key_result") || p.contains("north_star"));
        }
    }

    #[test]
    fn joins_with_commas_and_or() {
        assert_eq!(join_or(&["a", "b", "c"]), "a, b or c");
        assert_eq!(join_or(&["a"]), "a");
    }
}
