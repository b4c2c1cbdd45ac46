//! fundstelle: find the passage in German text.
//!
//! The pipeline, one module per concern:
//! [`decode`] (bytes → text) → [`passage`] (text → paragraphs with line numbers, without the
//! [`pages`]' headers and footers) →
//! [`analysis`] (German words → terms) → [`index`]/[`indexer`] (tantivy index) →
//! [`query`]/[`search`]/[`phrase`] (user query → ranked passages) → [`output`] (printers).
//! [`app`] ties them together for the command line; the binary only parses flags.

pub mod analysis;
pub mod app;
pub mod compound;
pub mod decode;
pub mod index;
pub mod indexer;
pub mod output;
pub mod pages;
pub mod passage;
pub mod phrase;
pub mod query;
pub mod rank;
pub mod search;
pub mod segment;
