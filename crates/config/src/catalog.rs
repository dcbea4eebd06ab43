//! How the configuration learns which policy names are built in and whether a
//! custom policy document is valid, without depending on the policy engine.

/// What the policy engine tells the configuration loader.
///
/// The `policy` crate implements this; `config` only calls it, so the
/// dependency arrow points from the binary to both crates.
pub trait PolicyCatalog {
    /// Whether `name` is a built-in policy (e.g. `ReadOnly`, `AdministratorAccess`).
    fn is_builtin(&self, name: &str) -> bool;
    /// Validates a custom policy document; `Err` says what is wrong with it.
    fn validate_document(&self, text: &str) -> Result<(), String>;
    /// The built-in names, used for "did you mean" suggestions. Optional.
    fn builtin_names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The catalog [`load`](crate::load) uses when no policy engine is at hand:
/// every policy name that is not a `[[policies]]` entry is taken to be built in,
/// and a document need only be a JSON object with a `Statement`.
///
/// Use [`load_with`](crate::load_with) and the policy engine's catalog for the full check.
#[derive(Debug, Clone, Copy, Default)]
pub struct PermissiveCatalog;

impl PolicyCatalog for PermissiveCatalog {
    fn is_builtin(&self, _name: &str) -> bool {
        true
    }

    fn validate_document(&self, text: &str) -> Result<(), String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("the policy is not valid JSON: {e}"))?;
        match value.as_object() {
            Some(object) if object.contains_key("Statement") => Ok(()),
            Some(_) => {
                Err("the policy has no `Statement`; expected an IAM policy document".to_string())
            }
            None => {
                Err("the policy is not a JSON object; expected an IAM policy document".to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissive_catalog_checks_json_shape_only() {
        let c = PermissiveCatalog;
        assert!(c.is_builtin("anything"));
        assert!(c
            .validate_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
            .is_ok());
        assert!(c.validate_document("{").is_err());
        assert!(c.validate_document("[]").is_err());
        assert!(c.validate_document("{}").is_err());
        assert!(c.builtin_names().is_empty());
    }
}
