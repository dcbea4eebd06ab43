//! The Slack surface: everything Slack, from the HTTP request it sends to the Block Kit
//! message we post back, and the OAuth install. By job (`README.md` has the details):
//!
//! - **receive**: [`server`] (the routes `/slack/events`, `/slack/interactivity`,
//!   `/slack/commands`, each body checked once for size and signature before any handler
//!   sees it), [`socket_mode`] (a WebSocket Slack pushes envelopes into, instead of a public
//!   URL; the same handling), [`signature`] (Slack's v0 request signatures),
//!   [`events`] and [`interactivity`] (Events API bodies, `block_actions`, `view_submission`
//!   and slash commands → [`engine::Inbound`]);
//! - **answer**: [`tokens`] (which bot token answers a team: its installation's, else the
//!   single one), [`outbox`] (delivers the engine's answers and keeps what updating them
//!   needs), [`webapi`] (the Web API client), [`pacing`] (Slack's rate limits per
//!   workspace: tiers, 429 holds, order per channel), [`blocks`] ([`engine::Message`] → Block Kit
//!   messages, files and modals within Slack's limits), [`ids`] (how the engine's actions,
//!   values and message ids travel through Slack), [`text`] (escaping outgoing text, reading
//!   incoming text);
//! - **install**: [`oauth`] (multi-workspace install through OAuth v2, bot tokens per team
//!   sealed in the project's store), [`manifest`] (the scopes, events and paths the app
//!   manifest must grant);
//! - **test support**: `limits` (Block Kit's limits as a checker), compiled only with the
//!   `test-support` feature, which the crate's own tests turn on.
//!
//! The parsers and the renderer are pure functions; the server, Socket Mode and the Web API
//! client are built on them. The wall clock is read in one place (`clock`).

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
pub mod pacing;
pub mod poster;
pub mod server;
pub mod signature;
pub mod socket_mode;
pub mod telemetry;
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
