//! The fixed text of the documentation in English and Dutch, and numbers and
//! dates written the way each language writes them. User text (titles, goals,
//! notes) is never translated: it is shown as written.

use crate::ast::Date;
use std::collections::BTreeMap;

/// The language of the generated documentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// The BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// The fixed text for a key; empty when it is unknown (a test checks
    /// that every key the templates use is in the table).
    pub fn text(self, key: &str) -> &'static str {
        match TEXTS.iter().find(|(k, _, _)| *k == key) {
            Some((_, en, nl)) => match self {
                Lang::En => en,
                Lang::Nl => nl,
            },
            None => "",
        }
    }

    /// Every fixed text, by key, for the templates.
    pub fn texts(self) -> BTreeMap<&'static str, &'static str> {
        TEXTS
            .iter()
            .map(|(k, en, nl)| (*k, if self == Lang::En { *en } else { *nl }))
            .collect()
    }

    /// A word of the method's vocabulary (`weekly`, `leading`, `green`, ...)
    /// in this language.
    pub fn word(self, word: &str) -> String {
        match self {
            Lang::En => word.to_string(),
            Lang::Nl => WORDS
                .iter()
                .find(|(en, _)| *en == word)
                .map_or_else(|| word.to_string(), |(_, nl)| (*nl).to_string()),
        }
    }

    /// A type as kpic describes it (`a yes/no value`, `text`, or a unit such
    /// as `EUR`, which stays as written).
    pub fn type_text(self, text: &str) -> String {
        match self {
            Lang::En => text.to_string(),
            Lang::Nl => TYPES
                .iter()
                .find(|(en, _)| *en == text)
                .map_or_else(|| text.to_string(), |(_, nl)| (*nl).to_string()),
        }
    }

    /// A plain number: `3.5` in English, `3,5` in Dutch; no noise digits.
    pub fn number(self, v: f64) -> String {
        let text = crate::units::dim::format_number(v);
        match self {
            Lang::En => text,
            Lang::Nl => text.replace('.', ","),
        }
    }

    /// A time span as written (`within 5 d`, `trend 12 months`), with Dutch
    /// number and unit words in Dutch output (`5 d`, `12 maanden`).
    pub fn span(self, q: &crate::ast::Quantity) -> String {
        let written = crate::ast::print::quantity_text(q);
        let (Lang::Nl, Some(u)) = (self, &q.unit) else {
            return written;
        };
        let [factor] = u.factors.as_slice() else {
            return written;
        };
        if factor.power != 1 || q.value.is_nan() {
            return written;
        }
        let one = q.value == 1.0;
        let word = match factor.name.text.as_str() {
            "month" | "months" => {
                if one {
                    "maand"
                } else {
                    "maanden"
                }
            }
            "quarter" | "quarters" => {
                if one {
                    "kwartaal"
                } else {
                    "kwartalen"
                }
            }
            "year" | "years" => "jaar",
            "wk" | "week" | "weeks" => {
                if one {
                    "week"
                } else {
                    "weken"
                }
            }
            "d" | "day" | "days" => {
                if one {
                    "dag"
                } else {
                    "dagen"
                }
            }
            "h" | "hour" | "hours" => "uur",
            "min" | "minute" | "minutes" => "min",
            "s" | "sec" | "second" | "seconds" => "s",
            _ => return written,
        };
        format!("{} {word}", self.number(q.value))
    }

    /// A date: `30 June 2027`, `30 juni 2027`.
    pub fn date(self, d: Date) -> String {
        let months = match self {
            Lang::En => MONTHS_EN,
            Lang::Nl => MONTHS_NL,
        };
        match months.get((d.month as usize).wrapping_sub(1)) {
            Some(m) => format!("{} {m} {}", d.day, d.year),
            None => d.to_string(),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// The method's vocabulary in Dutch.
const WORDS: &[(&str, &str)] = &[
    ("green", "groen"),
    ("amber", "oranje"),
    ("red", "rood"),
    ("strategic", "strategisch"),
    ("operational", "operationeel"),
    ("leading", "voorlopend"),
    ("lagging", "naijlend"),
    ("company", "bedrijf"),
    ("department", "afdeling"),
    ("team", "team"),
    ("financial", "financieel"),
    ("customer", "klant"),
    ("internal", "interne processen"),
    ("learning", "leren en groeien"),
    ("acquisition", "acquisitie"),
    ("activation", "activatie"),
    ("retention", "retentie"),
    ("referral", "doorverwijzing"),
    ("revenue", "omzet"),
    ("daily", "dagelijks"),
    ("weekly", "wekelijks"),
    ("monthly", "maandelijks"),
    ("quarterly", "per kwartaal"),
    ("yearly", "jaarlijks"),
    ("higher", "hoger"),
    ("lower", "lager"),
    ("range", "binnen de bandbreedte"),
    ("warning", "waarschuwing"),
    ("note", "opmerking"),
    ("error", "fout"),
];

/// How kpic describes a field or input type, in Dutch (units stay as written).
const TYPES: &[(&str, &str)] = &[
    ("a yes/no value", "ja/nee-waarde"),
    ("text", "tekst"),
    ("a date", "datum"),
    ("a point in time", "tijdstip"),
    ("an id", "id"),
    ("a plain number", "getal"),
    ("unknown", "onbekend"),
    ("rows", "rijen"),
];

/// (key, English, Dutch).
const TEXTS: &[(&str, &str, &str)] = &[
    (
        "intro",
        "KPI definitions generated by kpic. Every figure comes with its definition: goal, formula, owner, target and bands.",
        "KPI-definities, gegenereerd door kpic. Bij elk getal staat de definitie: doel, formule, eigenaar, streefwaarde en signaalwaarden.",
    ),
    ("files", "source files", "bronbestanden"),
    ("nav_overview", "Overview", "Overzicht"),
    ("nav_chains", "Cause and effect", "Oorzaak en gevolg"),
    (
        "nav_objectives",
        "Objectives and signals",
        "Doelstellingen en signalen",
    ),
    (
        "nav_sources",
        "Data sources and roles",
        "Databronnen en rollen",
    ),
    ("nav_glossary", "Glossary", "Begrippen"),
    ("scorecards", "Scorecards by level", "Scorecards per niveau"),
    (
        "scorecards_intro",
        "One view per audience: the board reads the company level, each department and team its own KPIs.",
        "Eén overzicht per doelgroep: de directie leest het bedrijfsniveau, elke afdeling en elk team de eigen KPI's.",
    ),
    ("company_level", "Company", "Bedrijf"),
    ("no_level", "No level", "Zonder niveau"),
    ("views", "Other views", "Andere overzichten"),
    (
        "by_perspective",
        "By Balanced Scorecard perspective",
        "Per Balanced Scorecard-perspectief",
    ),
    ("by_funnel", "By AARRR stage", "Per AARRR-fase"),
    ("by_owner", "By owner", "Per eigenaar"),
    ("none", "none", "geen"),
    ("kpi", "KPI", "KPI"),
    ("kind", "Kind", "Soort"),
    ("unit", "Unit", "Eenheid"),
    ("target", "Target", "Streefwaarde"),
    ("owner", "Owner", "Eigenaar"),
    ("backup", "Backup", "Vervanger"),
    ("frequency", "Frequency", "Meetfrequentie"),
    ("north_star", "north star", "noordster"),
    (
        "health",
        "Health of the KPI set",
        "Gezondheid van de KPI-set",
    ),
    (
        "health_intro",
        "How the KPI set measures up to the method: the number of KPIs per level against the guide's advice, the mix of leading and lagging KPIs, Balanced Scorecard coverage and open findings.",
        "Hoe de KPI-set zich verhoudt tot de methode: het aantal KPI's per niveau tegenover het advies, de mix van voorlopende en naijlende KPI's, de dekking van de Balanced Scorecard en openstaande bevindingen.",
    ),
    ("level", "Level", "Niveau"),
    ("kpis", "KPIs", "KPI's"),
    ("advised", "Advised", "Advies"),
    ("mix", "Leading / lagging", "Voorlopend / naijlend"),
    ("perspectives", "Perspectives", "Perspectieven"),
    ("warnings", "Warnings", "Waarschuwingen"),
    ("to", "to", "tot"),
    ("all_four", "all four", "alle vier"),
    ("missing", "missing", "ontbreekt"),
    (
        "steers_too_late",
        "all lagging: steers too late",
        "alleen naijlend: u stuurt te laat",
    ),
    ("too_few", "too few", "te weinig"),
    ("too_many", "too many", "te veel"),
    ("ok", "ok", "in orde"),
    (
        "funnel_stages",
        "AARRR stages without a KPI",
        "AARRR-fasen zonder KPI",
    ),
    ("findings", "Open findings", "Openstaande bevindingen"),
    (
        "no_findings",
        "No open findings.",
        "Geen openstaande bevindingen.",
    ),
    ("warning_one", "warning", "waarschuwing"),
    ("warning_many", "warnings", "waarschuwingen"),
    ("note_one", "note", "opmerking"),
    ("note_many", "notes", "opmerkingen"),
    ("in_model", "in the whole model", "in het hele model"),
    ("definition_card", "Definition", "Definitie"),
    ("name", "Name", "Naam"),
    ("goal", "Goal", "Doel"),
    ("definition", "Definition", "Definitie"),
    ("formula", "Formula", "Formule"),
    ("inputs", "Inputs", "Invoer"),
    ("data_sources", "Data sources", "Databronnen"),
    ("classification", "Classification", "Indeling"),
    ("perspective", "perspective", "perspectief"),
    ("funnel", "funnel", "funnel"),
    ("owner_backup", "Owner and backup", "Eigenaar en vervanger"),
    ("later_target", "Later target", "Latere streefwaarde"),
    ("by", "by", "uiterlijk"),
    ("no_deadline", "no deadline", "geen deadline"),
    ("deadline", "Deadline", "Deadline"),
    ("bands", "Bands", "Signaalwaarden"),
    ("is_better", "is better", "is beter"),
    ("actions", "Actions", "Acties"),
    ("on", "On", "Bij"),
    ("within", "within", "binnen"),
    ("segment_by", "Segmentation", "Segmentatie"),
    ("trend", "Trend window", "Trendvenster"),
    (
        "trend_default",
        "last 12 periods (not stated)",
        "laatste 12 perioden (niet opgegeven)",
    ),
    ("notes", "Notes", "Opmerkingen"),
    ("drives", "Drives", "Stuurt"),
    ("driven_by", "Driven by", "Wordt gestuurd door"),
    (
        "stated_with_as",
        "stated with `as`, not derived",
        "opgegeven met `as`, niet afgeleid",
    ),
    ("gauge_target", "target", "streefwaarde"),
    (
        "chains_intro",
        "Leading KPIs (left) predict the lagging KPIs (right) they drive.",
        "Voorlopende KPI's (links) voorspellen de naijlende KPI's (rechts) die ze sturen.",
    ),
    ("whole_graph", "All chains together", "Alle ketens samen"),
    (
        "no_chains",
        "The model has no chains.",
        "Het model heeft geen ketens.",
    ),
    ("objectives", "Objectives", "Doelstellingen"),
    ("key_results", "Key results", "Kernresultaten"),
    ("key_result", "Key result", "Kernresultaat"),
    ("from", "from", "van"),
    ("signals", "Signals", "Signalen"),
    (
        "signals_intro",
        "Qualitative input: context next to the KPIs, never steered on as a number.",
        "Kwalitatieve input: context naast de KPI's, nooit een getal om op te sturen.",
    ),
    (
        "no_objectives",
        "The model has no objectives.",
        "Het model heeft geen doelstellingen.",
    ),
    (
        "no_signals",
        "The model has no signals.",
        "Het model heeft geen signalen.",
    ),
    ("roles", "Roles", "Rollen"),
    ("role", "Role", "Rol"),
    ("title", "Title", "Titel"),
    ("field", "Field", "Veld"),
    ("type", "Type", "Type"),
    ("description", "Description", "Omschrijving"),
    ("rows", "Each row is one", "Elke rij is één"),
    ("used_by", "Used by", "Gebruikt door"),
    ("glossary", "Glossary", "Begrippen"),
    (
        "glossary_intro",
        "The method keeps these five apart.",
        "De methode houdt deze vijf begrippen uit elkaar.",
    ),
    ("example", "Example", "Voorbeeld"),
    (
        "generated",
        "Generated by kpic from the model's definitions.",
        "Gegenereerd door kpic uit de definities van het model.",
    ),
    ("back", "Back to the overview", "Terug naar het overzicht"),
];

/// The glossary of the guide: (term, what it is, example) per language.
pub fn glossary(lang: Lang) -> Vec<(&'static str, &'static str, &'static str)> {
    match lang {
        Lang::En => vec![
            ("Metric", "Any measurable number.", "Website visitors."),
            (
                "KPI",
                "The metric that directly shows progress on an important goal: with a goal, an exact formula, an owner and backup, a frequency, a target with a deadline, bands and an action on red.",
                "Conversion rate.",
            ),
            (
                "Target",
                "The desired value of a KPI, with a deadline. A target with no indicator behind it is a goal, not a KPI (an orphan target).",
                "Conversion rate to 3.2% by year end.",
            ),
            (
                "OKR (objective and key results)",
                "An ambition with measurable key results; each key result points at a KPI and moves it from one value to another.",
                "Gross margin from 42% to 47% in 12 months.",
            ),
            (
                "Signal",
                "Qualitative input such as interviews, NPS comments or sales notes: context next to the KPIs, never a KPI itself.",
                "NPS verbatims.",
            ),
        ],
        Lang::Nl => vec![
            ("Metric", "Elk meetbaar getal.", "Websitebezoekers."),
            (
                "KPI",
                "De metric die direct laat zien of een belangrijk doel dichterbij komt: met een doel, een exacte formule, een eigenaar en vervanger, een meetfrequentie, een streefwaarde met deadline, signaalwaarden en een actie bij rood.",
                "Conversieratio.",
            ),
            (
                "Streefwaarde (target)",
                "De gewenste waarde van een KPI, met een deadline. Een streefwaarde zonder indicator erachter is een doel, geen KPI (een weesdoel).",
                "Conversieratio naar 3,2% voor het einde van het jaar.",
            ),
            (
                "OKR (objective en key results)",
                "Een ambitie met meetbare kernresultaten; elk kernresultaat wijst naar een KPI en brengt die van de ene waarde naar de andere.",
                "Brutomarge van 42% naar 47% in 12 maanden.",
            ),
            (
                "Signaal",
                "Kwalitatieve input zoals interviews, NPS-opmerkingen of notities van sales: context naast de KPI's, zelf nooit een KPI.",
                "NPS-toelichtingen.",
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_spans_per_language() {
        let q = |text: &str, unit: &str| crate::ast::Quantity {
            value: text.parse().unwrap_or(0.0),
            text: text.to_string().into(),
            unit: crate::syntax::parse_unit(unit),
            span: crate::source::Span::default(),
        };
        assert_eq!(Lang::Nl.span(&q("12", "months")), "12 maanden");
        assert_eq!(Lang::Nl.span(&q("1", "month")), "1 maand");
        assert_eq!(Lang::Nl.span(&q("2.5", "d")), "2,5 dagen");
        assert_eq!(Lang::En.span(&q("12", "months")), "12 months");
    }

    #[test]
    fn numbers_and_dates_per_language() {
        assert_eq!(Lang::Nl.number(3.5), "3,5");
        assert_eq!(Lang::En.number(3.5), "3.5");
        let d = Date {
            year: 2027,
            month: 6,
            day: 30,
        };
        assert_eq!(Lang::En.date(d), "30 June 2027");
        assert_eq!(Lang::Nl.date(d), "30 juni 2027");
        assert_eq!(Lang::Nl.word("amber"), "oranje");
    }

    #[test]
    fn every_key_is_unique_and_translated() {
        for (i, (k, en, nl)) in TEXTS.iter().enumerate() {
            assert!(!en.is_empty() && !nl.is_empty(), "{k}");
            assert!(TEXTS[..i].iter().all(|(o, _, _)| o != k), "duplicate {k}");
        }
    }
}
