//! The parts of botocore's `service-2.json` and `paginators-1.json` the product reads
//! (documentation apart: see [`crate::ServiceDocs`]).

use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::HashMap;

/// A whole service model, newest API version.
#[derive(Debug, Deserialize)]
pub struct ServiceModel {
    pub metadata: Metadata,
    #[serde(default)]
    pub operations: IndexMap<String, Operation>,
    #[serde(default)]
    pub shapes: HashMap<String, Shape>,
    /// Paginators by operation name (from `paginators-1.json`).
    #[serde(skip)]
    pub paginators: HashMap<String, Paginator>,
    /// CLI operation name → API operation name.
    #[serde(skip)]
    pub cli_operations: IndexMap<String, String>,
    /// The API version folder the model came from.
    #[serde(skip)]
    pub api_version_dir: String,
    /// botocore's folder name for the service (`s3` for the CLI's `s3api`).
    #[serde(skip)]
    pub model_name: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub endpoint_prefix: String,
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub protocols: Vec<String>,
    #[serde(default)]
    pub service_full_name: String,
    #[serde(default)]
    pub service_abbreviation: Option<String>,
    #[serde(default)]
    pub service_id: String,
    #[serde(default)]
    pub signature_version: Option<String>,
    #[serde(default)]
    pub signing_name: Option<String>,
    #[serde(default)]
    pub target_prefix: Option<String>,
    #[serde(default)]
    pub json_version: Option<String>,
    #[serde(default)]
    pub global_endpoint: Option<String>,
    #[serde(default)]
    pub uid: Option<String>,
    /// Present on JSON services that answer like their older query API.
    #[serde(default)]
    pub aws_query_compatible: Option<serde_json::Value>,
}

impl Metadata {
    /// The SigV4 signing name: `signingName`, else `endpointPrefix`.
    pub fn signing_name(&self) -> &str {
        self.signing_name
            .as_deref()
            .unwrap_or(&self.endpoint_prefix)
    }
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Http {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub request_uri: String,
    #[serde(default)]
    pub response_code: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// The name botocore and the AWS CLI use (the key in the model's `operations`).
    pub name: String,
    /// The name sent on the wire (the model's own `name`, which can differ from the key).
    #[serde(skip)]
    pub wire_name: String,
    #[serde(default)]
    pub http: Http,
    #[serde(default)]
    pub input: Option<ShapeRef>,
    #[serde(default)]
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub endpoint: Option<Box<serde_json::Value>>,
    #[serde(default)]
    pub http_checksum: Option<Box<serde_json::Value>>,
    #[serde(default)]
    pub http_checksum_required: bool,
    #[serde(default)]
    pub auth: Vec<String>,
    #[serde(default)]
    pub authtype: Option<String>,
    #[serde(default)]
    pub static_context_params: Option<Box<serde_json::Value>>,
    #[serde(default)]
    pub context_params: Option<Box<serde_json::Value>>,
    #[serde(default)]
    pub request_compression: Option<Box<serde_json::Value>>,
}

/// A reference from an operation or a member to a shape, with its serialization traits.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    pub shape: String,
    #[serde(default)]
    pub location: Option<Box<str>>,
    #[serde(default)]
    pub location_name: Option<Box<str>>,
    #[serde(default)]
    pub idempotency_token: bool,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub xml_attribute: bool,
    #[serde(default)]
    pub xml_namespace: Option<Box<serde_json::Value>>,
    #[serde(default)]
    pub query_name: Option<Box<str>>,
    #[serde(default)]
    pub host_label: bool,
    #[serde(default)]
    pub jsonvalue: bool,
    #[serde(default)]
    pub timestamp_format: Option<Box<str>>,
    #[serde(default)]
    pub event_payload: bool,
    #[serde(default)]
    pub context_param: Option<Box<serde_json::Value>>,
    /// The element that wraps a query protocol result (`DescribeAlarmsResult`).
    #[serde(default)]
    pub result_wrapper: Option<Box<str>>,
}

/// The kinds of value a shape can hold.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ShapeKind {
    Structure,
    List,
    Map,
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Timestamp,
    Blob,
    /// Anything newer than this code: shown and passed as text.
    #[serde(other)]
    Unknown,
}

impl ShapeKind {
    /// The name the AWS CLI's help uses.
    pub fn name(self) -> &'static str {
        match self {
            ShapeKind::Structure => "structure",
            ShapeKind::List => "list",
            ShapeKind::Map => "map",
            ShapeKind::String => "string",
            ShapeKind::Integer => "integer",
            ShapeKind::Long => "long",
            ShapeKind::Float => "float",
            ShapeKind::Double => "double",
            ShapeKind::Boolean => "boolean",
            ShapeKind::Timestamp => "timestamp",
            ShapeKind::Blob => "blob",
            ShapeKind::Unknown => "unknown",
        }
    }

    pub fn is_scalar(self) -> bool {
        !matches!(
            self,
            ShapeKind::Structure | ShapeKind::List | ShapeKind::Map
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: ShapeKind,
    #[serde(default)]
    pub members: IndexMap<String, ShapeRef>,
    #[serde(default)]
    pub required: Vec<String>,
    // Boxed: most shapes are scalars, and a reference is large.
    #[serde(default)]
    pub member: Option<Box<ShapeRef>>,
    #[serde(default)]
    pub key: Option<Box<ShapeRef>>,
    #[serde(default)]
    pub value: Option<Box<ShapeRef>>,
    #[serde(default, rename = "enum")]
    pub enum_values: Vec<String>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub document: bool,
    #[serde(default)]
    pub union: bool,
    #[serde(default)]
    pub streaming: bool,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub error: Option<Box<serde_json::Value>>,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub location_name: Option<Box<str>>,
    #[serde(default)]
    pub xml_namespace: Option<Box<serde_json::Value>>,
    #[serde(default)]
    pub payload: Option<Box<str>>,
    #[serde(default)]
    pub timestamp_format: Option<Box<str>>,
    #[serde(default)]
    pub event: bool,
    #[serde(default)]
    pub eventstream: bool,
    #[serde(default)]
    pub deprecated: bool,
}

/// How an operation pages, from `paginators-1.json`.
#[derive(Debug, Deserialize, Clone)]
pub struct Paginator {
    #[serde(default, deserialize_with = "one_or_many")]
    pub input_token: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub output_token: Vec<String>,
    #[serde(default)]
    pub limit_key: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub result_key: Vec<String>,
    #[serde(default)]
    pub more_results: Option<String>,
    /// Keys kept from the first page as they are (`paginators-1.sdk-extras.json`).
    #[serde(default)]
    pub non_aggregate_keys: Vec<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

impl ServiceModel {
    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// The operation a CLI name (`get-function`) stands for.
    pub fn operation_by_cli_name(&self, cli: &str) -> Option<&Operation> {
        self.cli_operations
            .get(cli)
            .and_then(|n| self.operations.get(n))
    }

    /// The input shape of an operation, if it takes any.
    pub fn input_shape(&self, op: &Operation) -> Option<&Shape> {
        op.input.as_ref().and_then(|r| self.shapes.get(&r.shape))
    }

    /// The protocol botocore would choose for this service.
    pub fn protocol(&self) -> &str {
        const PRIORITY: [&str; 6] = [
            "json",
            "rest-json",
            "rest-xml",
            "smithy-rpc-v2-cbor",
            "query",
            "ec2",
        ];
        for p in PRIORITY {
            if self.metadata.protocols.iter().any(|x| x == p) {
                return p;
            }
        }
        &self.metadata.protocol
    }
}
