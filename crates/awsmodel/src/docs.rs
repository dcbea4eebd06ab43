//! A service's documentation, kept apart from its model: most of a model's bytes are
//! documentation that only help and prompts read, so models load without it and this is
//! read on demand.

use serde::Deserialize;
use std::collections::HashMap;

/// The documentation strings of one service (HTML, as botocore has them).
#[derive(Debug, Deserialize, Default)]
pub struct ServiceDocs {
    #[serde(default)]
    documentation: String,
    #[serde(default)]
    operations: HashMap<String, OperationDocs>,
    #[serde(default)]
    shapes: HashMap<String, ShapeDocs>,
}

#[derive(Debug, Deserialize, Default)]
struct OperationDocs {
    #[serde(default)]
    documentation: String,
}

#[derive(Debug, Deserialize, Default)]
struct ShapeDocs {
    #[serde(default)]
    documentation: Option<String>,
    #[serde(default)]
    members: HashMap<String, MemberDocs>,
}

#[derive(Debug, Deserialize, Default)]
struct MemberDocs {
    #[serde(default)]
    documentation: Option<String>,
}

impl ServiceDocs {
    /// The service's own description.
    pub fn service(&self) -> &str {
        &self.documentation
    }

    /// An operation's description (by its key in the model), empty when it has none.
    pub fn operation(&self, name: &str) -> &str {
        self.operations
            .get(name)
            .map(|o| o.documentation.as_str())
            .unwrap_or("")
    }

    /// A shape's description.
    pub fn shape(&self, name: &str) -> Option<&str> {
        self.shapes.get(name)?.documentation.as_deref()
    }

    /// A structure member's description, else its shape's: what help shows for an option.
    pub fn member(&self, structure: &str, member: &str, member_shape: &str) -> Option<&str> {
        self.shapes
            .get(structure)
            .and_then(|s| s.members.get(member))
            .and_then(|m| m.documentation.as_deref())
            .or_else(|| self.shape(member_shape))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_documentation_from_a_whole_model_or_a_docs_file() {
        let whole = r#"{"metadata":{},"documentation":"<p>svc</p>",
            "operations":{"Get":{"name":"Get","http":{},"documentation":"op doc"}},
            "shapes":{"In":{"type":"structure","members":{"A":{"shape":"S","documentation":"member doc"},"B":{"shape":"S"}}},
                      "S":{"type":"string","documentation":"shape doc"}}}"#;
        let d: ServiceDocs = serde_json::from_str(whole).unwrap();
        assert_eq!(d.service(), "<p>svc</p>");
        assert_eq!(d.operation("Get"), "op doc");
        assert_eq!(d.operation("Other"), "");
        assert_eq!(d.member("In", "A", "S"), Some("member doc"));
        assert_eq!(d.member("In", "B", "S"), Some("shape doc"));
        assert_eq!(d.member("Nope", "B", "T"), None);
    }
}
