//! Shared pieces of fundstelle's measurement tools.
//!
//! [`baseline`] is plain tantivy over the same passages as fundstelle (same splitter, same
//! decoding), with tantivy's default tokenizer and query parser: the yardstick that both the
//! ranking evaluation and the speed benchmark compare against in the same run.

pub mod baseline;
pub mod corpus;
