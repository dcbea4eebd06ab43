//! The Microsoft Teams surface: everything Teams, from the Bot Framework activity it posts to
//! `/teams/messages` to the Adaptive Card we send back. By job:
//!
//! - **trust**: [`jwt`] (compact JWTs, RS256 checked with ring), [`auth`] (the Bot Framework's
//!   OpenID metadata and signing keys, cached and refreshed; issuer, audience, expiry, the
//!   `serviceurl` claim), [`token`] (our own token for the Bot Connector: client credentials
//!   from the Microsoft identity platform, cached until it expires);
//! - **receive**: [`activity`] (activities → [`engine::Inbound`]: mentions stripped,
//!   personal chats, card submissions, `conversationUpdate`), [`server`] (the route, each
//!   request's token checked before its body is parsed);
//! - **answer**: [`cards`] ([`engine::Message`] → Adaptive Cards within Teams' limits),
//!   [`actions`] (what a card's buttons, menus and forms carry, and reading it back),
//!   [`connector`] (the Bot Connector REST client: send, reply, update; 429 honoured),
//!   [`outbox`] (delivering the engine's answers, the records updates need, and the
//!   [`engine::Poster`] notifications use);
//! - **install**: [`manifest`] (the Teams app package's manifest);
//! - **test support**: `testing` (an identity double and a Bot Connector double), compiled
//!   only with the `testing` feature.

pub mod actions;
pub mod activity;
pub mod auth;
pub mod cards;
pub mod connector;
mod http;
pub mod jwt;
pub mod manifest;
pub mod outbox;
pub mod server;
#[cfg(feature = "testing")]
pub mod testing;
pub mod token;
