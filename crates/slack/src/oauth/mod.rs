//! Multi-workspace install through OAuth v2 (being split by job; see `install.rs`).

mod install;

pub use install::*;
