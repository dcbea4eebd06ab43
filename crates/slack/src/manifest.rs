//! What the Slack app must be granted and subscribed to, in one place: the OAuth install asks
//! for [`BOT_SCOPES`], and `slack/manifest.json` at the repository root is checked (by
//! `tests/manifest.rs`) to name every scope, event, URL path and command listed here.

/// Bot token scopes, each with the reason it is needed.
pub const BOT_SCOPES: &[(&str, &str)] = &[
    (
        "app_mentions:read",
        "app_mention events: @mentions in channels",
    ),
    (
        "chat:write",
        "chat.postMessage, chat.postEphemeral, chat.update",
    ),
    ("commands", "the /aws slash command"),
    (
        "files:write",
        "files.getUploadURLExternal + files.completeUploadExternal",
    ),
    ("im:history", "message.im events: direct messages"),
    ("im:read", "conversations.info on direct messages"),
    ("users:read", "users.info: names for the audit log"),
    ("channels:read", "conversations.info on public channels"),
    ("groups:read", "conversations.info on private channels"),
];

/// The names in [`BOT_SCOPES`].
pub fn bot_scopes() -> Vec<&'static str> {
    BOT_SCOPES.iter().map(|(s, _)| *s).collect()
}

/// Bot events the app subscribes to.
/// `app_uninstalled` and `tokens_revoked` need no scope: they remove the team's installation.
pub const BOT_EVENTS: &[&str] = &[
    "app_mention",
    "message.im",
    "app_uninstalled",
    "tokens_revoked",
];

/// The slash command.
pub const SLASH_COMMAND: &str = "/aws";

/// URL paths the server mounts (Events API, interactivity, slash command, OAuth).
pub const EVENTS_PATH: &str = "/slack/events";
pub const INTERACTIVITY_PATH: &str = "/slack/interactivity";
pub const COMMANDS_PATH: &str = "/slack/commands";
pub const INSTALL_PATH: &str = "/slack/install";
pub const OAUTH_CALLBACK_PATH: &str = "/slack/oauth/callback";

/// The app-level token scope Socket Mode needs (`xapp-…` token, created in the app's
/// settings, not part of the manifest).
pub const APP_TOKEN_SCOPE: &str = "connections:write";
