//! `kpic lsp` as an editor sees it: the real binary as a child process,
//! spoken to in JSON-RPC over stdin/stdout. Every wait has a timeout, so a
//! server that stops answering fails the test instead of hanging it.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpic"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kpic lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(v) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string();
        self.send_raw(&body);
    }

    /// Sends a request and waits for its response (the whole message).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let body =
            json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
        self.send_raw(&body);
        self.wait(
            |m| m.get("id") == Some(&json!(id)) && m.get("method").is_none(),
            &format!("the response to {method}"),
        )
    }

    /// Waits for the first message that matches.
    fn wait(&mut self, matches: impl Fn(&Value) -> bool, what: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if matches(&m) => return m,
                Ok(_) => {}
                Err(_) => panic!("timed out waiting for {what}"),
            }
        }
    }

    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait(
            |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri,
            &format!("diagnostics for {uri}"),
        );
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

const PEOPLE: &str = "\
unit order: count

role cfo \"Chief Financial Officer\"
role controller \"Controller\"

source shop \"Webshop orders\" {
  owner controller
  rows  order
  field revenue: EUR \"Order value\"
  field channel: text
}
";

/// `owner` names a role that does not exist (line 10, characters 14..18).
const KPIS_BROKEN: &str = "\
metric revenue = sum(shop.revenue)

kpi aov \"Average order value\" {
  goal \"Bigger baskets\"
  formula     revenue / count(shop)
  unit        EUR / order
  type        strategic
  kind        lagging
  level       company
  perspective financial
  owner       cfoo
  backup      controller
  frequency   monthly
  target      60 EUR/order by 2027-12-31
  bands       red < 40 <= amber < 55 <= green
  on red      controller \"reviews prices\" within 5 d
}
";

fn pos(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

#[test]
fn an_editor_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(
        root.join("kpic.toml"),
        "[model]\nname = \"Test\"\n\n[lints]\nkpi-count = \"allow\"\nall-lagging = \"allow\"\nperspective-gap = \"allow\"\n",
    )
    .expect("write");
    std::fs::write(root.join("people.kpi"), PEOPLE).expect("write");
    let kpis_path = root.join("kpis.kpi");
    std::fs::write(&kpis_path, KPIS_BROKEN.replace("cfoo", "cfo")).expect("write");
    let people = uri(&root.join("people.kpi"));
    let kpis = uri(&kpis_path);

    let mut c = Client::start(&root);
    let init = c.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(&root), "capabilities": {} }),
    );
    assert_eq!(
        init["result"]["capabilities"]["hoverProvider"], true,
        "{init}"
    );
    c.notify("initialized", json!({}));

    // Malformed input is logged and skipped; the server goes on serving.
    c.send_raw("{ this is not json");
    c.send_raw("{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":7}");
    let bad = c.wait(|m| m["id"] == 99, "the error for an invalid request");
    assert!(bad["error"].is_object(), "{bad}");

    // Open with an error: the right code and range.
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": kpis, "languageId": "kpi", "version": 1, "text": KPIS_BROKEN } }));
    let diags = c.diagnostics_for(&kpis);
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "KPI101")
        .unwrap_or_else(|| panic!("no KPI101 in {diags:?}"));
    assert_eq!(
        unknown["range"],
        json!({ "start": pos(10, 14), "end": pos(10, 18) })
    );
    assert_eq!(unknown["severity"], 1);
    assert!(
        unknown["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("unknown role `cfoo`")
            || unknown["message"].as_str().unwrap_or("").contains("cfoo"),
        "{unknown}"
    );

    // Fix it: no diagnostics left.
    let fixed = KPIS_BROKEN.replace("cfoo", "cfo");
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": kpis, "version": 2 }, "contentChanges": [{ "text": fixed }] }));
    let diags = c.diagnostics_for(&kpis);
    assert!(diags.is_empty(), "{diags:?}");

    // Half-typed text never breaks the server.
    for partial in [
        "kpi x {\n  formula sum(shop.",
        "kpi",
        "metric m = ((((",
        "\u{feff}\"\n{{{",
    ] {
        c.notify("textDocument/didChange", json!({ "textDocument": { "uri": kpis, "version": 3 }, "contentChanges": [{ "text": partial }] }));
        let r = c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": kpis }, "position": pos(0, 5) }),
        );
        assert!(r.get("error").is_none(), "{r}");
    }
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": kpis, "version": 4 }, "contentChanges": [{ "text": fixed }] }));

    // Hover: a role's title, a metric, the unit of a sub-expression.
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": kpis }, "position": pos(10, 15) }),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(text.contains("Chief Financial Officer"), "{h}");
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": kpis }, "position": pos(2, 5) }),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("Average order value")
            && text.contains("Bigger baskets")
            && text.contains("EUR / order"),
        "{text}"
    );
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": kpis }, "position": pos(4, 25) }),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("count(shop)") && text.contains("order"),
        "{text}"
    );

    // Definition of `shop` in `count(shop)`: in the other file.
    let d = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": kpis }, "position": pos(4, 31) }),
    );
    assert_eq!(
        d["result"],
        json!([{ "uri": people, "range": { "start": pos(5, 7), "end": pos(5, 11) } }])
    );

    // References of `controller`: declaration, source owner, backup, action.
    let r = c.request("textDocument/references", json!({ "textDocument": { "uri": kpis }, "position": pos(11, 15), "context": { "includeDeclaration": true } }));
    assert_eq!(r["result"].as_array().map(Vec::len), Some(4), "{r}");

    // Completion: `shop.` gives the fields; after `owner` the roles.
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": kpis }, "position": pos(0, 26) }),
    );
    let labels: Vec<&str> = comp["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(labels, ["revenue", "channel"]);
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": kpis }, "position": pos(10, 14) }),
    );
    let labels: Vec<&str> = comp["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"cfo") && labels.contains(&"controller"),
        "{labels:?}"
    );

    // Document symbols.
    let s = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": kpis } }),
    );
    let names: Vec<&str> = s["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["revenue", "aov"]);

    // Formatting: the same text as `kpic fmt`.
    let f = c.request("textDocument/formatting", json!({ "textDocument": { "uri": kpis }, "options": { "tabSize": 2, "insertSpaces": true } }));
    let new_text = f["result"][0]["newText"].as_str().unwrap_or("").to_string();
    assert!(
        new_text.contains("  goal        \"Bigger baskets\"\n"),
        "{f}"
    );
    let expected =
        kpic::fmt::format_source(&kpic::source::SourceFile::new("k.kpi", fixed.as_str()))
            .expect("formats");
    assert_eq!(new_text, expected);

    // Rename across files; a clash is refused with a message.
    let r = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": kpis }, "position": pos(10, 15), "newName": "chief" }),
    );
    let changes = &r["result"]["changes"];
    assert_eq!(changes[&people].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(changes[&kpis].as_array().map(Vec::len), Some(1), "{r}");
    let r = c.request("textDocument/rename", json!({ "textDocument": { "uri": kpis }, "position": pos(10, 15), "newName": "controller" }));
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("already declared"),
        "{r}"
    );

    // Shutdown and exit.
    let s = c.request("shutdown", Value::Null);
    assert!(s.get("error").is_none(), "{s}");
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(Some(status)) = c.child.try_wait() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Related locations come from a diagnostic's labels, in the file they point into.
#[test]
fn diagnostics_carry_related_locations() {
    let mut ws = kpic::lsp::Workspace::new(kpic::ast::Date {
        year: 2026,
        month: 12,
        day: 3,
    });
    let a = format!(
        "{PEOPLE}metric rev \"Revenue\" {{\n  formula sum(shop.revenue)\n  unit    EUR\n}}\n"
    );
    ws.set_text("file:///m/a.kpi", a, || "m".into());
    let model = ws.set_text(
        "file:///m/b.kpi",
        "metric bad = rev + count(shop)\n".into(),
        || "m".into(),
    );
    let snap = ws.snapshot(&model);
    let d = snap
        .analysis
        .diagnostics
        .iter()
        .find(|d| d.code.code == "KPI201")
        .expect("KPI201");
    let v = kpic::lsp::convert::diagnostic(d, &snap).expect("shown");
    assert_eq!(v["code"], "KPI201");
    assert!(
        v["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("cannot add EUR and order"),
        "{v}"
    );
    let related = v["relatedInformation"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(related.len() >= 2, "{v}");
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == "file:///m/a.kpi"),
        "a label points at the unit declared in the other file: {v}"
    );
}

/// Completion in each context, in process: keywords, vocabularies, units after
/// a number, KPI names in a chain, names and functions in a formula.
#[test]
fn completion_fits_the_cursor() {
    let text = format!(
        "{}\nkpi win \"Win\" {{\n}}\n\nkpi aov \"AOV\" {{\n  kind \n  target 60 \n  formula sum(shop.revenue) / \n}}\n\nchain c {{\n  aov -> \n}}\n",
        PEOPLE
    );
    let mut ws = kpic::lsp::Workspace::new(kpic::ast::Date {
        year: 2026,
        month: 12,
        day: 3,
    });
    let model = ws.set_text("file:///c/a.kpi", text.clone(), || "c".into());
    let snap = ws.snapshot(&model);
    let labels = |needle: &str, after: usize| -> Vec<String> {
        let at = text.find(needle).expect("needle") + after;
        let v = kpic::lsp::features::completion(&snap, 0, at);
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i["label"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let has = |l: &[String], w: &str| l.iter().any(|x| x == w);
    let top = labels("kpi aov", 0);
    assert!(
        has(&top, "kpi") && has(&top, "source") && !has(&top, "goal"),
        "{top:?}"
    );
    let block = labels("  kind ", 2);
    assert!(
        has(&block, "goal") && has(&block, "formula") && !has(&block, "source"),
        "{block:?}"
    );
    let kind = labels("  kind ", 7);
    assert_eq!(kind, ["leading", "lagging"]);
    let unit = labels("target 60 ", 10);
    assert!(
        has(&unit, "EUR") && has(&unit, "order") && has(&unit, "%"),
        "{unit:?}"
    );
    let formula = labels("/ \n", 2);
    assert!(
        has(&formula, "shop") && has(&formula, "sum") && !has(&formula, "goal"),
        "{formula:?}"
    );
    let chain = labels("aov -> ", 7);
    assert_eq!(chain, ["win"]);
}
