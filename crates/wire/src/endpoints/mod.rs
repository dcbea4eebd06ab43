//! Endpoint rule sets (filled in next).
