//! The request as a policy sees it: the action, the resource and the condition keys.

use std::collections::HashMap;

/// A condition key's value: one string, or a set (`aws:TagKeys`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    One(String),
    Many(Vec<String>),
}

/// Condition keys with their values; key names are case-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    keys: HashMap<String, ContextValue>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a single-valued key.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Context {
        self.keys
            .insert(key.to_ascii_lowercase(), ContextValue::One(value.into()));
        self
    }

    /// Sets a multi-valued key.
    pub fn set_many(&mut self, key: &str, values: Vec<String>) -> &mut Context {
        self.keys
            .insert(key.to_ascii_lowercase(), ContextValue::Many(values));
        self
    }

    /// Looks a key up; `key` must already be lower-case.
    pub fn get_lower(&self, key: &str) -> Option<&ContextValue> {
        self.keys.get(key)
    }

    /// Looks a key up, any case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.keys.get(&key.to_ascii_lowercase())
    }

    /// The value of a single-valued key, for policy variables.
    pub fn single_lower(&self, key: &str) -> Option<&str> {
        match self.keys.get(key)? {
            ContextValue::One(v) => Some(v),
            ContextValue::Many(_) => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// What is being asked: one action on one resource (`*` when not known) with its context.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// `service:Action`, any case.
    pub action: &'a str,
    /// The resource ARN, or `*`.
    pub resource: &'a str,
    pub context: &'a Context,
}
