//! The `fundstelle` binary: parse flags, run the command, turn the outcome into an exit code
//! (0 = found, 1 = nothing found, 2 = error, as grep).

mod cli;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;
use fundstelle::app::{self, Outcome};
use fundstelle::output::stderr_line;

fn main() -> ExitCode {
    let args = cli::dashed_words_as_words(std::env::args_os().collect());
    let opts = match cli::Opts::try_parse_from(&args) {
        Ok(opts) => opts,
        Err(err) => return not_parsed(&err, &args),
    };
    let result = match opts.command {
        cli::Command::Index(opts) => app::run_index(&opts.into_config()).map(|_| Outcome::Found),
        cli::Command::Search(opts) => app::run_search(&opts.into_config()),
        cli::Command::Analyze(opts) => app::run_analyze(&opts.text.join(" "), opts.json),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code() as u8),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            stderr_line(format_args!("{err:#}"));
            ExitCode::from(2)
        }
    }
}

/// What clap stops at: help and version go to stdout with success (a closed stdout is no
/// error); a usage error is one line on stderr and exit 2, like every error (grep's code).
fn not_parsed(err: &clap::Error, args: &[OsString]) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        // Bare `fundstelle` asks for the overview: it gets what `--help` prints, where and as
        // `--help` prints it (clap would print it on stderr and exit 2).
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let with_help = args.iter().cloned().chain([OsString::from("--help")]);
            if let Err(help) = cli::Opts::try_parse_from(with_help) {
                let _ = help.print();
            }
            ExitCode::SUCCESS
        }
        _ => {
            stderr_line(format_args!("{}", cli::usage_error(err, args)));
            ExitCode::from(2)
        }
    }
}

/// `fundstelle search … | head` closes our stdout early; that is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
