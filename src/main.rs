//! The `fundstelle` binary: parse flags, run the command, turn the outcome into an exit code
//! (0 = found, 1 = nothing found, 2 = error, as grep).

mod cli;

use std::process::ExitCode;

use clap::Parser;
use fundstelle::app::{self, Outcome};

fn main() -> ExitCode {
    let opts = match cli::Opts::try_parse() {
        Ok(opts) => opts,
        Err(err) => {
            // Help and version go to stdout with success; usage errors exit 2, as grep.
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
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
            eprintln!("fundstelle: {err:#}");
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
