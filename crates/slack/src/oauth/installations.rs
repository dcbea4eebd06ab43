//! Installations (one per workspace the app was installed in), kept in the project's
//! [`Store`] (`put/get/delete/list_installations` under the surface [`STORE_SURFACE`]), as
//! slack_sdk's `installation_store/sqlite3` keeps them in SQLite. Each is sealed with the
//! [`TokenCipher`] before it reaches the store, which only ever holds ciphertext.
//!
//! Earlier releases kept the same sealed records in a side file, [`LEGACY_FILE`], beside the
//! store; [`Installations::import_legacy_file`] moves them into the store once.

use super::key::TokenKey;
use super::seal::{CryptoError, TokenCipher};
use crate::events::BotIdentity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::{AsyncStore, Store};

/// The surface name Slack installations are filed under in the store.
pub const STORE_SURFACE: &str = "slack";

/// The side file earlier releases kept the sealed installations in (`{"T…": "v1.…"}`, next
/// to the SQLite store); read once by [`Installations::import_legacy_file`].
pub const LEGACY_FILE: &str = "slack-installations.json";

/// One workspace's install, as `oauth.v2.access` returned it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    pub team_id: String,
    pub team_name: Option<String>,
    pub enterprise_id: Option<String>,
    pub app_id: Option<String>,
    /// The bot user (`U…`): its own messages are ignored.
    pub bot_user_id: String,
    /// `xoxb-…`.
    pub bot_token: String,
    pub scopes: Vec<String>,
    /// Who installed the app.
    pub installer_user_id: Option<String>,
    /// Unix seconds.
    pub installed_at: i64,
    /// With token rotation enabled: the refresh token and when the bot token expires (unix
    /// seconds). Refreshing is not implemented: rotation is off in the manifest.
    pub refresh_token: Option<String>,
    pub expires_at: Option<i64>,
}

impl Installation {
    pub fn bot(&self) -> BotIdentity {
        BotIdentity {
            user_id: Some(self.bot_user_id.clone()),
            bot_id: None,
        }
    }
}

impl fmt::Debug for Installation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installation")
            .field("team_id", &self.team_id)
            .field("team_name", &self.team_name)
            .field("enterprise_id", &self.enterprise_id)
            .field("app_id", &self.app_id)
            .field("bot_user_id", &self.bot_user_id)
            .field("bot_token", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("installer_user_id", &self.installer_user_id)
            .field("installed_at", &self.installed_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why an installation could not be saved, loaded or imported.
#[derive(Debug, Clone, thiserror::Error)]
pub enum InstallationError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The project's store failed (`op` names the call).
    #[error("the store failed to {op} a Slack installation: {source}")]
    Store {
        op: &'static str,
        #[source]
        source: Arc<store::StoreError>,
    },
    #[error("the stored installation for team {0:?} cannot be read: {1}")]
    Corrupt(String, String),
    /// The installations file of an earlier release cannot be read. Nothing was imported.
    #[error("{path}: the Slack installations of an earlier release cannot be read: {source}")]
    LegacyRead {
        path: PathBuf,
        #[source]
        source: Arc<std::io::Error>,
    },
    /// That file is not a JSON object of records. Nothing was imported; the file is left
    /// where it is.
    #[error(
        "{path}: the Slack installations of an earlier release cannot be imported: it is not \
         a JSON object of sealed records ({source})"
    )]
    LegacyFormat {
        path: PathBuf,
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// One record of that file does not open with the key (or is not an installation).
    /// Nothing was imported; the file is left where it is.
    #[error("{path}: the Slack installation of team {team:?} cannot be imported: {source}")]
    LegacyRecord {
        path: PathBuf,
        team: String,
        #[source]
        source: Box<InstallationError>,
    },
    /// The records were imported, but the file could not be renamed out of the way. While it
    /// stays, the next start imports it again, which would bring back a team uninstalled since.
    #[error(
        "{path}: {imported} Slack installation(s) imported into the store, but the file cannot \
         be renamed to {to}: {source}; move it away yourself, or a team uninstalled later would \
         come back at the next start"
    )]
    LegacyRename {
        path: PathBuf,
        to: PathBuf,
        imported: usize,
        #[source]
        source: Arc<std::io::Error>,
    },
}

/// Errors compare by variant and what they say: the store's errors carry boxed sources
/// that cannot be compared otherwise, and their message is all a caller can act on.
impl PartialEq for InstallationError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Crypto(a), Self::Crypto(b)) => a == b,
            (Self::Corrupt(a, x), Self::Corrupt(b, y)) => a == b && x == y,
            (
                Self::LegacyRecord {
                    path: a,
                    team: t,
                    source: x,
                },
                Self::LegacyRecord {
                    path: b,
                    team: u,
                    source: y,
                },
            ) => a == b && t == u && x == y,
            (a, b) => {
                std::mem::discriminant(a) == std::mem::discriminant(b)
                    && a.to_string() == b.to_string()
            }
        }
    }
}

impl Eq for InstallationError {}

fn store_error(op: &'static str) -> impl Fn(store::StoreError) -> InstallationError {
    move |e| InstallationError::Store {
        op,
        source: Arc::new(e),
    }
}

/// What [`Installations::import_legacy_file`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyImport {
    /// Teams whose installation was copied into the store.
    pub imported: Vec<String>,
    /// Teams the store already had an installation for (kept: it is the newer one).
    pub kept: Vec<String>,
    /// Where the file is now (`….imported`), so it is not imported again.
    pub moved_to: PathBuf,
}

/// Installations by team, sealed with [`TokenCipher`] in the project's [`Store`].
pub struct Installations {
    cipher: TokenCipher,
    store: AsyncStore,
}

impl Installations {
    pub fn new(key: &TokenKey, store: Arc<dyn Store>) -> Self {
        Self {
            cipher: TokenCipher::new(key),
            store: AsyncStore::new(store),
        }
    }

    pub async fn save(&self, inst: &Installation) -> Result<(), InstallationError> {
        let plain = serde_json::to_vec(inst)
            .map_err(|e| InstallationError::Corrupt(inst.team_id.clone(), e.to_string()))?;
        let record = self.cipher.seal(&inst.team_id, &plain)?;
        self.store
            .put_installation(
                STORE_SURFACE,
                &inst.team_id,
                &record,
                crate::clock::now_ms(),
            )
            .await
            .map_err(store_error("save"))
    }

    /// The team's installation, decrypted; `None` when the app is not installed there.
    pub async fn get(&self, team_id: &str) -> Result<Option<Installation>, InstallationError> {
        let Some(record) = self
            .store
            .get_installation(STORE_SURFACE, team_id)
            .await
            .map_err(store_error("read"))?
        else {
            return Ok(None);
        };
        self.open(team_id, &record).map(Some)
    }

    /// Opens a sealed record filed under `team_id`: it must decrypt with the key, for that
    /// team, into an installation of that team.
    fn open(&self, team_id: &str, record: &str) -> Result<Installation, InstallationError> {
        let plain = self.cipher.open(team_id, record)?;
        let inst: Installation = serde_json::from_slice(&plain)
            .map_err(|e| InstallationError::Corrupt(team_id.into(), e.to_string()))?;
        if inst.team_id != team_id {
            return Err(CryptoError::WrongTeam {
                record: inst.team_id,
                requested: team_id.into(),
            }
            .into());
        }
        Ok(inst)
    }

    /// Forgets the team's installation; whether there was one (for `app_uninstalled` /
    /// `tokens_revoked`).
    pub async fn remove(&self, team_id: &str) -> Result<bool, InstallationError> {
        self.store
            .delete_installation(STORE_SURFACE, team_id)
            .await
            .map_err(store_error("remove"))
    }

    /// The teams the app is installed in, sorted.
    pub async fn teams(&self) -> Result<Vec<String>, InstallationError> {
        self.store
            .list_installations(STORE_SURFACE)
            .await
            .map_err(store_error("list"))
    }

    /// Imports the installations an earlier release kept in `path` ([`LEGACY_FILE`] beside the
    /// store), once: every record must open with the key (else nothing is imported and the
    /// error names the team), each is copied into the store as it is (already sealed) unless
    /// the store has that team already, and the file is then renamed to `….imported`.
    /// `Ok(None)` when there is no such file.
    pub async fn import_legacy_file(
        &self,
        path: &Path,
    ) -> Result<Option<LegacyImport>, InstallationError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(InstallationError::LegacyRead {
                    path: path.to_path_buf(),
                    source: Arc::new(e),
                })
            }
        };
        // Blank, as the old file store also accepted: no installations.
        let records: BTreeMap<String, String> = if bytes.iter().all(u8::is_ascii_whitespace) {
            BTreeMap::new()
        } else {
            serde_json::from_slice(&bytes).map_err(|e| InstallationError::LegacyFormat {
                path: path.to_path_buf(),
                source: Arc::new(e),
            })?
        };
        for (team, record) in &records {
            self.open(team, record)
                .map_err(|e| InstallationError::LegacyRecord {
                    path: path.to_path_buf(),
                    team: team.clone(),
                    source: Box::new(e),
                })?;
        }
        let (mut imported, mut kept) = (Vec::new(), Vec::new());
        for (team, record) in records {
            let present = self
                .store
                .get_installation(STORE_SURFACE, &team)
                .await
                .map_err(store_error("read"))?;
            if present.is_some() {
                kept.push(team);
                continue;
            }
            self.store
                .put_installation(STORE_SURFACE, &team, &record, crate::clock::now_ms())
                .await
                .map_err(store_error("import"))?;
            imported.push(team);
        }
        let mut moved_to = path.as_os_str().to_owned();
        moved_to.push(".imported");
        let moved_to = PathBuf::from(moved_to);
        std::fs::rename(path, &moved_to).map_err(|e| InstallationError::LegacyRename {
            path: path.to_path_buf(),
            to: moved_to.clone(),
            imported: imported.len(),
            source: Arc::new(e),
        })?;
        tracing::info!(
            file = %path.display(),
            imported = imported.len(),
            kept = kept.len(),
            moved_to = %moved_to.display(),
            "Slack installations of an earlier release imported into the store"
        );
        Ok(Some(LegacyImport {
            imported,
            kept,
            moved_to,
        }))
    }
}
