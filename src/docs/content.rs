//! The shape of the documentation's content: plain data in one language,
//! built by `view` and rendered by the templates. Fields hold display text
//! (fixed text already translated, user text as written, nothing escaped).

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct Site {
    pub lang: &'static str,
    pub t: BTreeMap<&'static str, &'static str>,
    pub model: String,
    pub files: usize,
    pub levels: Vec<Group>,
    pub by_perspective: Vec<Group>,
    pub by_funnel: Vec<Group>,
    pub by_owner: Vec<Group>,
    pub health: Health,
    pub kpis: Vec<KpiCard>,
    /// The whole cause -> effect graph (empty when the model has no chains).
    pub graph_svg: String,
    pub graph_mermaid: String,
    pub chains: Vec<ChainView>,
    pub objectives: Vec<ObjectiveView>,
    pub signals: Vec<SignalView>,
    pub sources: Vec<SourceView>,
    pub roles: Vec<RoleView>,
    pub glossary: Vec<Term>,
}

/// A link to a KPI: its page (HTML) and its anchor (Markdown).
#[derive(Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub href: String,
    pub anchor: String,
}

/// A role as written: its name and title.
#[derive(Clone, Serialize)]
pub struct Person {
    pub name: String,
    pub title: Option<String>,
}

/// A KPI as a row of a scorecard.
#[derive(Clone, Serialize)]
pub struct Row {
    pub link: Link,
    pub north_star: bool,
    pub kind: String,
    /// `leading` or `lagging` (or empty), for styling.
    pub kind_class: &'static str,
    pub unit: String,
    pub target: String,
    pub owner: String,
    pub frequency: String,
    pub bands: String,
    /// A small gauge of the bands (SVG), empty without sound bands.
    pub gauge: String,
}

#[derive(Serialize)]
pub struct Group {
    pub title: String,
    pub id: String,
    pub kpis: Vec<Row>,
}

#[derive(Serialize)]
pub struct Health {
    pub levels: Vec<HealthRow>,
    pub funnel_gaps: Vec<String>,
    pub findings: Vec<Finding>,
    /// "8 warnings, 1 note".
    pub summary: String,
}

#[derive(Serialize)]
pub struct HealthRow {
    pub level: String,
    pub count: usize,
    pub count_ok: bool,
    pub count_word: String,
    pub advised: String,
    pub leading: usize,
    pub lagging: usize,
    pub all_lagging: bool,
    pub perspectives: String,
    pub perspectives_ok: bool,
    pub warnings: usize,
}

#[derive(Serialize)]
pub struct Finding {
    pub severity: String,
    pub class: &'static str,
    pub code: &'static str,
    pub message: String,
    pub place: String,
}

#[derive(Serialize)]
pub struct Input {
    pub name: String,
    pub unit: String,
}

#[derive(Serialize)]
pub struct SourceRef {
    pub title: String,
    pub name: String,
    pub owner: Option<Person>,
}

#[derive(Serialize)]
pub struct ActionView {
    pub colour: &'static str,
    pub colour_word: String,
    pub actor: Person,
    pub task: String,
    pub within: Option<String>,
}

#[derive(Serialize)]
pub struct KpiCard {
    pub name: String,
    pub link: Link,
    pub north_star: bool,
    pub level: String,
    pub goal: Option<String>,
    pub definition: Option<String>,
    pub formula: Option<String>,
    pub inputs: Vec<Input>,
    pub sources: Vec<SourceRef>,
    pub unit: Option<String>,
    pub classification: Vec<String>,
    pub frequency: Option<String>,
    pub owner: Option<Person>,
    pub backup: Option<Person>,
    pub target: Option<String>,
    pub later_targets: Vec<String>,
    pub bands: Option<String>,
    pub gauge: Option<String>,
    pub actions: Vec<ActionView>,
    pub segment_by: Vec<String>,
    pub trend: Option<String>,
    pub notes: Option<String>,
    pub drives: Vec<Link>,
    pub driven_by: Vec<Link>,
}

#[derive(Serialize)]
pub struct ChainView {
    pub name: String,
    pub title: String,
    pub paths: Vec<String>,
    pub svg: String,
    pub mermaid: String,
}

#[derive(Serialize)]
pub struct KeyResultView {
    pub kpi: Link,
    pub from: String,
    pub to: String,
    pub deadline: Option<String>,
}

#[derive(Serialize)]
pub struct ObjectiveView {
    pub name: String,
    pub title: String,
    pub owner: Option<Person>,
    pub key_results: Vec<KeyResultView>,
    pub sources: Vec<SourceRef>,
}

#[derive(Serialize)]
pub struct SignalView {
    pub name: String,
    pub title: String,
    pub owner: Option<Person>,
    pub notes: Option<String>,
}

#[derive(Serialize)]
pub struct FieldView {
    pub name: String,
    pub ty: String,
    pub description: String,
}

#[derive(Serialize)]
pub struct SourceView {
    pub name: String,
    pub title: String,
    pub owner: Option<Person>,
    pub rows: Option<String>,
    pub fields: Vec<FieldView>,
    pub used_by: Vec<Link>,
}

#[derive(Serialize)]
pub struct RoleView {
    pub name: String,
    pub title: String,
    pub owns: Vec<Link>,
}

#[derive(Serialize)]
pub struct Term {
    pub term: &'static str,
    pub meaning: &'static str,
    pub example: &'static str,
}
