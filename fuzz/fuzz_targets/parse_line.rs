#![no_main]
//! The whole chat-line parser (options, values, JSON, shorthand) returns a call, help or an
//! error for any text. Needs botocore's models (scripts/setup.sh, or CHATOPS_MODELS_DIR).
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn catalog() -> &'static command::Catalog {
    static CAT: OnceLock<command::Catalog> = OnceLock::new();
    CAT.get_or_init(|| command::Catalog::open(None).expect("botocore models"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = command::parse_line(catalog(), s);
    }
});
