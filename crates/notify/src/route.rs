//! The configuration's `[[notifications]]` as lookups: which routes a topic or queue feeds,
//! and whether a notification passes a route's filters.
//!
//! PLACEHOLDER: the API below is the contract the delivery code is written against.

use crate::Facts;
use engine::Place;

/// One `[[notifications]]` entry, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub name: String,
    pub source: config::NotificationSource,
    /// The account whose credentials confirm and poll, resolved from the configuration.
    pub account: Option<config::Account>,
    /// The channels, resolved to their places (workspace, platform id).
    pub channels: Vec<Place>,
    pub verify_signatures: bool,
    filter: config::NotificationFilter,
}

impl Route {
    /// Whether the notification passes every filter of the route.
    pub fn admits(&self, facts: &Facts) -> bool {
        let _ = (facts, &self.filter);
        true
    }
}

/// Every route of the configuration.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    routes: Vec<Route>,
}

impl Routes {
    pub fn new(config: &config::Config) -> Routes {
        let _ = config;
        Routes { routes: Vec::new() }
    }

    pub fn all(&self) -> &[Route] {
        &self.routes
    }

    /// The routes fed by this topic.
    pub fn for_topic(&self, topic_arn: &str) -> Vec<&Route> {
        self.routes
            .iter()
            .filter(|r| matches!(&r.source, config::NotificationSource::Topic { arn } if arn == topic_arn))
            .collect()
    }

    /// The routes fed by this queue.
    pub fn for_queue(&self, url: &str) -> Vec<&Route> {
        self.routes
            .iter()
            .filter(|r| matches!(&r.source, config::NotificationSource::Queue { url: u, .. } if u == url))
            .collect()
    }
}
