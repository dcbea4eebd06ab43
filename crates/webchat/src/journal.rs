//! The history file: every message the web chat posts or updates, one JSON line each, so the
//! channels' recent messages (and the buttons on them) survive a restart of the server.
//!
//! Each line is a [`Record`]: the channel and the message as the page shows it after that
//! change, so replaying the lines in order (a line for a message already seen replaces it)
//! gives back what the page showed. The file only grows by whole lines written with one
//! `write` call, and is rewritten (to a temporary file, then renamed over it) when it grows
//! past [`COMPACT_LINES`] or is opened, so it holds at most the kept messages plus recent
//! changes. A line that cannot be read (say, half-written when the machine lost power) is
//! skipped with a warning.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::protocol::Entry;

/// The file is rewritten with only the kept messages once it has more lines than this (or
/// twice the kept messages, when that is more).
pub const COMPACT_LINES: usize = 4000;

/// One line of the history file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub workspace: String,
    pub channel: String,
    pub entry: Entry,
}

/// The open history file.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    lines: usize,
    compact_at: usize,
    /// A write failed and was logged; later failures are not logged again.
    failing: bool,
}

/// What [`read`] found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    /// Lines skipped because they were not records.
    pub skipped: usize,
}

/// Reads the records of the history file at `path` (none when it does not exist yet).
pub fn read(path: &Path) -> io::Result<Loaded> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(e) => return Err(e),
    };
    let mut loaded = Loaded::default();
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        number += 1;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(text) {
            Ok(r) => loaded.records.push(r),
            Err(e) => {
                loaded.skipped += 1;
                tracing::warn!(
                    path = %path.display(),
                    line = number,
                    error = %e,
                    "skipping an unreadable line of the web chat history file"
                );
            }
        }
    }
    Ok(loaded)
}

impl Journal {
    /// Replaces the file at `path` with `records` and opens it for appending.
    pub fn create(path: &Path, records: impl IntoIterator<Item = Record>) -> io::Result<Journal> {
        let lines = rewrite(path, records)?;
        let file = open_append(path)?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            lines,
            compact_at: compact_at(lines),
            failing: false,
        })
    }

    /// Appends one record. Returns true when the file has grown enough to be compacted.
    pub fn append(&mut self, record: &Record) -> bool {
        let mut line = match serde_json::to_string(record) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "cannot encode a web chat history record");
                return false;
            }
        };
        line.push('\n');
        match self.file.write_all(line.as_bytes()) {
            Ok(()) => {
                self.failing = false;
                self.lines += 1;
            }
            Err(e) => {
                if !self.failing {
                    tracing::error!(
                        path = %self.path.display(),
                        error = %e,
                        "cannot write the web chat history file; recent messages will not survive a restart"
                    );
                }
                self.failing = true;
            }
        }
        self.lines >= self.compact_at
    }

    /// Rewrites the file with only `records` (the kept messages).
    pub fn compact(&mut self, records: impl IntoIterator<Item = Record>) {
        let result = rewrite(&self.path, records).and_then(|lines| {
            let file = open_append(&self.path)?;
            Ok((lines, file))
        });
        match result {
            Ok((lines, file)) => {
                self.file = file;
                self.lines = lines;
                self.compact_at = compact_at(lines);
            }
            Err(e) => {
                tracing::error!(
                    path = %self.path.display(),
                    error = %e,
                    "cannot compact the web chat history file"
                );
                // Try again only after as many lines again.
                self.compact_at = self.lines.saturating_mul(2).max(COMPACT_LINES);
            }
        }
    }

    /// Lines in the file now.
    pub fn lines(&self) -> usize {
        self.lines
    }
}

fn compact_at(kept: usize) -> usize {
    COMPACT_LINES.max(kept.saturating_mul(2))
}

/// Only the user running the server may read the history: it holds command results.
fn options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

fn open_append(path: &Path) -> io::Result<File> {
    options().create(true).append(true).open(path)
}

/// Writes `records` to a temporary file next to `path` and renames it over `path`; returns
/// how many lines it wrote.
fn rewrite(path: &Path, records: impl IntoIterator<Item = Record>) -> io::Result<usize> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut out = io::BufWriter::new(
        options()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&tmp)?,
    );
    let mut lines = 0;
    for r in records {
        serde_json::to_writer(&mut out, &r).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
        lines += 1;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    Ok(lines)
}
