//! Test doubles of what Teams talks to: the Microsoft identity platform ([`identity`]) and the
//! Bot Connector ([`connector`]).

pub mod cards;
pub mod connector;
pub mod identity;
