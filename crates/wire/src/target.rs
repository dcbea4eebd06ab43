//! The endpoint, signing name and region of one call, through the service's endpoint rule
//! set as botocore resolves it (an operator-given endpoint is its `Endpoint` parameter; S3
//! then uses path-style addressing, as the AWS CLI does for custom endpoints).

use crate::WireError;
use awsmodel::{Models, Operation, ServiceModel};
use endpoint_rules::{Builtins, EndpointError, EndpointResolver};
use serde_json::{Map, Value};

/// The auth schemes this build signs.
const SIGNABLE: &[&str] = &["sigv4"];

/// Where and how to send, resolved for one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub url: String,
    pub signing_name: String,
    pub signing_region: String,
    pub headers: Vec<(String, String)>,
}

/// The operator's settings that enter the rule set (its `Endpoint`, `UseFIPS` and
/// `UseDualStack` built-ins), apart from the rest of the client settings so that endpoint
/// resolution needs nothing from the sending side.
#[derive(Debug, Clone, Copy, Default)]
pub struct EndpointOptions<'a> {
    pub endpoint_url: Option<&'a str>,
    pub use_fips: bool,
    pub use_dual_stack: bool,
}

/// The call's endpoint as botocore resolves it, with the signing name and region the rule set
/// picks (the model's when it picks none); an auth scheme this build cannot sign is an error
/// here rather than a request AWS refuses.
pub fn target_for(
    models: &Models,
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
    region: &str,
    options: EndpointOptions<'_>,
) -> Result<Target, WireError> {
    let endpoint_error = |e: EndpointError| WireError::Endpoint(e.message());
    let service = model.metadata.service_id.clone();
    let rules = models
        .endpoint_rules(&model.model_name)
        .map_err(|e| WireError::Endpoint(e.to_string()))?
        .ok_or_else(|| WireError::Endpoint(format!("{service} has no endpoint rule set")))?;
    let partitions = models
        .partitions()
        .map_err(|e| WireError::Endpoint(e.to_string()))?;
    let resolver = EndpointResolver::cached(&rules, &partitions).map_err(endpoint_error)?;
    let builtins = Builtins {
        region: Some(region.to_string()),
        use_fips: options.use_fips,
        use_dual_stack: options.use_dual_stack,
        endpoint: options.endpoint_url.map(str::to_string),
        ..Builtins::default()
    };
    let p = resolver
        .params_for(model, &op.name, params, &builtins)
        .map_err(endpoint_error)?;
    let resolved = resolver
        .resolve(&p)
        .map_err(endpoint_error)?
        .with_auth_schemes(SIGNABLE)
        .map_err(endpoint_error)?;
    Ok(Target {
        signing_name: resolved
            .signing_name
            .clone()
            .unwrap_or_else(|| model.metadata.signing_name().to_string()),
        signing_region: resolved
            .signing_region
            .clone()
            .unwrap_or_else(|| region.to_string()),
        headers: resolved.headers.clone(),
        url: resolved.url,
    })
}
