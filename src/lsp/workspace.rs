//! The documents the server knows and the models they form. Pure: the server
//! reads the files and hands their text in; open documents override the disk.
//!
//! **Incremental parsing.** A document is cut into segments at every line that
//! starts, in the first column, with `role`, `source`, `metric`, `kpi`,
//! `objective`, `signal` or `chain`: the splitter (`syntax::chunk`) always
//! starts an item there, so parsing the segments one by one gives the same
//! items as parsing the whole file. Each segment is parsed as a file of its
//! own (its own `FileId`, spans relative to the segment) and cached by its
//! text, so after an edit only the segments that changed are parsed again;
//! the later phases (`kpic::check_parsed`) run over the whole model. The
//! [`Snapshot`] maps segment spans back to document positions.
//! The analysis takes the parsed files by value; [`Workspace::prepare`]
//! copies them in the server's idle time, so copying is not on the way from
//! an edit to its diagnostics.

use super::index::Index;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::lints::LintConfig;
use crate::source::{FileId, SourceFile, Span};
use crate::units::Ty;
use crate::{Analysis, Options};
use lsp_types::Range;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// One document: the text kpic checks (the editor's while open, else the disk's).
#[derive(Clone, Debug)]
struct Doc {
    text: String,
    /// Whether the file lies in the workspace (it stays when closed).
    on_disk: bool,
    model: String,
}

/// A parsed segment.
#[derive(Debug)]
struct Parsed {
    id: FileId,
    file: ast::File,
    /// A copy made ahead of time (see [`Workspace::prepare`]): the analysis
    /// takes its files by value.
    spare: Option<ast::File>,
    diags: Vec<Diagnostic>,
}

/// The files of one model, its parse cache and its last analysis.
#[derive(Debug, Default)]
struct ModelState {
    lints: LintConfig,
    snapshot: Option<Arc<Snapshot>>,
    /// Parsed segments by text (a list: the same text may occur twice).
    cache: HashMap<String, Vec<Parsed>>,
    next_id: u32,
}

/// One document of a snapshot.
#[derive(Debug)]
pub struct DocFile {
    pub uri: String,
    pub file: SourceFile,
    /// Its segments: start offset and file id, by start.
    segments: Vec<(usize, FileId)>,
}

/// One analysed model: what every request reads.
#[derive(Debug)]
pub struct Snapshot {
    pub docs: Vec<DocFile>,
    /// Where each segment lies: document index and start offset.
    segments: HashMap<FileId, (usize, usize)>,
    pub analysis: Analysis,
    index: OnceLock<Index>,
    types: OnceLock<rustc_hash::FxHashMap<Span, Ty>>,
}

impl Snapshot {
    pub fn doc(&self, uri: &str) -> Option<usize> {
        self.docs.iter().position(|d| d.uri == uri)
    }

    /// The document and the byte range in it of a span of the analysis.
    pub fn place(&self, span: Span) -> Option<(usize, usize, usize)> {
        let &(doc, start) = self.segments.get(&span.file)?;
        Some((
            doc,
            start + span.start(),
            start + span.end().max(span.start()),
        ))
    }

    /// The protocol range of a span, in its document.
    pub fn range(&self, span: Span) -> Option<Range> {
        let (doc, start, end) = self.place(span)?;
        let f = &self.docs[doc].file;
        Some(Range::new(
            super::convert::position(f, start),
            super::convert::position(f, end),
        ))
    }

    /// The URI and range of a span.
    pub fn location(&self, span: Span) -> Option<(&str, Range)> {
        let (doc, _, _) = self.place(span)?;
        Some((self.docs[doc].uri.as_str(), self.range(span)?))
    }

    /// The segment and the offset in it of a byte offset of a document.
    pub fn locate(&self, doc: usize, offset: usize) -> Option<(FileId, usize)> {
        let segs = &self.docs.get(doc)?.segments;
        let i = segs
            .partition_point(|(start, _)| *start <= offset)
            .checked_sub(1)?;
        let (start, id) = segs[i];
        Some((id, offset - start))
    }

    /// Whether a span lies in a document.
    pub fn in_doc(&self, span: Span, doc: usize) -> bool {
        self.segments
            .get(&span.file)
            .is_some_and(|(d, _)| *d == doc)
    }

    /// Every name of the model (built on first use: diagnostics do not need it).
    pub fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Index::build(&self.analysis.model))
    }

    /// The type of every formula sub-expression (computed on first use).
    pub fn types(&self) -> &rustc_hash::FxHashMap<Span, Ty> {
        self.types.get_or_init(|| {
            crate::units::expression_types(&self.analysis.model, &self.analysis.typing)
        })
    }
}

#[derive(Debug)]
pub struct Workspace {
    docs: BTreeMap<String, Doc>,
    models: BTreeMap<String, ModelState>,
    pub today: ast::Date,
}

impl Workspace {
    pub fn new(today: ast::Date) -> Self {
        Workspace {
            docs: BTreeMap::new(),
            models: BTreeMap::new(),
            today,
        }
    }

    /// Sets the lint levels of a model (from its `kpic.toml`).
    pub fn set_config(&mut self, model: &str, lints: LintConfig) {
        let m = self.models.entry(model.to_string()).or_default();
        m.lints = lints;
        m.snapshot = None;
    }

    /// A file of the workspace as found on disk.
    pub fn add_disk_file(&mut self, uri: String, text: String, model: String) {
        self.invalidate(&model);
        self.docs.insert(
            uri,
            Doc {
                text,
                on_disk: true,
                model,
            },
        );
    }

    /// A document opened or changed in the editor; returns its model.
    pub fn set_text(
        &mut self,
        uri: &str,
        text: String,
        model_if_new: impl FnOnce() -> String,
    ) -> String {
        let model = match self.docs.get_mut(uri) {
            Some(d) => {
                d.text = text;
                d.model.clone()
            }
            None => {
                let model = model_if_new();
                self.docs.insert(
                    uri.to_string(),
                    Doc {
                        text,
                        on_disk: false,
                        model: model.clone(),
                    },
                );
                model
            }
        };
        self.invalidate(&model);
        model
    }

    /// A document closed: a workspace file goes back to its disk text (when
    /// given); another file leaves the model. Returns its model.
    pub fn close(&mut self, uri: &str, disk_text: Option<String>) -> Option<String> {
        let doc = self.docs.get_mut(uri)?;
        let model = doc.model.clone();
        match (doc.on_disk, disk_text) {
            (true, Some(text)) => doc.text = text,
            (true, None) => {}
            (false, _) => {
                self.docs.remove(uri);
            }
        }
        self.invalidate(&model);
        Some(model)
    }

    pub fn model_of(&self, uri: &str) -> Option<&str> {
        self.docs.get(uri).map(|d| d.model.as_str())
    }

    fn invalidate(&mut self, model: &str) {
        let old = self
            .models
            .entry(model.to_string())
            .or_default()
            .snapshot
            .take();
        // Freeing a large model takes milliseconds: not on the way to fresh diagnostics.
        if let Some(old) = old {
            let _ = std::thread::Builder::new().spawn(move || drop(old));
        }
    }

    /// The analysis of a model, run again only when one of its files changed.
    pub fn snapshot(&mut self, model: &str) -> Arc<Snapshot> {
        if let Some(s) = self.models.get(model).and_then(|m| m.snapshot.clone()) {
            return s;
        }
        let state = self.models.entry(model.to_string()).or_default();
        let mut old = std::mem::take(&mut state.cache);
        let mut cache: HashMap<String, Vec<Parsed>> = HashMap::new();
        let mut docs = Vec::new();
        let mut segments = HashMap::new();
        let mut files = Vec::new();
        let mut diags = Vec::new();
        for (uri, doc) in self.docs.iter().filter(|(_, d)| d.model == model) {
            let d = docs.len();
            let mut doc_segments = Vec::new();
            for (start, end) in split(&doc.text) {
                let text = &doc.text[start..end];
                // Reuse the cached parse (and its key) of an unchanged segment.
                let (key, cached) = match old.remove_entry(text) {
                    Some((key, mut list)) => {
                        let p = list.pop();
                        if !list.is_empty() {
                            old.insert(key.clone(), list);
                        }
                        (key, p)
                    }
                    None => (text.to_string(), None),
                };
                let parsed = match cached {
                    Some(p) => p,
                    None => {
                        let id = FileId(state.next_id);
                        state.next_id = state.next_id.wrapping_add(1);
                        let (file, diags) = crate::syntax::parse_file(
                            id,
                            &SourceFile::new(display_name(uri), text),
                        );
                        Parsed {
                            id,
                            file,
                            spare: None,
                            diags,
                        }
                    }
                };
                segments.insert(parsed.id, (d, start));
                doc_segments.push((start, parsed.id));
                let mut parsed = parsed;
                files.push(parsed.spare.take().unwrap_or_else(|| parsed.file.clone()));
                diags.extend(parsed.diags.iter().cloned());
                cache.entry(key).or_default().push(parsed);
            }
            docs.push(DocFile {
                uri: uri.clone(),
                file: SourceFile::new(display_name(uri), doc.text.clone()),
                segments: doc_segments,
            });
        }
        state.cache = cache;
        let options = Options {
            today: self.today,
            lints: state.lints.clone(),
        };
        let analysis = crate::check_parsed(files, diags, &options);
        let snap = Arc::new(Snapshot {
            docs,
            segments,
            analysis,
            index: OnceLock::new(),
            types: OnceLock::new(),
        });
        state.snapshot = Some(snap.clone());
        snap
    }

    /// Copies the parsed segments ahead of the next analysis (which takes them
    /// by value), so that copying is not on the way from an edit to its
    /// diagnostics. Stops early, keeping what it did, when `interrupted`
    /// says a message is waiting.
    pub fn prepare(&mut self, interrupted: impl Fn() -> bool) {
        for state in self.models.values_mut() {
            for parsed in state.cache.values_mut().flatten() {
                if parsed.spare.is_none() {
                    if interrupted() {
                        return;
                    }
                    parsed.spare = Some(parsed.file.clone());
                }
            }
        }
    }

    /// The analysis of the model a document belongs to.
    pub fn snapshot_of(&mut self, uri: &str) -> Option<Arc<Snapshot>> {
        let model = self.model_of(uri)?.to_string();
        Some(self.snapshot(&model))
    }
}

/// Cuts a text into segments at lines that start with a declaration keyword
/// that always starts an item (see the module doc). The first segment also
/// holds what comes before the first such line.
fn split(text: &str) -> Vec<(usize, usize)> {
    const STARTS: &[&str] = &[
        "role",
        "source",
        "metric",
        "kpi",
        "objective",
        "signal",
        "chain",
    ];
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    let mut line = 0;
    while line < bytes.len() {
        let rest = &text[line..];
        let word_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        // A first segment of comments only would "declare nothing" (KPI009).
        let only_comments = || {
            text[..line]
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with("//"))
        };
        if line > 0 && STARTS.contains(&&rest[..word_len]) && (starts.len() > 1 || !only_comments())
        {
            starts.push(line);
        }
        line = match rest.find('\n') {
            Some(i) => line + i + 1,
            None => bytes.len(),
        };
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        out.push((s, starts.get(i + 1).copied().unwrap_or(text.len())));
    }
    out
}

/// A name for a URI in messages: its path, else the URI.
fn display_name(uri: &str) -> String {
    match super::convert::uri_to_path(uri) {
        Some(p) => p.display().to_string(),
        None => uri.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_before_declarations_in_the_first_column() {
        let text = "// c\nunit a\nrole r\nkpi k {\n  unit %\n}\n  kpi x\nmetric m = 1";
        let parts: Vec<&str> = split(text).into_iter().map(|(s, e)| &text[s..e]).collect();
        assert_eq!(
            parts,
            [
                "// c\nunit a\n",
                "role r\n",
                "kpi k {\n  unit %\n}\n  kpi x\n",
                "metric m = 1"
            ]
        );
    }

    #[test]
    fn segments_give_the_diagnostics_of_the_whole_file() {
        let text = "unit order: count\nrole cfo \"CFO\"\nkpi a \"A\" {\n  owner cfoo\n  formula 1 +\n}\nmetric m = count(x)\nkpi a {\n}\n";
        let mut map = crate::source::SourceMap::new();
        map.add(SourceFile::new("a.kpi", text));
        let whole = crate::analyze(&map, &Options::default());
        let mut ws = Workspace::new(Options::default().today);
        let model = ws.set_text("file:///a.kpi", text.to_string(), || "m".into());
        let snap = ws.snapshot(&model);
        let codes = |d: &[Diagnostic]| {
            let mut c: Vec<&str> = d.iter().map(|d| d.code.code).collect();
            c.sort_unstable();
            c
        };
        assert_eq!(codes(&whole.diagnostics), codes(&snap.analysis.diagnostics));
        for (a, b) in whole.diagnostics.iter().zip(&snap.analysis.diagnostics) {
            let (_, start, end) = snap.place(b.primary.span).unwrap_or_default();
            assert_eq!(
                (a.primary.span.start(), a.primary.span.end()),
                (start, end),
                "{}",
                a.message
            );
        }
    }
}
