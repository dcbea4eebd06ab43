//! Which channels each web chat user may use: a user sees (in the channel list, history and
//! live pushes) and posts in only the channels they are a member of.
//!
//! Users are members of every channel unless they were given a list ([`Members::restrict`]),
//! so a configuration without lists keeps working as before; the start-up token's user is
//! never restricted.

use std::collections::{HashMap, HashSet};

use crate::hub::Key;
use crate::SettingsError;

/// The users restricted to some channels; everyone else is a member of all.
#[derive(Debug, Clone, Default)]
pub struct Members {
    restricted: HashMap<String, HashSet<Key>>,
}

impl Members {
    /// Every user a member of every channel.
    pub fn everyone() -> Members {
        Members::default()
    }

    /// Makes `user` a member of these channels (workspace, channel id) only.
    pub fn restrict(&mut self, user: &str, channels: impl IntoIterator<Item = (String, String)>) {
        self.restricted
            .insert(user.to_string(), channels.into_iter().collect());
    }

    /// Whether `user` was given a list of channels.
    pub fn is_restricted(&self, user: &str) -> bool {
        self.restricted.contains_key(user)
    }

    /// Refuses lists naming channels not offered (`keys`), and a list for the start-up
    /// token's user, which is a member of every channel.
    pub(crate) fn check(&self, token_user: &str, keys: &[Key]) -> Result<(), SettingsError> {
        if self.is_restricted(token_user) {
            return Err(SettingsError::RestrictedTokenUser(token_user.to_string()));
        }
        let mut users: Vec<&String> = self.restricted.keys().collect();
        users.sort();
        for user in users {
            let mut unknown: Vec<&Key> = self.restricted[user]
                .iter()
                .filter(|k| !keys.contains(k))
                .collect();
            unknown.sort();
            if let Some((workspace, channel)) = unknown.first() {
                return Err(SettingsError::UnknownMemberChannel {
                    user: user.clone(),
                    workspace: workspace.clone(),
                    channel: channel.clone(),
                });
            }
        }
        Ok(())
    }

    /// Whether `user` may see and post in channel `key`.
    pub fn allows(&self, user: &str, key: &Key) -> bool {
        self.restricted
            .get(user)
            .is_none_or(|channels| channels.contains(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unrestricted_users_are_members_of_all() {
        let ops: Key = ("web".into(), "C-OPS".into());
        let read: Key = ("web".into(), "C-READ".into());
        let mut m = Members::everyone();
        assert!(m.allows("bob", &ops));
        m.restrict("bob", [read.clone()]);
        assert!(!m.allows("bob", &ops));
        assert!(m.allows("bob", &read));
        assert!(m.allows("alice", &ops));
        m.restrict("carol", []);
        assert!(!m.allows("carol", &read));
    }
}
