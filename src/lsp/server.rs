//! The request loop: reads messages, keeps the workspace up to date, publishes
//! diagnostics and answers requests. With `transport`, the only code of the
//! library that does I/O (the editor's stdio and the workspace's files).
//!
//! Every handler runs under `catch_unwind`: an internal error becomes an error
//! response and a `window/logMessage`, and the server keeps serving.

use super::convert::{self, uri_to_path};
use super::features;
use super::transport::{self, log_message};
use super::workspace::Workspace;
use crate::diagnostics::Severity;
use crate::lints::LintConfig;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Position;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Serves on stdin/stdout until `exit`; returns the process exit code.
pub fn serve_stdio(today: crate::ast::Date) -> u8 {
    let Ok(io) = transport::stdio() else {
        eprintln!("kpic: cannot start the language server threads");
        return 2;
    };
    let code = Server::new(&io.connection, today).run();
    io.finish();
    code
}

/// The key of the model of files with no `kpic.toml` above them.
const LOOSE: &str = "(workspace)";

pub struct Server<'c> {
    conn: &'c Connection,
    ws: Workspace,
    roots: Vec<PathBuf>,
    /// What was last published per URI, so unchanged files are not sent again.
    published: HashMap<String, Value>,
    initialized: bool,
    shutdown: bool,
}

impl<'c> Server<'c> {
    pub fn new(conn: &'c Connection, today: crate::ast::Date) -> Self {
        Server {
            conn,
            ws: Workspace::new(today),
            roots: Vec::new(),
            published: HashMap::new(),
            initialized: false,
            shutdown: false,
        }
    }

    /// Handles messages until `exit`; 0 after a shutdown request, 1 otherwise.
    pub fn run(mut self) -> u8 {
        while let Ok(msg) = self.conn.receiver.recv() {
            let edit = matches!(&msg, Message::Notification(n) if n.method.starts_with("textDocument/did"));
            match msg {
                Message::Request(req) => self.request(req),
                Message::Notification(n) if n.method == "exit" => {
                    return if self.shutdown { 0 } else { 1 };
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    if let Err(e) = catch_unwind(AssertUnwindSafe(|| self.notification(n))) {
                        self.log(
                            1,
                            &format!("internal error in `{method}`: {}", panic_text(&e)),
                        );
                    }
                }
                Message::Response(_) => {}
            }
            if edit {
                // Idle time after an edit: get the next analysis ready.
                let receiver = &self.conn.receiver;
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    self.ws.prepare(|| !receiver.is_empty())
                }));
            }
        }
        1
    }

    fn send(&self, msg: Message) {
        let _ = self.conn.sender.send(msg);
    }

    fn log(&self, kind: u8, text: &str) {
        self.send(log_message(kind, text));
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        if req.method == "initialize" {
            let result = self.initialize(&req.params);
            self.send(Message::Response(Response::new_ok(id, result)));
            return;
        }
        if !self.initialized {
            self.error(
                id,
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet".into(),
            );
            return;
        }
        if req.method == "shutdown" {
            self.shutdown = true;
            self.send(Message::Response(Response::new_ok(id, Value::Null)));
            return;
        }
        if self.shutdown {
            self.error(
                id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            );
            return;
        }
        let method = req.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.answer(&req.method, &req.params))) {
            Ok(Ok(v)) => self.send(Message::Response(Response::new_ok(id, v))),
            Ok(Err((code, message))) => self.error(id, code, message),
            Err(e) => {
                let text = format!("internal error in `{method}`: {}", panic_text(&e));
                self.log(1, &text);
                self.error(id, ErrorCode::InternalError, text);
            }
        }
    }

    fn error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Message::Response(Response::new_err(
            id,
            code as i32,
            message,
        )));
    }

    fn initialize(&mut self, params: &Value) -> Value {
        self.initialized = true;
        let mut roots: Vec<PathBuf> = params
            .get("workspaceFolders")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.get("uri")?.as_str())
                    .filter_map(uri_to_path)
                    .collect()
            })
            .unwrap_or_default();
        if roots.is_empty()
            && let Some(p) = params
                .get("rootUri")
                .and_then(Value::as_str)
                .and_then(uri_to_path)
        {
            roots.push(p);
        }
        if roots.is_empty()
            && let Some(p) = params.get("rootPath").and_then(Value::as_str)
        {
            roots.push(PathBuf::from(p));
        }
        self.roots = roots;
        self.load_workspace();
        json!({
            "capabilities": {
                "textDocumentSync": { "openClose": true, "change": 1, "save": false },
                "hoverProvider": true,
                "definitionProvider": true,
                "referencesProvider": true,
                "completionProvider": { "triggerCharacters": [".", " "] },
                "documentSymbolProvider": true,
                "documentFormattingProvider": true,
                "renameProvider": true,
            },
            "serverInfo": { "name": "kpic", "version": env!("CARGO_PKG_VERSION") },
        })
    }

    /// Reads every `.kpi` file under the workspace roots.
    fn load_workspace(&mut self) {
        let mut files = Vec::new();
        for root in &self.roots {
            walk(root, &mut files);
        }
        let mut configs: BTreeMap<String, PathBuf> = BTreeMap::new();
        for path in files {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let model = self.model_key(&path);
            if model != LOOSE {
                configs.insert(model.clone(), PathBuf::from(&model).join("kpic.toml"));
            }
            self.ws
                .add_disk_file(convert::path_to_uri(&path), text, model);
        }
        for (model, path) in configs {
            match read_lints(&path) {
                Ok(lints) => self.ws.set_config(&model, lints),
                Err(e) => self.log(2, &format!("`{}`: {e}", path.display())),
            }
        }
    }

    /// The model a file belongs to: the nearest directory with a `kpic.toml`
    /// inside a workspace root, else the loose files of the workspace (files
    /// outside every root are a model of their own).
    fn model_key(&self, path: &Path) -> String {
        let Some(root) = self.roots.iter().find(|r| path.starts_with(r)) else {
            return format!("(file) {}", path.display());
        };
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d.join("kpic.toml").is_file() {
                return d.display().to_string();
            }
            if d == root {
                break;
            }
            dir = d.parent();
        }
        LOOSE.to_string()
    }

    fn notification(&mut self, n: Notification) {
        let p = &n.params;
        let uri = p
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .map(str::to_string);
        match (n.method.as_str(), uri) {
            ("textDocument/didOpen", Some(uri)) => {
                let text = p
                    .pointer("/textDocument/text")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                self.changed(&uri, text);
            }
            ("textDocument/didChange", Some(uri)) => {
                let changes = p.get("contentChanges").and_then(Value::as_array);
                // Full sync: the last change holds the whole text.
                if let Some(text) = changes
                    .and_then(|c| c.last())
                    .and_then(|c| c.get("text"))
                    .and_then(Value::as_str)
                {
                    self.changed(&uri, text.to_string());
                }
            }
            ("textDocument/didClose", Some(uri)) => {
                let disk = uri_to_path(&uri)
                    .and_then(|p| std::fs::read(p).ok())
                    .map(|b| String::from_utf8_lossy(&b).into_owned());
                if let Some(model) = self.ws.close(&uri, disk) {
                    self.publish(&model, None);
                }
                if self.ws.model_of(&uri).is_none() {
                    self.published.remove(&uri);
                    self.send_diagnostics(&uri, json!([]));
                }
            }
            _ => {}
        }
    }

    fn changed(&mut self, uri: &str, text: String) {
        let key = match uri_to_path(uri) {
            Some(p) => self.model_key(&p),
            None => format!("(file) {uri}"),
        };
        let model = self.ws.set_text(uri, text, || key);
        self.publish(&model, Some(uri));
    }

    /// Checks a model and publishes the diagnostics that changed (always those of `changed`).
    fn publish(&mut self, model: &str, changed: Option<&str>) {
        let snap = self.ws.snapshot(model);
        let mut per_doc: Vec<Vec<(usize, Value)>> = vec![Vec::new(); snap.docs.len()];
        for d in &snap.analysis.diagnostics {
            if d.severity == Severity::Allow {
                continue;
            }
            let Some((doc, start, _)) = snap.place(d.primary.span) else {
                continue;
            };
            if let Some(v) = convert::diagnostic(d, &snap) {
                per_doc[doc].push((start, v));
            }
        }
        for (doc, mut list) in per_doc.into_iter().enumerate() {
            list.sort_by_key(|(start, _)| *start);
            let uri = snap.docs[doc].uri.as_str();
            let value = Value::Array(list.into_iter().map(|(_, v)| v).collect());
            if Some(uri) == changed || self.published.get(uri) != Some(&value) {
                self.published.insert(uri.to_string(), value.clone());
                self.send_diagnostics(uri, value);
            }
        }
    }

    fn send_diagnostics(&self, uri: &str, diagnostics: Value) {
        self.send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".into(),
            json!({ "uri": uri, "diagnostics": diagnostics }),
        )));
    }

    /// Answers a request, or says why not.
    fn answer(&mut self, method: &str, p: &Value) -> Result<Value, (ErrorCode, String)> {
        let uri = p
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .ok_or((
                ErrorCode::InvalidParams,
                format!("`{method}` needs textDocument.uri"),
            ))?
            .to_string();
        let Some(snap) = self.ws.snapshot_of(&uri) else {
            return match method {
                "textDocument/hover" | "textDocument/definition" | "textDocument/references" => {
                    Ok(Value::Null)
                }
                "textDocument/rename" => {
                    Err((ErrorCode::RequestFailed, "this document is not open".into()))
                }
                _ => Ok(json!([])),
            };
        };
        let Some(doc) = snap.doc(&uri) else {
            return Ok(Value::Null);
        };
        let position: Option<Position> = p
            .get("position")
            .cloned()
            .and_then(|v| serde_json::from_value(v).ok());
        let offset = position.map(|pos| convert::offset(&snap.docs[doc].file, pos));
        let need = || {
            offset.ok_or((
                ErrorCode::InvalidParams,
                format!("`{method}` needs a position"),
            ))
        };
        // Where the position lies in the analysis: its segment and the offset there.
        let at = || need().map(|o| snap.locate(doc, o));
        match method {
            "textDocument/hover" => Ok(at()?
                .and_then(|(f, o)| features::hover(&snap, f, o))
                .unwrap_or(Value::Null)),
            "textDocument/definition" => {
                Ok(at()?.map_or(Value::Null, |(f, o)| features::definition(&snap, f, o)))
            }
            "textDocument/references" => {
                let decl = p
                    .pointer("/context/includeDeclaration")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                Ok(at()?.map_or(Value::Null, |(f, o)| {
                    features::references(&snap, f, o, decl)
                }))
            }
            "textDocument/completion" => Ok(features::completion(&snap, doc, need()?)),
            "textDocument/documentSymbol" => Ok(features::symbols(&snap, doc)),
            "textDocument/formatting" => Ok(features::formatting(&snap.docs[doc].file)),
            "textDocument/rename" => {
                let new_name = p
                    .get("newName")
                    .and_then(Value::as_str)
                    .ok_or((ErrorCode::InvalidParams, "rename needs newName".to_string()))?;
                let (f, o) = at()?.ok_or((
                    ErrorCode::RequestFailed,
                    "there is no name here to rename".to_string(),
                ))?;
                features::rename(&snap, f, o, new_name).map_err(|m| (ErrorCode::RequestFailed, m))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("kpic does not handle `{method}`"),
            )),
        }
    }
}

fn panic_text(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Every `.kpi` file under a directory (hidden directories, `target` and
/// `node_modules` skipped).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "kpi") {
                out.push(p);
            }
        }
    }
    out.sort();
}

/// The lint levels and limits of a `kpic.toml` (its `[lints]` and `[limits]`).
fn read_lints(path: &Path) -> Result<LintConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    Ok(crate::lints::config::parse_config(&text)?.lints)
}
