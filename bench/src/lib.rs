//! Shared pieces of fundstelle's measurement tools.
//!
//! [`baseline`] is plain tantivy over the same passages as fundstelle (same splitter, same
//! decoding), with tantivy's default tokenizer and query parser: the yardstick that both the
//! ranking evaluation and the speed benchmark compare against in the same run.

pub mod baseline;
pub mod corpus;

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

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

/// The current time as `YYYY-MM-DD HH:MM:SS UTC`, without a date crate: days since the epoch
/// to a civil date by Howard Hinnant's `civil_from_days`.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, time) = (secs / 86_400, secs % 86_400);
    let z = days + 719_468;
    let (era, day_of_era) = (z / 146_097, z % 146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}
