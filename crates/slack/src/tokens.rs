//! Which bot token answers an event: the Web API client is chosen by the event's team.
//!
//! - a team installed through the OAuth install ([`Installations`]) is answered with that
//!   installation's bot token, and its bot user is the one whose messages are ignored;
//! - otherwise the single-workspace token (`SLACK_BOT_TOKEN`), when configured, answers — only
//!   its own team once that is known (from `auth.test`), any team while it is not;
//! - otherwise there is no token: the caller drops the event with a warning.
//!
//! One [`WebApi`] (one connection pool) is kept per team and reused while the stored token is
//! the same; all clients call the same base URL. `app_uninstalled` / `tokens_revoked` go
//! through [`Tokens::uninstall`], which removes the installation and the cached client.

use crate::events::BotIdentity;
use crate::oauth::{InstallationError, Installations};
use crate::webapi::WebApi;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The Web API client and bot identity for one team.
#[derive(Debug, Clone)]
pub struct TeamApi {
    pub api: WebApi,
    pub bot: BotIdentity,
    /// True for an OAuth installation, false for the single-workspace token.
    pub installed: bool,
}

/// The single-workspace token.
struct Single {
    api: WebApi,
    bot: BotIdentity,
    /// The token's team (from `auth.test`); `None` while unknown: then it answers any team.
    team: Option<String>,
}

/// Bot tokens by team: OAuth installations first, then the single-workspace token.
pub struct Tokens {
    base: String,
    single: Option<Single>,
    installations: Option<Arc<Installations>>,
    /// team → (token, client): the client is reused while the stored token is unchanged.
    cache: Mutex<HashMap<String, (String, WebApi)>>,
    /// A client without a token, for `response_url`s.
    anonymous: WebApi,
    /// Whether clients pace their calls within Slack's tiers ([`crate::pacing`]).
    paced: bool,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("base", &self.base)
            .field("single", &self.single.is_some())
            .field("installations", &self.installations.is_some())
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// No token at all yet: add [`Self::with_single`] and/or [`Self::with_installations`].
    /// Every client calls `base` (e.g. [`crate::webapi::DEFAULT_BASE_URL`]).
    pub fn new(base: impl Into<String>) -> Tokens {
        let base = base.into();
        Tokens {
            anonymous: WebApi::new("", base.clone()),
            base,
            single: None,
            installations: None,
            cache: Mutex::new(HashMap::new()),
            paced: true,
        }
    }

    /// Turns pacing within Slack's tiers on or off for every client (on by default; off
    /// only in front of a local double under load). 429s are honoured either way.
    pub fn with_pacing(mut self, on: bool) -> Tokens {
        self.paced = on;
        self.anonymous.set_pacing(on);
        if let Some(s) = &self.single {
            s.api.set_pacing(on);
        }
        self
    }

    /// Single-workspace mode: `api` answers every team (its base URL is used for all clients).
    pub fn single(api: WebApi, bot: BotIdentity) -> Tokens {
        Tokens::new(api.base_url().to_string()).with_single(api, bot, None)
    }

    /// The single-workspace token, its bot, and its team when known (`None`: any team).
    pub fn with_single(mut self, api: WebApi, bot: BotIdentity, team: Option<String>) -> Tokens {
        let api = match &team {
            Some(t) if api.workspace().is_empty() => api.for_workspace(t.clone()),
            _ => api,
        };
        api.set_pacing(self.paced);
        self.single = Some(Single { api, bot, team });
        self
    }

    /// Teams installed through OAuth, answered with their own tokens.
    pub fn with_installations(mut self, installations: Arc<Installations>) -> Tokens {
        self.installations = Some(installations);
        self
    }

    /// The base URL every client calls.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The single-workspace client, if configured.
    pub fn single_api(&self) -> Option<&WebApi> {
        self.single.as_ref().map(|s| &s.api)
    }

    /// A client with no token (`response_url`s need none).
    pub fn anonymous(&self) -> &WebApi {
        &self.anonymous
    }

    /// Whether `team` has an OAuth installation (a store failure counts as not installed).
    pub async fn is_installed(&self, team: &str) -> bool {
        self.installed(team).await.is_some()
    }

    async fn installed(&self, team: &str) -> Option<TeamApi> {
        let inst = self.installations.as_ref()?;
        if team.is_empty() {
            return None;
        }
        let found = match inst.get(team).await {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(team, error = %e, "cannot read a Slack installation");
                None
            }
        };
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let Some(i) = found else {
            cache.remove(team);
            return None;
        };
        let api = match cache.get(team) {
            Some((token, api)) if *token == i.bot_token => api.clone(),
            _ => {
                let api = WebApi::new(i.bot_token.clone(), self.base.clone()).for_workspace(team);
                api.set_pacing(self.paced);
                cache.insert(team.to_string(), (i.bot_token.clone(), api.clone()));
                api
            }
        };
        Some(TeamApi {
            api,
            bot: i.bot(),
            installed: true,
        })
    }

    /// The client and bot for `team`: its installation, else the single-workspace token
    /// (for its own team, or any team while that is unknown; an empty team — an old record
    /// without one — also gets it), else `None`.
    pub async fn for_team(&self, team: &str) -> Option<TeamApi> {
        if let Some(t) = self.installed(team).await {
            return Some(t);
        }
        let s = self.single.as_ref()?;
        match &s.team {
            Some(own) if !team.is_empty() && own != team => None,
            _ => Some(TeamApi {
                api: s.api.clone(),
                bot: s.bot.clone(),
                installed: false,
            }),
        }
    }

    /// The app was uninstalled from `team` (or its bot token revoked): removes the
    /// installation and its client. True when there was one.
    pub async fn uninstall(&self, team: &str) -> Result<bool, InstallationError> {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(team);
        match &self.installations {
            Some(i) => i.remove(team).await,
            None => Ok(false),
        }
    }

    /// The bot user of `team`'s installation, if any (for `tokens_revoked`).
    pub async fn installed_bot_user(&self, team: &str) -> Option<String> {
        let i = self.installations.as_ref()?.get(team).await.ok()??;
        Some(i.bot_user_id)
    }
}
