//! The Bot Framework endpoint, `POST /teams/messages`.
//!
//! Every request: the `Authorization` token is checked **before the body is parsed**
//! ([`Verifier::verify`]: signature, issuer, audience, expiry; `401` and nothing runs when
//! it fails); then the activity is read (at most [`MAX_BODY`] bytes, else `413`; unreadable
//! → `400` naming what is wrong), its `serviceUrl` checked against the token's claim
//! (`401`), de-duplicated through the store's processed event ids (Teams re-sends an
//! activity it got no answer to), and answered at once; the engine's work and the Bot
//! Connector calls run in a spawned task after the answer, so Teams never times out.
//!
//! A user's turn is recorded in the store's inbox, held by this replica, before the answer
//! ([`INBOX_KIND`]), and marked done once answered: a replica that dies in between leaves it
//! to the others, whose sweep answers it once its lease ran out (at least once, never lost;
//! given up after [`MAX_ACTIVITY_ATTEMPTS`] takeovers). The same record de-duplicates Teams'
//! re-deliveries, through any replica.
//!
//! Which workspace: the activity's tenant names the `[[workspaces]]` entry
//! (`tenant_id`); an activity from another tenant gets a short answer saying so, and
//! nothing runs.

use crate::activity::{self, Incoming, Place, Turn};
use crate::auth::Verifier;
use crate::connector::Connector;
use crate::outbox::{Destination, Outbox, TeamsPoster};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use engine::{Handler, Inbound, Message, Outbound};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{AsyncStore, Store};

/// Largest activity accepted (Teams' are far smaller).
pub const MAX_BODY: usize = 1 << 20;
/// The route.
pub const PATH: &str = "/teams/messages";
/// Processed-event ids (welcomes) and inbox ids (turns) of Teams activities start with this.
const EVENT_PREFIX: &str = "teams:";
/// Inbox items of users' turns (see the module's documentation).
pub const INBOX_KIND: &str = "teams.activity";
/// Default lease of a recorded turn: longer than a command may run, so a live replica's slow
/// command is never taken over.
pub const ACTIVITY_LEASE: Duration = Duration::from_secs(5 * 60);
/// Takeovers after which a turn is given up (logged): a poison activity must not loop.
pub const MAX_ACTIVITY_ATTEMPTS: u32 = 3;

/// How the Teams surface is set up.
#[derive(Clone, Debug, Default)]
pub struct TeamsSettings {
    /// Microsoft Entra tenant id → the configuration's workspace name.
    pub tenants: HashMap<String, String>,
}

struct Inner {
    settings: TeamsSettings,
    verifier: Verifier,
    outbox: Outbox,
    handler: Arc<dyn Handler>,
    store: AsyncStore,
    in_flight: Arc<engine::surface::InFlight>,
    /// Sweep updates not meant for Teams, for another surface to take.
    leftovers: Arc<engine::surface::Leftovers>,
    /// The service URL last noted per channel (so it is written once, not per activity).
    service_urls: Mutex<HashMap<String, String>>,
    /// Turns answered 200 but not answered yet (see [`INBOX_KIND`]).
    inbox: engine::surface::Inbox,
}

/// The Teams surface: its route, and the tasks it spawns.
#[derive(Clone)]
pub struct Teams {
    inner: Arc<Inner>,
}

fn refuse(code: StatusCode, error: String) -> Response {
    (code, Json(json!({ "error": error }))).into_response()
}

/// What Teams waits for after an `invoke` (a card's `Action.Execute`): the answer comes
/// as a message of its own.
fn invoke_answer() -> Response {
    Json(json!({
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Working on it…",
    }))
    .into_response()
}

impl Teams {
    pub fn new(
        settings: TeamsSettings,
        verifier: Verifier,
        connector: Connector,
        handler: Arc<dyn Handler>,
        store: Arc<dyn Store>,
        default_service_url: String,
    ) -> Teams {
        let store = AsyncStore::new(store);
        let inbox = engine::surface::Inbox::new(
            store.clone(),
            INBOX_KIND,
            format!(
                "teams-{}",
                store::new_pending_id().unwrap_or_else(|_| std::process::id().to_string())
            ),
            ACTIVITY_LEASE,
        );
        Teams {
            inner: Arc::new(Inner {
                settings,
                verifier,
                outbox: Outbox::new(connector, store.clone(), default_service_url),
                handler,
                store,
                in_flight: Arc::default(),
                leftovers: Arc::default(),
                service_urls: Mutex::new(HashMap::new()),
                inbox,
            }),
        }
    }

    /// `POST /teams/messages`.
    pub fn router(&self) -> Router {
        Router::new()
            .route(PATH, post(receive))
            .with_state(self.clone())
    }

    /// Notifications' way into Teams channels.
    pub fn poster(&self) -> TeamsPoster {
        self.inner.outbox.poster()
    }

    /// How long a recorded turn stays this replica's before another may take it over.
    pub fn set_activity_lease(&self, lease: Duration) {
        self.inner.inbox.set_lease(lease);
    }

    /// Records a turn before the answer to Teams, held by this replica: its inbox key, or
    /// `None` when it was recorded before (a re-delivery, through any replica).
    async fn record(&self, turn: &Turn) -> Option<String> {
        let key = format!("{EVENT_PREFIX}{}:{}", turn.place.channel, turn.activity_id);
        let payload = match serde_json::to_string(turn) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "cannot record a Teams activity");
                return Some(key);
            }
        };
        if self.inner.inbox.hold(&key, &payload).await {
            Some(key)
        } else {
            tracing::info!(activity = %turn.activity_id, "a Teams activity delivered again; ignored");
            None
        }
    }

    /// Answers the turns whose replica stopped before answering them (their lease ran out).
    async fn recover(&self) {
        let items = self.inner.inbox.take_over(16).await;
        for item in items {
            let turn: Turn = match serde_json::from_str(&item.payload) {
                Ok(t) => t,
                Err(e) => {
                    tracing::error!(activity = %item.id, error = %e, "an unreadable recorded Teams activity; given up");
                    self.inner.inbox.done(&item.id).await;
                    continue;
                }
            };
            if item.attempts > MAX_ACTIVITY_ATTEMPTS {
                tracing::error!(activity = %item.id, attempts = item.attempts, "a Teams activity no replica could answer; given up");
                self.inner.inbox.done(&item.id).await;
                continue;
            }
            tracing::warn!(activity = %item.id, attempts = item.attempts, "answering a Teams activity whose replica stopped before answering it");
            self.take_turn(turn).await;
            self.inner.inbox.done(&item.id).await;
        }
    }

    /// Work started after an answer to Teams and not finished yet.
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight.count()
    }

    /// Waits until no work is in flight, at most `timeout`; false on timeout.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        self.inner.in_flight.wait_idle(timeout).await
    }

    fn spawn<F>(&self, work: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.inner.in_flight.spawn(work);
    }

    /// One request, after the body was read.
    async fn answer(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let authorization = headers
            .get(axum::http::header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("\u{fffd}"));
        let claims = match self.inner.verifier.verify(authorization).await {
            Ok(c) => c,
            Err(e) => {
                metrics::counter!("chatops_teams_requests_total", "outcome" => "unauthorized")
                    .increment(1);
                tracing::warn!(error = %e, "a Teams request with a token that does not check out; refused");
                // 401, or 503 when the signing keys could not be fetched (Teams retries).
                let code =
                    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
                return refuse(code, e.to_string());
            }
        };
        let activity = match activity::parse(body) {
            Ok(a) => a,
            Err(e) => return refuse(StatusCode::BAD_REQUEST, e.to_string()),
        };
        let service_url = activity.service_url.clone().unwrap_or_default();
        let channel_id = activity.channel_id.clone().unwrap_or_default();
        if let Err(e) = claims.check_activity(&service_url, &channel_id) {
            metrics::counter!("chatops_teams_requests_total", "outcome" => "unauthorized")
                .increment(1);
            tracing::warn!(error = %e, "a Teams activity its token does not cover; refused");
            return refuse(StatusCode::UNAUTHORIZED, e.to_string());
        }
        let incoming = match activity.incoming() {
            Ok(i) => i,
            Err(e) => {
                metrics::counter!("chatops_teams_requests_total", "outcome" => "unreadable")
                    .increment(1);
                tracing::warn!(error = %e, "an unreadable Teams activity");
                return refuse(StatusCode::BAD_REQUEST, e.to_string());
            }
        };
        metrics::counter!("chatops_teams_requests_total", "outcome" => "accepted").increment(1);
        match incoming {
            Incoming::Ignored(why) => {
                tracing::debug!(why, "a Teams activity with nothing to do");
                StatusCode::OK.into_response()
            }
            Incoming::Added { place, activity_id } => {
                if self.first_time(&place, &activity_id).await {
                    let me = self.clone();
                    self.spawn(async move { me.welcome(place).await });
                }
                StatusCode::OK.into_response()
            }
            Incoming::Turn(turn) => {
                let invoke = turn.invoke;
                if let Some(key) = self.record(&turn).await {
                    let me = self.clone();
                    self.spawn(async move {
                        me.take_turn(turn).await;
                        me.inner.inbox.done(&key).await;
                    });
                }
                if invoke {
                    invoke_answer()
                } else {
                    StatusCode::OK.into_response()
                }
            }
        }
    }

    /// Whether this welcome is new (not a re-delivery); a store that cannot tell lets it
    /// through: a second welcome beats none.
    async fn first_time(&self, place: &Place, activity_id: &str) -> bool {
        let key = format!("{EVENT_PREFIX}{}:{activity_id}", place.channel);
        let now = crate::outbox::now_ms();
        match self.inner.store.mark_event(&key, now).await {
            Ok(fresh) => {
                if !fresh {
                    tracing::info!(
                        activity = activity_id,
                        "a Teams activity delivered again; ignored"
                    );
                }
                fresh
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot record a Teams activity id; handling it anyway");
                true
            }
        }
    }

    fn workspace_of(&self, place: &Place) -> Option<String> {
        let tenants = &self.inner.settings.tenants;
        match &place.tenant {
            // The configuration keeps tenant ids lower-case.
            Some(t) => tenants.get(&t.to_ascii_lowercase()).cloned(),
            // No tenant on the activity (older clients): the one Teams workspace, if one.
            None if tenants.len() == 1 => tenants.values().next().cloned(),
            None => None,
        }
    }

    async fn note_service_url(&self, place: &Place) {
        {
            let known = self
                .inner
                .service_urls
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if known.get(&place.channel) == Some(&place.service_url) {
                return;
            }
        }
        self.inner
            .outbox
            .note_service_url(&place.channel, &place.service_url)
            .await;
        self.inner
            .service_urls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(place.channel.clone(), place.service_url.clone());
    }

    async fn take_turn(&self, turn: Turn) {
        self.note_service_url(&turn.place).await;
        let mut to = Destination::from(&turn.place);
        if let Some(name) = &turn.user_name {
            to.names.insert(turn.user.clone(), name.clone());
        }
        let Some(workspace) = self.workspace_of(&turn.place) else {
            let tenant = turn.place.tenant.clone().unwrap_or_else(|| "(none)".into());
            tracing::warn!(tenant = %tenant, "a Teams activity from a tenant no [[workspaces]] entry names");
            let mut m = Message::default();
            m.text(format!(
                "This Microsoft Teams tenant ({}) is not set up for aws-chatops: add a \
                 `[[workspaces]]` entry with `platform = \"teams\"` and `tenant_id = \"{}\"`.",
                engine::text::code(&tenant),
                engine::text::literal(&tenant)
            ));
            self.inner
                .outbox
                .deliver(&to, vec![Outbound::Post(m)])
                .await;
            return;
        };
        let inbound: Inbound = turn.to_inbound(&workspace);
        let outs = self.inner.handler.handle(&inbound).await;
        self.inner.outbox.deliver(&to, outs).await;
    }

    async fn welcome(&self, place: Place) {
        self.note_service_url(&place).await;
        let mut m = Message::default();
        m.text("👋 Hi! I run AWS CLI commands for this conversation, under its guardrails.");
        m.text("Mention me with a command, e.g. `@aws lambda list-functions`, or start with `@aws help`.");
        m.context(format!(
            "This conversation's id, for `[[channels]] platform_id`: {}",
            engine::text::code(&place.channel)
        ));
        let to = Destination::from(&place);
        self.inner
            .outbox
            .deliver(&to, vec![Outbound::Post(m)])
            .await;
    }

    /// Answers the turns other replicas left unanswered, asks the handler what expired,
    /// delivers the updates of Teams' own cards and keeps the rest for the next surface.
    pub async fn sweep_once(&self) {
        self.recover().await;
        // Done turns (and welcomes' ids) are kept a day: longer than Teams re-sends.
        let day_ago = crate::outbox::now_ms() - 24 * 3600 * 1000;
        let _ = self.inner.store.prune_inbox(day_ago).await;
        let _ = self.inner.store.prune_events(day_ago).await;
        let out = self.inner.handler.sweep().await;
        let mut others = Vec::new();
        for o in out {
            let mine = match &o {
                Outbound::Update { message, .. } => self.inner.outbox.posted(message).await,
                Outbound::Post(_) => None,
            };
            match (mine, o) {
                (Some(_), Outbound::Update { message, content }) => {
                    let names = Default::default();
                    if let Err(e) = self.inner.outbox.update(&message, &content, &names).await {
                        tracing::warn!(error = %e, "an expired Teams card was not updated");
                    }
                }
                (_, o) => others.push(o),
            }
        }
        self.inner.leftovers.keep(others);
    }

    /// Runs [`Self::sweep_once`] every `every` until `stop` is cancelled.
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

    /// A handler for another surface sharing this engine: it handles events with the
    /// engine, and its sweep returns what Teams' sweep left.
    pub fn relay_for_others(&self) -> Arc<dyn Handler> {
        engine::surface::relay(self.inner.handler.clone(), self.inner.leftovers.clone())
    }
}

async fn receive(State(teams): State<Teams>, headers: HeaderMap, body: Bytes) -> Response {
    if body.len() > MAX_BODY {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the activity is {} bytes, over {MAX_BODY}", body.len()),
        );
    }
    teams.answer(&headers, &body).await
}
