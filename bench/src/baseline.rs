//! Plain tantivy, as a user would set it up from its examples: one document per passage,
//! `TEXT | STORED` with the default tokenizer (no German analysis), `QueryParser` with
//! lenient parsing. Same passages and result contract (path + line range) as fundstelle.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use fundstelle::decode::decode;
use fundstelle::index::{stored_text, stored_u64};
use fundstelle::indexer;
use fundstelle::passage::split_document;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, STORED, STRING, TEXT};
use tantivy::{Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument};

#[derive(Debug, Clone, Copy)]
struct Fields {
    path: Field,
    line_start: Field,
    line_end: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        path: builder.add_text_field("path", STRING | STORED),
        line_start: builder.add_u64_field("line_start", STORED),
        line_end: builder.add_u64_field("line_end", STORED),
        text: builder.add_text_field("text", TEXT | STORED),
    };
    (builder.build(), fields)
}

/// One ranked passage of the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineHit {
    pub path: String,
    pub line_start: u64,
    pub line_end: u64,
}

/// Builds a fresh baseline index in `dir` (which must not hold an index yet) from `files`;
/// returns the number of passages. Paths are stored as given, like fundstelle's.
pub fn build(files: &[PathBuf], dir: &Path) -> Result<usize> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    let mut writer: IndexWriter<TantivyDocument> =
        // fundstelle's writer settings, so that indexing speed compares like for like.
        index.writer_with_num_threads(indexer::writer_threads(), indexer::WRITER_MEMORY_BYTES)?;
    let mut passages = 0;
    for file in files {
        let bytes = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let Ok(decoded) = decode(&bytes) else {
            continue;
        };
        let key = indexer::key_of(file);
        // The passages fundstelle indexes.
        for passage in split_document(&decoded.text).passages {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.path, &key);
            doc.add_u64(fields.line_start, u64::from(passage.line_start));
            doc.add_u64(fields.line_end, u64::from(passage.line_end));
            doc.add_text(fields.text, &passage.text);
            writer.add_document(doc)?;
            passages += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(passages)
}

/// An opened baseline index.
pub struct Baseline {
    searcher: Searcher,
    parser: QueryParser,
    fields: Fields,
}

impl Baseline {
    pub fn open(dir: &Path) -> Result<Baseline> {
        let index =
            Index::open_in_dir(dir).with_context(|| format!("cannot open {}", dir.display()))?;
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let parser = QueryParser::for_index(&index, vec![fields.text]);
        Ok(Baseline {
            searcher: reader.searcher(),
            parser,
            fields,
        })
    }

    /// Top `limit` passages for `query` (tantivy's query syntax, parsed leniently).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<BaselineHit>> {
        let (query, _errors) = self.parser.parse_query_lenient(query);
        let top = self
            .searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        top.into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = self.searcher.doc(address)?;
                Ok(BaselineHit {
                    path: stored_text(&doc, self.fields.path).to_owned(),
                    line_start: stored_u64(&doc, self.fields.line_start),
                    line_end: stored_u64(&doc, self.fields.line_end),
                })
            })
            .collect()
    }
}
