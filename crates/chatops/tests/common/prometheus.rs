//! A strict reader of the Prometheus text exposition format (0.0.4), for checking what
//! `GET /metrics` serves: every line must be a comment, a `# HELP`/`# TYPE` line or a
//! well-formed sample of a declared family, and every histogram must be consistent
//! (cumulative buckets ending in `+Inf`, equal to its `_count`). Anything else panics,
//! naming the line.

use std::collections::{BTreeMap, HashMap, HashSet};

/// One sample: metric name, labels, value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// A parsed exposition.
#[derive(Debug, Default)]
pub struct Exposition {
    pub samples: Vec<Sample>,
    /// Family name → `counter`, `gauge`, `histogram`, `summary` or `untyped`.
    pub types: HashMap<String, String>,
    pub help: HashMap<String, String>,
}

impl Exposition {
    /// The value of the sample `name` whose labels include every pair of `labels`, summed
    /// over the samples that match (0 when none does).
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.samples
            .iter()
            .filter(|s| s.name == name)
            .filter(|s| {
                labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|s| s.value)
            .sum()
    }
}

fn valid_metric_name(n: &str) -> bool {
    let mut chars = n.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn valid_label_name(n: &str) -> bool {
    let mut chars = n.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn value(v: &str, line: &str) -> f64 {
    match v {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        _ => v
            .parse()
            .unwrap_or_else(|e| panic!("bad sample value {v:?} ({e}) in line {line:?}")),
    }
}

/// Labels from just after `{` to the matching `}`; returns them and the rest of the line.
fn labels<'a>(s: &'a str, line: &str) -> (BTreeMap<String, String>, &'a str) {
    let mut out = BTreeMap::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('}') {
            return (out, r);
        }
        let eq = rest
            .find('=')
            .unwrap_or_else(|| panic!("a label without '=' in line {line:?}"));
        let name = rest[..eq].trim();
        assert!(
            valid_label_name(name),
            "bad label name {name:?} in {line:?}"
        );
        rest = rest[eq + 1..]
            .strip_prefix('"')
            .unwrap_or_else(|| panic!("an unquoted label value in line {line:?}"));
        let mut val = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => val.push('\\'),
                    Some((_, '"')) => val.push('"'),
                    Some((_, 'n')) => val.push('\n'),
                    other => panic!("bad escape {other:?} in line {line:?}"),
                },
                Some((_, c)) => val.push(c),
                None => panic!("an unterminated label value in line {line:?}"),
            }
        };
        assert!(
            out.insert(name.to_string(), val).is_none(),
            "label {name} twice in line {line:?}"
        );
        rest = &rest[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// The family a sample name belongs to, given the declared types.
fn family<'a>(name: &'a str, types: &HashMap<String, String>) -> Option<&'a str> {
    if types.contains_key(name) {
        return Some(name);
    }
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix) {
            if matches!(
                types.get(base).map(String::as_str),
                Some("histogram" | "summary")
            ) {
                return Some(base);
            }
        }
    }
    None
}

/// Parses `text`, panicking on the first line that is not valid.
pub fn parse(text: &str) -> Exposition {
    let mut e = Exposition::default();
    let mut seen: HashSet<(String, BTreeMap<String, String>)> = HashSet::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let words: Vec<&str> = comment.trim_start().splitn(3, ' ').collect();
            match words.as_slice() {
                ["TYPE", name, kind] => {
                    assert!(valid_metric_name(name), "bad name in {line:?}");
                    assert!(
                        matches!(
                            *kind,
                            "counter" | "gauge" | "histogram" | "summary" | "untyped"
                        ),
                        "unknown type in {line:?}"
                    );
                    assert!(
                        !e.samples
                            .iter()
                            .any(|s| family(&s.name, &e.types) == Some(*name)),
                        "TYPE after samples of {name}"
                    );
                    assert!(
                        e.types.insert(name.to_string(), kind.to_string()).is_none(),
                        "TYPE twice for {name}"
                    );
                }
                ["HELP", name, help] => {
                    assert!(valid_metric_name(name), "bad name in {line:?}");
                    assert!(
                        e.help.insert(name.to_string(), help.to_string()).is_none(),
                        "HELP twice for {name}"
                    );
                }
                _ => {}
            }
            continue;
        }
        let name_end = line
            .find(['{', ' '])
            .unwrap_or_else(|| panic!("a sample without a value: {line:?}"));
        let name = &line[..name_end];
        assert!(valid_metric_name(name), "bad metric name in {line:?}");
        let (labels, rest) = match line[name_end..].strip_prefix('{') {
            Some(r) => labels(r, line),
            None => (BTreeMap::new(), &line[name_end..]),
        };
        let parts: Vec<&str> = rest.split_whitespace().collect();
        assert!(
            matches!(parts.len(), 1 | 2),
            "expected a value (and a timestamp) in {line:?}"
        );
        let v = value(parts[0], line);
        if let Some(ts) = parts.get(1) {
            ts.parse::<i64>()
                .unwrap_or_else(|err| panic!("bad timestamp ({err}) in {line:?}"));
        }
        let fam = family(name, &e.types)
            .unwrap_or_else(|| panic!("a sample of no declared family: {line:?}"));
        if e.types[fam] == "histogram" && name.ends_with("_bucket") {
            assert!(labels.contains_key("le"), "a bucket without le: {line:?}");
        }
        if e.types[fam] == "counter" {
            assert!(v >= 0.0, "a negative counter: {line:?}");
        }
        assert!(
            seen.insert((name.to_string(), labels.clone())),
            "the same sample twice: {line:?}"
        );
        e.samples.push(Sample {
            name: name.to_string(),
            labels,
            value: v,
        });
    }
    check_histograms(&e);
    e
}

/// Each histogram series: buckets non-decreasing in `le`, a `+Inf` bucket equal to `_count`.
fn check_histograms(e: &Exposition) {
    for (fam, kind) in &e.types {
        if kind != "histogram" {
            continue;
        }
        let mut series: BTreeMap<BTreeMap<String, String>, Vec<(f64, f64)>> = BTreeMap::new();
        for s in e
            .samples
            .iter()
            .filter(|s| s.name == format!("{fam}_bucket"))
        {
            let mut key = s.labels.clone();
            let le = key.remove("le").expect("le");
            series
                .entry(key)
                .or_default()
                .push((value(&le, &le), s.value));
        }
        for (key, mut buckets) in series {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in buckets.windows(2) {
                assert!(w[1].1 >= w[0].1, "{fam}{key:?}: buckets not cumulative");
            }
            let inf = buckets.last().expect("a bucket");
            assert!(inf.0.is_infinite(), "{fam}{key:?}: no +Inf bucket");
            let count = e
                .samples
                .iter()
                .find(|s| s.name == format!("{fam}_count") && s.labels == key)
                .unwrap_or_else(|| panic!("{fam}{key:?}: no _count"));
            assert_eq!(inf.1, count.value, "{fam}{key:?}: +Inf bucket != _count");
            assert!(
                e.samples
                    .iter()
                    .any(|s| s.name == format!("{fam}_sum") && s.labels == key),
                "{fam}{key:?}: no _sum"
            );
        }
    }
}
