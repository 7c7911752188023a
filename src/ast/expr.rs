//! Formula expressions.
//!
//! Operators of one precedence level are kept as flat lists (`a + b - c` is one
//! [`ExprKind::Arith`] node with three operands), so a formula with 100,000 terms
//! is a wide tree, not a deep one: every phase can walk it without deep recursion.

use super::{FieldRef, Name, Str, UnitExpr};
use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `30 d`, `1.5 EUR`, `3.5%`, `100`.
    Number {
        value: f64,
        text: Str,
        unit: Option<UnitExpr>,
    },
    /// `"email"`.
    Text(Str),
    /// `true` or `false`.
    Bool(bool),
    /// A metric, KPI or source name.
    Name(Name),
    /// `source.field`.
    Field(FieldRef),
    /// `sum(x)`, `count(web where web.product_view)`, `previous(revenue, 1 year)`.
    Call {
        function: Name,
        args: Vec<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// Operands joined by operators of one precedence level: `+ -` or `* /`.
    Arith {
        first: Box<Expr>,
        rest: Vec<(ArithOp, Span, Expr)>,
    },
    /// Operands joined by `and` or by `or`.
    Logic { op: LogicOp, operands: Vec<Expr> },
    /// `a = b`, `a < b`, ...
    Compare {
        op: CompareOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `not x`.
    Not(Box<Expr>),
    /// `-x`.
    Neg(Box<Expr>),
    /// `(x)`.
    Paren(Box<Expr>),
    /// `x as EUR / order`: a unit stated by the author.
    Cast { expr: Box<Expr>, unit: UnitExpr },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogicOp {
    And,
    Or,
}

impl LogicOp {
    pub fn as_str(self) -> &'static str {
        match self {
            LogicOp::And => "and",
            LogicOp::Or => "or",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

impl Expr {
    /// Pushes the direct children of this node onto `out`, last child first,
    /// so that popping visits them in source order. Does not allocate.
    pub fn push_children<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        match &self.kind {
            ExprKind::Number { .. }
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Name(_)
            | ExprKind::Field(_) => {}
            ExprKind::Call { args, filter, .. } => {
                out.extend(filter.as_deref());
                out.extend(args.iter().rev());
            }
            ExprKind::Arith { first, rest } => {
                out.extend(rest.iter().rev().map(|(_, _, e)| e));
                out.push(first);
            }
            ExprKind::Logic { operands, .. } => out.extend(operands.iter().rev()),
            ExprKind::Compare { lhs, rhs, .. } => {
                out.push(rhs);
                out.push(lhs);
            }
            ExprKind::Not(e) | ExprKind::Neg(e) | ExprKind::Paren(e) => out.push(e),
            ExprKind::Cast { expr, .. } => out.push(expr),
        }
    }

    /// Visits every node, parents before children, in source order, without recursion.
    pub fn walk<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            e.push_children(&mut stack);
        }
    }

    /// The expression without surrounding parentheses.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }
}
