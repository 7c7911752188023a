//! The language server (`kpic lsp`): the editor loop over the Language Server
//! Protocol, on lsp-server (synchronous, no async runtime).
//!
//! - `workspace`: the documents (open ones override the disk) and the models
//!   they form, like `kpic check DIR`; each model is analysed again only when
//!   one of its files changed;
//! - `index`: every name of a model and what it refers to;
//! - `features`: hover, definition, references, completion, symbols, rename;
//! - `convert`: spans to UTF-16 positions, URIs to paths, diagnostics;
//! - `server` and `transport`: the message loop and stdio, the only I/O.

pub mod convert;
pub mod features;
pub mod index;
mod server;
mod transport;
pub mod workspace;

pub use server::serve_stdio;
pub use workspace::{Snapshot, Workspace};
