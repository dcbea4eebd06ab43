//! The tokenizer, the shorthand parser and the whole line parser are total: for any input
//! they return a value or an error, never panic, never hang.

use command::{parse_line, parse_shorthand, tokenize, Catalog};
use proptest::prelude::*;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static CAT: OnceLock<Catalog> = OnceLock::new();
    CAT.get_or_init(|| Catalog::open(None).expect("models"))
}

/// Fragments that steer random lines into the interesting parts of the grammar.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("lambda".to_string()),
        Just("ec2".to_string()),
        Just("get-function".to_string()),
        Just("describe-instances".to_string()),
        Just("--filters".to_string()),
        Just("--function-name".to_string()),
        Just("--max-items".to_string()),
        Just("--cli-input-json".to_string()),
        Just("--query".to_string()),
        Just("Name=a,Values=b,c".to_string()),
        Just("{a=[b,{c=d}]}".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("`".to_string()),
        Just("—".to_string()),
        Just("<@U1>".to_string()),
        Just("&gt;".to_string()),
        Just("[\"x\"]".to_string()),
        Just("{\"FunctionName\": 1}".to_string()),
        "[ -~]{0,12}",
        any::<String>(),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..12).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn tokenizer_is_total(s in any::<String>()) {
        let _ = tokenize(&s);
    }

    #[test]
    fn tokenizer_round_trips_quoted_words(words in prop::collection::vec("[^'\\x00]{0,10}", 0..6)) {
        let line = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" ");
        prop_assert_eq!(tokenize(&line).unwrap(), words);
    }

    #[test]
    fn shorthand_is_total(s in "[a-zA-Z=,\\[\\]{}'\"\\\\ @.:/-]{0,40}") {
        let _ = parse_shorthand(&s);
    }

    #[test]
    fn shorthand_is_total_on_any_text(s in any::<String>()) {
        let _ = parse_shorthand(&s);
    }

    #[test]
    fn line_parser_is_total(s in line()) {
        let _ = parse_line(catalog(), &s);
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = format!("a={}", "[".repeat(100_000));
    assert!(parse_shorthand(&deep).is_err());
    let deep_json = format!(
        "lambda invoke --function-name f --cli-input-json '{}'",
        "[".repeat(100_000)
    );
    assert!(parse_line(catalog(), &deep_json).is_err());
}
