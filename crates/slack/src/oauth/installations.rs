//! Installations (one per workspace the app was installed in) and where their sealed
//! records live.

use super::key::TokenKey;
use super::seal::{CryptoError, TokenCipher};
use crate::events::BotIdentity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

/// A storage failure (I/O, a corrupt file), with what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token store: {0}")]
pub struct StoreError(pub String);

/// Where sealed records live, by team id. Implementations see only ciphertext.
pub trait TokenStore: Send + Sync {
    fn put(&self, team_id: &str, record: &str) -> Result<(), StoreError>;
    fn get(&self, team_id: &str) -> Result<Option<String>, StoreError>;
    /// Whether there was a record (for `app_uninstalled` / `tokens_revoked`).
    fn remove(&self, team_id: &str) -> Result<bool, StoreError>;
    fn teams(&self) -> Result<Vec<String>, StoreError>;
}

/// Records in memory (tests, single runs).
#[derive(Debug, Default)]
pub struct MemoryTokenStore(Mutex<BTreeMap<String, String>>);

impl MemoryTokenStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryTokenStore {
    fn put(&self, team_id: &str, record: &str) -> Result<(), StoreError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(team_id.into(), record.into());
        Ok(())
    }
    fn get(&self, team_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(team_id)
            .cloned())
    }
    fn remove(&self, team_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(team_id)
            .is_some())
    }
    fn teams(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect())
    }
}

/// Records in one JSON file (`{"T…": "v1.…"}`), rewritten atomically (a temporary file,
/// then rename) with mode 0600.
#[derive(Debug)]
pub struct FileTokenStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileTokenStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<BTreeMap<String, String>, StoreError> {
        match std::fs::read(&self.path) {
            Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(BTreeMap::new()),
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                StoreError(format!(
                    "{}: not a JSON object of records: {e}",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(StoreError(format!("{}: {e}", self.path.display()))),
        }
    }

    fn write(&self, records: &BTreeMap<String, String>) -> Result<(), StoreError> {
        let err = |e: std::io::Error| StoreError(format!("{}: {e}", self.path.display()));
        let tmp = self.path.with_extension("tmp");
        let body = serde_json::to_vec_pretty(records).map_err(|e| StoreError(e.to_string()))?;
        {
            use std::io::Write;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp).map_err(err)?;
            f.write_all(&body).map_err(err)?;
            f.sync_all().map_err(err)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(err)
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TokenStore for FileTokenStore {
    fn put(&self, team_id: &str, record: &str) -> Result<(), StoreError> {
        let _g = self.guard();
        let mut all = self.read()?;
        all.insert(team_id.into(), record.into());
        self.write(&all)
    }
    fn get(&self, team_id: &str) -> Result<Option<String>, StoreError> {
        let _g = self.guard();
        Ok(self.read()?.remove(team_id))
    }
    fn remove(&self, team_id: &str) -> Result<bool, StoreError> {
        let _g = self.guard();
        let mut all = self.read()?;
        let had = all.remove(team_id).is_some();
        if had {
            self.write(&all)?;
        }
        Ok(had)
    }
    fn teams(&self) -> Result<Vec<String>, StoreError> {
        let _g = self.guard();
        Ok(self.read()?.into_keys().collect())
    }
}

/// Why an installation could not be saved or loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallationError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stored installation for team {0:?} cannot be read: {1}")]
    Corrupt(String, String),
}

/// Installations by team, sealed with [`TokenCipher`] in a [`TokenStore`].
pub struct Installations {
    cipher: TokenCipher,
    store: Arc<dyn TokenStore>,
}

impl Installations {
    pub fn new(key: &TokenKey, store: Arc<dyn TokenStore>) -> Self {
        Self {
            cipher: TokenCipher::new(key),
            store,
        }
    }

    pub fn save(&self, inst: &Installation) -> Result<(), InstallationError> {
        let plain = serde_json::to_vec(inst)
            .map_err(|e| InstallationError::Corrupt(inst.team_id.clone(), e.to_string()))?;
        let record = self.cipher.seal(&inst.team_id, &plain)?;
        Ok(self.store.put(&inst.team_id, &record)?)
    }

    /// The team's installation, decrypted; `None` when the app is not installed there.
    pub fn get(&self, team_id: &str) -> Result<Option<Installation>, InstallationError> {
        let Some(record) = self.store.get(team_id)? else {
            return Ok(None);
        };
        let plain = self.cipher.open(team_id, &record)?;
        let inst: Installation = serde_json::from_slice(&plain)
            .map_err(|e| InstallationError::Corrupt(team_id.into(), e.to_string()))?;
        if inst.team_id != team_id {
            return Err(CryptoError::WrongTeam {
                record: inst.team_id,
                requested: team_id.into(),
            }
            .into());
        }
        Ok(Some(inst))
    }

    pub fn remove(&self, team_id: &str) -> Result<bool, InstallationError> {
        Ok(self.store.remove(team_id)?)
    }

    pub fn teams(&self) -> Result<Vec<String>, InstallationError> {
        Ok(self.store.teams()?)
    }
}
