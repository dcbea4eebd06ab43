//! Opening the configuration's store: one place, so `serve`, `notify send` and `audit` read
//! and write the same data whichever backend the configuration names.
//!
//! PostgreSQL's password is a secret and does not belong in the configuration file:
//! `CHATOPS_POSTGRES_PASSWORD` supplies it (taking precedence over one in the URL).
//! `CHATOPS_POSTGRES_POOL_SIZE` sizes each process's connection pool (default 8).

use std::sync::Arc;

use config::Config;

/// The password of the PostgreSQL store, when not in its URL.
pub const PASSWORD_VAR: &str = "CHATOPS_POSTGRES_PASSWORD";
/// Connections each process may hold.
pub const POOL_SIZE_VAR: &str = "CHATOPS_POSTGRES_POOL_SIZE";

/// Opens (creating or migrating as needed) the store `config` names. Blocking: PostgreSQL
/// connects and migrates here, so async callers go through [`open_async`].
pub fn open(config: &Config) -> Result<Arc<dyn store::Store>, String> {
    let store: Arc<dyn store::Store> = match &config.store {
        config::Store::Sqlite(path) => {
            Arc::new(store::SqliteStore::open(path).map_err(|e| e.to_string())?)
        }
        config::Store::Postgres(url) => {
            let options = postgres_options()?;
            Arc::new(store::PostgresStore::connect(url, &options).map_err(|e| e.to_string())?)
        }
    };
    // Every store call timed (a metric; free where no exporter is installed).
    Ok(Arc::new(store::Measured::new(store)))
}

/// [`open`] on the blocking pool.
pub async fn open_async(config: Arc<Config>) -> Result<Arc<dyn store::Store>, String> {
    tokio::task::spawn_blocking(move || open(&config))
        .await
        .map_err(|e| format!("opening the store failed: {e}"))?
}

fn postgres_options() -> Result<store::PostgresOptions, String> {
    let mut options = store::PostgresOptions {
        password: std::env::var(PASSWORD_VAR).ok().filter(|p| !p.is_empty()),
        ..store::PostgresOptions::default()
    };
    if let Ok(size) = std::env::var(POOL_SIZE_VAR) {
        options.pool_size = match size.trim().parse::<usize>() {
            Ok(n) if (1..=512).contains(&n) => n,
            _ => {
                return Err(format!(
                    "{POOL_SIZE_VAR} is {size:?}; expected a number of connections from 1 to 512"
                ))
            }
        };
    }
    Ok(options)
}
