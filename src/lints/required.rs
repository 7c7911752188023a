//! Attributes the definition template requires of every KPI (goal, formula,
//! frequency, owner, backup, action on red, ...). One table instead of one
//! file per attribute: every row is the same rule, "this attribute must be there".

use crate::ast::{Attrs, Colour, Kpi};
use crate::diagnostics::{Code, Diagnostic, codes};
use crate::model::Model;

struct Required {
    code: &'static Code,
    present: fn(&Attrs) -> bool,
    label: &'static str,
    help: &'static str,
}

const RULES: &[Required] = &[
    Required {
        code: &codes::MISSING_GOAL,
        present: |a| a.goal.is_some(),
        label: "this KPI does not say which goal it serves",
        help: "Add `goal \"...\"`: a KPI without a goal measures activity, not progress.",
    },
    Required {
        code: &codes::MISSING_FORMULA,
        present: |a| a.formula.is_some(),
        label: "this KPI has no formula",
        help: "Add `formula ...` over named data sources, e.g. `formula count(crm where crm.converted) / count(crm)`. Without one, everyone computes it differently.",
    },
    Required {
        code: &codes::MISSING_FREQUENCY,
        present: |a| a.frequency.is_some(),
        label: "how often is this measured?",
        help: "Add `frequency daily`, `weekly`, `monthly`, `quarterly` or `yearly`.",
    },
    Required {
        code: &codes::MISSING_OWNER,
        present: |a| a.owner.is_some(),
        label: "nobody owns this KPI",
        help: "Add `owner ROLE`: one person reports on it and acts when it turns red.",
    },
    Required {
        code: &codes::MISSING_BACKUP,
        present: |a| a.backup.is_some() || a.owner.is_none(),
        label: "no backup when the owner is away",
        help: "Add `backup ROLE` with a role other than the owner.",
    },
    Required {
        code: &codes::MISSING_ACTION,
        present: |a| a.actions.iter().any(|x| x.colour.value == Colour::Red),
        label: "what happens when this turns red?",
        help: "Add `on red ROLE \"what they do\" within 5 d`: a KPI without an action is not steered on.",
    },
    Required {
        code: &codes::MISSING_UNIT,
        present: |a| a.unit.is_some() || a.formula.is_none(),
        label: "in which unit is this reported?",
        help: "Add `unit ...` (e.g. `unit %`, `unit EUR / order`, `unit d`) so kpic can check the formula, target and bands against it.",
    },
    Required {
        code: &codes::MISSING_TARGET,
        present: |a| a.target.is_some(),
        label: "this KPI has no target",
        help: "Add `target VALUE by YYYY-MM-DD`: the value you want to reach, and by when.",
    },
    Required {
        code: &codes::MISSING_BANDS,
        present: |a| a.bands.is_some(),
        label: "when is this green, amber or red?",
        help: "Add `bands red < 20% <= amber < 28% <= green` (or lower-is-better: `green <= 2 d < amber <= 3 d < red`).",
    },
    Required {
        code: &codes::MISSING_KIND,
        present: |a| a.kind.is_some(),
        label: "leading or lagging?",
        help: "Add `kind leading` if it predicts a result you can still influence, or `kind lagging` if it reports the result.",
    },
];

pub fn check_required(m: &Model, diags: &mut Vec<Diagnostic>) {
    for k in &m.kpis {
        for rule in RULES {
            if !(rule.present)(&k.attrs) {
                diags.push(missing(k, rule));
            }
        }
        if let (Some(owner), Some(backup)) = (&k.attrs.owner, &k.attrs.backup)
            && owner.text == backup.text
        {
            diags.push(
                    Diagnostic::new(&codes::BACKUP_IS_OWNER, format!("`{}` is both owner and backup of `{}`", owner.text, k.name.text), backup.span, "the same role as the owner")
                        .with_label(owner.span, "owner")
                        .with_help("The backup takes over when the owner is away, so it must be someone else: name another role."),
                );
        }
    }
}

fn missing(k: &Kpi, rule: &Required) -> Diagnostic {
    let what = rule
        .code
        .slug
        .trim_start_matches("missing-")
        .replace('-', " ");
    Diagnostic::new(
        rule.code,
        format!("KPI `{}` has no {what}", k.name.text),
        k.name.span,
        rule.label,
    )
    .with_help(rule.help)
}
