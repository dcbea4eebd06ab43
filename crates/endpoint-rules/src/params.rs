//! The parameters of one call, filled as botocore's `EndpointRulesetResolver` fills them:
//! for each declared parameter, the operation's `staticContextParams`, then an input member
//! marked `contextParam`, then a client context value, then the built-in; finally the rule
//! set's default.

use super::ruleset::ParamDef;
use super::{EndpointError, ParamValue, Params};
use serde_json::Value;

/// How S3 addresses buckets (the `s3.addressing_style` setting of the AWS CLI config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum S3AddressingStyle {
    /// Virtual-hosted where possible; path style with a custom endpoint (as the CLI does).
    #[default]
    Auto,
    Path,
    Virtual,
}

/// Client settings that feed the rule sets' built-in parameters. `Default` is the AWS CLI
/// with no configuration beyond a region.
#[derive(Debug, Clone)]
pub struct Builtins {
    /// `AWS::Region`.
    pub region: Option<String>,
    /// `use_fips_endpoint` (ignored when an endpoint is given, as botocore does).
    pub use_fips: bool,
    /// `use_dualstack_endpoint` (ignored when an endpoint is given).
    pub use_dual_stack: bool,
    /// `SDK::Endpoint`: the operator's `--endpoint-url` / `endpoint_url`.
    pub endpoint: Option<String>,
    /// `s3.addressing_style`; with `endpoint` set, `Auto` means path style.
    pub s3_addressing_style: S3AddressingStyle,
    /// `s3.use_accelerate_endpoint`.
    pub s3_accelerate: bool,
    /// `s3.use_arn_region`: `None` = S3's default (true) and S3 Control's (false).
    pub s3_use_arn_region: Option<bool>,
    /// `s3.s3_disable_multiregion_access_points`.
    pub s3_disable_multiregion_access_points: bool,
    /// `s3.us_east_1_regional_endpoint = regional`; the default (`legacy`) makes S3 in
    /// us-east-1 use the global endpoint.
    pub s3_us_east_1_regional_endpoint: bool,
    /// `sts_regional_endpoints = legacy` (the default is `regional`).
    pub sts_regional_endpoints_legacy: bool,
    /// `s3_disable_express_session_auth`.
    pub s3_disable_express_session_auth: bool,
    /// `AWS::Auth::AccountId`: the credentials' account, when known.
    pub account_id: Option<String>,
    /// `account_id_endpoint_mode` (`preferred`, `required`, `disabled`).
    pub account_id_endpoint_mode: Option<String>,
    /// Client context parameters by rule-set parameter name (botocore's
    /// `Config(client_context_params=...)`).
    pub client_context: Params,
}

impl Default for Builtins {
    fn default() -> Self {
        Builtins {
            region: None,
            use_fips: false,
            use_dual_stack: false,
            endpoint: None,
            s3_addressing_style: S3AddressingStyle::Auto,
            s3_accelerate: false,
            s3_use_arn_region: None,
            s3_disable_multiregion_access_points: false,
            s3_us_east_1_regional_endpoint: false,
            sts_regional_endpoints_legacy: false,
            s3_disable_express_session_auth: false,
            account_id: None,
            account_id_endpoint_mode: Some("preferred".into()),
            client_context: Params::new(),
        }
    }
}

impl Builtins {
    /// The CLI's settings for a region.
    pub fn for_region(region: &str) -> Builtins {
        Builtins {
            region: Some(region.to_string()),
            ..Builtins::default()
        }
    }
}

/// Regions where `sts_regional_endpoints = legacy` means the global STS endpoint.
const LEGACY_GLOBAL_STS_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// S3 parameters the S3 rule set declares but never reads; botocore drops them.
const S3_UNREFERENCED_PARAMS: &[&str] = &["Key", "Prefix", "CopySource"];

/// Whether a URL is an S3 Transfer Acceleration endpoint (`s3-accelerate[.dualstack]
/// .amazonaws.com`).
fn is_s3_accelerate_url(url: &str) -> bool {
    let Ok(parts) = super::stdlib::urlsplit(url) else {
        return false;
    };
    if !parts.netloc.ends_with("amazonaws.com")
        || !(parts.scheme == "https" || parts.scheme == "http")
    {
        return false;
    }
    let labels: Vec<&str> = parts.netloc.split('.').collect();
    if labels.first() != Some(&"s3-accelerate") {
        return false;
    }
    let features: &[&str] = if labels.len() >= 3 {
        &labels[1..labels.len() - 2]
    } else {
        &[]
    };
    let mut seen = std::collections::HashSet::new();
    features.iter().all(|f| seen.insert(*f)) && features.iter().all(|f| *f == "dualstack")
}

/// botocore's `ArnParser.is_arn`: `arn:` and at least six `:`-separated parts.
fn is_arn(s: &str) -> bool {
    s.starts_with("arn:") && s.splitn(6, ':').count() == 6
}

/// botocore's treatment of a FIPS pseudo-region (`fips-us-east-1`, `us-gov-west-1-fips`):
/// the region without `fips-`/`-fips`, and FIPS turned on. The client signs for that
/// region too.
pub fn normalize_fips_region(region: &str) -> (String, bool) {
    let normalized = region.replace("fips-", "").replace("-fips", "");
    let changed = normalized != region;
    (normalized, changed)
}

/// The value of one built-in, `None` when it has none.
fn builtin_value(name: &str, b: &Builtins, force_path_style: bool) -> Option<ParamValue> {
    let region = b.region.as_deref();
    Some(match name {
        "AWS::Region" => ParamValue::String(region?.to_string()),
        "AWS::UseFIPS" => ParamValue::Bool(b.endpoint.is_none() && b.use_fips),
        "AWS::UseDualStack" => ParamValue::Bool(b.endpoint.is_none() && b.use_dual_stack),
        "AWS::STS::UseGlobalEndpoint" => ParamValue::Bool(
            b.sts_regional_endpoints_legacy
                && region.is_some_and(|r| LEGACY_GLOBAL_STS_REGIONS.contains(&r)),
        ),
        "AWS::S3::UseGlobalEndpoint" => ParamValue::Bool(
            !b.s3_us_east_1_regional_endpoint && matches!(region, None | Some("us-east-1")),
        ),
        "AWS::S3::Accelerate" => ParamValue::Bool(b.s3_accelerate),
        "AWS::S3::ForcePathStyle" => ParamValue::Bool(force_path_style),
        "AWS::S3::UseArnRegion" => ParamValue::Bool(b.s3_use_arn_region.unwrap_or(true)),
        "AWS::S3Control::UseArnRegion" => ParamValue::Bool(b.s3_use_arn_region.unwrap_or(false)),
        "AWS::S3::DisableMultiRegionAccessPoints" => {
            ParamValue::Bool(b.s3_disable_multiregion_access_points)
        }
        "AWS::S3::DisableS3ExpressSessionAuth" => {
            ParamValue::Bool(b.s3_disable_express_session_auth)
        }
        "SDK::Endpoint" => ParamValue::String(b.endpoint.clone()?),
        "AWS::Auth::AccountId" => ParamValue::String(b.account_id.clone()?),
        "AWS::Auth::AccountIdEndpointMode" => {
            ParamValue::String(b.account_id_endpoint_mode.clone()?)
        }
        _ => return None,
    })
}

/// The parameters botocore's endpoint provider would receive for one call of `operation`
/// with this input, rule-set defaults included. `rules` is the service's rule set JSON.
pub fn endpoint_params(
    model: &awsmodel::ServiceModel,
    rules: &Value,
    operation: &str,
    input: &serde_json::Map<String, Value>,
    builtins: &Builtins,
) -> Result<Params, EndpointError> {
    let defs = declared_params(rules)?;
    params_for(&defs, model, operation, input, builtins)
}

/// Only the `parameters` object of a rule set (cheaper than compiling the rules).
fn declared_params(rules: &Value) -> Result<Vec<ParamDef>, EndpointError> {
    let params = rules
        .get("parameters")
        .cloned()
        .ok_or_else(|| EndpointError::RuleSet("the rule set has no 'parameters' object".into()))?;
    let only = serde_json::json!({"version": "1.0", "parameters": params, "rules": []});
    Ok(super::RuleSet::parse(&only)?.params().to_vec())
}

pub(crate) fn params_for(
    defs: &[ParamDef],
    model: &awsmodel::ServiceModel,
    operation: &str,
    input: &serde_json::Map<String, Value>,
    b: &Builtins,
) -> Result<Params, EndpointError> {
    // A FIPS pseudo-region means the plain region with FIPS on.
    let normalized;
    let b = match b.region.as_deref().map(normalize_fips_region) {
        Some((region, true)) => {
            normalized = Builtins {
                region: Some(region),
                use_fips: true,
                ..b.clone()
            };
            &normalized
        }
        _ => b,
    };
    let op = model
        .operations
        .get(operation)
        .or_else(|| model.operation_by_cli_name(operation))
        .ok_or_else(|| EndpointError::UnknownOperation(operation.to_string()))?;
    let service_id = model.metadata.service_id.as_str();
    let prefix = model.metadata.endpoint_prefix.as_str();
    let is_s3 = service_id == "S3";
    let is_s3_family = prefix == "s3" || prefix == "s3-control";

    // S3 Control: an Outposts ARN in `Name`/`Bucket` carries the account (botocore's
    // `S3ControlArnParamHandlerv2`).
    let account_override = if service_id == "S3 Control" {
        s3control_arn_account(&op.name, input, b)?
    } else {
        None
    };
    let member_value = |member: &str| -> Option<ParamValue> {
        if member == "AccountId" {
            if let Some(a) = &account_override {
                return Some(ParamValue::String(a.clone()));
            }
        }
        input.get(member).and_then(ParamValue::from_json)
    };

    // botocore's default path-style decision, then S3's per-operation adjustment.
    let mut force_path_style = if b.s3_accelerate {
        false
    } else if b
        .endpoint
        .as_deref()
        .is_some_and(|e| !is_s3_accelerate_url(e))
    {
        b.s3_addressing_style != S3AddressingStyle::Virtual
    } else {
        b.s3_addressing_style == S3AddressingStyle::Path
    };
    if is_s3 {
        let bucket_is_arn = input
            .get("Bucket")
            .and_then(|v| v.as_str())
            .is_some_and(is_arn);
        if op.name == "GetBucketLocation" {
            force_path_style = true;
        } else if bucket_is_arn {
            force_path_style = false;
        }
    }

    let statics = op
        .static_context_params
        .as_ref()
        .and_then(|v| v.as_object());
    let mut dynamics: Vec<(String, String)> = Vec::new();
    if let Some(shape) = model.input_shape(op) {
        for (member, r) in &shape.members {
            if let Some(name) = r
                .context_param
                .as_ref()
                .and_then(|c| c.get("name"))
                .and_then(|n| n.as_str())
            {
                dynamics.push((name.to_string(), member.clone()));
            }
        }
    }

    let mut out = Params::with_capacity(defs.len());
    for def in defs {
        let name = def.name.as_str();
        if is_s3 && S3_UNREFERENCED_PARAMS.contains(&name) {
            continue;
        }
        let mut v = statics
            .and_then(|s| s.get(name))
            .and_then(|s| s.get("value"))
            .and_then(ParamValue::from_json);
        if v.is_none() {
            if let Some((_, member)) = dynamics.iter().find(|(p, _)| p == name) {
                v = member_value(member);
            }
        }
        if v.is_none() {
            v = b.client_context.get(name).cloned();
        }
        if v.is_none() && is_s3_family {
            // S3's client context carries these settings under their own names.
            v = match name {
                "DisableS3ExpressSessionAuth" if prefix == "s3" => {
                    Some(ParamValue::Bool(b.s3_disable_express_session_auth))
                }
                "UseArnRegion" => b.s3_use_arn_region.map(ParamValue::Bool),
                _ => None,
            };
        }
        if v.is_none() {
            if let Some(bi) = &def.built_in {
                v = builtin_value(bi, b, force_path_style);
            }
        }
        if v.is_none() {
            v = def.default.clone();
        }
        if let Some(v) = v {
            out.insert(def.name.clone(), v);
        }
    }
    Ok(out)
}

/// botocore's S3 Control ARN handling: `Name` (but for `CreateAccessPoint`) and `Bucket`
/// may be Outposts ARNs, whose account then becomes `AccountId`; other ARNs are refused.
fn s3control_arn_account(
    operation: &str,
    input: &serde_json::Map<String, Value>,
    b: &Builtins,
) -> Result<Option<String>, EndpointError> {
    if operation == "CreateBucket" || operation == "ListRegionalBuckets" {
        return Ok(None);
    }
    let mut account: Option<String> = input
        .get("AccountId")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let mut overridden = None;
    for (member, kind) in [("Name", "accesspoint"), ("Bucket", "bucket")] {
        if member == "Name" && operation == "CreateAccessPoint" {
            continue;
        }
        let Some(arn) = input.get(member).and_then(|v| v.as_str()) else {
            continue;
        };
        // botocore's ArnParser needs six `:`-separated parts, not the `arn:` prefix.
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() < 6 {
            continue;
        }
        let refuse = |msg: &str| {
            EndpointError::Input(format!(
                "S3 ARN \"{arn}\" provided is invalid for this operation. {msg}"
            ))
        };
        let region = parts[3];
        if region.starts_with("fips-") || region.ends_with("fips-") {
            return Err(refuse("Invalid ARN, FIPS region not allowed in ARN."));
        }
        if b.s3_accelerate {
            return Err(EndpointError::Input(
                "Unsupported configuration when using S3 Control: S3 control client does not support accelerate endpoints".into(),
            ));
        }
        let resources: Vec<&str> = parts[5].split([':', '/']).collect();
        let is_outpost = parts[2] == "s3-outposts"
            && resources.len() == 4
            && resources[0] == "outpost"
            && resources[2] == kind;
        if !is_outpost {
            return Err(refuse(&format!(
                "The {member} parameter does not support the provided ARN"
            )));
        }
        let arn_account = parts[4].to_string();
        if let Some(given) = &account {
            if *given != arn_account {
                return Err(refuse(&format!(
                    "Account ID in arn does not match the AccountId parameter provided: \"{given}\""
                )));
            }
        }
        account = Some(arn_account.clone());
        overridden = Some(arn_account);
    }
    Ok(overridden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accelerate_urls() {
        assert!(is_s3_accelerate_url("https://s3-accelerate.amazonaws.com"));
        assert!(is_s3_accelerate_url(
            "https://s3-accelerate.dualstack.amazonaws.com"
        ));
        assert!(!is_s3_accelerate_url(
            "https://s3-accelerate.dualstack.dualstack.amazonaws.com"
        ));
        assert!(!is_s3_accelerate_url("https://s3.amazonaws.com"));
        assert!(!is_s3_accelerate_url("http://127.0.0.1:5000"));
        assert!(!is_s3_accelerate_url("ftp://s3-accelerate.amazonaws.com"));
    }

    #[test]
    fn builtins() {
        let b = Builtins {
            endpoint: Some("http://localhost".into()),
            use_fips: true,
            ..Builtins::for_region("us-east-1")
        };
        assert_eq!(
            builtin_value("AWS::UseFIPS", &b, false),
            Some(ParamValue::Bool(false))
        );
        assert_eq!(
            builtin_value("AWS::S3::UseGlobalEndpoint", &b, false),
            Some(ParamValue::Bool(true))
        );
        assert_eq!(builtin_value("AWS::Auth::AccountId", &b, false), None);
        assert_eq!(builtin_value("AWS::Unknown", &b, false), None);
        let eu = Builtins::for_region("eu-west-1");
        assert_eq!(
            builtin_value("AWS::S3::UseGlobalEndpoint", &eu, false),
            Some(ParamValue::Bool(false))
        );
        assert_eq!(
            builtin_value("AWS::STS::UseGlobalEndpoint", &eu, false),
            Some(ParamValue::Bool(false))
        );
        let legacy = Builtins {
            sts_regional_endpoints_legacy: true,
            ..eu
        };
        assert_eq!(
            builtin_value("AWS::STS::UseGlobalEndpoint", &legacy, false),
            Some(ParamValue::Bool(true))
        );
    }

    #[test]
    fn s3control_arns() {
        let input = |v: serde_json::Value| v.as_object().unwrap().clone();
        let b = Builtins::default();
        let outpost = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-1/bucket/b";
        assert_eq!(
            s3control_arn_account(
                "GetBucket",
                &input(serde_json::json!({"Bucket": outpost})),
                &b
            )
            .unwrap(),
            Some("123456789012".into())
        );
        assert_eq!(
            s3control_arn_account(
                "GetBucket",
                &input(serde_json::json!({"Bucket": "plain"})),
                &b
            )
            .unwrap(),
            None
        );
        assert_eq!(
            s3control_arn_account(
                "CreateBucket",
                &input(serde_json::json!({"Bucket": outpost})),
                &b
            )
            .unwrap(),
            None
        );
        let e = s3control_arn_account(
            "GetBucket",
            &input(serde_json::json!({"Bucket": outpost, "AccountId": "999"})),
            &b,
        )
        .unwrap_err();
        assert!(e
            .to_string()
            .ends_with("does not match the AccountId parameter provided: \"999\""));
        let e = s3control_arn_account(
            "GetBucket",
            &input(serde_json::json!({"Bucket": "arn:aws:s3:us-west-2:123:accesspoint/x"})),
            &b,
        )
        .unwrap_err();
        assert!(e
            .to_string()
            .ends_with("The Bucket parameter does not support the provided ARN"));
    }
}
