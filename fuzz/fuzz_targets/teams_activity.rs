#![no_main]
//! Any Bot Framework activity body (after its token checked) is read into what it asks of the
//! bot, or refused with a named error, never a panic; a card's submission inside it likewise.
use libfuzzer_sys::fuzz_target;
use teams::activity::{self, Incoming};

fuzz_target!(|data: &[u8]| {
    match activity::parse(data) {
        Ok(a) => match a.incoming() {
            Ok(Incoming::Turn(t)) => {
                let inbound = t.to_inbound("ws");
                assert_eq!(inbound.channel, t.place.channel);
                assert!(!t.place.channel.contains(activity::THREAD_MARK));
            }
            Ok(other) => {
                let _ = format!("{other:?}");
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        },
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
