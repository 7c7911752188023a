//! Messages over stdin/stdout, framed with `Content-Length` headers.
//!
//! lsp-server's own stdio transport stops at the first malformed message; this
//! one logs it, answers a request it can still identify with an error, and
//! goes on reading.

use lsp_server::{Connection, ErrorCode, Message, Notification, Response};
use serde_json::{Value, json};
use std::io::{self, BufRead, Read, Write};
use std::thread::{self, JoinHandle};

/// A message bigger than this is skipped (it cannot be a sane `.kpi` edit).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// The method of the message that tells the writer to stop.
const STOP: &str = "$/kpic/stop";

/// The server's end of a stdio connection and the thread that writes stdout.
pub struct Stdio {
    pub connection: Connection,
    writer: JoinHandle<()>,
}

impl Stdio {
    /// Flushes what the server sent and stops writing.
    pub fn finish(self) {
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                STOP.into(),
                Value::Null,
            )));
        drop(self.connection);
        let _ = self.writer.join();
    }
}

pub fn stdio() -> io::Result<Stdio> {
    let (server, client) = Connection::memory();
    let to_client = server.sender.clone();
    let Connection {
        sender: from_client,
        receiver: outgoing,
    } = client;
    thread::Builder::new()
        .name("kpic-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            loop {
                match read_frame(&mut input) {
                    Ok(None) => break,
                    Ok(Some(body)) => match parse(&body) {
                        Ok(msg) => {
                            let exit =
                                matches!(&msg, Message::Notification(n) if n.method == "exit");
                            if from_client.send(msg).is_err() || exit {
                                break;
                            }
                        }
                        Err((problem, reply)) => {
                            let _ = to_client.send(log_message(1, &problem));
                            if let Some(r) = reply {
                                let _ = to_client.send(Message::Response(r));
                            }
                        }
                    },
                    Err(Frame::Bad(problem)) => {
                        let _ = to_client.send(log_message(1, &problem));
                    }
                    Err(Frame::Closed) => break,
                }
            }
        })?;
    let writer = thread::Builder::new()
        .name("kpic-lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for msg in &outgoing {
                if matches!(&msg, Message::Notification(n) if n.method == STOP) {
                    break;
                }
                if msg.write(&mut out).is_err() {
                    break;
                }
            }
            let _ = out.flush();
        })?;
    Ok(Stdio {
        connection: server,
        writer,
    })
}

/// A `window/logMessage` notification (1 error, 2 warning, 3 info, 4 log).
pub fn log_message(kind: u8, text: &str) -> Message {
    Message::Notification(Notification::new(
        "window/logMessage".into(),
        json!({ "type": kind, "message": format!("kpic: {text}") }),
    ))
}

enum Frame {
    /// A bad header or body: reported, reading goes on.
    Bad(String),
    /// Input ended or cannot be read any more.
    Closed,
}

/// Reads one message body; `Ok(None)` at the end of input.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    let mut length: Option<usize> = None;
    let mut bad_header: Option<String> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => {
                return if saw_header {
                    Err(Frame::Closed)
                } else {
                    Ok(None)
                };
            }
            Ok(_) => {}
            Err(_) => return Err(Frame::Closed),
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_header {
                continue;
            }
            break;
        }
        saw_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length header `{text}`")),
                }
            }
            Some(_) => {}
            None => {
                bad_header = Some(format!(
                    "malformed header `{}`",
                    text.chars().take(80).collect::<String>()
                ))
            }
        }
    }
    let Some(n) = length else {
        return Err(Frame::Bad(bad_header.unwrap_or_else(|| {
            "a message without Content-Length was skipped".into()
        })));
    };
    if n > MAX_MESSAGE {
        let skipped =
            io::copy(&mut input.take(n as u64), &mut io::sink()).map_err(|_| Frame::Closed)?;
        if (skipped as usize) < n {
            return Err(Frame::Closed);
        }
        return Err(Frame::Bad(format!(
            "a message of {n} bytes was skipped (too large)"
        )));
    }
    let mut body = vec![0; n];
    input.read_exact(&mut body).map_err(|_| Frame::Closed)?;
    Ok(Some(body))
}

/// Parses a body; on failure, what to log and the error response to send.
fn parse(body: &[u8]) -> Result<Message, (String, Option<Response>)> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| (format!("ignored a message that is not JSON: {e}"), None))?;
    let id = value.get("id").cloned();
    serde_json::from_value::<Message>(value).map_err(|e| {
        let reply = id.and_then(|id| serde_json::from_value(id).ok()).map(|id| {
            Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                format!("invalid JSON-RPC message: {e}"),
            )
        });
        (format!("ignored an invalid JSON-RPC message: {e}"), reply)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_survive_garbage() {
        let input = b"garbage\r\n\r\nContent-Length: 2\r\n\r\n{}Content-Length: 5\r\n\r\nhello";
        let mut r = &input[..];
        assert!(matches!(read_frame(&mut r), Err(Frame::Bad(_))));
        let body = read_frame(&mut r).ok().flatten().unwrap_or_default();
        assert_eq!(body, b"{}");
        assert!(parse(&body).is_err());
        let body = read_frame(&mut r).ok().flatten().unwrap_or_default();
        assert!(parse(&body).is_err());
        assert!(matches!(read_frame(&mut r), Ok(None)));
    }
}
