//! What botocore does to parameters between the AWS CLI and the serializer, so our requests
//! are the ones the CLI sends: idempotency tokens filled, EC2 user data base64-encoded,
//! Route 53 ids trimmed, S3 copy sources encoded and list keys URL-encoded.

use crate::serialize::percent_encode;
use awsmodel::{Operation, ServiceModel};
use serde_json::{Map, Value};

/// Whether the S3 list operation had `EncodingType=url` added for it, so the keys in the
/// response are decoded back (the user did not ask for encoding).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Context {
    pub encoding_type_auto_set: bool,
}

/// Applies botocore's parameter handlers for `op` to `params`.
pub fn prepare(model: &ServiceModel, op: &Operation, params: &mut Map<String, Value>) -> Context {
    let mut ctx = Context::default();
    if let Some(input) = model.input_shape(op) {
        for (name, r) in &input.members {
            if r.idempotency_token && !params.contains_key(name) {
                params.insert(
                    name.clone(),
                    Value::String(uuid::Uuid::new_v4().to_string()),
                );
            }
        }
    }
    let service = model.metadata.endpoint_prefix.as_str();
    match (service, op.name.as_str()) {
        ("ec2", "RunInstances") | ("autoscaling", "CreateLaunchConfiguration") => {
            if let Some(Value::String(data)) = params.get("UserData") {
                let encoded = crate::serialize::base64(data.as_bytes());
                params.insert("UserData".into(), Value::String(encoded));
            }
        }
        ("s3", "ListObjects" | "ListObjectsV2" | "ListObjectVersions")
            if !params.contains_key("EncodingType") =>
        {
            params.insert("EncodingType".into(), Value::String("url".into()));
            ctx.encoding_type_auto_set = true;
        }
        ("s3", "CopyObject" | "UploadPartCopy") => {
            if let Some(Value::String(src)) = params.get("CopySource") {
                let quoted = quote_copy_source(src);
                params.insert("CopySource".into(), Value::String(quoted));
            }
        }
        ("route53", _) => trim_route53_ids(model, op, params),
        _ => {}
    }
    ctx
}

/// `bucket/key?versionId=v`: the bucket and key percent-encoded (keeping `/`), the version
/// suffix as given.
fn quote_copy_source(src: &str) -> String {
    match src
        .rfind("?versionId=")
        .filter(|i| !src[i + 11..].is_empty() && !src[i + 11..].contains(char::is_whitespace))
    {
        Some(i) => format!("{}{}", percent_encode(&src[..i], "/"), &src[i..]),
        None => percent_encode(src, "/"),
    }
}

/// Route 53 answers with ids like `/hostedzone/Z123`; its requests take only `Z123`.
fn trim_route53_ids(model: &ServiceModel, op: &Operation, params: &mut Map<String, Value>) {
    let Some(input) = model.input_shape(op) else {
        return;
    };
    for (name, r) in &input.members {
        if !matches!(
            r.shape.as_str(),
            "ResourceId" | "DelegationSetId" | "ChangeId"
        ) {
            continue;
        }
        if let Some(Value::String(v)) = params.get(name) {
            let last = v.rsplit('/').next().unwrap_or(v).to_string();
            params.insert(name.clone(), Value::String(last));
        }
    }
}

/// What botocore does to a parsed result before the CLI sees it: S3 list keys decoded when
/// the URL encoding was asked for on the user's behalf.
pub fn after(model: &ServiceModel, op: &Operation, ctx: &Context, mut v: Value) -> Value {
    if ctx.encoding_type_auto_set && model.metadata.endpoint_prefix == "s3" {
        if let Value::Object(top) = &mut v {
            for key in [
                "Delimiter",
                "Marker",
                "NextMarker",
                "Prefix",
                "KeyMarker",
                "NextKeyMarker",
                "StartAfter",
            ] {
                decode_in(top.get_mut(key));
            }
            for (list, fields) in [
                ("Contents", &["Key"][..]),
                ("Versions", &["Key"][..]),
                ("DeleteMarkers", &["Key"][..]),
                ("CommonPrefixes", &["Prefix"][..]),
            ] {
                if let Some(Value::Array(items)) = top.get_mut(list) {
                    for it in items.iter_mut().filter_map(Value::as_object_mut) {
                        for f in fields {
                            decode_in(it.get_mut(*f));
                        }
                    }
                }
            }
            if op.name == "ListObjectsV2"
                || op.name == "ListObjectVersions"
                || op.name == "ListObjects"
            {
                top.remove("EncodingType");
            }
        }
    }
    v
}

fn decode_in(v: Option<&mut Value>) {
    if let Some(Value::String(s)) = v {
        *s = percent_decode(s);
    }
}

/// `unquote_plus`-free percent decoding (S3 encodes keys with `%XX`).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::quote_copy_source;

    #[test]
    fn copy_sources_are_encoded_like_botocore() {
        assert_eq!(
            quote_copy_source("bucket/a b+c.txt"),
            "bucket/a%20b%2Bc.txt"
        );
        assert_eq!(
            quote_copy_source("bucket/k?versionId=abc"),
            "bucket/k?versionId=abc"
        );
        assert_eq!(quote_copy_source("bucket/ü"), "bucket/%C3%BC");
    }
}
