//! Serving Microsoft Teams from `chatops serve`: the settings from the configuration's
//! `platform = "teams"` workspaces and the environment (`TEAMS_APP_ID`,
//! `TEAMS_APP_PASSWORD`, optional `TEAMS_TENANT_ID`, `TEAMS_OPENID_METADATA_URL`,
//! `TEAMS_TOKEN_URL`, `TEAMS_SERVICE_URL`), and a poster for notifications (`serve` and
//! `notify send` alike).

use config::{Config, Platform};
use engine::Handler;
use std::collections::HashMap;
use std::sync::Arc;

/// What Teams needs: which tenant is which workspace, and the app's credentials.
pub(crate) struct TeamsSetup {
    settings: teams::server::TeamsSettings,
    auth: teams::auth::AuthSettings,
    token: teams::token::TokenSettings,
    service_url: String,
}

/// The Teams workspaces of the configuration, when there are any and the environment
/// holds the app's id and password; `None` (with a note when only the environment is
/// missing) otherwise.
pub(crate) fn setup(config: &Config) -> Option<TeamsSetup> {
    let tenants: HashMap<String, String> = config
        .workspaces
        .iter()
        .filter(|w| w.platform == Platform::Teams)
        .filter_map(|w| {
            w.tenant_id
                .as_ref()
                .map(|t| (t.to_ascii_lowercase(), w.name.clone()))
        })
        .collect();
    if tenants.is_empty() {
        return None;
    }
    let Some((auth, token)) = teams::auth::settings_from_env() else {
        eprintln!(
            "note: the configuration has a Teams workspace, but TEAMS_APP_ID and \
             TEAMS_APP_PASSWORD are not both set; Teams is not served"
        );
        return None;
    };
    Some(TeamsSetup {
        settings: teams::server::TeamsSettings { tenants },
        auth,
        token,
        service_url: service_url_from_env(),
    })
}

/// Where proactive messages go when no activity told us (`TEAMS_SERVICE_URL`).
fn service_url_from_env() -> String {
    std::env::var(teams::outbox::ENV_SERVICE_URL)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| teams::outbox::DEFAULT_SERVICE_URL.to_string())
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

impl TeamsSetup {
    /// The surface, answering with `handler`.
    pub(crate) fn start(
        self,
        handler: Arc<dyn Handler>,
        store: Arc<dyn store::Store>,
    ) -> teams::server::Teams {
        let http = http();
        let verifier = teams::auth::Verifier::new(self.auth, http.clone());
        let tokens = teams::token::TokenSource::new(self.token, http.clone());
        teams::server::Teams::new(
            self.settings,
            verifier,
            teams::connector::Connector::new(http, tokens),
            handler,
            store,
            self.service_url,
        )
    }
}

/// A poster into Teams channels for `notify send` (no server: the credentials from the
/// environment, the service URL the server recorded for the channel).
pub(crate) fn poster(store: Arc<dyn store::Store>) -> Result<Arc<dyn engine::Poster>, String> {
    let (_, token) = teams::auth::settings_from_env().ok_or(
        "posting to a Teams channel needs the app's credentials in TEAMS_APP_ID and TEAMS_APP_PASSWORD",
    )?;
    let http = http();
    let tokens = teams::token::TokenSource::new(token, http.clone());
    let outbox = teams::outbox::Outbox::new(
        teams::connector::Connector::new(http, tokens),
        store::AsyncStore::new(store),
        service_url_from_env(),
    );
    Ok(Arc::new(outbox.poster()))
}
