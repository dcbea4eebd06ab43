//! Pending-command ids. They travel in button values, so anyone who can see or forge a button
//! payload knows them; they must not be guessable (128 bits from the OS random source), and
//! they must be short and URL/JSON-safe (lowercase hex).

use crate::{Result, StoreError};

/// A fresh random id: `p` followed by 32 lowercase hex digits (128 random bits).
///
/// Public so other backends make ids the same way.
pub fn new_pending_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    let mut id = String::with_capacity(33);
    id.push('p');
    for b in bytes {
        id.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        id.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_long_hex_and_distinct() {
        let ids: HashSet<String> = (0..1000).map(|_| new_pending_id().unwrap()).collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            assert_eq!(id.len(), 33);
            assert!(id.starts_with('p'));
            assert!(id[1..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        }
    }
}
