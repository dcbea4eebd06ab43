//! What every backend's migrations share: the numbered, checksummed [`Migration`], and the
//! check of what a database has applied against what this build knows. Each backend runs its
//! own SQL dialect's files in its own transaction and lock (see `sqlite::migrate` and
//! `postgres::migrate`), but refuses a database in exactly the same cases, with the same
//! errors.

use crate::{Result, StoreError};

/// One migration: `migrations/NNN_name.sql` (SQLite) or `migrations/postgres/NNN_name.sql`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// FNV-1a over the SQL with `\r` dropped (a CRLF checkout must not look like an edit).
pub(crate) fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes().filter(|&b| b != b'\r') {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// One row of `schema_migrations`: version, name, checksum.
pub(crate) type Applied = (u32, String, String);

/// Refuses a database written by a newer release (`SchemaTooNew`) or whose applied
/// migrations differ from this build's (`MigrationMismatch`); otherwise returns the
/// migrations still to apply, in order.
pub(crate) fn to_apply<'m>(
    applied: &[Applied],
    migrations: &'m [Migration],
) -> Result<Vec<&'m Migration>> {
    let code_version = migrations.last().map_or(0, |m| m.version);
    if let Some(&(db_version, _, _)) = applied.iter().max_by_key(|a| a.0) {
        if db_version > code_version {
            return Err(StoreError::SchemaTooNew {
                db_version,
                code_version,
            });
        }
    }
    for (version, name, sum) in applied {
        let expected = migrations.iter().find(|m| m.version == *version);
        match expected {
            Some(m) if m.name == name && checksum(m.sql) == *sum => {}
            _ => {
                return Err(StoreError::MigrationMismatch {
                    version: *version,
                    expected: expected.map_or_else(
                        || "no such migration".to_string(),
                        |m| format!("{} {}", m.name, checksum(m.sql)),
                    ),
                    found: format!("{name} {sum}"),
                })
            }
        }
    }
    Ok(migrations
        .iter()
        .filter(|m| !applied.iter().any(|(v, _, _)| *v == m.version))
        .collect())
}

/// The wall clock in Unix milliseconds, for `schema_migrations.applied_at` only (everything
/// the engine decides on takes "now" from its caller).
pub(crate) fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Test helper: every `NNN_name.sql` file in `dir` is listed in `migrations` under its own
/// number and name, and the list is numbered from one without gaps.
#[cfg(test)]
pub(crate) fn assert_files_match(dir: &std::path::Path, migrations: &[Migration]) {
    for (i, m) in migrations.iter().enumerate() {
        assert_eq!(m.version as usize, i + 1, "migration {}", m.name);
    }
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<String> = migrations
        .iter()
        .map(|m| format!("{:03}_{}.sql", m.version, m.name))
        .collect();
    assert_eq!(files, listed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_ignores_carriage_returns() {
        assert_eq!(checksum("a\r\nb"), checksum("a\nb"));
        assert_ne!(checksum("a\nb"), checksum("a\nc"));
    }

    const A: Migration = Migration {
        version: 1,
        name: "a",
        sql: "x",
    };
    const B: Migration = Migration {
        version: 2,
        name: "b",
        sql: "y",
    };

    #[test]
    fn decides_what_to_apply_and_what_to_refuse() {
        let rec = |m: &Migration| (m.version, m.name.to_string(), checksum(m.sql));
        let versions = |v: Vec<&Migration>| v.iter().map(|m| m.version).collect::<Vec<_>>();
        assert_eq!(versions(to_apply(&[], &[A, B]).unwrap()), [1, 2]);
        assert_eq!(versions(to_apply(&[rec(&A)], &[A, B]).unwrap()), [2]);
        assert!(matches!(
            to_apply(&[rec(&A), rec(&B)], &[A]),
            Err(StoreError::SchemaTooNew {
                db_version: 2,
                code_version: 1
            })
        ));
        let edited = (1, "a".to_string(), checksum("z"));
        assert!(matches!(
            to_apply(&[edited], &[A, B]),
            Err(StoreError::MigrationMismatch { version: 1, .. })
        ));
    }
}
