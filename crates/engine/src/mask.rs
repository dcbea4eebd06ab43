//! Secret values masked in every result and in the audit log's copy of the command, as
//! defence in depth beside the always-deny list.

use serde_json::Value;

/// Shown instead of a secret.
pub const MASK: &str = "********";

/// Field-name fragments that mean a secret (lower-case, compared without `_` and `-`).
pub const DEFAULT_SECRET_FIELDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "privatekey",
    "sessiontoken",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "authorizationtoken",
    "apikey",
    "connectionstring",
    "credentials",
    "keymaterial",
    "passphrase",
];

/// Which field names are secret.
#[derive(Debug, Clone)]
pub struct Masker {
    fragments: Vec<String>,
}

impl Default for Masker {
    fn default() -> Masker {
        Masker::new(DEFAULT_SECRET_FIELDS.iter().map(|s| s.to_string()))
    }
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

impl Masker {
    pub fn new(fragments: impl IntoIterator<Item = String>) -> Masker {
        Masker {
            fragments: fragments.into_iter().map(|f| squash(&f)).collect(),
        }
    }

    /// Whether a field (or option) name holds a secret.
    pub fn is_secret(&self, name: &str) -> bool {
        let n = squash(name);
        // Pagination tokens are not secrets.
        if n.ends_with("nexttoken")
            || n.ends_with("continuationtoken")
            || n.ends_with("startingtoken")
        {
            return false;
        }
        self.fragments.iter().any(|f| n.contains(f.as_str()))
    }

    /// Replaces the values of secret fields, at any depth; returns how many were masked.
    pub fn mask(&self, v: &mut Value) -> usize {
        match v {
            Value::Object(m) => {
                let mut n = 0;
                for (k, val) in m.iter_mut() {
                    if self.is_secret(k) && !val.is_null() {
                        *val = Value::String(MASK.into());
                        n += 1;
                    } else {
                        n += self.mask(val);
                    }
                }
                n
            }
            Value::Array(a) => a.iter_mut().map(|x| self.mask(x)).sum(),
            _ => 0,
        }
    }

    /// A command line with the values of secret options replaced (`--master-user-password x`).
    pub fn mask_command(&self, line: &str) -> String {
        let mut out = Vec::new();
        let mut hide_next = false;
        for word in line.split(' ') {
            if hide_next && !word.is_empty() && !word.starts_with('-') {
                out.push(MASK.to_string());
                hide_next = false;
                continue;
            }
            hide_next = false;
            match word.split_once('=') {
                Some((opt, _)) if opt.starts_with('-') && self.is_secret(opt) => {
                    out.push(format!("{opt}={MASK}"));
                }
                _ => {
                    if word.starts_with('-') && self.is_secret(word) {
                        hide_next = true;
                    }
                    out.push(word.to_string());
                }
            }
        }
        out.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_nested_secret_fields_only() {
        let mut v = json!({
            "DBInstances": [{"MasterUserPassword": "hunter2", "MasterUsername": "admin", "Endpoint": {"Address": "db"}}],
            "Credentials": {"AccessKeyId": "AKIA", "SecretAccessKey": "x"},
            "NextToken": "abc",
            "private_key": "-----BEGIN",
            "ConnectionString": "Server=x;Password=y",
        });
        let n = Masker::default().mask(&mut v);
        assert_eq!(n, 4);
        assert_eq!(v["DBInstances"][0]["MasterUserPassword"], MASK);
        assert_eq!(v["DBInstances"][0]["MasterUsername"], "admin");
        assert_eq!(v["Credentials"], MASK);
        assert_eq!(v["NextToken"], "abc");
        assert_eq!(v["private_key"], MASK);
    }

    #[test]
    fn masks_secret_options_in_commands() {
        let m = Masker::default();
        assert_eq!(
            m.mask_command("rds modify-db-instance --db-instance-identifier d --master-user-password hunter2 --apply-immediately"),
            "rds modify-db-instance --db-instance-identifier d --master-user-password ******** --apply-immediately"
        );
        assert_eq!(
            m.mask_command("x --secret-string=abc"),
            "x --secret-string=********"
        );
        assert_eq!(
            m.mask_command("lambda list-functions --max-items 5"),
            "lambda list-functions --max-items 5"
        );
    }
}
