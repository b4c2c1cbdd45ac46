//! Shared pieces of fundstelle's measurement tools.
//!
//! [`baseline`] is plain tantivy over the same passages as fundstelle (same splitter, same
//! decoding), with tantivy's default tokenizer and query parser: the yardstick that both the
//! ranking evaluation and the speed benchmark compare against in the same run.

pub mod baseline;
pub mod corpus;

use std::process::ExitCode;

/// The `main` of a measurement tool: parse the flags (`Ok(None)` asks for help), run, and
/// turn the outcome into an exit code — 0 done, 1 the run failed, 2 the flags were wrong —
/// with one `NAME: …` line on stderr.
pub fn run_main<O>(
    name: &str,
    usage: &str,
    parse_args: impl FnOnce(std::env::Args) -> anyhow::Result<Option<O>>,
    run: impl FnOnce(&O) -> anyhow::Result<()>,
) -> ExitCode {
    let mut args = std::env::args();
    args.next();
    let options = match parse_args(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("{name}: {err:#}\n{usage}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{name}: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
