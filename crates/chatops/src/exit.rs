//! Exit codes, for scripts and tests.

/// Done.
pub const OK: i32 = 0;
/// AWS returned an error or the call failed.
pub const FAILED: i32 = 1;
/// The line could not be understood or is not allowed as typed.
pub const BAD_LINE: i32 = 2;
/// Refused by policy.
pub const DENIED: i32 = 3;
/// More input is needed (missing parameters or a confirmation).
pub const NEEDS_INPUT: i32 = 4;
/// Timed out.
pub const TIMED_OUT: i32 = 5;
