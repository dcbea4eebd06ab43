//! The Slack surface's pure core: no HTTP server, no Web API calls. The server, the Web API
//! client and Socket Mode are built on these functions:
//!
//! - [`signature`]: Slack's v0 request signatures (verify before parsing anything);
//! - [`events`]: Events API bodies → typed events → [`engine::Inbound`];
//! - [`interactivity`]: `block_actions`, `view_submission` and slash commands → [`engine::Inbound`];
//! - [`blocks`]: [`engine::Message`] → Block Kit messages, files and modals within Slack's limits;
//! - [`ids`]: how the engine's actions, values and message ids travel through Slack;
//! - [`text`]: escaping outgoing text and reading incoming text;
//! - [`socket_mode`]: Socket Mode (a WebSocket Slack pushes envelopes into) instead of a public URL;
//! - [`oauth`]: multi-workspace install (OAuth v2) and bot tokens per team, encrypted at rest;
//! - [`tokens`]: which bot token answers an event (its team's installation, else the single one);
//! - [`manifest`]: the scopes, events and paths the app manifest must grant.

pub mod blocks;
mod clock;
pub mod events;
pub mod ids;
pub mod interactivity;
mod json;
#[cfg(feature = "test-support")]
pub mod limits;
pub mod manifest;
pub mod oauth;
pub mod outbox;
pub mod server;
pub mod signature;
pub mod socket_mode;
pub mod text;
pub mod tokens;
pub mod webapi;

pub use blocks::{render, Destination, Overflow, RenderOptions, Rendered, SlackMessage};
pub use events::{BotIdentity, Envelope, SlackEvent};
pub use ids::Handles;
pub use interactivity::{Interaction, SlashCommand, Target};
pub use json::JsonError;
pub use server::{Slack, SlackSettings};
pub use signature::{sign, verify, SignatureError, SignatureHeaders};
pub use tokens::{TeamApi, Tokens};
pub use webapi::{ApiError, WebApi};
