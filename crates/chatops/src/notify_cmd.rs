//! `chatops notify send --config F --channel C FILE`: posts a notification file into a
//! channel exactly as if SNS had delivered it (the same parsing, rendering, mutes and
//! threads, in the configuration's store), to try the path or a new format.
//!
//! Slack channels are posted to directly (`SLACK_BOT_TOKEN`, `SLACK_API_URL`); web chat
//! channels live in the running `chatops serve`, so the message is handed to it through the
//! store and this waits until it has been shown.

use std::path::PathBuf;
use std::sync::Arc;

use config::Platform;
use engine::Place;
use notify::deliver::{Delivery, Incoming, Notifier};

use crate::exit;
use crate::notifications::Surfaces;

#[derive(clap::Subcommand)]
pub enum NotifyCmd {
    /// Post a notification file (what SNS carries in `Message`: a CloudWatch alarm, an
    /// EventBridge event, a custom notification) into a channel, as if it had arrived.
    /// Exit 0 when posted, 2 when the file is not a notification this service understands.
    Send(SendArgs),
}

#[derive(clap::Args)]
pub struct SendArgs {
    /// The configuration file.
    #[arg(long)]
    config: PathBuf,
    /// The channel's name in the configuration.
    #[arg(long)]
    channel: String,
    /// The notification: JSON (or a known text format) as SNS's `Message` carries it.
    file: PathBuf,
}

pub fn run(cat: command::Catalog, cmd: &NotifyCmd) -> i32 {
    match cmd {
        NotifyCmd::Send(args) => send(cat, args),
    }
}

fn send(cat: command::Catalog, args: &SendArgs) -> i32 {
    let config = match config::load_with(&args.config, &authz::resolve::ConfigCatalog) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return exit::FAILED;
        }
    };
    let Some(channel) = config.channel(&args.channel).cloned() else {
        eprintln!(
            "error: no channel {:?} in {}; channels: {}",
            args.channel,
            args.config.display(),
            config
                .channels
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return exit::FAILED;
    };
    let text = match std::fs::read(&args.file) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.file.display());
            return exit::FAILED;
        }
    };
    if let Err(e) = notify::message::parse(&text, None) {
        eprintln!(
            "error: {} is not a notification this service understands: {e}",
            args.file.display()
        );
        return exit::BAD_LINE;
    }
    let Some(platform) = config.workspace(&channel.workspace).map(|w| w.platform) else {
        eprintln!("error: channel {:?} has no workspace", channel.name);
        return exit::FAILED;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::FAILED;
        }
    };
    runtime.block_on(async move {
        // The same engine and store as `chatops serve`: an alarm gets its graph and its
        // log-group lookups, read as the channel, exactly as if it had arrived.
        let config = Arc::new(config);
        let (conversation, store) =
            match crate::serve::chat_handler(Arc::new(cat), config.clone()).await {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::FAILED;
                }
            };
        let clock = engine::system_clock();
        let mut surfaces = Surfaces::default();
        match platform {
            Platform::Web => surfaces.add(
                &channel.workspace,
                Arc::new(webchat::relay::RelayPoster::new(
                    store::AsyncStore::new(store.clone()),
                    clock.clone(),
                )),
            ),
            Platform::Slack => match slack_poster(&config, store.clone()) {
                Ok(p) => surfaces.add(&channel.workspace, p),
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::FAILED;
                }
            },
            // TODO(teams, lead): the Teams poster (teams::outbox) once `serve` wires Teams;
            // placeholder arm added by the teams-config branch so the match compiles.
            Platform::Teams => {
                eprintln!(
                    "error: channel {:?} is in a Teams workspace; `notify send` cannot post to Teams yet",
                    channel.name
                );
                return exit::FAILED;
            }
        }
        let notifier = Notifier::new(store, Arc::new(surfaces), &config.notify, clock)
            .with_actions(&config)
            .with_graphs(conversation);
        let id = match store::new_pending_id() {
            Ok(id) => format!("notify-send-{id}"),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::FAILED;
            }
        };
        let incoming = Incoming {
            message_id: id,
            topic_arn: None,
            subject: None,
            message: text,
        };
        let place = Place {
            workspace: channel.workspace.clone(),
            channel: channel.platform_id.clone(),
        };
        let report = notifier.deliver_to(&incoming, &[place]).await;
        let Some((_, delivery)) = report.channels.first() else {
            eprintln!("error: nothing was delivered");
            return exit::FAILED;
        };
        let name = &channel.name;
        match delivery {
            Delivery::Posted { id } => {
                println!("posted to {name} (message {id})");
                exit::OK
            }
            Delivery::InThread { root, id } => {
                println!("posted to {name} in the thread of {root} (message {id}; the first message updated)");
                exit::OK
            }
            Delivery::Muted { pattern } => {
                eprintln!("not posted: {name} has muted {pattern:?} (`@aws notifications unmute {pattern}`)");
                exit::FAILED
            }
            Delivery::Held => {
                eprintln!("not posted: {name} is over its rate limit; it will be in the next summary");
                exit::FAILED
            }
            Delivery::Failed(e) => {
                eprintln!("error: not posted to {name}: {e}");
                exit::FAILED
            }
            Delivery::Duplicate | Delivery::Busy | Delivery::Filtered | Delivery::Dropped => {
                eprintln!("error: not posted to {name} ({delivery:?})");
                exit::FAILED
            }
        }
    })
}

/// Slack's poster from the environment's single-workspace token (`SLACK_BOT_TOKEN`, and
/// `SLACK_API_URL` for a double).
fn slack_poster(
    config: &config::Config,
    store: Arc<dyn store::Store>,
) -> Result<Arc<dyn engine::Poster>, String> {
    let token = slack::server::env_var(slack::server::ENV_BOT_TOKEN).ok_or_else(|| {
        format!(
            "posting to a Slack channel needs the bot token in {}",
            slack::server::ENV_BOT_TOKEN
        )
    })?;
    let api_url = slack::server::env_var(slack::server::ENV_API_URL)
        .unwrap_or_else(|| slack::webapi::DEFAULT_BASE_URL.to_string());
    let api = slack::WebApi::new(token, api_url.clone());
    let tokens = slack::Tokens::new(api_url)
        .with_pacing(config.limits.slack_pacing)
        .with_single(api, slack::BotIdentity::default(), None);
    let outbox = slack::outbox::Outbox::new(Arc::new(tokens), store);
    let teams = config
        .workspaces
        .iter()
        .filter(|w| w.platform == Platform::Slack)
        .map(|w| (w.name.clone(), w.team_id.clone().unwrap_or_default()))
        .collect();
    Ok(Arc::new(slack::poster::SlackPoster::new(outbox, teams)))
}
