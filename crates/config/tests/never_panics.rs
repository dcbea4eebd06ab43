//! Whatever the file holds, loading returns a config or errors with sane positions; it never panics.

mod common;

use proptest::prelude::*;

fn example() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/chatops.toml"
    ))
    .unwrap_or_default()
}

fn check_positions(text: &str) {
    if let Err(errs) = common::load(text) {
        let lines = text.lines().count().max(1);
        assert!(!errs.is_empty());
        for e in &errs {
            assert!(
                e.line >= 1 && e.line <= lines + 1,
                "{e} (file has {lines} lines)"
            );
            assert!(e.column >= 1, "{e}");
            assert!(!e.message.is_empty());
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_text(text in "\\PC{0,300}") {
        check_positions(&text);
    }

    #[test]
    fn the_example_with_lines_dropped(drop in proptest::collection::vec(any::<bool>(), 120)) {
        let text: String = example()
            .lines()
            .zip(drop.iter().chain(std::iter::repeat(&false)))
            .filter(|(_, d)| !**d)
            .map(|(l, _)| format!("{l}\n"))
            .collect();
        check_positions(&text);
    }

    #[test]
    fn the_example_with_a_value_replaced(line in 0usize..120, value in prop_oneof![
        Just("1".to_string()), Just("\"\"".to_string()), Just("[]".to_string()),
        Just("{}".to_string()), Just("true".to_string()), "\"[a-z0-9:/._-]{0,20}\"",
    ]) {
        let text: String = example()
            .lines()
            .enumerate()
            .map(|(i, l)| match l.split_once(" = ") {
                Some((k, _)) if i == line => format!("{k} = {value}\n"),
                _ => format!("{l}\n"),
            })
            .collect();
        check_positions(&text);
    }
}
