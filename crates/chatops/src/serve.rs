//! `chatops serve`: the built-in web chat, served by this binary so that trying the product
//! needs no Slack account. The channels offered are the configuration's channels of
//! `platform = "web"` workspaces; its `[[users]]` may sign in with their tokens, and so may
//! whoever holds the random token printed at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use authz::resolve::ConfigCatalog;
use command::Catalog;
use config::{Config, Platform};
use engine::{Event, Handler, Inbound, Message, Outbound};
use webchat::{ChannelInfo, WebSettings};

use crate::exit;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The configuration file: its web workspaces' channels are offered, its [[users]] may sign in.
    #[arg(long)]
    config: PathBuf,
    /// Address to listen on. Port 0 picks a free port; the URL printed names the real one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

/// Serves the web chat until the process is stopped; prints
/// `web chat: http://ADDR/  token: TOKEN` on stdout once it listens.
pub fn serve(cat: &Catalog, args: &ServeArgs) -> i32 {
    let config = match config::load_with(&args.config, &ConfigCatalog) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return exit::FAILED;
        }
    };
    let channels = web_channels(&config);
    if channels.is_empty() {
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
    let settings = match WebSettings::new(channels, users) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    };
    let handler = chat_handler(cat, &config);
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
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            eprintln!(
                "warning: listening on {local}, reachable from other machines; sign-in is still \
                 required, but put it behind TLS so tokens and cookies are not sent in clear"
            );
        }
        println!("web chat: http://{local}/  token: {}", settings.token);
        webchat::serve(listener, handler, settings).await
    });
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: {e}");
            exit::FAILED
        }
    }
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

/// The handler the web chat drives. A stand-in until the engine's `Engine` exists: swap it in
/// here (it will want the catalog and the configuration).
fn chat_handler(_cat: &Catalog, _config: &Config) -> Arc<dyn Handler> {
    Arc::new(EchoHandler)
}

/// Answers every event by saying what it received, so the web chat can be tried end to end
/// before the engine is wired in.
struct EchoHandler;

impl EchoHandler {
    fn answer(event: &Inbound) -> Vec<Outbound> {
        let said = match &event.event {
            Event::Text { text } => format!("echo: {text}"),
            Event::Action { action, value, .. } => {
                format!("{} pressed {action} = {value}", event.user)
            }
            Event::Form { action, values, .. } => {
                let shown: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{} submitted {action}: {}", event.user, shown.join(", "))
            }
        };
        let mut message = Message {
            thread: event.thread.clone(),
            ..Message::default()
        };
        message.text(said);
        vec![Outbound::Post(message)]
    }
}

impl Handler for EchoHandler {
    fn handle<'a>(
        &'a self,
        event: &'a Inbound,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Outbound>> + Send + 'a>> {
        Box::pin(async move { Self::answer(event) })
    }
}
