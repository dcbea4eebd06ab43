//! The HTTP endpoints Slack calls: `/slack/events`, `/slack/interactivity`,
//! `/slack/commands`.
//!
//! Every request: the raw body is read (at most 1 MiB, else `413`) and its signature checked
//! **before anything is parsed** (`401` and nothing runs when it fails), both by the
//! `VerifiedBody` extractor every route takes; then the body is parsed, de-duplicated through
//! the store's processed event ids, and answered at once; the engine's work and the Web API
//! calls run in a spawned task after the answer, so Slack always gets its ack well within 3 s.
//!
//! The bot token used is the event's team's ([`Tokens`]): its OAuth installation, else the
//! single-workspace token; `app_uninstalled` and `tokens_revoked` remove the installation.

use crate::clock::now_ms;
use crate::events::{self, Envelope, SlackEvent};
use crate::interactivity::{self, Interaction, InteractionError, SlashCommand, Target};
use crate::outbox::{Origin, Outbox};
use crate::signature::{verify, SignatureHeaders};
use crate::tokens::Tokens;
use crate::webapi::{WebApi, DEFAULT_BASE_URL};
use crate::BotIdentity;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use engine::{Handler, Inbound, Outbound};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{AsyncStore, Store};

/// Environment variables of single-workspace mode.
pub const ENV_BOT_TOKEN: &str = "SLACK_BOT_TOKEN";
pub const ENV_SIGNING_SECRET: &str = "SLACK_SIGNING_SECRET";
pub const ENV_API_URL: &str = "SLACK_API_URL";

/// Largest body accepted (Slack's payloads are far smaller).
const MAX_BODY: usize = 1 << 20;

/// How the Slack surface is set up.
#[derive(Clone)]
pub struct SlackSettings {
    pub signing_secret: String,
    /// The single-workspace token's bot (with [`Slack::new`]); installed teams' bots come
    /// from their installations.
    pub bot: BotIdentity,
    /// Slack team id → the configuration's workspace name (what the engine is given).
    pub teams: HashMap<String, String>,
    /// The workspace for a team not in `teams` that has a token (an OAuth installation, or
    /// the single-workspace token's team): a single Slack workspace configured without a
    /// `team_id`; `None` drops such events.
    pub default_workspace: Option<String>,
}

/// An environment variable's value, when set and not blank.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Single-workspace mode's environment: `(bot token, signing secret, API base URL)`, or
/// `None` when the token or the secret is unset or empty.
pub fn env_credentials() -> Option<(String, String, String)> {
    let get = env_var;
    Some((
        get(ENV_BOT_TOKEN)?,
        get(ENV_SIGNING_SECRET)?,
        get(ENV_API_URL).unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
    ))
}

struct Inner {
    settings: SlackSettings,
    handler: Arc<dyn Handler>,
    store: AsyncStore,
    outbox: Outbox,
    in_flight: Arc<engine::surface::InFlight>,
    /// Sweep updates not meant for Slack, for another surface to take.
    leftovers: Arc<engine::surface::Leftovers>,
    /// Display names from `users.info`, by (team, user), for the audit log.
    names: Mutex<HashMap<(String, String), String>>,
    /// Acknowledged events not answered yet (see [`INBOX_KIND`]).
    inbox: engine::surface::Inbox,
}

/// Inbox items of acknowledged Slack events: recorded (held by the receiving replica) before
/// the ack, marked done once answered; one whose replica died before answering is taken over
/// by another replica's sweep once its lease ran out.
pub const INBOX_KIND: &str = "slack.event";
/// Default lease of an acknowledged event: longer than a command may run, so a live
/// replica's slow command is never taken over.
pub const EVENT_LEASE: Duration = Duration::from_secs(5 * 60);
/// Takeovers after which an event is given up (logged): a poison event must not loop.
const MAX_EVENT_ATTEMPTS: u32 = 3;

/// What the inbox keeps of an event: enough to answer it on any replica.
#[derive(serde::Serialize, serde::Deserialize)]
struct RecordedEvent {
    team: String,
    inbound: Inbound,
}

/// The Slack surface: its routes, and the tasks it spawns.
#[derive(Clone)]
pub struct Slack {
    inner: Arc<Inner>,
}

fn status(code: StatusCode, text: &'static str) -> Response {
    (code, text).into_response()
}

fn hash_key(prefix: &str, body: &[u8]) -> String {
    format!("{prefix}:{}", hex::encode(&Sha256::digest(body)[..16]))
}

impl Slack {
    /// Single-workspace mode: `api` (with `settings.bot`) answers every team.
    pub fn new(
        settings: SlackSettings,
        handler: Arc<dyn Handler>,
        store: Arc<dyn Store>,
        api: WebApi,
    ) -> Slack {
        let tokens = Tokens::single(api, settings.bot.clone());
        Slack::with_tokens(settings, handler, store, tokens)
    }

    /// Tokens chosen per team: OAuth installations, then the single-workspace token.
    pub fn with_tokens(
        settings: SlackSettings,
        handler: Arc<dyn Handler>,
        store: Arc<dyn Store>,
        tokens: Tokens,
    ) -> Slack {
        Slack {
            inner: Arc::new(Inner {
                settings,
                handler,
                outbox: Outbox::new(Arc::new(tokens), store.clone()),
                inbox: engine::surface::Inbox::new(
                    AsyncStore::new(store.clone()),
                    INBOX_KIND,
                    format!(
                        "slack-{}",
                        store::new_pending_id().unwrap_or_else(|_| std::process::id().to_string())
                    ),
                    EVENT_LEASE,
                ),
                store: AsyncStore::new(store),
                in_flight: Arc::default(),
                leftovers: Arc::default(),
                names: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Posts notifications into the configuration's Slack channels: workspace names map to
    /// team ids through the settings (the untagged workspace to the single token's team).
    pub fn poster(&self) -> crate::poster::SlackPoster {
        let s = &self.inner.settings;
        let mut teams: HashMap<String, String> = s
            .teams
            .iter()
            .map(|(t, w)| (w.clone(), t.clone()))
            .collect();
        if let Some(w) = &s.default_workspace {
            teams.entry(w.clone()).or_default();
        }
        crate::poster::SlackPoster::new(self.inner.outbox.clone(), teams)
    }

    /// The bot tokens the surface posts with, by team.
    pub fn tokens(&self) -> &Arc<Tokens> {
        &self.inner.outbox.tokens
    }

    /// `/slack/events`, `/slack/interactivity`, `/slack/commands`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/slack/events", post(on_events))
            .route("/slack/interactivity", post(on_interactivity))
            .route("/slack/commands", post(on_command))
            .layer(axum::middleware::from_fn(crate::telemetry::count_requests))
            .with_state(self.clone())
    }

    /// Work started after an ack and not finished yet.
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight.count()
    }

    /// Waits until no work is in flight, at most `timeout`; false on timeout.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        self.inner.in_flight.wait_idle(timeout).await
    }

    /// Runs `work` after the ack, counted in [`Self::in_flight`].
    fn spawn<F>(&self, work: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.inner.in_flight.spawn(work);
    }

    /// The engine's workspace for a Slack team: the configuration's workspace with that
    /// `team_id`, else the default workspace (when there is exactly one Slack workspace
    /// without a `team_id`).
    fn workspace(&self, team: &str) -> Option<String> {
        let s = &self.inner.settings;
        s.teams
            .get(team)
            .cloned()
            .or_else(|| s.default_workspace.clone())
    }

    /// Hands `inbound` (workspace = team id) to the engine and delivers its answer; dropped
    /// (logged) when no bot token serves the team or no workspace is configured for it.
    async fn run(&self, inbound: Inbound, origin: Origin) {
        self.run_recorded(inbound, origin, None).await
    }

    /// Answers `inbound`; when it was recorded in the inbox as `recorded`, marks it done
    /// once answered (or found to need no answer).
    async fn run_recorded(&self, mut inbound: Inbound, origin: Origin, recorded: Option<String>) {
        if self.tokens().for_team(&origin.team_id).await.is_none() {
            tracing::warn!(team = %origin.team_id, "an event from a Slack team with no bot token (not installed, and not the single-workspace token's team); ignored");
            self.event_done(recorded).await;
            return;
        }
        let Some(ws) = self.workspace(&inbound.workspace) else {
            tracing::warn!(team = %inbound.workspace, "an event from a Slack team not in the configuration; ignored");
            self.event_done(recorded).await;
            return;
        };
        inbound.workspace = ws;
        let me = self.clone();
        self.spawn(async move {
            inbound.user_name = me.user_name(&origin.team_id, &inbound.user).await;
            let out = me.inner.handler.handle(&inbound).await;
            me.inner.outbox.deliver(&origin, out).await;
            me.event_done(recorded).await;
        });
    }

    /// How long an acknowledged event stays this replica's (tests shorten it).
    pub fn set_event_lease(&self, lease: Duration) {
        self.inner.inbox.set_lease(lease);
    }

    /// Records an event before its ack, held by this replica; false when it was recorded
    /// before (Slack's retry, through any replica).
    async fn record_event(&self, key: &str, team: &str, inbound: &Inbound) -> bool {
        let payload = match serde_json::to_string(&RecordedEvent {
            team: team.to_string(),
            inbound: inbound.clone(),
        }) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "cannot record a Slack event");
                return true;
            }
        };
        self.inner.inbox.hold(key, &payload).await
    }

    async fn event_done(&self, recorded: Option<String>) {
        if let Some(key) = recorded {
            self.inner.inbox.done(&key).await;
        }
    }

    /// Takes over acknowledged events whose replica died before answering (their lease ran
    /// out) and answers them.
    async fn recover_events(&self) {
        let items = self.inner.inbox.take_over(16).await;
        for item in items {
            let recorded: RecordedEvent = match serde_json::from_str(&item.payload) {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(event = %item.id, error = %e, "an unreadable recorded Slack event; given up");
                    self.event_done(Some(item.id)).await;
                    continue;
                }
            };
            if item.attempts > MAX_EVENT_ATTEMPTS {
                tracing::error!(event = %item.id, attempts = item.attempts, "a Slack event no replica could answer; given up");
                self.event_done(Some(item.id)).await;
                continue;
            }
            tracing::warn!(event = %item.id, attempts = item.attempts, "answering a Slack event whose replica stopped before answering it");
            let origin = Origin {
                team_id: recorded.team,
                channel: recorded.inbound.channel.clone(),
                user: recorded.inbound.user.clone(),
                ..Origin::default()
            };
            self.run_recorded(recorded.inbound, origin, Some(item.id))
                .await;
        }
    }

    /// The user's display name (`users.info`, remembered); `None` when Slack does not say.
    async fn user_name(&self, team: &str, user: &str) -> Option<String> {
        let key = (team.to_string(), user.to_string());
        if let Some(n) = self.inner.names.lock().ok()?.get(&key) {
            return Some(n.clone());
        }
        let api = self.tokens().for_team(team).await?.api;
        let info = match api.users_info(user).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(user = %user, error = %e, "users.info failed; the audit log keeps the id only");
                return None;
            }
        };
        let profile = &info["profile"];
        let name = [
            &profile["display_name"],
            &profile["real_name"],
            &info["real_name"],
            &info["name"],
        ]
        .into_iter()
        .filter_map(|v| v.as_str())
        .map(str::trim)
        .find(|n| !n.is_empty())?
        .to_string();
        if let Ok(mut names) = self.inner.names.lock() {
            names.insert(key, name.clone());
        }
        Some(name)
    }

    /// True the first time `key` is seen (a store failure counts as new: better a rare
    /// double answer than a lost command).
    async fn first_time(&self, key: &str) -> bool {
        match self.inner.store.mark_event(key, now_ms()).await {
            Ok(first) => first,
            Err(e) => {
                tracing::error!(error = %e, "cannot record a processed Slack event id");
                true
            }
        }
    }

    /// Runs the engine's sweep once and delivers what it can: updates of messages posted in
    /// Slack go out; the others are kept for [`Self::take_leftovers`].
    pub async fn sweep_once(&self) {
        let out = self.inner.handler.sweep().await;
        let mut others = Vec::new();
        for o in out {
            let posted = match &o {
                Outbound::Update { message, .. } => self.inner.outbox.posted(message).await,
                Outbound::Post(_) => None,
            };
            match posted {
                Some(p) => {
                    let origin = Origin {
                        team_id: p.team,
                        channel: p.channel,
                        ..Origin::default()
                    };
                    self.inner.outbox.deliver(&origin, vec![o]).await;
                }
                None => others.push(o),
            }
        }
        self.inner.leftovers.keep(others);
        let _ = self
            .inner
            .store
            .prune_surface(now_ms() - 30 * 24 * 3600 * 1000)
            .await;
        let _ = self
            .inner
            .store
            .prune_events(now_ms() - 24 * 3600 * 1000)
            .await;
        let _ = self
            .inner
            .store
            .prune_inbox(now_ms() - 24 * 3600 * 1000)
            .await;
        self.recover_events().await;
    }

    pub fn take_leftovers(&self) -> Vec<Outbound> {
        self.inner.leftovers.take()
    }

    /// Runs [`Self::sweep_once`] every `every` until `stop` is cancelled (between two
    /// sweeps, never inside one).
    pub fn spawn_sweeper(
        &self,
        every: Duration,
        stop: tokio_util::sync::CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        engine::surface::spawn_every(every, stop, move || {
            let me = me.clone();
            async move { me.sweep_once().await }
        })
    }

    /// A handler for another surface sharing this engine: it handles events with the engine,
    /// and its sweep returns what Slack's sweep left (so one sweep serves both surfaces).
    pub fn relay_for_others(&self) -> Arc<dyn Handler> {
        engine::surface::relay(self.inner.handler.clone(), self.inner.leftovers.clone())
    }
}

/// The body of a request Slack really sent, read whole: at most [`MAX_BODY`] bytes (else
/// `413 too large`) and signed with the signing secret within Slack's five-minute window
/// (else `401 bad signature`), checked before anything parses it. Every Slack route takes
/// its body through this extractor, so no handler can skip or repeat the check (bolt's
/// `request_verification` middleware, as an axum extractor).
struct VerifiedBody(Bytes);

impl FromRequest<Slack> for VerifiedBody {
    type Rejection = Response;

    async fn from_request(req: Request, app: &Slack) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, app)
            .await
            .map_err(IntoResponse::into_response)?;
        if body.len() > MAX_BODY {
            return Err(status(StatusCode::PAYLOAD_TOO_LARGE, "too large"));
        }
        let h =
            SignatureHeaders::from_lookup(|name| headers.get(name).and_then(|v| v.to_str().ok()));
        match verify(
            &app.inner.settings.signing_secret,
            &h,
            &body,
            crate::clock::now_secs(),
        ) {
            Ok(()) => Ok(VerifiedBody(body)),
            Err(e) => {
                tracing::warn!(error = %e, "a Slack request with a bad signature; refused");
                Err(status(StatusCode::UNAUTHORIZED, "bad signature"))
            }
        }
    }
}

async fn on_events(
    State(app): State<Slack>,
    headers: HeaderMap,
    VerifiedBody(body): VerifiedBody,
) -> Response {
    let env = match events::parse(&body, &app.inner.settings.bot) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "an Events API body that cannot be read");
            return status(StatusCode::BAD_REQUEST, "unreadable body");
        }
    };
    let retry = events::retry(
        headers
            .get(events::RETRY_NUM_HEADER)
            .and_then(|v| v.to_str().ok()),
        headers
            .get(events::RETRY_REASON_HEADER)
            .and_then(|v| v.to_str().ok()),
    );
    match app.accept_event(env, retry).await {
        Some(challenge) => axum::Json(json!({ "challenge": challenge })).into_response(),
        None => StatusCode::OK.into_response(),
    }
}

async fn on_interactivity(State(app): State<Slack>, VerifiedBody(body): VerifiedBody) -> Response {
    let interaction = match interactivity::parse(&body) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "an interactivity payload that cannot be read");
            return status(StatusCode::BAD_REQUEST, "unreadable payload");
        }
    };
    app.accept_interaction(interaction, &body).await;
    // An empty 200 also closes a submitted modal.
    StatusCode::OK.into_response()
}

impl Slack {
    /// A verified Events API envelope (over HTTP or Socket Mode): runs each event once;
    /// returns the challenge of a URL verification.
    pub async fn accept_event(
        &self,
        env: Envelope,
        retry: Option<events::Retry>,
    ) -> Option<String> {
        crate::telemetry::retry_seen(retry.as_ref());
        match env {
            Envelope::UrlVerification { challenge } => Some(challenge),
            Envelope::RateLimited { team_id, .. } => {
                tracing::warn!(team = %team_id, "Slack rate-limited this app's events (app_rate_limited)");
                None
            }
            Envelope::Ignored(_) => None,
            Envelope::Callback(cb) => {
                match &cb.event {
                    SlackEvent::AppUninstalled => {
                        self.uninstalled(&cb.team_id, "app_uninstalled").await;
                        return None;
                    }
                    SlackEvent::TokensRevoked { bot, .. } => {
                        // Only the bot token matters here (user tokens are not kept).
                        match self.tokens().installed_bot_user(&cb.team_id).await {
                            Some(u) if bot.contains(&u) => {
                                self.uninstalled(&cb.team_id, "tokens_revoked").await
                            }
                            _ => {
                                tracing::info!(team = %cb.team_id, "tokens_revoked without this app's bot token; kept")
                            }
                        }
                        return None;
                    }
                    SlackEvent::Mention(m) | SlackEvent::DirectMessage(m) => {
                        // The team's own bot (an installation's bot user) is never answered.
                        let own = self
                            .tokens()
                            .for_team(&cb.team_id)
                            .await
                            .and_then(|t| t.bot.user_id);
                        if own.as_deref() == Some(m.user.as_str()) {
                            tracing::debug!(team = %cb.team_id, "a message from the bot itself; ignored");
                            return None;
                        }
                    }
                    SlackEvent::Ignored(_) => {}
                }
                let inbound = cb.to_inbound()?;
                let key = format!("slack:ev:{}", cb.event_id);
                if !self.record_event(&key, &cb.team_id, &inbound).await {
                    tracing::debug!(event = %cb.event_id, retry = ?retry, "a repeated delivery; already handled");
                    return None;
                }
                let origin = Origin {
                    team_id: cb.team_id.clone(),
                    channel: inbound.channel.clone(),
                    user: inbound.user.clone(),
                    ..Origin::default()
                };
                self.run_recorded(inbound, origin, Some(key)).await;
                None
            }
        }
    }

    /// The app lost `team`'s bot token: forget its installation.
    async fn uninstalled(&self, team: &str, why: &str) {
        match self.tokens().uninstall(team).await {
            Ok(true) => {
                tracing::info!(team, event = why, "Slack installation removed")
            }
            Ok(false) => {
                tracing::info!(team, event = why, "no Slack installation to remove")
            }
            Err(e) => {
                tracing::error!(team, event = why, error = %e, "cannot remove a Slack installation")
            }
        }
    }

    /// A verified interactivity payload: buttons, menus, modal submissions, each once.
    pub async fn accept_interaction(&self, interaction: Interaction, raw: &[u8]) {
        match interaction {
            Interaction::Ignored(_) => {}
            Interaction::BlockActions(a) => {
                if !self.first_time(&format!("ia:{}", a.trigger_id)).await {
                    return;
                }
                let outbox = self.inner.outbox.clone();
                let origin = Origin {
                    team_id: a.team_id.clone(),
                    channel: a.channel_id.clone().unwrap_or_default(),
                    user: a.user_id.clone(),
                    response_url: a.response_url.clone(),
                    message: None,
                    message_ts: a.message_ts.clone(),
                    ephemeral: a.is_ephemeral,
                };
                match resolving(&outbox, |lookup| a.target(lookup)).await {
                    Ok(Target::OpenForm { key }) => {
                        let view = outbox.modal(&key).await;
                        let trigger = a.trigger_id.clone();
                        self.spawn(async move {
                            match view {
                                Some(v) => {
                                    let Some(api) = outbox.api_for(&origin.team_id).await else {
                                        return;
                                    };
                                    if let Err(e) = api.views_open(&trigger, &v).await {
                                        tracing::error!(error = %e, "cannot open a Slack modal");
                                    }
                                }
                                None => expired(&outbox, &origin).await,
                            }
                        });
                    }
                    Ok(Target::Engine { message, .. }) => {
                        match resolving(&outbox, |lookup| a.to_inbound(lookup)).await {
                            Ok(inbound) => {
                                let origin = Origin { message, ..origin };
                                self.run(inbound, origin).await;
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "an action that cannot be handled")
                            }
                        }
                    }
                    Err(InteractionError::UnknownHandle(h)) => {
                        tracing::info!(handle = %h, "an action on an expired message");
                        self.spawn(async move { expired(&outbox, &origin).await });
                    }
                    Err(e) => tracing::warn!(error = %e, "an action that cannot be handled"),
                }
            }
            Interaction::ViewSubmission(v) => {
                let key = match &v.trigger_id {
                    Some(t) => format!("vs:{t}"),
                    None => hash_key("vs", raw),
                };
                if !self.first_time(&key).await {
                    return;
                }
                let outbox = self.inner.outbox.clone();
                match resolving(&outbox, |lookup| v.to_inbound(lookup)).await {
                    Ok(inbound) => {
                        let origin = Origin {
                            team_id: v.team_id.clone(),
                            channel: inbound.channel.clone(),
                            user: v.user_id.clone(),
                            ..Origin::default()
                        };
                        self.run(inbound, origin).await;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "a form submission that cannot be handled")
                    }
                }
            }
        }
    }

    /// A verified slash command, once.
    pub async fn accept_command(&self, cmd: SlashCommand, raw: &[u8]) {
        let key = match &cmd.trigger_id {
            Some(t) => format!("sc:{t}"),
            None => hash_key("sc", raw),
        };
        if self.first_time(&key).await {
            let origin = Origin {
                team_id: cmd.team_id.clone(),
                channel: cmd.channel_id.clone(),
                user: cmd.user_id.clone(),
                response_url: cmd.response_url.clone(),
                ..Origin::default()
            };
            self.run(cmd.to_inbound(), origin).await;
        }
    }
}

impl crate::socket_mode::EnvelopeSink for Slack {
    /// Socket Mode: the same handling as the HTTP endpoints (Slack authenticated the socket).
    /// The socket's task must not wait on the store: the acceptance runs as a task of its own.
    fn deliver(&self, d: crate::socket_mode::Delivery) {
        use crate::socket_mode::Payload;
        let app = self.clone();
        tokio::spawn(async move {
            let raw = d.raw.to_string();
            match d.payload {
                Payload::Event(env) => {
                    app.accept_event(env, d.retry).await;
                }
                Payload::Interaction(i) => app.accept_interaction(i, raw.as_bytes()).await,
                Payload::SlashCommand(c) => app.accept_command(c, raw.as_bytes()).await,
            }
        });
    }
}

/// Interaction parsing resolves handles synchronously, the store is async: the handles it
/// asks for (a few per payload) are fetched one by one and the parse tried again with them
/// known.
async fn resolving<T>(
    outbox: &Outbox,
    parse: impl Fn(&dyn Fn(&str) -> Option<String>) -> Result<T, InteractionError>,
) -> Result<T, InteractionError> {
    let mut known: std::collections::HashMap<String, Option<String>> = Default::default();
    loop {
        let result = parse(&|h: &str| known.get(h).cloned().flatten());
        match result {
            Err(InteractionError::UnknownHandle(h))
                if !known.contains_key(&h) && known.len() < 16 =>
            {
                let value = outbox.lookup(&h).await;
                known.insert(h, value);
            }
            other => return other,
        }
    }
}

/// Tells the user the message they acted on is too old to act on.
async fn expired(outbox: &Outbox, origin: &Origin) {
    let Some(url) = &origin.response_url else {
        return;
    };
    let body = json!({
        "response_type": "ephemeral",
        "replace_original": false,
        "text": "This message expired; run the command again.",
    });
    if let Err(e) = outbox.tokens.anonymous().respond(url, &body).await {
        tracing::error!(error = %e, "cannot answer an action on an expired message");
    }
}

async fn on_command(State(app): State<Slack>, VerifiedBody(body): VerifiedBody) -> Response {
    let cmd = match interactivity::parse_slash_command(&body) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "a slash command that cannot be read");
            return status(StatusCode::BAD_REQUEST, "unreadable command");
        }
    };
    app.accept_command(cmd, &body).await;
    // `in_channel` with no text shows the command as typed, so the channel sees the question
    // the answer (posted next, threaded under it) belongs to.
    axum::Json(json!({ "response_type": "in_channel" })).into_response()
}

/// Serves `router` (e.g. the web chat's merged with [`Slack::router`]) on `listener`.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}
