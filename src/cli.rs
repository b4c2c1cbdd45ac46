//! Every command-line flag, in one place. Parsed by clap, then turned into the library's
//! plain configuration values.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use fundstelle::app::{Queries, SearchConfig, DEFAULT_DOCUMENTS, DEFAULT_INDEX};
use fundstelle::indexer::IndexConfig;
use fundstelle::output::Format;
use fundstelle::search::Matching;

/// Find the passage: search German documents by keyword and phrase.
#[derive(Debug, Parser)]
#[command(name = "fundstelle", version, about, long_about = None)]
pub struct Opts {
    #[command(subcommand)]
    pub command: Command,
}

/// A usage error as the one line every fundstelle error is (before the `fundstelle: ` prefix):
/// clap's message, with a list it spreads over lines of its own (missing arguments, possible
/// values) joined on, its tips (a similar name, `--` before a query starting with '-'), and the
/// help to read. clap's own rendering adds a usage block and a hint over several lines.
pub fn usage_error(err: &clap::Error, args: &[OsString]) -> String {
    // Display is the plain text, without ANSI styling: "error: MESSAGE\n  LIST\n\n  tip: TIP\n
    // \nUsage: …\n\nFor more information, try '--help'.\n".
    // "-Bayern" (a query excluding a word) is read as the short flags "-B", "-a", …: clap
    // names the first, and its tip would search for "-B". Name the whole word instead.
    if let Some(word) = short_flags_word(err, args) {
        // Only `search` and `analyze` take words.
        let tip = if args
            .get(1)
            .is_some_and(|arg| arg == "search" || arg == "analyze")
        {
            format!("; to pass it as a word, use '-- {word}'")
        } else {
            String::new()
        };
        return format!(
            "unexpected argument '{word}' found{tip} (see '{}')",
            help_for(args)
        );
    }
    let text = err.render().to_string();
    let message = text.split("\n\n").next().unwrap_or_default();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let mut line = message
        .lines()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for tip in text.lines().filter_map(|l| l.trim().strip_prefix("tip: ")) {
        line = format!("{line}; {tip}");
    }
    format!("{line} (see '{}')", help_for(args))
}

/// The argument that clap read as a cluster of unknown short flags ("-Bayern" for "-B"), or
/// as a short flag and its value ("-nicht" for "-n icht", the limit).
fn short_flags_word(err: &clap::Error, args: &[OsString]) -> Option<String> {
    let args = args.iter().skip(1).filter_map(|arg| arg.to_str());
    let is_cluster = |arg: &&str| arg.starts_with('-') && !arg.starts_with("--") && arg.len() > 2;
    match (
        err.kind(),
        err.get(ContextKind::InvalidArg),
        err.get(ContextKind::InvalidValue),
    ) {
        (ErrorKind::UnknownArgument, Some(ContextValue::String(flag)), _) => args
            .filter(is_cluster)
            .find(|arg| arg.starts_with(flag.as_str()))
            .map(str::to_owned),
        (
            ErrorKind::InvalidValue | ErrorKind::ValueValidation,
            _,
            Some(ContextValue::String(value)),
        ) => args
            .filter(is_cluster)
            // A word, not a flag with its value glued on ("-n0").
            .find(|arg| {
                arg.get(2..) == Some(value.as_str()) && arg[1..].chars().all(char::is_alphabetic)
            })
            .map(str::to_owned),
        _ => None,
    }
}

/// The arguments as the user means them: a word after a '-' ("Bayern -Tschechien",
/// "Privatpersonen und -organisationen", as the query syntax has them) is a query word, where
/// clap would read it as a cluster of short flags and fail. When `search` or `analyze` gets
/// such a word and no `--`, the query's words, in their order, move behind a `--`; flags and
/// their values stay as they are. A word is a '-' and two or more letters: "-n5" stays the
/// flag with its value, "-h" the help.
pub fn dashed_words_as_words(args: Vec<OsString>) -> Vec<OsString> {
    let looks_like_word = |arg: &OsString| {
        arg.to_str().is_some_and(|arg| {
            arg.chars().count() > 2
                && arg.starts_with('-')
                && arg[1..].chars().all(char::is_alphabetic)
        })
    };
    let Some(name) = args
        .get(1)
        .and_then(|arg| arg.to_str())
        .filter(|name| matches!(*name, "search" | "analyze"))
    else {
        return args;
    };
    // What follows a `--` is words already.
    let end = args[2..]
        .iter()
        .position(|arg| arg == "--")
        .map_or(args.len(), |at| at + 2);
    if !args[2..end].iter().any(looks_like_word) {
        return args;
    }
    let command = Opts::command();
    let Some(subcommand) = command.find_subcommand(name) else {
        return args;
    };
    // "-help" and "-json" are a flag mistyped, for clap to point out, rather than words.
    let is_word = |arg: &OsString| {
        looks_like_word(arg)
            && arg.to_str().is_some_and(|arg| {
                !["help", "version"].contains(&&arg[1..])
                    && !subcommand
                        .get_arguments()
                        .any(|known| known.get_long() == Some(&arg[1..]))
            })
    };
    let takes_value = |flag: &str| {
        subcommand.get_arguments().any(|arg| {
            !arg.is_positional()
                && arg.get_action().takes_values()
                && (arg
                    .get_long()
                    .is_some_and(|long| flag.strip_prefix("--") == Some(long))
                    || arg.get_short().is_some_and(|short| {
                        flag.strip_prefix('-') == Some(short.encode_utf8(&mut [0; 4]))
                    }))
        })
    };
    let (mut flags, mut words) = (Vec::new(), Vec::new());
    let mut rest = args[2..end].iter();
    while let Some(arg) = rest.next() {
        let flag = arg
            .to_str()
            .filter(|text| text.len() > 1 && text.starts_with('-') && !is_word(arg));
        match flag {
            Some(flag) => {
                flags.push(arg.clone());
                if takes_value(flag) {
                    flags.extend(rest.next().cloned());
                }
            }
            None => words.push(arg.clone()),
        }
    }
    let mut rewritten = args[..2].to_vec();
    rewritten.extend(flags);
    rewritten.push("--".into());
    rewritten.extend(words);
    rewritten.extend(args.iter().skip(end + 1).cloned());
    rewritten
}

/// The help that explains a usage error: the subcommand's when the error is in one (its flags
/// are listed only there), else the overview.
fn help_for(args: &[OsString]) -> String {
    let subcommand = args
        .get(1)
        .and_then(|arg| arg.to_str())
        .filter(|arg| Opts::command().find_subcommand(arg).is_some());
    match subcommand {
        Some(name) => format!("fundstelle {name} --help"),
        None => "fundstelle --help".to_owned(),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update an index from text files (.txt, .md) and folders.
    Index(IndexOpts),
    /// Search an index and print ranked passages.
    Search(SearchOpts),
    /// Show what the German analyzer makes of a text: words, exact forms, stems, compound parts.
    Analyze(AnalyzeOpts),
}

#[derive(Debug, Args)]
pub struct AnalyzeOpts {
    /// The text to analyse
    #[arg(required = true)]
    pub text: Vec<String>,
    /// Print a JSON array of the words
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IndexOpts {
    /// Files or folders to index (folders recursively) [default: seeds]
    pub paths: Vec<PathBuf>,
    /// Index folder
    #[arg(long, default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct SearchOpts {
    /// The query: words, "a phrase", "a phrase"~N, +must, -not, AND/OR/NOT, prefix*
    /// (put `--` before a query word that starts with '-' and holds more than letters)
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub query: Vec<String>,
    /// Index folder [default: index, kept up to date with seeds/]
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Most passages to show per query
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub limit: u64,
    /// Print JSON Lines: one object per query
    #[arg(long)]
    pub json: bool,
    /// Read one query per line from FILE ('-' for standard input)
    #[arg(long, value_name = "FILE")]
    pub batch: Option<PathBuf>,
    /// Match exact word forms only (no stemming, no umlaut folding)
    #[arg(long)]
    pub exact: bool,
    /// When to colour the output (auto: on a terminal but TERM=dumb, or with CLICOLOR_FORCE;
    /// never with NO_COLOR)
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

impl IndexOpts {
    pub fn into_config(self) -> IndexConfig {
        let paths = if self.paths.is_empty() {
            vec![PathBuf::from(DEFAULT_DOCUMENTS)]
        } else {
            self.paths
        };
        IndexConfig {
            paths,
            index_dir: self.index,
            split_compounds: true,
        }
    }
}

impl SearchOpts {
    pub fn into_config(self) -> SearchConfig {
        let terminal = std::io::stdout().is_terminal();
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // As ripgrep and bat: not on a dumb terminal, nor with NO_COLOR; CLICOLOR_FORCE
            // asks for colour in a pipe too.
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                let forced =
                    std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
                let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
                !no_color && (forced || (terminal && !dumb))
            }
        };
        let width = terminal
            .then(|| terminal_size::terminal_size().map(|(width, _)| usize::from(width.0)))
            .flatten();
        let (index_dir, auto_index) = match self.index {
            Some(dir) => (dir, None),
            None => (
                PathBuf::from(DEFAULT_INDEX),
                Some(PathBuf::from(DEFAULT_DOCUMENTS)),
            ),
        };
        SearchConfig {
            queries: match self.batch {
                Some(file) => Queries::Batch(file),
                None => Queries::Single(self.query.join(" ")),
            },
            index_dir,
            auto_index,
            limit: self.limit as usize,
            format: if self.json {
                Format::Json
            } else {
                Format::Human { color, width }
            },
            matching: if self.exact {
                Matching::Exact
            } else {
                Matching::Stemmed
            },
        }
    }
}
