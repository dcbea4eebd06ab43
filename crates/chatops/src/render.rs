//! Formatting a result for `--output` and `--query`.

use serde::Serialize;
use serde_json::Value;

/// The text the AWS CLI prints for a result (interim: JSON only, until the output module
/// lands).
pub fn render(
    v: &Value,
    _output: Option<&str>,
    _query: Option<&str>,
    _operation: &str,
) -> Result<String, String> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    v.serialize(&mut ser).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
