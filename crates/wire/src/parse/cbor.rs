//! Reading `smithy-rpc-v2-cbor` responses: the CBOR body becomes JSON (byte strings as
//! base64, tag-1 timestamps as epoch seconds) and is then read through the output shape as
//! the JSON protocols' bodies are.

use super::json::shape_value;
use super::{request_id, AwsError, ParseFailure, Response};
use crate::traits::Member;
use awsmodel::ServiceModel;
use ciborium::value::Value as Cbor;
use serde_json::{Map, Value};

/// Deepest nesting accepted from a response.
const MAX_DEPTH: usize = 128;

fn decode(bytes: &[u8]) -> Result<Value, ParseFailure> {
    if bytes.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let v: Cbor = ciborium::de::from_reader(bytes)
        .map_err(|e| ParseFailure::Malformed(format!("the response is not valid CBOR ({e})")))?;
    to_json(&v, 0)
}

fn to_json(v: &Cbor, depth: usize) -> Result<Value, ParseFailure> {
    if depth > MAX_DEPTH {
        return Err(ParseFailure::Malformed(
            "the CBOR response is nested too deeply".into(),
        ));
    }
    Ok(match v {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(*b),
        Cbor::Integer(i) => {
            let n: i128 = (*i).into();
            i64::try_from(n)
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(n as f64))
        }
        Cbor::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(pyrepr::botocore_float(*f))),
        Cbor::Text(t) => Value::String(t.clone()),
        Cbor::Bytes(b) => Value::String(crate::serialize::base64(b)),
        Cbor::Array(items) => Value::Array(
            items
                .iter()
                .map(|x| to_json(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Cbor::Map(entries) => {
            let mut out = Map::new();
            for (k, x) in entries {
                let key = match k {
                    Cbor::Text(t) => t.clone(),
                    other => to_json(other, depth + 1)?.to_string(),
                };
                out.insert(key, to_json(x, depth + 1)?);
            }
            Value::Object(out)
        }
        // Tag 1 is an epoch timestamp; other tags are read through.
        Cbor::Tag(_, inner) => to_json(inner, depth + 1)?,
        _ => Value::Null,
    })
}

/// The output structure of a CBOR response.
pub(super) fn body(
    model: &ServiceModel,
    out: Member<'_>,
    bytes: &[u8],
) -> Result<Value, ParseFailure> {
    let v = decode(bytes)?;
    Ok(shape_value(model, out, &v, true)?.unwrap_or_else(|| Value::Object(Map::new())))
}

/// The error of a CBOR response (`__type` and `message`, as in the JSON protocols).
pub(super) fn error(resp: &Response) -> AwsError {
    let body = decode(&resp.body).unwrap_or(Value::Null);
    let get = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let raw = resp
        .header("x-amzn-query-error")
        .map(|h| h.split(';').next().unwrap_or(h).to_string())
        .or_else(|| get("__type"))
        .unwrap_or_else(|| resp.status.to_string());
    let mut code = raw.split(':').next().unwrap_or(&raw).to_string();
    if let Some((_, c)) = code.rsplit_once('#') {
        code = c.to_string();
    }
    let message = get("message")
        .or_else(|| get("Message"))
        .unwrap_or_default();
    AwsError {
        code,
        message,
        status: resp.status,
        request_id: request_id(resp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_cbor_into_json() {
        // {"a": 1, "b": h'0102', "t": 1(1714557600), "f": 1.5, "l": ["x"]}
        let bytes = [
            0xa5, 0x61, b'a', 0x01, 0x61, b'b', 0x42, 0x01, 0x02, 0x61, b't', 0xc1, 0x1a, 0x66,
            0x32, 0x12, 0xa0, 0x61, b'f', 0xf9, 0x3e, 0x00, 0x61, b'l', 0x81, 0x61, b'x',
        ];
        let v = decode(&bytes).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": 1, "b": "AQI=", "t": 1714557600, "f": 1.5, "l": ["x"]})
        );
        assert!(decode(&[0xff, 0x00]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n(0x81u8, 10_000).collect();
        assert!(decode(&deep).is_err());
    }
}
