//! The AWS CLI's renames of option names (`ec2 … --no-egress` is typed `--ingress`), read
//! from the `awscli` package's own source so they stay exactly the CLI's.
//!
//! The table lives in `awscli/customizations/argrename.py` as two Python dict literals of
//! string pairs (`ARGUMENT_RENAMES`, `HIDDEN_ALIASES`), keyed `service.operation.option`
//! where service or operation may be `*`. The pinned CLI's file is embedded; an `awscli`
//! installed beside a chosen botocore folder is read instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Renamed and extra accepted option names.
#[derive(Debug, Default, Clone)]
pub struct ArgRenames {
    renames: Table,
    aliases: Table,
}

/// Entries keyed by the option they apply to, so a lookup allocates nothing:
/// option → [(service or `*`, operation or `*`, new name)].
type Table = HashMap<String, Vec<(String, String, String)>>;

fn index(flat: HashMap<String, String>) -> Table {
    let mut t: Table = HashMap::new();
    for (key, new) in flat {
        let mut parts = key.splitn(3, '.');
        let (Some(svc), Some(op), Some(arg)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        t.entry(arg.to_string())
            .or_default()
            .push((svc.to_string(), op.to_string(), new));
    }
    t
}

impl ArgRenames {
    /// The table of the `awscli` package installed beside a chosen models folder, else the
    /// embedded one (the CLI pinned with the embedded models).
    pub fn locate(models_dir: Option<&Path>) -> Result<ArgRenames, crate::bundle::BundleError> {
        if let Some(src) = models_dir
            .and_then(find_argrename_py)
            .and_then(|p| std::fs::read_to_string(p).ok())
        {
            return Ok(ArgRenames::from_source(&src));
        }
        let src = crate::bundle::embedded()?
            .read("awscli/argrename.py")?
            .unwrap_or_default();
        Ok(ArgRenames::from_source(&String::from_utf8_lossy(&src)))
    }

    /// Parses the Python source of `argrename.py`.
    pub fn from_source(src: &str) -> ArgRenames {
        ArgRenames {
            renames: index(dict_literal(src, "ARGUMENT_RENAMES")),
            aliases: index(dict_literal(src, "HIDDEN_ALIASES")),
        }
    }

    /// How many renames were read.
    pub fn len(&self) -> usize {
        self.renames.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.renames.is_empty()
    }

    fn lookup<'a>(table: &'a Table, service: &str, op: &str, arg: &str) -> Option<&'a str> {
        let entries = table.get(arg)?;
        let find = |svc: &str, o: &str| {
            entries
                .iter()
                .find(|(s, e, _)| s == svc && e == o)
                .map(|(_, _, n)| n.as_str())
        };
        find(service, op)
            .or_else(|| find(service, "*"))
            .or_else(|| find("*", "*"))
    }

    /// The name the CLI shows for an option it derived as `arg`.
    pub fn rename<'a>(&'a self, service: &str, op: &str, arg: &'a str) -> &'a str {
        Self::lookup(&self.renames, service, op, arg).unwrap_or(arg)
    }

    /// A hidden extra name the CLI also accepts for `arg` (its old spelling), looked up by
    /// the derived name and by the renamed one.
    pub fn alias(&self, service: &str, op: &str, arg: &str) -> Option<&str> {
        Self::lookup(&self.aliases, service, op, arg)
            .or_else(|| Self::lookup(&self.aliases, service, op, self.rename(service, op, arg)))
    }
}

fn find_argrename_py(models_dir: &Path) -> Option<PathBuf> {
    models_dir.ancestors().skip(1).take(4).find_map(|a| {
        [
            a.join("customizations/argrename.py"),
            a.join("awscli/customizations/argrename.py"),
        ]
        .into_iter()
        .find(|p| p.is_file())
    })
}

/// The string pairs of `NAME = { 'k': 'v', … }` in Python source.
fn dict_literal(src: &str, name: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(start) = src.find(&format!("{name} = {{")) else {
        return out;
    };
    let body = &src[start + name.len() + 4..];
    let mut strings = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '}' => break,
            '#' => {
                for (_, c2) in chars.by_ref() {
                    if c2 == '\n' {
                        break;
                    }
                }
            }
            '\'' | '"' => {
                let mut s = String::new();
                for (_, c2) in chars.by_ref() {
                    if c2 == c {
                        break;
                    }
                    s.push(c2);
                }
                strings.push(s);
            }
            _ => {}
        }
    }
    for pair in strings.chunks_exact(2) {
        out.insert(pair[0].clone(), pair[1].clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_python_tables() {
        let src = "X = 1\nARGUMENT_RENAMES = {\n    # comment with 'quotes'\n    'ec2.*.no-egress': 'ingress',\n    'sns.subscribe.endpoint':\n        \"notification-endpoint\",\n}\nHIDDEN_ALIASES = {\n 'a.b.c': 'd',\n}\n";
        let r = ArgRenames::from_source(src);
        assert_eq!(r.rename("ec2", "x", "no-egress"), "ingress");
        assert_eq!(
            r.rename("sns", "subscribe", "endpoint"),
            "notification-endpoint"
        );
        assert_eq!(r.rename("sns", "publish", "endpoint"), "endpoint");
        assert_eq!(r.alias("a", "b", "c"), Some("d"));
        assert_eq!(r.len(), 2);
    }
}
