//! The configuration's `[[notifications]]` as lookups: which routes a topic or queue feeds,
//! and whether a notification passes a route's filters.
//!
//! Routes are resolved once, when the service starts: channel names become the places the
//! posters know ([`Place`]: workspace and platform channel id), account names become the
//! accounts whose credentials confirm subscriptions and poll queues, and the filters are
//! compiled (name patterns, the severity floor), so a delivery only compares.

use crate::{Facts, Severity};
use config::{NotificationFilter, NotificationSource};
use engine::Place;
use policy::glob::Glob;

/// One `[[notifications]]` entry, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The entry's `name`, else `notifications[i]`.
    pub name: String,
    pub source: config::NotificationSource,
    /// The account whose credentials confirm and poll, resolved from the configuration.
    pub account: Option<config::Account>,
    /// The channels, resolved to their places (workspace, platform id).
    pub channels: Vec<Place>,
    pub verify_signatures: bool,
    filter: config::NotificationFilter,
    /// `filter.names`, compiled.
    names: Vec<Glob>,
    /// `filter.min_severity`, read.
    min_severity: Option<Severity>,
}

impl Route {
    /// Resolves one route against the configuration it was loaded with. A channel or
    /// account the configuration does not hold (impossible for a loaded configuration) is
    /// left out rather than guessed.
    pub fn new(route: &config::NotificationRoute, config: &config::Config) -> Route {
        let channels = route
            .channels
            .iter()
            .filter_map(|name| config.channel(name))
            .map(|c| Place {
                workspace: c.workspace.clone(),
                channel: c.platform_id.clone(),
            })
            .collect();
        Route {
            name: route.name.clone(),
            source: route.source.clone(),
            account: route
                .account
                .as_deref()
                .and_then(|a| config.account(a))
                .cloned(),
            channels,
            verify_signatures: route.verify_signatures,
            names: route.filter.names.iter().map(|n| Glob::new(n)).collect(),
            min_severity: route
                .filter
                .min_severity
                .as_deref()
                .and_then(Severity::parse),
            filter: route.filter.clone(),
        }
    }

    /// The filters as configured (for `notifications test` and logs).
    pub fn filter(&self) -> &NotificationFilter {
        &self.filter
    }

    /// Whether the notification passes every filter of the route. An empty filter passes
    /// everything; a notification without the fact a filter looks at (no name for `names`,
    /// no state for `states`, ...) does not pass it, because the filter asked for something
    /// it cannot show. The exception is `min_severity`: most notifications (alarms, custom
    /// ones) carry no severity, and a severity floor is about findings.
    pub fn admits(&self, facts: &Facts) -> bool {
        let f = &self.filter;
        let ignore_case = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let exact = |a: &str, b: &str| a == b;
        let names = self.names.is_empty()
            || facts
                .name
                .as_deref()
                .is_some_and(|n| self.names.iter().any(|g| g.matches_ignore_ascii_case(n)));
        let severity = match (self.min_severity, facts.severity) {
            (Some(min), Some(s)) => s >= min,
            _ => true,
        };
        names
            && severity
            && passes(&f.sources, Some(facts.source.as_str()), ignore_case)
            && passes(&f.detail_types, facts.detail_type.as_deref(), exact)
            && passes(&f.states, facts.state.as_deref(), ignore_case)
            && passes(&f.accounts, facts.account.as_deref(), exact)
            && passes(&f.regions, facts.region.as_deref(), exact)
    }

    /// The topic ARN, when the route is fed by a topic.
    pub fn topic_arn(&self) -> Option<&str> {
        match &self.source {
            NotificationSource::Topic { arn } => Some(arn),
            NotificationSource::Queue { .. } => None,
        }
    }

    /// The queue URL, when the route is fed by a queue.
    pub fn queue_url(&self) -> Option<&str> {
        match &self.source {
            NotificationSource::Queue { url, .. } => Some(url),
            NotificationSource::Topic { .. } => None,
        }
    }
}

/// Whether a list filter lets `fact` through: an empty list passes everything; otherwise
/// the fact must be there and equal (by `same`) one of the values.
fn passes(values: &[String], fact: Option<&str>, same: impl Fn(&str, &str) -> bool) -> bool {
    values.is_empty() || fact.is_some_and(|v| values.iter().any(|x| same(x, v)))
}

/// Every route of the configuration.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    routes: Vec<Route>,
}

impl Routes {
    /// The configuration's routes, in file order.
    pub fn new(config: &config::Config) -> Routes {
        Routes {
            routes: config
                .notifications
                .iter()
                .map(|r| Route::new(r, config))
                .collect(),
        }
    }

    pub fn all(&self) -> &[Route] {
        &self.routes
    }

    /// The routes fed by this topic.
    pub fn for_topic(&self, topic_arn: &str) -> Vec<&Route> {
        self.routes
            .iter()
            .filter(|r| r.topic_arn() == Some(topic_arn))
            .collect()
    }

    /// The routes fed by this queue.
    pub fn for_queue(&self, url: &str) -> Vec<&Route> {
        self.routes
            .iter()
            .filter(|r| r.queue_url() == Some(url))
            .collect()
    }

    /// The queues to poll, each once (several routes may read one queue), with the route
    /// that first names it (whose account polls and whose `raw` says how to read it).
    pub fn queues(&self) -> Vec<&Route> {
        let mut out: Vec<&Route> = Vec::new();
        for r in &self.routes {
            if let Some(url) = r.queue_url() {
                if !out.iter().any(|o| o.queue_url() == Some(url)) {
                    out.push(r);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
[[workspaces]]
name = "acme"
platform = "slack"

[[workspaces]]
name = "local"
platform = "web"

[[accounts]]
name = "prod"
id = "123456789012"

[[accounts]]
name = "moto"
id = "000000000000"
endpoint = "http://127.0.0.1:5000"

[[roles]]
name = "ro"

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C-OPS"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ro"

[[channels]]
name = "oncall"
workspace = "local"
platform_id = "general"
accounts = ["prod"]
role_setting = "channel"
channel_role = "ro"

[[notifications]]
name = "alarms"
topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms"
channels = ["ops", "oncall"]

[[notifications]]
name = "critical-alarms"
topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms"
channels = ["oncall"]
states = ["ALARM"]

[[notifications]]
name = "queue"
queue_url = "http://127.0.0.1:5000/000000000000/q"
raw_delivery = true
channels = ["oncall"]

[[notifications]]
name = "queue-again"
queue_url = "http://127.0.0.1:5000/000000000000/q"
raw_delivery = true
channels = ["ops"]
"#;

    fn config(extra: &str) -> config::Config {
        config::load_str(
            &format!("{CONFIG}\n{extra}"),
            "test.toml",
            &config::PermissiveCatalog,
        )
        .unwrap_or_else(|e| panic!("test configuration:\n{e}"))
    }

    /// A route with only this filter (TOML lines), on a topic of its own.
    fn route(filter: &str) -> Route {
        let c = config(&format!(
            "[[notifications]]\nname = \"under-test\"\ntopic_arn = \"arn:aws:sns:us-east-1:123456789012:other\"\nchannels = [\"ops\"]\n{filter}\n"
        ));
        Routes::new(&c)
            .all()
            .iter()
            .find(|r| r.name == "under-test")
            .cloned()
            .unwrap_or_else(|| panic!("no route under test"))
    }

    fn alarm(name: &str, state: &str) -> Facts {
        Facts {
            source: "cloudwatch.alarm".into(),
            name: Some(name.into()),
            state: Some(state.into()),
            account: Some("123456789012".into()),
            region: Some("us-east-1".into()),
            ..Facts::default()
        }
    }

    fn finding(severity: Severity) -> Facts {
        Facts {
            source: "aws.guardduty".into(),
            detail_type: Some("GuardDuty Finding".into()),
            name: Some("Recon:EC2/PortProbeUnprotectedPort".into()),
            account: Some("123456789012".into()),
            region: Some("eu-west-1".into()),
            severity: Some(severity),
            ..Facts::default()
        }
    }

    #[test]
    fn channels_and_accounts_are_resolved() {
        let routes = Routes::new(&config(""));
        let alarms = &routes.all()[0];
        assert_eq!(alarms.name, "alarms");
        assert_eq!(
            alarms.channels,
            vec![
                Place {
                    workspace: "acme".into(),
                    channel: "C-OPS".into()
                },
                Place {
                    workspace: "local".into(),
                    channel: "general".into()
                },
            ]
        );
        assert_eq!(
            alarms.account.as_ref().map(|a| a.name.as_str()),
            Some("prod")
        );
        assert!(alarms.verify_signatures);
        let queue = &routes.all()[2];
        assert_eq!(
            queue.account.as_ref().map(|a| a.id.as_str()),
            Some("000000000000")
        );
        assert_eq!(
            queue.account.as_ref().and_then(|a| a.endpoint.as_deref()),
            Some("http://127.0.0.1:5000")
        );
    }

    #[test]
    fn lookups_by_topic_and_queue() {
        let routes = Routes::new(&config(""));
        let names = |rs: Vec<&Route>| rs.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(routes.for_topic("arn:aws:sns:us-east-1:123456789012:alarms")),
            ["alarms", "critical-alarms"]
        );
        assert!(routes
            .for_topic("arn:aws:sns:us-east-1:123456789012:other")
            .is_empty());
        assert_eq!(
            names(routes.for_queue("http://127.0.0.1:5000/000000000000/q")),
            ["queue", "queue-again"]
        );
        assert!(routes
            .for_queue("http://127.0.0.1:5000/000000000000/x")
            .is_empty());
        assert_eq!(names(routes.queues()), ["queue"], "each queue polled once");
        assert!(Routes::new(&config::Config {
            notifications: Vec::new(),
            ..config("")
        })
        .all()
        .is_empty());
    }

    #[test]
    fn no_filter_admits_everything() {
        let r = route("");
        assert!(r.admits(&alarm("x", "OK")));
        assert!(r.admits(&finding(Severity::Low)));
        assert!(r.admits(&Facts::default()));
    }

    #[test]
    fn sources_compare_ignoring_case() {
        let r = route("sources = [\"CloudWatch.Alarm\", \"custom\"]");
        assert!(r.admits(&alarm("x", "ALARM")));
        assert!(!r.admits(&finding(Severity::High)));
        assert!(r.admits(&Facts {
            source: "CUSTOM".into(),
            ..Facts::default()
        }));
    }

    #[test]
    fn detail_types_compare_exactly_and_need_one() {
        let r = route("detail_types = [\"GuardDuty Finding\"]");
        assert!(r.admits(&finding(Severity::Low)));
        let mut other = finding(Severity::Low);
        other.detail_type = Some("guardduty finding".into());
        assert!(!r.admits(&other));
        assert!(
            !r.admits(&alarm("x", "ALARM")),
            "an alarm has no detail-type"
        );
    }

    #[test]
    fn names_match_patterns_and_need_a_name() {
        let r = route("names = [\"orders-*\", \"db-?\"]");
        assert!(r.admits(&alarm("orders-high-cpu", "ALARM")));
        assert!(r.admits(&alarm("Orders-Latency", "ALARM")), "any case");
        assert!(r.admits(&alarm("db-1", "ALARM")));
        assert!(!r.admits(&alarm("db-12", "ALARM")));
        assert!(!r.admits(&alarm("payments", "ALARM")));
        let mut nameless = alarm("x", "ALARM");
        nameless.name = None;
        assert!(!r.admits(&nameless), "no name fails a name filter");
    }

    #[test]
    fn states_compare_ignoring_case_and_need_a_state() {
        let r = route("states = [\"ALARM\", \"create_failed\"]");
        assert!(r.admits(&alarm("x", "ALARM")));
        assert!(r.admits(&alarm("x", "alarm")));
        assert!(!r.admits(&alarm("x", "OK")));
        assert!(r.admits(&Facts {
            source: "cloudformation".into(),
            state: Some("CREATE_FAILED".into()),
            ..Facts::default()
        }));
        assert!(
            !r.admits(&finding(Severity::High)),
            "a finding has no state"
        );
    }

    #[test]
    fn accounts_and_regions() {
        let r = route("accounts = [\"123456789012\"]");
        assert!(r.admits(&alarm("x", "OK")));
        let mut other = alarm("x", "OK");
        other.account = Some("210987654321".into());
        assert!(!r.admits(&other));
        other.account = None;
        assert!(!r.admits(&other));

        let r = route("regions = [\"eu-west-1\", \"eu-central-1\"]");
        assert!(r.admits(&finding(Severity::Low)));
        assert!(!r.admits(&alarm("x", "OK")), "us-east-1 is not listed");
        let mut regionless = finding(Severity::Low);
        regionless.region = None;
        assert!(!r.admits(&regionless));
    }

    #[test]
    fn min_severity_is_a_floor_and_lets_no_severity_through() {
        let r = route("min_severity = \"high\"");
        assert!(!r.admits(&finding(Severity::Informational)));
        assert!(!r.admits(&finding(Severity::Medium)));
        assert!(r.admits(&finding(Severity::High)));
        assert!(r.admits(&finding(Severity::Critical)));
        assert!(r.admits(&alarm("x", "ALARM")), "alarms carry no severity");
    }

    #[test]
    fn every_filter_must_pass() {
        let r = route(
            "sources = [\"cloudwatch.alarm\"]\nnames = [\"orders-*\"]\nstates = [\"ALARM\"]\naccounts = [\"123456789012\"]\nregions = [\"us-east-1\"]\nmin_severity = \"medium\"",
        );
        assert!(r.admits(&alarm("orders-cpu", "ALARM")));
        assert!(!r.admits(&alarm("orders-cpu", "OK")), "state fails");
        assert!(!r.admits(&alarm("payments-cpu", "ALARM")), "name fails");
        let mut elsewhere = alarm("orders-cpu", "ALARM");
        elsewhere.region = Some("eu-west-1".into());
        assert!(!r.admits(&elsewhere), "region fails");
        let mut low = alarm("orders-cpu", "ALARM");
        low.severity = Some(Severity::Low);
        assert!(!r.admits(&low), "severity fails");
        let mut event = alarm("orders-cpu", "ALARM");
        event.source = "aws.health".into();
        assert!(!r.admits(&event), "source fails");
    }

    #[test]
    fn the_route_keeps_its_filter_for_display() {
        let r = route("names = [\"orders-*\"]\nmin_severity = \"low\"");
        assert_eq!(r.filter().names, ["orders-*"]);
        assert_eq!(r.filter().min_severity.as_deref(), Some("low"));
        assert_eq!(
            r.topic_arn(),
            Some("arn:aws:sns:us-east-1:123456789012:other")
        );
        assert_eq!(r.queue_url(), None);
    }
}
