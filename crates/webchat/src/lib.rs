//! The built-in web chat: a small page (plain HTML, CSS and JavaScript, embedded in the binary)
//! where signed-in users pick a channel, type commands and press buttons, and see the engine's
//! answers and in-place updates live over a WebSocket.
//!
//! It drives any [`engine::Handler`], so it knows nothing of AWS. It is the product's embedded
//! default surface: no Slack account is needed to try the product, but it runs AWS commands,
//! so it is never open to whoever reaches the port (see [`auth`]).
//!
//! ```no_run
//! # async fn run(handler: std::sync::Arc<dyn engine::Handler>) -> Result<(), webchat::ServeError> {
//! let channels = vec![webchat::ChannelInfo::new("web", "C1", "ops")];
//! let settings = webchat::WebSettings::new(channels, vec![])?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! println!("token: {}", settings.token);
//! webchat::serve(listener, handler, settings).await
//! # }
//! ```
//!
//! The page ↔ server protocol (HTTP endpoints and WebSocket frames) is described in
//! [`routes`] and [`protocol`].

pub mod auth;
mod controls;
mod hub;
pub mod journal;
pub mod membership;
pub mod protocol;
pub mod relay;
pub mod routes;
pub mod sessions;
pub mod sharing;
mod socket;
pub mod telemetry;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use engine::Handler;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

/// Messages kept per channel for reloads and late joiners.
pub const HISTORY_LIMIT: usize = 500;
/// How often [`serve`] runs the handler's sweep (expired prompts and confirmations).
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// A channel the web chat offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelInfo {
    /// The workspace name sent to the engine.
    pub workspace: String,
    /// The channel id sent to the engine.
    pub id: String,
    /// What the page shows.
    pub name: String,
}

impl ChannelInfo {
    pub fn new(
        workspace: impl Into<String>,
        id: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        ChannelInfo {
            workspace: workspace.into(),
            id: id.into(),
            name: name.into(),
        }
    }
}

/// What the web chat serves and who may use it.
#[derive(Clone)]
pub struct WebSettings {
    pub channels: Vec<ChannelInfo>,
    /// Users from the configuration: (name, token).
    pub users: Vec<(String, String)>,
    /// The start-up token (random by [`WebSettings::new`]); it signs in as [`Self::token_user`].
    pub token: String,
    pub token_user: String,
    /// Where the channels' recent messages are kept across restarts (JSON lines, see
    /// [`journal`]); `None` keeps them in memory only.
    pub history_path: Option<PathBuf>,
    /// Which channels each user may use (see [`membership`]); everyone all by default.
    pub members: membership::Members,
    /// Where sessions are kept (see [`sessions`]); in memory by default.
    pub sessions: sessions::SessionSettings,
}

impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSettings")
            .field("channels", &self.channels)
            .field(
                "users",
                &self.users.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("token", &"<redacted>")
            .field("token_user", &self.token_user)
            .field("history_path", &self.history_path)
            .field("members", &self.members)
            .field("sessions", &self.sessions)
            .finish()
    }
}

impl WebSettings {
    /// The name the start-up token signs in as.
    pub const TOKEN_USER: &'static str = "admin";

    /// Settings with a fresh random start-up token (256 bits, hex) for [`Self::TOKEN_USER`].
    pub fn new(
        channels: Vec<ChannelInfo>,
        users: Vec<(String, String)>,
    ) -> Result<WebSettings, SettingsError> {
        let token = auth::random_hex(32).map_err(|e| SettingsError::Random(e.to_string()))?;
        Ok(WebSettings {
            channels,
            users,
            token,
            token_user: Self::TOKEN_USER.to_string(),
            history_path: None,
            members: membership::Members::everyone(),
            sessions: sessions::SessionSettings::default(),
        })
    }

    /// Replaces the random start-up token with a fixed one (e.g. from
    /// [`auth::TOKEN_ENV`]), so every replica accepts the same token.
    pub fn use_token(&mut self, token: &str) -> Result<(), SettingsError> {
        auth::check_start_token(token)?;
        self.token = token.to_string();
        Ok(())
    }
}

/// Settings that would leave the web chat open or ambiguous.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("a web chat user has an empty name")]
    EmptyUserName,
    #[error(
        "the web chat token of user {user:?} is shorter than {} characters",
        auth::MIN_TOKEN_LEN
    )]
    ShortToken { user: String },
    #[error("users {first:?} and {second:?} have the same web chat token; each needs its own")]
    SharedToken { first: String, second: String },
    #[error("channel {channel:?} of workspace {workspace:?} is listed twice")]
    DuplicateChannel { workspace: String, channel: String },
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error(
        "the start-up token ({}) is shorter than {} characters or contains whitespace",
        auth::TOKEN_ENV,
        auth::MIN_TOKEN_LEN
    )]
    BadStartToken,
    #[error("user {user:?} is given channel {channel:?} of workspace {workspace:?}, which the web chat does not offer")]
    UnknownMemberChannel {
        user: String,
        workspace: String,
        channel: String,
    },
    #[error("user {0:?} is the start-up token's user, which is a member of every channel; give the [[users]] entry another name")]
    RestrictedTokenUser(String),
    #[error("cannot use the web chat history file {path}: {error}")]
    History {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// Why [`serve`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("the web chat server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What every request handler shares.
pub(crate) struct App {
    handler: Arc<dyn Handler>,
    auth: auth::Auth,
    sessions: sessions::Sessions,
    members: membership::Members,
    hub: Arc<hub::Hub>,
    channels: Vec<ChannelInfo>,
}

/// A configured web chat: its routes, and the sweep that pushes expiry updates.
#[derive(Clone)]
pub struct WebChat {
    app: Arc<App>,
}

impl WebChat {
    /// Checks the settings (tokens long enough and distinct, channels distinct), and replays
    /// the history file when there is one.
    pub fn new(handler: Arc<dyn Handler>, settings: WebSettings) -> Result<WebChat, SettingsError> {
        let mut users = settings.users;
        users.push((settings.token_user.clone(), settings.token));
        let auth = auth::Auth::new(&users)?;
        let mut keys = Vec::new();
        for c in &settings.channels {
            let key = (c.workspace.clone(), c.id.clone());
            if keys.contains(&key) {
                return Err(SettingsError::DuplicateChannel {
                    workspace: c.workspace.clone(),
                    channel: c.id.clone(),
                });
            }
            keys.push(key);
        }
        settings.members.check(&settings.token_user, &keys)?;
        let hub = match &settings.history_path {
            Some(path) => hub::Hub::open(keys, HISTORY_LIMIT, path).map_err(|error| {
                SettingsError::History {
                    path: path.clone(),
                    error,
                }
            })?,
            None => hub::Hub::new(keys, HISTORY_LIMIT),
        };
        Ok(WebChat {
            app: Arc::new(App {
                handler,
                auth,
                sessions: sessions::Sessions::new(settings.sessions),
                members: settings.members,
                hub: Arc::new(hub),
                channels: settings.channels,
            }),
        })
    }

    /// The page, its assets, the API and the WebSocket, as one router.
    pub fn router(&self) -> axum::Router {
        routes::router(self.app.clone())
    }

    /// Posts notifications into the web chat's channels (kept in the history like any
    /// message, pushed to the sockets viewing the channel).
    pub fn poster(&self) -> Arc<dyn engine::Poster> {
        Arc::new(HubPoster {
            app: self.app.clone(),
        })
    }

    /// Shows the messages other processes handed over through `store` (see [`relay`]),
    /// every `every`, until `stop` is cancelled (between two rounds, never inside one).
    pub fn spawn_relay(
        &self,
        store: store::AsyncStore,
        every: Duration,
        stop: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tick.tick() => {}
                }
                for r in relay::take(&store).await {
                    let key = (r.workspace, r.channel);
                    if app.hub.knows(&key) {
                        app.hub.apply(Some(&key), vec![r.outbound]);
                    } else {
                        tracing::warn!(workspace = %key.0, channel = %key.1, "a handed-over message for a channel the web chat does not offer; dropped");
                    }
                }
            }
        })
    }

    /// Shares this web chat with the other replicas on `store` (see [`sharing`]): what is
    /// said through any of them reaches the viewers of all. Returns the tasks, which end when
    /// `stop` is cancelled.
    pub async fn share_through(
        &self,
        store: store::AsyncStore,
        stop: CancellationToken,
    ) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
        sharing::start(self.app.hub.clone(), store, stop).await
    }

    /// Runs the handler's sweep once and pushes its updates to the channels they belong to.
    pub async fn sweep_once(&self) {
        let out = self.app.handler.sweep().await;
        self.app.hub.apply(None, out);
    }

    /// Runs [`Self::sweep_once`] every `every`, until `stop` is cancelled (between two
    /// sweeps, never inside one).
    pub fn spawn_sweeper(
        &self,
        every: Duration,
        stop: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let chat = self.clone();
        engine::surface::spawn_every(every, stop, move || {
            let chat = chat.clone();
            async move { chat.sweep_once().await }
        })
    }
}

/// The web chat as an [`engine::Poster`]: threads are engine ids already (the page shows a
/// reply's thread by the id of its first message).
struct HubPoster {
    app: Arc<App>,
}

impl HubPoster {
    fn key(&self, place: &engine::Place) -> Result<hub::Key, engine::PostError> {
        let key = (place.workspace.clone(), place.channel.clone());
        if self.app.hub.knows(&key) {
            Ok(key)
        } else {
            Err(engine::PostError(format!(
                "the web chat has no channel {:?} in workspace {:?}",
                place.channel, place.workspace
            )))
        }
    }
}

impl engine::Poster for HubPoster {
    fn post<'a>(
        &'a self,
        place: &'a engine::Place,
        message: engine::Message,
    ) -> engine::PostFuture<'a> {
        Box::pin(async move {
            let key = self.key(place)?;
            self.app
                .hub
                .apply(Some(&key), vec![engine::Outbound::Post(message)]);
            Ok(())
        })
    }

    fn update<'a>(
        &'a self,
        place: &'a engine::Place,
        message: engine::Message,
    ) -> engine::PostFuture<'a> {
        Box::pin(async move {
            let key = self.key(place)?;
            let id = message.id.clone();
            self.app.hub.apply(
                Some(&key),
                vec![engine::Outbound::Update {
                    message: id,
                    content: message,
                }],
            );
            Ok(())
        })
    }
}

/// Serves the web chat on `listener` until the server fails, sweeping every [`SWEEP_EVERY`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    handler: Arc<dyn Handler>,
    settings: WebSettings,
) -> Result<(), ServeError> {
    let chat = WebChat::new(handler, settings)?;
    let stop = CancellationToken::new();
    let sweeper = chat.spawn_sweeper(SWEEP_EVERY, stop.clone());
    let result = axum::serve(listener, chat.router()).await;
    stop.cancel();
    let _ = sweeper.await;
    Ok(result?)
}
