//! The endpoint, signing name and region of one call, through the service's endpoint rule
//! set as botocore resolves it (an operator-given endpoint is its `Endpoint` parameter; S3
//! then uses path-style addressing, as the AWS CLI does for custom endpoints).

use crate::client::{Settings, Target};
use crate::WireError;
use awsmodel::{Models, Operation, ServiceModel};
use endpoint_rules::{Builtins, EndpointResolver};
use serde_json::{Map, Value};

/// The auth schemes this build signs.
const SIGNABLE: &[&str] = &["sigv4"];

pub fn target_for(
    models: &Models,
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
    region: &str,
    settings: &Settings,
) -> Result<Target, WireError> {
    let endpoint_error = |e: endpoint_rules::EndpointError| WireError::Endpoint(e.message());
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
        use_fips: settings.use_fips,
        use_dual_stack: settings.use_dual_stack,
        endpoint: settings.endpoint_url.clone(),
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
