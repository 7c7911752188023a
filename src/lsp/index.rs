//! Every name in a model with what it refers to: the table behind go to
//! definition, find references, rename and hover.

use crate::ast::{Attrs, Expr, ExprKind, FieldRef, Name, Quantity, UnitDef, UnitExpr};
use crate::model::Model;
use crate::source::{FileId, Span};

/// What a name refers to. Names compare by text: roles, sources, metrics, KPIs,
/// objectives, signals and chains share one namespace; units have their own;
/// fields belong to their source.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Global(String),
    Field { source: String, field: String },
    Unit(String),
}

/// One place where a name is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    /// Whether this is the declaration.
    pub decl: bool,
}

#[derive(Debug, Default)]
pub struct Index {
    /// Sorted by file and position.
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    pub fn build(m: &Model) -> Index {
        let mut b = Builder::default();
        for u in &m.units {
            b.unit_decl(&u.name);
            match &u.def {
                UnitDef::Base => {}
                UnitDef::Kind(k) => b.unit_name(k),
                UnitDef::Alias(q) => b.quantity(q),
            }
        }
        for r in &m.roles {
            b.decl(&r.name);
        }
        for s in &m.sources {
            b.decl(&s.name);
            for f in &s.attrs.fields {
                b.push(
                    f.name.span,
                    Target::Field {
                        source: s.name.text.to_string(),
                        field: f.name.text.to_string(),
                    },
                    true,
                );
                b.unit(&f.ty);
            }
            b.attrs(&s.attrs);
        }
        for x in &m.metrics {
            b.decl(&x.name);
            b.attrs(&x.attrs);
        }
        for x in &m.kpis {
            b.decl(&x.name);
            b.attrs(&x.attrs);
        }
        for x in &m.objectives {
            b.decl(&x.name);
            b.attrs(&x.attrs);
        }
        for x in &m.signals {
            b.decl(&x.name);
            b.attrs(&x.attrs);
        }
        for t in &m.targets {
            b.global(&t.kpi);
            b.quantity(&t.goal.value);
        }
        for c in &m.chains {
            b.decl(&c.name);
            for path in &c.paths {
                for n in path {
                    b.global(n);
                }
            }
        }
        let mut occurrences = b.out;
        occurrences.sort_by_key(|o| (o.span.file, o.span.start()));
        Index { occurrences }
    }

    /// The name at a byte offset (touching its start or end counts).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let i = self
            .occurrences
            .partition_point(|o| (o.span.file, o.span.start()) <= (file, offset));
        self.occurrences[..i]
            .iter()
            .rev()
            .take(2)
            .find(|o| o.span.file == file && o.span.start() <= offset && offset <= o.span.end())
    }

    /// Every occurrence of a target.
    pub fn all<'a>(&'a self, t: &'a Target) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &o.target == t)
    }

    /// The declarations of a target.
    pub fn declarations<'a>(&'a self, t: &'a Target) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.all(t).filter(|o| o.decl)
    }
}

#[derive(Default)]
struct Builder {
    out: Vec<Occurrence>,
}

impl Builder {
    fn push(&mut self, span: Span, target: Target, decl: bool) {
        self.out.push(Occurrence { span, target, decl });
    }

    fn decl(&mut self, n: &Name) {
        self.push(n.span, Target::Global(n.text.to_string()), true);
    }

    fn global(&mut self, n: &Name) {
        self.push(n.span, Target::Global(n.text.to_string()), false);
    }

    fn unit_decl(&mut self, n: &Name) {
        self.push(n.span, Target::Unit(n.text.to_string()), true);
    }

    fn unit_name(&mut self, n: &Name) {
        self.push(n.span, Target::Unit(n.text.to_string()), false);
    }

    fn unit(&mut self, u: &UnitExpr) {
        for f in &u.factors {
            self.unit_name(&f.name);
        }
    }

    fn quantity(&mut self, q: &Quantity) {
        if let Some(u) = &q.unit {
            self.unit(u);
        }
    }

    fn field(&mut self, r: &FieldRef) {
        self.global(&r.source);
        self.push(
            r.field.span,
            Target::Field {
                source: r.source.text.to_string(),
                field: r.field.text.to_string(),
            },
            false,
        );
    }

    fn attrs(&mut self, a: &Attrs) {
        for n in [&a.owner, &a.backup].into_iter().flatten() {
            self.global(n);
        }
        if let Some(r) = &a.rows {
            self.unit_name(r);
        }
        if let Some(u) = &a.unit {
            self.unit(u);
        }
        if let Some(f) = &a.formula {
            self.expr(&f.value);
        }
        if let Some(t) = &a.target {
            self.quantity(&t.value);
        }
        if let Some(b) = &a.bands {
            for s in &b.steps {
                self.quantity(&s.threshold);
            }
        }
        if let Some(t) = &a.trend {
            self.quantity(t);
        }
        for act in &a.actions {
            self.global(&act.actor);
            if let Some(w) = &act.within {
                self.quantity(w);
            }
        }
        for r in &a.segment_by {
            self.field(r);
        }
        for k in &a.key_results {
            self.global(&k.kpi);
            self.quantity(&k.from);
            self.quantity(&k.to);
        }
    }

    fn expr(&mut self, e: &Expr) {
        e.walk(|e| match &e.kind {
            ExprKind::Name(n) => self.global(n),
            ExprKind::Field(r) => self.field(r),
            ExprKind::Number { unit: Some(u), .. } => self.unit(u),
            ExprKind::Cast { unit, .. } => self.unit(unit),
            _ => {}
        });
    }
}
