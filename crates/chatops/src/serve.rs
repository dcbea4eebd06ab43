//! `chatops serve`: the built-in web chat, served by this binary so that trying the product
//! needs no Slack account. The channels offered are the configuration's channels of
//! `platform = "web"` workspaces; its `[[users]]` may sign in with their tokens, and so may
//! whoever holds the random token printed at start-up.
//!
//! When the configuration has a `platform = "slack"` workspace, `SLACK_SIGNING_SECRET` is set,
//! and there is a bot token — `SLACK_BOT_TOKEN` (single-workspace mode) and/or the OAuth
//! install (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_REDIRECT_URI`,
//! `CHATOPS_TOKEN_KEY`: each installed team is answered with its own token) —, the Slack
//! endpoints (`/slack/events`, `/slack/interactivity`, `/slack/commands`) are served by the
//! same server, on the same engine and store (`SLACK_API_URL` overrides the Web API's base URL).
//!
//! Always served: `GET /healthz` (alive), `GET /readyz` (the store answers) and
//! `GET /metrics` (Prometheus text; see [`crate::telemetry`]). Logs: [`crate::logging`].
//! SIGTERM or SIGINT stops it gracefully: see [`crate::shutdown`].

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use authz::resolve::ConfigCatalog;
use command::Catalog;
use config::{Config, Platform};
use engine::Handler;
use webchat::{ChannelInfo, WebSettings};

use tokio_util::sync::CancellationToken;

use crate::logging::LogFormat;
use crate::notifications;
use crate::shutdown::{InFlight, Task, TrackedHandler};

use crate::exit;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The configuration file: its web workspaces' channels are offered, its [[users]] may sign in.
    #[arg(long)]
    config: PathBuf,
    /// Address to listen on. Port 0 picks a free port; the URL printed names the real one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Log lines as plain text or JSON objects (also CHATOPS_LOG_FORMAT); text by default.
    #[arg(long, value_enum)]
    log_format: Option<LogFormat>,
    /// On SIGTERM or SIGINT, how many seconds the work in flight may take to finish.
    #[arg(long, default_value_t = crate::shutdown::DEFAULT_DRAIN.as_secs())]
    drain_seconds: u64,
}

/// Serves the web chat until the process is stopped; prints
/// `web chat: http://ADDR/  token: TOKEN` on stdout once it listens.
pub fn serve(cat: Catalog, args: &ServeArgs) -> i32 {
    let format = match args.log_format.map_or_else(LogFormat::from_env, Ok) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    };
    if let Err(e) = crate::logging::start(format) {
        eprintln!("error: {e}");
        return exit::FAILED;
    }
    let metrics = match crate::telemetry::install() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    };
    let config = match config::load_with(&args.config, &ConfigCatalog) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return exit::FAILED;
        }
    };
    let channels = web_channels(&config);
    let store_dir = match &config.store {
        config::Store::Sqlite(p) => p.parent().map(|d| d.to_path_buf()),
        config::Store::Postgres(_) => None,
    };
    let slack_setup = slack_setup(&config, store_dir.as_deref());
    let teams_setup = crate::teams_surface::setup(&config);
    if channels.is_empty() && slack_setup.is_none() && teams_setup.is_none() {
        eprintln!(
            "error: {}: no [[channels]] entry belongs to a [[workspaces]] entry with platform = \"web\"; \
             the web chat would have no channel to offer",
            args.config.display()
        );
        return exit::FAILED;
    }
    let users = config
        .users
        .iter()
        .map(|u| (u.name.clone(), u.token.clone()))
        .collect();
    let mut settings = match WebSettings::new(channels, users) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    };
    settings.history_path = history_path(&config);
    settings.members = web_members(&config);
    let fixed_token = std::env::var(webchat::auth::TOKEN_ENV).ok();
    if let Some(token) = &fixed_token {
        if let Err(e) = settings.use_token(token) {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::FAILED;
        }
    };
    let addr = args.addr;
    let drain = Duration::from_secs(args.drain_seconds);
    let result = runtime.block_on(async move {
        let stop = CancellationToken::new();
        crate::shutdown::on_signals(stop.clone(), drain).map_err(std::io::Error::other)?;
        let config = Arc::new(config);
        let cat = Arc::new(cat);
        let (conversation, store) = chat_handler(cat.clone(), config.clone())
            .await
            .map_err(std::io::Error::other)?;
        let store_for_leases = store.clone();
        let pool_gauges = crate::telemetry::spawn_pool_gauges(store.clone(), stop.clone());
        let shared_store = shares_store(&config);
        let turns = Arc::new(InFlight::default());
        let handler: Arc<dyn Handler> =
            Arc::new(TrackedHandler::new(conversation.clone(), turns.clone()));
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            eprintln!(
                "warning: listening on {local}, reachable from other machines; sign-in is still \
                 required, but put it behind TLS so tokens and cookies are not sent in clear"
            );
        }
        let mut running = Running {
            router: crate::health::router(store.clone())
                .merge(crate::telemetry::router(metrics.clone())),
            stop: stop.clone(),
            ..Running::default()
        };
        running.spawned("store pool gauges", pool_gauges);
        running.spawned(
            "metrics upkeep",
            crate::telemetry::spawn_upkeep(metrics, stop.clone()),
        );
        let with_slack = slack_setup.is_some();
        let next_handler = match slack_setup {
            Some(slack) => {
                start_slack(&mut running, local, &config, handler, store.clone(), slack).await
            }
            None => handler,
        };
        let web_handler = match teams_setup {
            Some(setup) => {
                let teams = setup.start(next_handler, store.clone());
                running.router = std::mem::take(&mut running.router).merge(teams.router());
                running.spawned(
                    "Teams sweep",
                    teams.spawn_sweeper(webchat::SWEEP_EVERY, stop.clone()),
                );
                let poster: Arc<dyn engine::Poster> = Arc::new(teams.poster());
                for w in config
                    .workspaces
                    .iter()
                    .filter(|w| w.platform == Platform::Teams)
                {
                    running.surfaces.add(&w.name, poster.clone());
                }
                running.teams = Some(teams.clone());
                teams.relay_for_others()
            }
            None => next_handler,
        };
        if !settings.channels.is_empty() {
            // Sessions in the shared store: signing in survives a restart and works on
            // every replica.
            settings.sessions.store = Some(store::AsyncStore::new(store.clone()));
            let chat = webchat::WebChat::new(web_handler, settings.clone())
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            running.router = std::mem::take(&mut running.router).merge(chat.router());
            running.spawned(
                "web chat sweep",
                chat.spawn_sweeper(webchat::SWEEP_EVERY, stop.clone()),
            );
            if shared_store {
                // Several replicas: what is said through one reaches the viewers of all.
                let tasks = chat
                    .share_through(store::AsyncStore::new(store.clone()), stop.clone())
                    .await
                    .map_err(std::io::Error::other)?;
                for t in tasks {
                    running.spawned("web chat sharing", t);
                }
            }
            running.spawned(
                "web chat relay",
                chat.spawn_relay(
                    store::AsyncStore::new(store.clone()),
                    RELAY_EVERY,
                    stop.clone(),
                ),
            );
            let poster = chat.poster();
            for w in config
                .workspaces
                .iter()
                .filter(|w| w.platform == Platform::Web)
            {
                running.surfaces.add(&w.name, poster.clone());
            }
            let shown = match fixed_token {
                Some(_) => format!("from {}", webchat::auth::TOKEN_ENV),
                None => settings.token.clone(),
            };
            println!("web chat: http://{local}/  token: {shown}");
        }
        if with_slack {
            println!("slack: http://{local}/slack/events  /slack/interactivity  /slack/commands");
        }
        if running.teams.is_some() {
            println!("teams: http://{local}{}", teams::server::PATH);
        }
        if !config.notifications.is_empty() {
            let surfaces = Arc::new(std::mem::take(&mut running.surfaces));
            let graphs: Arc<dyn notify::graphs::Graphs> = conversation.clone();
            let intake = notifications::intake(
                &config,
                cat,
                store,
                surfaces,
                Some(graphs),
                engine::system_clock(),
            )
            .await
            .map_err(std::io::Error::other)?;
            running.router =
                std::mem::take(&mut running.router).merge(notify::http::router(intake.clone()));
            if !intake.routes.queues().is_empty() {
                // One replica polls the queues at a time (see `leader`).
                let (held, lease) = crate::leader::spawn_lease(
                    store::AsyncStore::new(store_for_leases.clone()),
                    SQS_LEASE,
                    crate::leader::holder_id(),
                    stop.clone(),
                );
                running.spawned("SQS lease", lease);
                let pollers = intake.clone();
                running.spawned(
                    "SQS pollers",
                    crate::leader::while_held(held, stop.clone(), move |work| {
                        let pollers = pollers.clone();
                        async move { notify::sqs::spawn_all(pollers, work) }
                    }),
                );
            }
            running.spawned(
                "notification upkeep",
                notifications::spawn_upkeep(intake, stop.clone()),
            );
            println!(
                "notifications: POST http://{local}/sns  ({} [[notifications]] routes)",
                config.notifications.len()
            );
        }
        let Running {
            router,
            tasks,
            socket,
            slack,
            teams,
            ..
        } = running;
        let requests = Arc::new(InFlight::default());
        let router = router.layer(axum::middleware::from_fn_with_state(
            requests.clone(),
            crate::shutdown::track_requests,
        ));
        let serving = axum::serve(listener, router)
            .with_graceful_shutdown(stop.clone().cancelled_owned())
            .into_future();
        let ended = stop.clone();
        let server = tokio::spawn(async move {
            let result = serving.await;
            // A server that fails on its own stops the rest too (its error is the exit's).
            ended.cancel();
            result
        });
        stop.cancelled().await;
        // Socket Mode first: no new events while the rest drains.
        if let Some(socket) = socket {
            match tokio::time::timeout(drain, socket.shutdown()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "Socket Mode did not stop cleanly"),
                Err(_) => tracing::warn!("Socket Mode did not stop within the drain"),
            }
        }
        crate::shutdown::Drain {
            server,
            tasks,
            requests,
            turns,
            slack,
            teams,
        }
        .run(drain)
        .await
    });
    // Tasks the drain gave up on (and open web chat sockets) are not waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: {e}");
            exit::FAILED
        }
    }
}

/// How often the web chat shows messages other processes handed over (`notify send`).
const RELAY_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// What the server runs: its routes, its background tasks (stopped through `stop`), and
/// every surface it can post to.
#[derive(Default)]
struct Running {
    router: axum::Router,
    stop: CancellationToken,
    tasks: Vec<Task>,
    socket: Option<slack::socket_mode::SocketModeHandle>,
    /// The Slack surface, whose work after an ack the drain waits for.
    slack: Option<slack::Slack>,
    /// The Teams surface, likewise.
    teams: Option<teams::server::Teams>,
    surfaces: notifications::Surfaces,
}

impl Running {
    fn spawned(&mut self, name: &'static str, handle: tokio::task::JoinHandle<()>) {
        self.tasks.push(Task { name, handle });
    }
}

/// The Slack surface's settings when the configuration has a Slack workspace and the
/// environment holds the signing secret and a bot token (`SLACK_BOT_TOKEN`, or the OAuth
/// install's per-team tokens); `None` (with a note when only the environment is missing)
/// otherwise.
fn slack_setup(config: &Config, store_dir: Option<&std::path::Path>) -> Option<SlackSetup> {
    let slack_ws: Vec<&config::Workspace> = config
        .workspaces
        .iter()
        .filter(|w| w.platform == Platform::Slack)
        .collect();
    if slack_ws.is_empty() {
        return None;
    }
    let secret = slack::server::env_var(slack::server::ENV_SIGNING_SECRET);
    let token = slack::server::env_var(slack::server::ENV_BOT_TOKEN);
    let api_url = slack::server::env_var(slack::server::ENV_API_URL)
        .unwrap_or_else(|| slack::webapi::DEFAULT_BASE_URL.to_string());
    let (Some(secret), true) = (
        secret,
        token.is_some() || slack::oauth::OAuthConfig::from_env().is_some(),
    ) else {
        eprintln!(
            "note: the configuration has a Slack workspace, but {} and a bot token ({}, or \
             the OAuth install's SLACK_CLIENT_ID/SECRET/REDIRECT_URI) are not both set; \
             Slack is not served",
            slack::server::ENV_SIGNING_SECRET,
            slack::server::ENV_BOT_TOKEN,
        );
        return None;
    };
    let install = oauth_setup(store_dir, &api_url);
    if token.is_none() && install.is_none() {
        eprintln!("note: no Slack bot token and the install is off; Slack is not served");
        return None;
    }
    // Each team id maps to its workspace through the configuration; an installed team
    // without one goes to the single Slack workspace without a team_id, if there is one.
    let teams = slack_ws
        .iter()
        .filter_map(|w| w.team_id.as_deref())
        .filter_map(|t| {
            config
                .workspace_by_team_id(t)
                .map(|w| (t.to_string(), w.name.clone()))
        })
        .collect();
    let untagged: Vec<&&config::Workspace> =
        slack_ws.iter().filter(|w| w.team_id.is_none()).collect();
    let settings = slack::SlackSettings {
        signing_secret: secret,
        bot: slack::BotIdentity::default(),
        teams,
        default_workspace: (untagged.len() == 1).then(|| untagged[0].name.clone()),
    };
    Some(SlackSetup {
        settings,
        api: token.map(|t| slack::WebApi::new(t, api_url.clone())),
        api_url,
        install,
    })
}

/// What Slack needs beyond the web chat's settings.
struct SlackSetup {
    settings: slack::SlackSettings,
    /// The single-workspace token's client (`SLACK_BOT_TOKEN`).
    api: Option<slack::WebApi>,
    api_url: String,
    /// The OAuth install's settings, when it is on; its installations are kept in the store.
    install: Option<OAuthSetup>,
}

/// Starts the Slack surface: its routes, its sweep, Socket Mode when `SLACK_APP_TOKEN` is
/// set, the OAuth install when it is on, and its poster for notifications. Returns the
/// handler the web chat uses (Slack's sweep delivers the updates of its own messages and
/// hands the rest on).
async fn start_slack(
    running: &mut Running,
    local: SocketAddr,
    config: &Config,
    handler: Arc<dyn Handler>,
    store: Arc<dyn store::Store>,
    setup: SlackSetup,
) -> Arc<dyn Handler> {
    let SlackSetup {
        mut settings,
        api,
        api_url,
        install,
    } = setup;
    // `[limits] slack_pacing`: Slack's tiers are kept per workspace (per replica).
    let mut tokens = slack::Tokens::new(api_url).with_pacing(config.limits.slack_pacing);
    if let Some(api) = api {
        // The bot's own user id, so it never answers itself, and the token's team, so it
        // answers only that team (installed teams use their own tokens).
        let mut team = None;
        match api.auth_test().await {
            Ok(me) => {
                if !settings.teams.contains_key(&me.team_id) && settings.default_workspace.is_none()
                {
                    eprintln!(
                        "warning: the Slack token belongs to team {}, which no [[workspaces]] \
                         entry names as team_id; its events will be ignored",
                        me.team_id
                    );
                }
                settings.bot = slack::BotIdentity {
                    user_id: Some(me.user_id),
                    bot_id: me.bot_id,
                };
                team = Some(me.team_id);
            }
            Err(e) => eprintln!("warning: Slack auth.test failed ({e}); check SLACK_BOT_TOKEN"),
        }
        tokens = tokens.with_single(api, settings.bot.clone(), team);
    }
    let installer = match install {
        Some(i) => i.start(store.clone()).await,
        None => None,
    };
    if let Some(installer) = &installer {
        tokens = tokens.with_installations(installer.installations().clone());
    }
    let slack = slack::Slack::with_tokens(settings, handler, store, tokens);
    if let Some(lease) = event_lease_from_env() {
        slack.set_event_lease(lease);
    }
    running.router = std::mem::take(&mut running.router).merge(slack.router());
    // Socket Mode (no public URL): the same handling, fed by Slack's WebSocket.
    running.socket = std::env::var("SLACK_APP_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|token| {
            let mut cfg = slack::socket_mode::SocketModeConfig::new(token);
            if let Ok(base) = std::env::var("SLACK_API_URL") {
                cfg.api_base = base;
            }
            println!("slack: Socket Mode");
            slack::socket_mode::start(cfg, Arc::new(slack.clone()))
        });
    // Installing into other workspaces (OAuth v2), tokens encrypted at rest.
    if let Some(installer) = installer {
        running.router = std::mem::take(&mut running.router).merge(installer.router());
        println!("slack: install at http://{local}/slack/install");
    }
    let sweeper = slack.spawn_sweeper(webchat::SWEEP_EVERY, running.stop.clone());
    running.spawned("Slack sweep", sweeper);
    running.slack = Some(slack.clone());
    let poster: Arc<dyn engine::Poster> = Arc::new(slack.poster());
    for w in config
        .workspaces
        .iter()
        .filter(|w| w.platform == Platform::Slack)
    {
        running.surfaces.add(&w.name, poster.clone());
    }
    slack.relay_for_others()
}

/// The OAuth install, when `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_REDIRECT_URI`
/// and `CHATOPS_TOKEN_KEY` are set. The installations live in the store, which is opened later
/// (in the runtime), so this only gathers the settings.
fn oauth_setup(dir: Option<&std::path::Path>, api_url: &str) -> Option<OAuthSetup> {
    let mut cfg = slack::oauth::OAuthConfig::from_env()?;
    // The install's token exchange calls the same API as the bot (a double, with SLACK_API_URL).
    cfg.api_base = api_url.trim_end_matches('/').to_string();
    let key = match slack::oauth::TokenKey::from_env() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("warning: Slack install is off: {e}");
            return None;
        }
    };
    Some(OAuthSetup {
        cfg,
        key,
        legacy_file: dir
            .unwrap_or(std::path::Path::new("."))
            .join(slack::oauth::LEGACY_FILE),
    })
}

/// The OAuth install's settings, until the store is open.
struct OAuthSetup {
    cfg: slack::oauth::OAuthConfig,
    key: slack::oauth::TokenKey,
    /// Where earlier releases kept the installations (beside the store): imported once.
    legacy_file: PathBuf,
}

impl OAuthSetup {
    /// The installer, its installations kept in `store`, after importing the side file of an
    /// earlier release if there is one; `None` (with a warning) when the install cannot run.
    async fn start(self, store: Arc<dyn store::Store>) -> Option<Arc<slack::oauth::Installer>> {
        let installations = Arc::new(slack::oauth::Installations::new(&self.key, store));
        match installations.import_legacy_file(&self.legacy_file).await {
            Ok(None) => {}
            Ok(Some(done)) => println!(
                "slack: imported {} installation(s) from {} into the store ({} already there); \
                 the file is now {}",
                done.imported.len(),
                self.legacy_file.display(),
                done.kept.len(),
                done.moved_to.display()
            ),
            // The store's installations still serve; the file stays for the operator to fix.
            Err(e) => eprintln!("warning: {e}"),
        }
        match slack::oauth::Installer::new(self.cfg, &self.key, installations) {
            Ok(i) => Some(Arc::new(i)),
            Err(e) => {
                eprintln!("warning: Slack install is off: {e}");
                None
            }
        }
    }
}

/// `CHATOPS_SLACK_EVENT_LEASE_SECONDS`: how long an acknowledged Slack event stays the
/// receiving replica's before another may answer it (default 300: longer than a command may
/// run). Shorter means faster recovery after a crash, and a risk of a slow command answered
/// twice.
fn event_lease_from_env() -> Option<Duration> {
    let raw = std::env::var("CHATOPS_SLACK_EVENT_LEASE_SECONDS").ok()?;
    match raw.trim().parse::<u64>() {
        Ok(s) if s > 0 => Some(Duration::from_secs(s)),
        _ => {
            eprintln!(
                "warning: CHATOPS_SLACK_EVENT_LEASE_SECONDS is {raw:?}, not a number of seconds; \
                 the default (300) applies"
            );
            None
        }
    }
}

/// The lease of the replica that polls the SQS queues.
const SQS_LEASE: &str = "chatops.sqs-pollers";

/// Whether other replicas may share this store: PostgreSQL (SQLite is one process's).
fn shares_store(config: &Config) -> bool {
    matches!(config.store, config::Store::Postgres(_))
}

/// Where the web chat keeps its recent messages across restarts: next to the SQLite store
/// (`<db>.webchat.jsonl`), so the buttons of commands waiting in the store are still there
/// to press after a restart.
fn history_path(config: &Config) -> Option<PathBuf> {
    match &config.store {
        config::Store::Sqlite(db) if db.as_os_str() == ":memory:" => None,
        config::Store::Sqlite(db) => {
            let mut p = db.as_os_str().to_owned();
            p.push(".webchat.jsonl");
            Some(PathBuf::from(p))
        }
        config::Store::Postgres(_) => None,
    }
}

/// The `[[users]]` given `channels`, each restricted to those (by web channel id).
fn web_members(config: &Config) -> webchat::membership::Members {
    let mut members = webchat::membership::Members::everyone();
    for user in &config.users {
        let Some(names) = &user.channels else {
            continue;
        };
        let keys = names.iter().filter_map(|name| {
            config
                .channels
                .iter()
                .find(|c| &c.name == name)
                .map(|c| (c.workspace.clone(), c.platform_id.clone()))
        });
        members.restrict(&user.name, keys);
    }
    members
}

/// The configuration's channels in web workspaces, as the web chat lists them.
fn web_channels(config: &Config) -> Vec<ChannelInfo> {
    config
        .channels
        .iter()
        .filter(|c| {
            config
                .workspace(&c.workspace)
                .is_some_and(|w| w.platform == Platform::Web)
        })
        .map(|c| ChannelInfo::new(&c.workspace, &c.platform_id, &c.name))
        .collect()
}

/// The conversation engine on the configuration's store, calling AWS with the service's
/// own credentials (and the channels' roles).
pub(crate) async fn chat_handler(
    cat: Arc<Catalog>,
    config: Arc<Config>,
) -> Result<(Arc<engine::Engine>, Arc<dyn store::Store>), String> {
    let store = crate::store_open::open_async(config.clone()).await?;
    let runner = engine::Runner::new(
        cat.models.clone(),
        wire::client::Client::from_environment().await,
        crate::terminal::deadline(),
    );
    let engine = engine::Engine::new(
        config,
        cat,
        store.clone(),
        runner,
        engine::Options::default(),
    );
    Ok((Arc::new(engine), store))
}
