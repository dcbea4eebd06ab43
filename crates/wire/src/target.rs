//! The endpoint, signing name and region of one call.

use crate::client::{Settings, Target};
use crate::WireError;
use awsmodel::{Models, Operation, ServiceModel};
use serde_json::{Map, Value};

/// Resolves where a call goes. An operator-given endpoint is used as it is (S3 buckets go in
/// the path, as the AWS CLI does for custom endpoints); otherwise the service's regional
/// endpoint.
pub fn target_for(
    _models: &Models,
    model: &ServiceModel,
    _op: &Operation,
    params: &Map<String, Value>,
    region: &str,
    settings: &Settings,
) -> Result<Target, WireError> {
    let signing_name = model.metadata.signing_name().to_string();
    let is_s3 = model.metadata.endpoint_prefix == "s3" && signing_name == "s3";
    let url = match &settings.endpoint_url {
        Some(e) => {
            let base = e.trim_end_matches('/').to_string();
            match params
                .get("Bucket")
                .and_then(Value::as_str)
                .filter(|_| is_s3)
            {
                Some(bucket) => format!("{base}/{}", crate::serialize::percent_encode(bucket, "")),
                None => base,
            }
        }
        None => {
            let suffix = if region.starts_with("cn-") {
                "amazonaws.com.cn"
            } else {
                "amazonaws.com"
            };
            match params
                .get("Bucket")
                .and_then(Value::as_str)
                .filter(|_| is_s3)
            {
                Some(bucket) => format!("https://{bucket}.s3.{region}.{suffix}"),
                None => format!(
                    "https://{}.{region}.{suffix}",
                    model.metadata.endpoint_prefix
                ),
            }
        }
    };
    Ok(Target {
        url,
        signing_name,
        signing_region: region.to_string(),
        headers: Vec::new(),
    })
}
