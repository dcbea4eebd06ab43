//! "Did you mean …?" for names a user mistyped.

/// Up to three close candidates, best first, as `; did you mean 'a' or 'b'?`-style text, or
/// an empty string when nothing is close.
pub fn did_you_mean<'a>(typed: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let close = closest(typed, candidates, 3);
    match close.len() {
        0 => String::new(),
        1 => format!(" (did you mean '{}'?)", close[0]),
        _ => {
            let quoted: Vec<String> = close.iter().map(|c| format!("'{c}'")).collect();
            format!(" (did you mean {}?)", quoted.join(" or "))
        }
    }
}

/// The candidates nearest to `typed`, by edit distance, prefix and containment.
pub fn closest<'a>(
    typed: &str,
    candidates: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let t = typed.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .filter_map(|c| {
            let cl = c.to_lowercase();
            if cl == t {
                return Some((2.0, c));
            }
            let mut score = strsim::jaro_winkler(&t, &cl);
            let dist = strsim::damerau_levenshtein(&t, &cl);
            if dist <= 2 {
                score += 0.3 - 0.1 * dist as f64;
            }
            if t.len() >= 3 && (cl.contains(&t) || t.contains(&cl)) {
                score += 0.15;
            }
            (score >= 0.86).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names() {
        let ops = [
            "get-function",
            "list-functions",
            "invoke",
            "delete-function",
        ];
        assert_eq!(
            closest("get-functon", ops.iter().copied(), 1),
            ["get-function"]
        );
        assert_eq!(
            closest("list-function", ops.iter().copied(), 1),
            ["list-functions"]
        );
        assert!(closest("zzzzzz", ops.iter().copied(), 3).is_empty());
        assert_eq!(
            did_you_mean("lamda", ["lambda", "glue"].into_iter()),
            " (did you mean 'lambda'?)"
        );
    }
}
