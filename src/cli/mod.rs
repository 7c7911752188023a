//! The commands behind the command line. All file system access of kpic lives
//! in this module: finding models, reading files, writing outputs atomically.

/// `println!` and friends that do not panic: a closed pipe (`kpic check |
/// head`) is ignored, any other failure to write (a full disk) is remembered
/// and makes the command exit 2 (see [`written`]).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        $crate::cli::written(writeln!(std::io::stdout(), $($t)*));
    }};
}
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        $crate::cli::written(write!(std::io::stdout(), $($t)*));
    }};
}
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        $crate::cli::written(writeln!(std::io::stderr(), $($t)*));
    }};
}
macro_rules! err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        $crate::cli::written(write!(std::io::stderr(), $($t)*));
    }};
}

/// The first failure to write to stdout or stderr, other than a closed pipe.
static WRITE_FAILED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Remembers a failed write to the terminal or a redirected output, so that
/// a report cut short by a full disk is not taken for a clean run.
pub(crate) fn written(result: std::io::Result<()>) {
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = WRITE_FAILED.set(e.to_string());
    }
}

pub mod args;
mod fmt;
mod output;
mod project;
mod report;

use args::{Cli, ColorChoice, Command};
use kpic::diagnostics::codes;
use kpic::diagnostics::explain::explanation;
use kpic::diagnostics::render::Color;
use kpic::{Analysis, Options, analyze};
use project::{Project, UsageError};
use std::io::IsTerminal;

/// Exit codes.
pub const CLEAN: u8 = 0;
pub const MODEL_ERRORS: u8 = 1;
pub const USAGE: u8 = 2;

pub fn run(cli: Cli) -> u8 {
    let color = match cli.color {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
            Color::Never
        }
        ColorChoice::Auto if std::io::stderr().is_terminal() => Color::Always,
        ColorChoice::Auto => Color::Never,
    };
    let result = match cli.command {
        Command::Check(a) => check(&a, color),
        Command::Build(a) => build(
            &a.model,
            &a.output,
            color,
            true,
            &[args::DocFormat::Html, args::DocFormat::Md],
            a.lang.into(),
        ),
        Command::Doc(a) => build(
            &a.model,
            &a.output,
            color,
            false,
            &[a.format],
            a.lang.into(),
        ),
        Command::Explain(a) => explain(a.code.as_deref(), a.list),
        Command::Fmt(a) => fmt::run(&a, color),
        Command::Lsp => Ok(kpic::lsp::serve_stdio(today())),
    };
    let code = match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            errln!("kpic: error: {message}");
            USAGE
        }
    };
    use std::io::Write as _;
    written(std::io::stdout().flush());
    match WRITE_FAILED.get() {
        Some(why) => {
            // stderr may be what failed; this is the last word either way.
            let _ = writeln!(
                std::io::stderr(),
                "kpic: error: could not write the output: {why}"
            );
            USAGE
        }
        None => code,
    }
}

/// Discovers, loads and checks every model given.
fn analyze_all(
    args: &args::ModelArgs,
) -> Result<Vec<(Project, kpic::source::SourceMap, Analysis)>, UsageError> {
    let mut out = Vec::new();
    for mut project in project::discover(&args.paths)? {
        project::apply_flags(&mut project.lints, &args.allow, &args.warn, &args.deny)?;
        let sources = project::load(&project)?;
        let options = Options {
            today: today(),
            lints: project.lints.clone(),
        };
        let analysis = analyze(&sources, &options);
        out.push((project, sources, analysis));
    }
    Ok(out)
}

fn check(a: &args::CheckArgs, color: Color) -> Result<u8, UsageError> {
    let models = analyze_all(&a.model)?;
    let mut errors = false;
    if a.format == args::Format::Sarif {
        let runs: Vec<_> = models
            .iter()
            .map(|(_, s, an)| (&an.diagnostics[..], s))
            .collect();
        outln!("{}", report::sarif(&runs));
    }
    for (_, sources, analysis) in &models {
        if a.format != args::Format::Sarif {
            report::print(a.format, &analysis.diagnostics, sources, color);
        }
        errors |= analysis.has_errors();
    }
    leave_to_exit(models);
    Ok(if errors { MODEL_ERRORS } else { CLEAN })
}

fn build(
    a: &args::ModelArgs,
    dir: &std::path::Path,
    color: Color,
    spec: bool,
    formats: &[args::DocFormat],
    lang: kpic::docs::Lang,
) -> Result<u8, UsageError> {
    if dir.exists() && !dir.is_dir() {
        return Err(UsageError(format!(
            "`{}` is a file; `-o` needs a directory",
            dir.display()
        )));
    }
    let models = analyze_all(a)?;
    let several = models.len() > 1;
    if several {
        output_dirs_are_distinct(&models)?;
    }
    let mut errors = false;
    for (project, sources, analysis) in &models {
        report::print(args::Format::Human, &analysis.diagnostics, sources, color);
        if analysis.has_errors() {
            errors = true;
            errln!(
                "kpic: nothing written for `{}`: the model has errors",
                project.name
            );
            continue;
        }
        let target = if several {
            dir.join(output::slug(&project.name))
        } else {
            dir.to_path_buf()
        };
        let mut files = output::Staging::default();
        if spec {
            files.write(target.join("spec.json"), |w| {
                kpic::emit::write_spec(analysis, sources, &project.name, w)
            })?;
        }
        let limits = &project.lints.limits;
        let docs = target.join("docs");
        for format in formats {
            match format {
                args::DocFormat::Html => kpic::docs::html_pages(
                    analysis,
                    sources,
                    &project.name,
                    limits,
                    lang,
                    |name, text| files.add(docs.join(name), text.as_bytes()),
                )?,
                args::DocFormat::Md => {
                    let pages =
                        kpic::docs::markdown(analysis, sources, &project.name, limits, lang)?;
                    for (name, text) in pages {
                        files.add(docs.join(name), text.as_bytes())?;
                    }
                }
            }
        }
        let written = files.len();
        files.commit()?;
        errln!(
            "kpic: wrote {} file{} to {}",
            written,
            if written == 1 { "" } else { "s" },
            target.display()
        );
    }
    leave_to_exit(models);
    Ok(if errors { MODEL_ERRORS } else { CLEAN })
}

/// Two models must not write into one directory: one would replace the
/// other's files. Refused before anything is written.
fn output_dirs_are_distinct(
    models: &[(Project, kpic::source::SourceMap, Analysis)],
) -> Result<(), UsageError> {
    let place = |p: &Project| {
        let dir = p.files.first().and_then(|f| f.parent());
        format!(
            "`{}` (in {})",
            p.name,
            dir.map_or(".".into(), |d| d.display().to_string())
        )
    };
    let mut seen: std::collections::BTreeMap<String, &Project> = Default::default();
    for (project, _, _) in models {
        let slug = output::slug(&project.name);
        if let Some(first) = seen.insert(slug.clone(), project) {
            return Err(UsageError(format!(
                "the models {} and {} would both write to `{slug}/`, one over the other; give one of them another name with `[model] name = \"...\"` in its kpic.toml",
                place(first),
                place(project)
            )));
        }
    }
    Ok(())
}

/// Leaves what the command built to the end of the process instead of
/// freeing it node by node: the process ends right after, and the system
/// takes its memory back at once (freeing a checked 10,000-KPI model took
/// 80 ms, a twentieth of the whole check).
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

fn explain(code: Option<&str>, list: bool) -> Result<u8, UsageError> {
    if list || code.is_none() {
        for c in codes::ALL {
            outln!(
                "{}  {:<26} {:<8} {}",
                c.code,
                c.slug,
                c.default.as_str(),
                c.summary
            );
        }
        return Ok(CLEAN);
    }
    let name = code.unwrap_or_default();
    let Some(c) = codes::lookup(name) else {
        let hint =
            kpic::diagnostics::suggest::did_you_mean(name, codes::ALL.iter().map(|c| c.slug))
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
        return Err(UsageError(format!(
            "no diagnostic `{name}`{hint}; run `kpic explain --list` to see them all"
        )));
    };
    match explanation(c.code) {
        Some(text) => out!("{text}"),
        None => outln!(
            "{}: {} ({})\n\n{}.",
            c.code,
            c.slug,
            c.default.as_str(),
            c.summary
        ),
    }
    Ok(CLEAN)
}

/// Today's date, from `KPIC_TODAY` (YYYY-MM-DD, for reproducible runs) or the clock.
fn today() -> kpic::ast::Date {
    if let Ok(s) = std::env::var("KPIC_TODAY") {
        match parse_date(&s) {
            Some(d) if d.is_valid() => return d,
            _ => errln!(
                "kpic: warning: KPIC_TODAY=`{s}` is not a date (YYYY-MM-DD) in the calendar; using today's date"
            ),
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

fn parse_date(s: &str) -> Option<kpic::ast::Date> {
    let mut parts = s.trim().split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Some(kpic::ast::Date { year, month, day })
}

/// Days since 1970-01-01 to a calendar date (proleptic Gregorian).
fn civil_from_days(days: i64) -> kpic::ast::Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    kpic::ast::Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0).to_string(), "1970-01-01");
        assert_eq!(civil_from_days(20_790).to_string(), "2026-12-03");
    }
}
