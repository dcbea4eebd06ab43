//! The notification side of `chatops serve` and `chatops notify send`: the surfaces as one
//! [`Poster`] (each workspace to its platform's), and the intake built from the
//! configuration.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use command::Catalog;
use config::Config;
use engine::{Message, Place, PostError, PostFuture, Poster};
use notify::aws::AwsOps;
use notify::deliver::Notifier;
use notify::intake::Intake;
use notify::route::Routes;
use sns::{CertSource, Verifier};

/// Every surface the process can post to, by workspace name.
#[derive(Default)]
pub struct Surfaces {
    by_workspace: HashMap<String, Arc<dyn Poster>>,
}

impl Surfaces {
    pub fn add(&mut self, workspace: &str, poster: Arc<dyn Poster>) {
        self.by_workspace.insert(workspace.to_string(), poster);
    }

    fn of(&self, place: &Place) -> Result<&Arc<dyn Poster>, PostError> {
        self.by_workspace.get(&place.workspace).ok_or_else(|| {
            PostError(format!(
                "workspace {:?} is not served by this process (a Slack workspace needs SLACK_SIGNING_SECRET and a bot token; a web workspace needs web channels)",
                place.workspace
            ))
        })
    }
}

impl Poster for Surfaces {
    fn post<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(async move { self.of(place)?.post(place, message).await })
    }

    fn update<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a> {
        Box::pin(async move { self.of(place)?.update(place, message).await })
    }
}

/// How long an AWS call of the notification side may take: longer than SQS's long poll.
const AWS_DEADLINE: Duration = Duration::from_secs(30);

/// Where signing certificates come from: `CHATOPS_SNS_TRUSTED_CERT`, else fetched from SNS.
pub fn cert_source() -> Result<CertSource, String> {
    CertSource::from_env().map_err(|e| e.to_string())
}

/// The intake for the configuration's routes, delivering through `poster`.
pub async fn intake(
    config: &Config,
    cat: Arc<Catalog>,
    store: Arc<dyn store::Store>,
    poster: Arc<dyn Poster>,
    graphs: Option<Arc<dyn notify::graphs::Graphs>>,
    clock: engine::Clock,
) -> Result<Arc<Intake>, String> {
    let mut notifier =
        Notifier::new(store, poster, &config.notify, clock.clone()).with_actions(config);
    if let Some(g) = graphs {
        notifier = notifier.with_graphs(g);
    }
    let notifier = Arc::new(notifier);
    let routes = Arc::new(Routes::new(config));
    let verifier = Verifier {
        certs: cert_source()?,
        max_age: config.notify.max_age,
    };
    let client = wire::client::Client::from_environment().await;
    let aws = Arc::new(AwsOps::new(cat, client, AWS_DEADLINE));
    Ok(Arc::new(Intake::new(
        notifier, routes, verifier, aws, clock,
    )))
}

/// Runs the notifier's periodic work (rate-limit summaries, pruning) until `stop` is
/// cancelled; then flushes once more, so held summaries are posted before the process ends.
pub fn spawn_upkeep(
    intake: Arc<Intake>,
    stop: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut n: u64 = 0;
        loop {
            tokio::select! {
                _ = stop.cancelled() => {
                    intake.notifier.flush().await;
                    break;
                }
                _ = tick.tick() => {}
            }
            intake.notifier.flush().await;
            n += 1;
            if n.is_multiple_of(1800) {
                let i = intake.clone();
                i.notifier.prune().await;
            }
        }
    })
}
