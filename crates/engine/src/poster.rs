//! Posting into a channel when no one spoke: notifications (alarms, AWS events) arrive from
//! outside a conversation, so they need a way in to a surface that answers to no event. Each
//! chat surface implements [`Poster`]; the notification side drives it and learns, for every
//! message, whether it arrived (so an SQS message is deleted, or an SNS delivery answered 200,
//! only once it has).

use std::future::Future;
use std::pin::Pin;

use crate::message::Message;

/// A channel on a surface: the configuration's workspace name and the platform's channel id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    pub workspace: String,
    pub channel: String,
}

/// Why a post or an update did not arrive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PostError(pub String);

/// The boxed future every [`Poster`] method returns.
pub type PostFuture<'a> = Pin<Box<dyn Future<Output = Result<(), PostError>> + Send + 'a>>;

/// A chat surface that can post into its channels unprompted.
///
/// Messages carry the poster's engine ids: `message.id` names the message (so it can be
/// updated later), and `message.thread`, when set, is the engine id of an earlier message
/// posted through the same poster, whose thread the message goes into (each surface maps
/// it to its own thread reference).
pub trait Poster: Send + Sync {
    /// Posts `message` in `place`; `Ok` once the surface has it (and shows it).
    fn post<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a>;
    /// Replaces the content of the message `message.id`, posted earlier through this poster.
    fn update<'a>(&'a self, place: &'a Place, message: Message) -> PostFuture<'a>;
}
