//! Command-line arguments (clap). Only the shape of the command line lives here;
//! what each command does is in `commands`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// kpic: write each KPI down once, exactly, and have it checked against a sound method.
#[derive(Debug, Parser)]
#[command(name = "kpic", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to use colour: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check .kpi files and report every problem found.
    Check(CheckArgs),
    /// Check, then write DIR/spec.json and the docs in DIR/docs/ (HTML site and
    /// Markdown; nothing when the model has errors).
    Build(BuildArgs),
    /// Check, then write the documentation only (DIR/docs/, HTML by default).
    Doc(DocArgs),
    /// Explain a diagnostic code, e.g. `kpic explain KPI201`.
    Explain(ExplainArgs),
    /// Format .kpi files in place (or check that they are formatted).
    Fmt(FmtArgs),
    /// Run the language server on stdin/stdout (for editors).
    Lsp,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or directories (every .kpi file under a directory).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write nothing; list the files that would change and exit 1 if any would.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Files or directories. A directory means every .kpi file under it; a
    /// directory with a kpic.toml is one model.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Warn for this lint (code or slug).
    #[arg(short = 'W', long = "warn", value_name = "LINT")]
    pub warn: Vec<String>,
    /// Silence this lint (code or slug).
    #[arg(short = 'A', long = "allow", value_name = "LINT")]
    pub allow: Vec<String>,
    /// Make this lint an error (code or slug); `-D warnings` makes every warning an error.
    #[arg(short = 'D', long = "deny", value_name = "LINT")]
    pub deny: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Output directory.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Language of the documentation.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct DocArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Output directory.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Documentation format.
    #[arg(long, value_enum, default_value_t = DocFormat::Html)]
    pub format: DocFormat,
    /// Language of the documentation.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code (KPI201) or slug (incompatible-units).
    pub code: Option<String>,
    /// List every code with its slug, default severity and summary.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rendered diagnostics with source excerpts.
    Human,
    /// One JSON object per diagnostic, one per line, then a summary object.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
    /// One SARIF 2.1.0 log for code-scanning tools.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// A self-contained HTML site (index.html and one page per KPI); works offline.
    Html,
    /// One Markdown page (index.md) with Mermaid diagrams.
    Md,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Dutch (Nederlands).
    Nl,
}

impl From<Lang> for kpic::docs::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::En => kpic::docs::Lang::En,
            Lang::Nl => kpic::docs::Lang::Nl,
        }
    }
}
