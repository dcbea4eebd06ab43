//! Reading columns without panicking: a value of an unexpected type or a byte column that
//! is not UTF-8 is a `Corrupt` error naming the table, not a crash.

use crate::{Result, StoreError};
use postgres::types::FromSql;
use postgres::Row;

/// Column `i` of `row` (of table `what`).
pub(crate) fn col<'r, T: FromSql<'r>>(row: &'r Row, i: usize, what: &'static str) -> Result<T> {
    row.try_get(i).map_err(|e| StoreError::Corrupt {
        what,
        detail: format!("column {i}: {e}"),
    })
}

/// A BYTEA column that holds text the store was given as a `&str`.
pub(crate) fn text_bytes(row: &Row, i: usize, what: &'static str) -> Result<String> {
    let bytes: Vec<u8> = col(row, i, what)?;
    String::from_utf8(bytes).map_err(|e| StoreError::Corrupt {
        what,
        detail: format!("column {i} is not UTF-8: {e}"),
    })
}
