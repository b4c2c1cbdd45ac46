//! What the integration tests share: running the real binary, and reading its JSON hits.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// Longest any single command may take before the test counts it as hung, so that a hang
/// fails its test instead of stalling the whole run (and CI).
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The `fundstelle` binary that cargo built for these tests.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_fundstelle")
}

/// `fundstelle` run in `dir` under [`TIMEOUT`], with colour left to its own detection and
/// no backtraces (a panic must show as such, not as a hint to set RUST_BACKTRACE).
pub fn fundstelle(dir: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("RUST_BACKTRACE", "0")
        .timeout(TIMEOUT);
    cmd
}

/// The highlighted parts of a JSON hit's text.
pub fn highlighted(hit: &Value) -> Vec<String> {
    let text = hit["text"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|range| {
            let start = range[0].as_u64().unwrap() as usize;
            let end = range[1].as_u64().unwrap() as usize;
            text[start..end].to_owned()
        })
        .collect()
}
