//! Endpoint rule sets: where a call goes and how it is signed.
//!
//! Every service model ships an `endpoint-rule-set-1.json` (rules language 1.0). Given
//! parameters (region, FIPS, dual-stack, a custom endpoint, S3 bucket, ...) its rules pick a
//! URL, headers and auth schemes, or fail with a message. This crate compiles a rule set,
//! evaluates it with the standard library botocore implements (`aws.partition` from
//! `partitions.json`, `aws.parseArn`, `parseURL`, ...) and fills the parameters for one
//! operation call the way botocore does ([`endpoint_params`]).
//!
//! The AWS CLI is the reference: results (URL, headers, signing name and region, error
//! messages) equal botocore's `EndpointRulesetResolver` for every installed service; the
//! test `tests/endpoints_vs_botocore.rs` checks that.
//!
//! Why by hand: the AWS SDK for Rust turns each service's rule set into generated code when
//! the SDK is built; we read the rule sets botocore ships at run time (the embedded bundle or
//! `CHATOPS_MODELS_DIR`), so that a newer botocore brings its endpoints without a release, and
//! interpret them here. `wire` is the only caller on the request path (`wire::target`).
//!
//! Hot path: [`EndpointResolver::cached`] (or [`resolve_cached`]) compiles each rule set
//! once per process; [`resolve`] compiles on every call and suits one-off use.

mod params;
mod partitions;
mod ruleset;
mod stdlib;
mod value;

pub use params::{endpoint_params, normalize_fips_region, Builtins, S3AddressingStyle};
pub use partitions::Partitions;
pub use ruleset::{ParamDef, ParamType, RuleSet};

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use value::Val;

/// A parameter value handed to a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    String(String),
    Bool(bool),
    StringArray(Vec<String>),
}

impl ParamValue {
    fn to_val(&self) -> Val {
        match self {
            ParamValue::String(s) => Val::str(s),
            ParamValue::Bool(b) => Val::Bool(*b),
            ParamValue::StringArray(a) => {
                Val::List(Arc::new(a.iter().map(|s| Val::str(s)).collect()))
            }
        }
    }

    /// The value as JSON (`"us-east-1"`, `true`, `["a"]`).
    pub fn to_json(&self) -> Value {
        self.to_val().to_json()
    }

    /// A JSON value as a parameter: strings, booleans and lists of strings; anything else
    /// is not a parameter value.
    pub fn from_json(v: &Value) -> Option<ParamValue> {
        match v {
            Value::String(s) => Some(ParamValue::String(s.clone())),
            Value::Bool(b) => Some(ParamValue::Bool(*b)),
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(ParamValue::StringArray),
            _ => None,
        }
    }
}

impl From<&str> for ParamValue {
    fn from(s: &str) -> Self {
        ParamValue::String(s.to_string())
    }
}

impl From<String> for ParamValue {
    fn from(s: String) -> Self {
        ParamValue::String(s)
    }
}

impl From<bool> for ParamValue {
    fn from(b: bool) -> Self {
        ParamValue::Bool(b)
    }
}

/// Parameters by name (`Region`, `UseFIPS`, `Bucket`, ...).
pub type Params = HashMap<String, ParamValue>;

/// Why no endpoint came out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// An `error` rule matched; its message, as the AWS CLI prints it.
    #[error("{0}")]
    Rule(String),
    /// No rule matched (botocore's "No endpoint found for parameters: ...").
    #[error("{0}")]
    NoMatch(String),
    /// Evaluation failed the way botocore's does: a wrong parameter type, a missing
    /// required parameter, a type error in a function, a reassigned variable.
    #[error("{0}")]
    Evaluation(String),
    /// The rule set itself is malformed.
    #[error("invalid endpoint rule set: {0}")]
    RuleSet(String),
    /// `partitions.json` is malformed.
    #[error("invalid partitions.json: {0}")]
    Partitions(String),
    /// The endpoint lists only auth schemes we cannot sign with.
    #[error("none of the endpoint's auth schemes is supported: {0}")]
    UnsupportedAuthSchemes(String),
    /// The call's input cannot go to any endpoint (botocore refuses it before resolving,
    /// e.g. an S3 Control ARN whose account differs from `AccountId`).
    #[error("{0}")]
    Input(String),
    /// The operation is not in the service model.
    #[error("unknown operation {0}")]
    UnknownOperation(String),
}

impl EndpointError {
    /// The message alone (what botocore's `EndpointResolutionError` carries).
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// One entry of an endpoint's `authSchemes` property.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthScheme {
    /// As the rule set names it: `sigv4`, `sigv4a`, `sigv4-s3express`, ...
    pub name: String,
    pub signing_name: Option<String>,
    /// `signingRegion`, else the `signingRegionSet` joined with commas (as botocore does).
    pub signing_region: Option<String>,
    pub signing_region_set: Option<Vec<String>>,
    pub disable_double_encoding: Option<bool>,
}

impl AuthScheme {
    fn from_json(v: &Value) -> Option<AuthScheme> {
        let o = v.as_object()?;
        let s = |k: &str| o.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let set = o
            .get("signingRegionSet")
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .map(|r| {
                        r.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| r.to_string())
                    })
                    .collect::<Vec<_>>()
            });
        let signing_region = s("signingRegion")
            .or_else(|| set.as_ref().filter(|s| !s.is_empty()).map(|s| s.join(",")));
        let disable_double_encoding = o.get("disableDoubleEncoding").and_then(|x| match x {
            Value::Bool(b) => Some(*b),
            Value::String(s) => Some(s.eq_ignore_ascii_case("true")),
            _ => None,
        });
        Some(AuthScheme {
            name: s("name")?,
            signing_name: s("signingName"),
            signing_region,
            signing_region_set: set,
            disable_double_encoding,
        })
    }
}

/// The auth schemes the AWS CLI v2 (botocore with the CRT) signs with, by rule-set name.
pub const CLI_AUTH_SCHEMES: &[&str] = &["sigv4", "sigv4a", "sigv4-s3express"];

/// Where to send a call, and how to sign it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedEndpoint {
    pub url: String,
    /// Extra headers, one value each (botocore keeps the first of a multi-valued header).
    pub headers: Vec<(String, String)>,
    /// The auth scheme chosen among [`CLI_AUTH_SCHEMES`]: the first of the endpoint's
    /// `authSchemes` that is supported; `None` when the endpoint lists none (sign as the
    /// service model says).
    pub auth_scheme: Option<String>,
    /// From the chosen scheme; `None` = the model's signing name.
    pub signing_name: Option<String>,
    /// From the chosen scheme; `None` = the client's region.
    pub signing_region: Option<String>,
    /// Every scheme the endpoint lists, in order.
    pub auth_schemes: Vec<AuthScheme>,
    /// The endpoint's `properties`, templates filled.
    pub properties: Value,
    /// Every value of every header, as the rules produced them.
    pub all_headers: Vec<(String, Vec<String>)>,
}

impl ResolvedEndpoint {
    /// The first listed scheme whose name is in `supported`. `Ok(None)` when the endpoint
    /// lists no auth schemes; an error when it lists only unsupported ones (botocore's
    /// `UnknownSignatureVersionError`).
    pub fn choose_auth_scheme(
        &self,
        supported: &[&str],
    ) -> Result<Option<&AuthScheme>, EndpointError> {
        if self.auth_schemes.is_empty() {
            return Ok(None);
        }
        self.auth_schemes
            .iter()
            .find(|s| supported.contains(&s.name.as_str()))
            .map(Some)
            .ok_or_else(|| {
                EndpointError::UnsupportedAuthSchemes(
                    self.auth_schemes
                        .iter()
                        .map(|s| s.name.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
    }

    /// Re-chooses `auth_scheme`/`signing_*` among `supported`.
    pub fn with_auth_schemes(mut self, supported: &[&str]) -> Result<Self, EndpointError> {
        let chosen = self.choose_auth_scheme(supported)?.cloned();
        self.auth_scheme = chosen.as_ref().map(|s| s.name.clone());
        self.signing_name = chosen.as_ref().and_then(|s| s.signing_name.clone());
        self.signing_region = chosen.and_then(|s| s.signing_region);
        Ok(self)
    }

    fn from_raw(raw: ruleset::RawEndpoint) -> Result<ResolvedEndpoint, EndpointError> {
        let auth_schemes: Vec<AuthScheme> = raw
            .properties
            .get("authSchemes")
            .and_then(|a| a.as_array())
            .map(|a| a.iter().filter_map(AuthScheme::from_json).collect())
            .unwrap_or_default();
        let headers = raw
            .headers
            .iter()
            .filter_map(|(k, vs)| vs.first().map(|v| (k.clone(), v.clone())))
            .collect();
        let ep = ResolvedEndpoint {
            url: raw.url,
            headers,
            auth_scheme: None,
            signing_name: None,
            signing_region: None,
            auth_schemes,
            properties: raw.properties,
            all_headers: raw.headers,
        };
        ep.with_auth_schemes(CLI_AUTH_SCHEMES)
    }
}

/// A compiled rule set with the partitions it resolves against.
#[derive(Debug, Clone)]
pub struct EndpointResolver {
    rules: Arc<RuleSet>,
    partitions: Arc<Partitions>,
}

type Cache<T> = RwLock<HashMap<usize, (Arc<Value>, Arc<T>)>>;

fn rule_cache() -> &'static Cache<RuleSet> {
    static C: OnceLock<Cache<RuleSet>> = OnceLock::new();
    C.get_or_init(Default::default)
}

fn partitions_cache() -> &'static Cache<Partitions> {
    static C: OnceLock<Cache<Partitions>> = OnceLock::new();
    C.get_or_init(Default::default)
}

/// Compiles once per shared JSON value. The cache holds a clone of the `Arc`, so the
/// address it is keyed by cannot be reused by another value while the entry lives.
fn cached<T>(
    cache: &Cache<T>,
    json: &Arc<Value>,
    compile: impl FnOnce(&Value) -> Result<T, EndpointError>,
) -> Result<Arc<T>, EndpointError> {
    let key = Arc::as_ptr(json) as usize;
    if let Ok(map) = cache.read() {
        if let Some((_, t)) = map.get(&key) {
            return Ok(t.clone());
        }
    }
    let compiled = Arc::new(compile(json)?);
    let mut map = cache.write().unwrap_or_else(|p| p.into_inner());
    // A bound against unbounded growth when callers keep loading fresh copies.
    if map.len() >= 4096 {
        map.clear();
    }
    Ok(map
        .entry(key)
        .or_insert_with(|| (json.clone(), compiled))
        .1
        .clone())
}

impl EndpointResolver {
    /// Compiles a rule set and the partitions.
    pub fn new(rules: &Value, partitions: &Value) -> Result<EndpointResolver, EndpointError> {
        Ok(EndpointResolver {
            rules: Arc::new(RuleSet::parse(rules)?),
            partitions: Arc::new(Partitions::parse(partitions)?),
        })
    }

    /// Like [`EndpointResolver::new`], compiling each shared value only once per process
    /// (the values `awsmodel::Models` hands out live as long as the models).
    pub fn cached(
        rules: &Arc<Value>,
        partitions: &Arc<Value>,
    ) -> Result<EndpointResolver, EndpointError> {
        Ok(EndpointResolver {
            rules: cached(rule_cache(), rules, RuleSet::parse)?,
            partitions: cached(partitions_cache(), partitions, Partitions::parse)?,
        })
    }

    pub fn rule_set(&self) -> &RuleSet {
        &self.rules
    }

    /// Evaluates the rules. Parameters left out take their rule-set defaults.
    pub fn resolve(&self, params: &Params) -> Result<ResolvedEndpoint, EndpointError> {
        let raw = self.rules.evaluate(&self.partitions, params)?;
        ResolvedEndpoint::from_raw(raw)
    }

    /// The parameters botocore passes for one call of `operation` (see [`endpoint_params`]).
    pub fn params_for(
        &self,
        model: &awsmodel::ServiceModel,
        operation: &str,
        input: &serde_json::Map<String, Value>,
        builtins: &Builtins,
    ) -> Result<Params, EndpointError> {
        params::params_for(self.rules.params(), model, operation, input, builtins)
    }
}

/// Compiles and evaluates in one step (no caching: use [`resolve_cached`] on a hot path).
pub fn resolve(
    rules: &Value,
    partitions: &Value,
    params: &Params,
) -> Result<ResolvedEndpoint, EndpointError> {
    EndpointResolver::new(rules, partitions)?.resolve(params)
}

/// [`resolve`] with each rule set and partitions file compiled once per process.
pub fn resolve_cached(
    rules: &Arc<Value>,
    partitions: &Arc<Value>,
    params: &Params,
) -> Result<ResolvedEndpoint, EndpointError> {
    EndpointResolver::cached(rules, partitions)?.resolve(params)
}
