//! The formatter: one canonical layout for `.kpi` files (`kpic fmt`, and
//! formatting in the language server).
//!
//! The layout is built from the AST, so formulas, units and quantities are
//! printed canonically (with the user's parentheses), and every `//` comment is
//! recovered from the text (`comments`) and put back in place: an own-line
//! comment before the line that follows it, a trailing comment at the end of
//! the line it followed. The formatter never reorders items or attributes.
//!
//! Rules (also in docs/language.md, "Formatting"):
//! - two spaces of indentation; the values of a block's attributes start in
//!   one column (after its widest keyword), and so do the types of its fields;
//! - one blank line between top-level items, except between one-line items
//!   (`unit`, `role`, `target`, `metric x = ...`) that were adjacent; adjacent
//!   one-line items of one kind align their values;
//! - blank lines inside a block and between comments are kept (at most one);
//! - a trailing comment is separated from the code by two spaces;
//! - a leading byte-order mark is dropped; a file whose first line ends in
//!   CRLF keeps CRLF line ends, every other file gets LF; one final newline.
//!
//! A file with syntax errors is not formatted: its errors are returned.

pub mod comments;
mod expr;

use crate::ast::print::{quantity_text, unit_text};
use crate::ast::{self, AttrKind, Attrs, Item, TargetValue};
use crate::diagnostics::{Diagnostic, codes};
use crate::source::{FileId, SourceFile, Span};
use comments::{Comment, has_blank_line};

const INDENT: &str = "  ";

/// Formats one file. Returns the errors of a file that does not parse.
pub fn format_source(file: &SourceFile) -> Result<String, Vec<Diagnostic>> {
    if let Some(at) = file.invalid_utf8 {
        let at = at.min(file.text.len());
        return Err(vec![Diagnostic::new(
            &codes::NOT_UTF8,
            format!("`{}` is not UTF-8 text", file.name),
            Span::new(FileId(0), at, at),
            "this byte is not UTF-8",
        )]);
    }
    let (parsed, diags) = crate::syntax::parse_file(FileId(0), file);
    let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let text: &str = &file.text;
    let mut layout = Layout::new(text);
    for item in &parsed.items {
        layout.item(item);
    }
    let mut out = layout.render(comments::scan(text));
    let crlf = text
        .find('\n')
        .is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r');
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    Ok(out)
}

/// What a line of output is, for the blank-line rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The only line of a one-line item.
    OneLiner(OneLine),
    /// The first line of a block item (`kpi x "T" {`).
    Header,
    /// An attribute or chain path inside a block.
    Inner,
    /// The `}` of a block.
    Close,
}

/// The kinds of one-line items that align with their neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OneLine {
    Unit,
    Role,
    Metric,
    Target,
}

/// One line of output with the source range it stands for.
#[derive(Debug)]
struct Line {
    start: usize,
    end: usize,
    indent: &'static str,
    /// Text before the aligned column (a keyword or a head such as `role cfo`).
    head: String,
    /// Text after the aligned column; empty for lines without a value.
    tail: String,
    /// Width `head` is padded to (0: one space).
    column: usize,
    role: Role,
    /// Index of the item the line belongs to.
    item: usize,
    leading: Vec<(Comment, bool)>,
    trailing: Vec<Comment>,
}

struct Layout<'a> {
    text: &'a str,
    lines: Vec<Line>,
    items: usize,
}

impl<'a> Layout<'a> {
    fn new(text: &'a str) -> Self {
        Layout {
            text,
            lines: Vec::new(),
            items: 0,
        }
    }

    fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn push(
        &mut self,
        span: (usize, usize),
        indent: &'static str,
        head: String,
        tail: String,
        role: Role,
    ) {
        self.lines.push(Line {
            start: span.0,
            end: span.1,
            indent,
            head,
            tail,
            column: 0,
            role,
            item: self.items,
            leading: Vec::new(),
            trailing: Vec::new(),
        });
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Unit(u) => {
                let (head, tail) = match &u.def {
                    ast::UnitDef::Base => (format!("unit {}", u.name.text), String::new()),
                    ast::UnitDef::Kind(k) => (format!("unit {}:", u.name.text), k.text.to_string()),
                    ast::UnitDef::Alias(q) => (
                        format!("unit {}", u.name.text),
                        format!("= {}", quantity_text(q)),
                    ),
                };
                self.one_liner(u.span, head, tail, OneLine::Unit);
            }
            Item::Role(r) => {
                let tail = r
                    .title
                    .as_ref()
                    .map(|t| self.slice(t.span).to_string())
                    .unwrap_or_default();
                self.one_liner(r.span, format!("role {}", r.name.text), tail, OneLine::Role);
            }
            Item::Target(t) => {
                let head = format!("target {} {}", t.kpi.text, self.target_value(&t.goal));
                self.one_liner(t.span, head, String::new(), OneLine::Target);
            }
            Item::Metric(m) if m.short_form => {
                let formula = m
                    .attrs
                    .formula
                    .as_ref()
                    .map(|f| expr::formula_text(&f.value, self.text, "    "))
                    .unwrap_or_default();
                self.one_liner(
                    m.span,
                    format!("metric {}", m.name.text),
                    format!("= {formula}"),
                    OneLine::Metric,
                );
            }
            Item::Metric(m) => self.block("metric", &m.name, m.title.as_ref(), &m.attrs, m.span),
            Item::Source(s) => self.block("source", &s.name, s.title.as_ref(), &s.attrs, s.span),
            Item::Kpi(k) => self.block("kpi", &k.name, k.title.as_ref(), &k.attrs, k.span),
            Item::Objective(o) => {
                self.block("objective", &o.name, o.title.as_ref(), &o.attrs, o.span)
            }
            Item::Signal(s) => self.block("signal", &s.name, s.title.as_ref(), &s.attrs, s.span),
            Item::Chain(c) => {
                self.header(
                    &format!("chain {}", c.name.text),
                    &c.name,
                    c.title.as_ref(),
                    c.span,
                );
                for path in &c.paths {
                    let (Some(first), Some(last)) = (path.first(), path.last()) else {
                        continue;
                    };
                    let names: Vec<&str> = path.iter().map(|n| n.text.as_str()).collect();
                    self.push(
                        (first.span.start(), last.span.end()),
                        INDENT,
                        names.join(" -> "),
                        String::new(),
                        Role::Inner,
                    );
                }
                self.close(c.span);
            }
        }
        self.items += 1;
    }

    fn one_liner(&mut self, span: Span, head: String, tail: String, kind: OneLine) {
        self.push(
            (span.start(), span.end()),
            "",
            head,
            tail,
            Role::OneLiner(kind),
        );
    }

    /// Pushes `KEYWORD name "Title" {`.
    fn header(
        &mut self,
        keyword_and_name: &str,
        name: &ast::Name,
        title: Option<&ast::Text>,
        span: Span,
    ) {
        let after = title.map_or(name.span.end(), |t| t.span.end());
        let open = self.open_brace(after).unwrap_or(after);
        let mut head = keyword_and_name.to_string();
        if let Some(t) = title {
            head.push(' ');
            head.push_str(self.slice(t.span));
        }
        head.push_str(" {");
        self.push((span.start(), open), "", head, String::new(), Role::Header);
    }

    fn close(&mut self, span: Span) {
        let at = span.end().saturating_sub(1).max(span.start());
        self.push((at, span.end()), "", "}".into(), String::new(), Role::Close);
    }

    /// The offset after the `{` that follows `from`, skipping spaces and comments.
    fn open_brace(&self, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            match bytes[i] {
                b'{' => return Some(i + 1),
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < bytes.len() && !comments::is_line_end(bytes[i]) {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        None
    }

    fn block(
        &mut self,
        keyword: &str,
        name: &ast::Name,
        title: Option<&ast::Text>,
        attrs: &Attrs,
        span: Span,
    ) {
        self.header(&format!("{keyword} {}", name.text), name, title, span);
        let first = self.lines.len();
        let field_width = attrs
            .fields
            .iter()
            .map(|f| f.name.text.chars().count() + 1)
            .max()
            .unwrap_or(0);
        for (kind, at) in &attrs.written {
            let (keyword, value) = self.attribute(*kind, *at, attrs, field_width);
            self.push((at.start(), at.end()), INDENT, keyword, value, Role::Inner);
        }
        let width = self.lines[first..]
            .iter()
            .filter(|l| !l.tail.is_empty())
            .map(|l| l.head.chars().count())
            .max()
            .unwrap_or(0);
        for l in &mut self.lines[first..] {
            l.column = width;
        }
        self.close(span);
    }

    /// The keyword and the value of one attribute as written.
    fn attribute(
        &self,
        kind: AttrKind,
        at: Span,
        a: &Attrs,
        field_width: usize,
    ) -> (String, String) {
        let inside = |s: Span| s.start() >= at.start() && s.end() <= at.end();
        let kw = kind.keyword().to_string();
        let name = |n: &Option<ast::Name>| n.as_ref().map(|n| n.text.clone()).unwrap_or_default();
        let text = |t: &Option<ast::Text>| {
            t.as_ref()
                .map(|t| self.slice(t.span).to_string())
                .unwrap_or_default()
        };
        match kind {
            AttrKind::NorthStar => (kw, String::new()),
            AttrKind::Goal => (kw, text(&a.goal)),
            AttrKind::Definition => (kw, text(&a.definition)),
            AttrKind::Notes => (kw, text(&a.notes)),
            AttrKind::Formula => {
                let cont = " ".repeat(INDENT.len() + 4);
                let f = a
                    .formula
                    .as_ref()
                    .map(|f| expr::formula_text(&f.value, self.text, &cont));
                (kw, f.unwrap_or_default())
            }
            AttrKind::Unit => (kw, a.unit.as_ref().map(unit_text).unwrap_or_default()),
            AttrKind::Type => (kw, name(&a.kpi_type).to_string()),
            AttrKind::Kind => (kw, name(&a.kind).to_string()),
            AttrKind::Perspective => (kw, name(&a.perspective).to_string()),
            AttrKind::Funnel => (kw, name(&a.funnel).to_string()),
            AttrKind::Owner => (kw, name(&a.owner).to_string()),
            AttrKind::Backup => (kw, name(&a.backup).to_string()),
            AttrKind::Frequency => (kw, name(&a.frequency).to_string()),
            AttrKind::Direction => (kw, name(&a.direction).to_string()),
            AttrKind::Rows => (kw, name(&a.rows).to_string()),
            AttrKind::Level => {
                let v = a.level.as_ref().map(|l| match &l.group {
                    Some(g) => format!("{} {}", l.kind.text, self.slice(g.span)),
                    None => l.kind.text.to_string(),
                });
                (kw, v.unwrap_or_default())
            }
            AttrKind::Target => (
                kw,
                a.target
                    .as_ref()
                    .map(|t| self.target_value(t))
                    .unwrap_or_default(),
            ),
            AttrKind::Trend => (kw, a.trend.as_ref().map(quantity_text).unwrap_or_default()),
            AttrKind::Bands => {
                let v = a.bands.as_ref().map(|b| {
                    let mut s = b.first.value.as_str().to_string();
                    for step in &b.steps {
                        s.push_str(&format!(
                            " {} {} {} {}",
                            step.left.value.as_str(),
                            quantity_text(&step.threshold),
                            step.right.value.as_str(),
                            step.colour.value.as_str()
                        ));
                    }
                    s
                });
                (kw, v.unwrap_or_default())
            }
            AttrKind::Action => match a.actions.iter().find(|x| inside(x.span)) {
                Some(act) => {
                    let mut v = format!("{} {}", act.actor.text, self.slice(act.task.span));
                    if let Some(w) = &act.within {
                        v.push_str(" within ");
                        v.push_str(&quantity_text(w));
                    }
                    (format!("on {}", act.colour.value.as_str()), v)
                }
                None => (kw, String::new()),
            },
            AttrKind::Segment => {
                let refs: Vec<String> = a
                    .segment_by
                    .iter()
                    .filter(|r| inside(r.span))
                    .map(|r| format!("{}.{}", r.source.text, r.field.text))
                    .collect();
                (kw, refs.join(", "))
            }
            AttrKind::Allow => {
                let names: Vec<&str> = a
                    .allow
                    .iter()
                    .filter(|n| inside(n.span))
                    .map(|n| n.text.as_str())
                    .collect();
                (kw, names.join(", "))
            }
            AttrKind::Field => match a.fields.iter().find(|x| inside(x.span)) {
                Some(f) => {
                    let head = format!("{}:", f.name.text);
                    let pad = field_width.saturating_sub(head.chars().count());
                    let mut v = format!("{head}{} {}", " ".repeat(pad), unit_text(&f.ty));
                    if let Some(d) = &f.description {
                        v.push(' ');
                        v.push_str(self.slice(d.span));
                    }
                    (kw, v)
                }
                None => (kw, String::new()),
            },
            AttrKind::KeyResult => match a.key_results.iter().find(|x| inside(x.span)) {
                Some(k) => {
                    let mut v = format!(
                        "{} from {} to {}",
                        k.kpi.text,
                        quantity_text(&k.from),
                        quantity_text(&k.to)
                    );
                    if let Some(d) = &k.deadline {
                        v.push_str(" by ");
                        v.push_str(&d.value.to_string());
                    }
                    (kw, v)
                }
                None => (kw, String::new()),
            },
        }
    }

    fn target_value(&self, t: &TargetValue) -> String {
        let mut s = quantity_text(&t.value);
        if let Some(d) = &t.deadline {
            s.push_str(" by ");
            s.push_str(&d.value.to_string());
        }
        s
    }

    /// Puts every comment on its line, then writes the lines out.
    fn render(mut self, comments: Vec<Comment>) -> String {
        let mut after_last: Vec<Comment> = Vec::new();
        for c in comments {
            let idx = self.lines.partition_point(|l| l.start <= c.start);
            if idx == 0 {
                match self.lines.first_mut() {
                    Some(l) => l.leading.push((c, false)),
                    None => after_last.push(c),
                }
                continue;
            }
            let line = &mut self.lines[idx - 1];
            if c.start < line.end {
                // Inside a line that spans several lines of source: before it.
                line.leading.push((c, true));
            } else if !c.own_line {
                line.trailing.push(c);
            } else {
                match self.lines.get_mut(idx) {
                    Some(next) => next.leading.push((c, false)),
                    None => after_last.push(c),
                }
            }
        }
        self.align_one_liners();
        let mut out = String::new();
        let mut prev_end: Option<usize> = None;
        let mut prev: Option<(usize, Role)> = None;
        for line in &self.lines {
            let first_of_item = prev.is_none_or(|(item, _)| item != line.item);
            let after_header = matches!(prev, Some((_, Role::Header)));
            let mut first = true;
            // Comments before a `}` stay inside the block.
            let comment_indent = if line.role == Role::Close {
                INDENT
            } else {
                line.indent
            };
            for (c, _) in line.leading.iter().filter(|(_, hoisted)| !hoisted) {
                if self.blank_before(
                    prev_end,
                    c.start,
                    prev,
                    line.role,
                    first && first_of_item,
                    first && after_header,
                ) {
                    out.push('\n');
                }
                out.push_str(comment_indent);
                out.push_str(&c.text);
                out.push('\n');
                prev_end = Some(c.end);
                first = false;
            }
            let blank = line.role != Role::Close
                && self.blank_before(
                    prev_end,
                    line.start,
                    prev,
                    line.role,
                    first && first_of_item,
                    first && after_header,
                );
            if blank {
                out.push('\n');
            }
            for (c, _) in line.leading.iter().filter(|(_, hoisted)| *hoisted) {
                out.push_str(comment_indent);
                out.push_str(&c.text);
                out.push('\n');
            }
            out.push_str(line.indent);
            out.push_str(&line.head);
            if !line.tail.is_empty() {
                let pad = line.column.saturating_sub(line.head.chars().count());
                out.push_str(&" ".repeat(pad + 1));
                out.push_str(&line.tail);
            }
            prev_end = Some(line.end);
            for c in &line.trailing {
                out.push_str("  ");
                out.push_str(&c.text);
                prev_end = Some(c.end);
            }
            out.push('\n');
            prev = Some((line.item, line.role));
        }
        for c in &after_last {
            if prev_end.is_some_and(|p| self.between_has_blank(p, c.start)) {
                out.push('\n');
            }
            out.push_str(&c.text);
            out.push('\n');
            prev_end = Some(c.end);
        }
        out
    }

    fn between_has_blank(&self, from: usize, to: usize) -> bool {
        from <= to && self.text.get(from..to).is_some_and(has_blank_line)
    }

    /// Whether a blank line goes before an element that starts at `start`.
    fn blank_before(
        &self,
        prev_end: Option<usize>,
        start: usize,
        prev: Option<(usize, Role)>,
        role: Role,
        first_of_item: bool,
        after_header: bool,
    ) -> bool {
        let Some(prev_end) = prev_end else {
            return false;
        };
        let in_source = self.between_has_blank(prev_end, start);
        if first_of_item {
            let one_liners =
                matches!(prev, Some((_, Role::OneLiner(_)))) && matches!(role, Role::OneLiner(_));
            return !one_liners || in_source;
        }
        !after_header && in_source
    }

    /// Adjacent one-line items of one kind align their values.
    fn align_one_liners(&mut self) {
        let mut i = 0;
        while i < self.lines.len() {
            let Role::OneLiner(kind) = self.lines[i].role else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < self.lines.len()
                && self.lines[j].role == Role::OneLiner(kind)
                && !self.between_has_blank(self.lines[j - 1].end, self.lines[j].start)
            {
                j += 1;
            }
            let width = self.lines[i..j]
                .iter()
                .filter(|l| !l.tail.is_empty())
                .map(|l| l.head.chars().count())
                .max()
                .unwrap_or(0);
            for l in &mut self.lines[i..j] {
                l.column = width;
            }
            i = j;
        }
    }
}
