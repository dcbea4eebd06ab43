//! Sending a call: endpoint, signing, pooled HTTP, the AWS CLI's standard retry mode, and
//! one deadline over all of it.

use crate::handlers;
use crate::parse::{parse_response, AwsError, ParseFailure, Response};
use crate::serialize::{encode_pairs, serialize, Serialized};
use crate::target::{target_for, EndpointOptions, Target};
use crate::WireError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use awsmodel::{Models, Operation, ServiceModel};
use serde_json::{Map, Value};
use std::time::{Duration, Instant, SystemTime};

/// How many attempts the standard retry mode makes.
pub const MAX_ATTEMPTS: u32 = 3;
/// The time limit for one command (`chatops` reads `CHATOPS_DEADLINE_SECS` in its place).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(15);

/// One request ready to sign.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub target: Target,
    pub context: handlers::Context,
}

/// What a call came to.
#[derive(Debug)]
pub enum CallError {
    /// The call cannot be made as given.
    Wire(WireError),
    /// AWS answered with an error (after retries where they apply).
    Aws { error: AwsError, retries: u32 },
    /// The response could not be read.
    Malformed(String),
    /// No answer could be had (connection refused, reset, DNS…), after retries.
    Network { message: String, retries: u32 },
    /// The deadline passed.
    TimedOut { after: Duration },
    /// No credentials were found.
    Credentials(String),
}

/// Operator settings for the AWS side.
#[derive(Debug, Clone)]
pub struct Settings {
    /// An endpoint to use instead of AWS's (emulators); never from chat.
    pub endpoint_url: Option<String>,
    pub deadline: Duration,
    pub use_fips: bool,
    pub use_dual_stack: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            endpoint_url: None,
            deadline: DEFAULT_DEADLINE,
            use_fips: false,
            use_dual_stack: false,
        }
    }
}

impl Settings {
    /// The settings the endpoint rule set reads.
    pub fn endpoint_options(&self) -> EndpointOptions<'_> {
        EndpointOptions {
            endpoint_url: self.endpoint_url.as_deref(),
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
        }
    }
}

/// Serializes, resolves and assembles the request for a call (nothing is sent).
pub fn prepare(
    models: &Models,
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
    region: &str,
    settings: &Settings,
) -> Result<Prepared, WireError> {
    let mut params = params.clone();
    let context = handlers::prepare(model, op, &mut params);
    let s: Serialized = serialize(model, op, &params)?;
    let target = target_for(
        models,
        model,
        op,
        &params,
        region,
        settings.endpoint_options(),
    )?;
    let mut url = join_url(&target.url, &s.path, s.host_prefix.as_deref());
    if !s.query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encode_pairs(&s.query));
    }
    let mut headers = s.headers.clone();
    headers.extend(target.headers.iter().cloned());
    add_checksum(model, op, &params, &s.body, &mut headers)?;
    Ok(Prepared {
        method: s.method,
        url,
        headers,
        body: s.body,
        target,
        context,
    })
}

/// Request checksums as botocore adds them: the algorithm the caller chose, else CRC32 when
/// the operation requires a checksum or supports one (`when_supported`, botocore's default).
fn add_checksum(
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
    body: &[u8],
    headers: &mut Vec<(String, String)>,
) -> Result<(), WireError> {
    if headers
        .iter()
        .any(|(k, _)| k.to_ascii_lowercase().starts_with("x-amz-checksum-"))
    {
        return Ok(());
    }
    let spec = op.http_checksum.as_ref();
    let required = op.http_checksum_required
        || spec
            .and_then(|h| h.get("requestChecksumRequired"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
    let member = spec
        .and_then(|h| h.get("requestAlgorithmMember"))
        .and_then(Value::as_str);
    let algorithm = match member.and_then(|m| params.get(m)).and_then(Value::as_str) {
        Some(chosen) => chosen.to_ascii_lowercase(),
        None if required || member.is_some() => {
            let header = member
                .and_then(|m| model.input_shape(op)?.members.get(m))
                .filter(|r| r.location.as_deref() == Some("header"))
                .and_then(|r| r.location_name.as_deref().map(str::to_string));
            if let Some(h) = header {
                headers.push((h, "CRC32".into()));
            }
            "crc32".into()
        }
        None => return Ok(()),
    };
    let value = match algorithm.as_str() {
        "crc32" => crate::serialize::base64(&crc32fast::hash(body).to_be_bytes()),
        "sha256" => {
            use sha2::Digest;
            crate::serialize::base64(&sha2::Sha256::digest(body))
        }
        other => {
            return Err(WireError::Unsupported(format!(
                "the {} request checksum (use CRC32 or SHA256)",
                other.to_uppercase()
            )))
        }
    };
    headers.push((format!("x-amz-checksum-{algorithm}"), value));
    Ok(())
}

/// botocore's `_urljoin`: the endpoint's path joined with the operation's, the host prefix
/// put before the host.
pub fn join_url(endpoint: &str, path: &str, host_prefix: Option<&str>) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
    let (authority, base_path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let new_path = if path.is_empty() || path == "/" {
        if base_path.is_empty() {
            "/".to_string()
        } else {
            base_path.to_string()
        }
    } else if base_path.ends_with('/') && path.starts_with('/') {
        format!("{}{}", &base_path[..base_path.len() - 1], path)
    } else {
        format!("{base_path}{path}")
    };
    let host = match host_prefix {
        Some(p) => format!("{p}{authority}"),
        None => authority.to_string(),
    };
    format!("{scheme}://{host}{new_path}")
}

/// Says which sources the default chain tried and how to give it credentials: the chain's
/// own error names only the last source it gave up on.
fn no_credentials(e: &dyn std::fmt::Display) -> String {
    let profile = std::env::var("AWS_PROFILE")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "default".into());
    format!(
        "no AWS credentials were found ({e}). Tried, in order: the environment \
         (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), the profile \"{profile}\" in \
         ~/.aws/credentials and ~/.aws/config (AWS_PROFILE chooses another, with SSO or \
         web identity settings if it has them), a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE \
         with AWS_ROLE_ARN), the ECS container endpoint and the EC2 instance metadata service. \
         Give chatops credentials in one of these ways: export AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), point AWS_PROFILE \
         at a profile that has them, or run it with an instance, task or pod role"
    )
}

/// The HTTP client and credentials, shared by every call.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    credentials: SharedCredentialsProvider,
}

impl Client {
    /// Credentials from the AWS default chain (environment, profile, SSO, web identity, ECS,
    /// IMDS), pooled keep-alive connections over rustls.
    pub async fn from_environment() -> Client {
        // The chain's first source is the environment: when it has keys, the rest of the
        // chain (profile files, SSO, web identity, ECS, IMDS and their HTTP clients) would
        // never be asked, so it is not built — a one-shot `chatops run` starts faster.
        let env_keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
            .iter()
            .all(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()));
        if env_keys {
            return Client::with_credentials(SharedCredentialsProvider::new(
                aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
            ));
        }
        let chain = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
            .build()
            .await;
        Client::with_credentials(SharedCredentialsProvider::new(chain))
    }

    /// A client signing with one fixed access key (emulators, tests, benchmarks).
    pub fn with_keys(access_key_id: &str, secret_access_key: &str) -> Client {
        let creds = aws_credential_types::Credentials::new(
            access_key_id,
            secret_access_key,
            None,
            None,
            "fixed keys",
        );
        Client::with_credentials(SharedCredentialsProvider::new(creds))
    }

    pub fn with_credentials(credentials: SharedCredentialsProvider) -> Client {
        let http = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("aws-chatops/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS client with the built-in roots");
        Client { http, credentials }
    }

    /// The same connection pool, signing with fixed credentials (an assumed role's session).
    pub fn with_static_credentials(
        &self,
        credentials: aws_credential_types::Credentials,
    ) -> Client {
        Client {
            http: self.http.clone(),
            credentials: SharedCredentialsProvider::new(credentials),
        }
    }

    /// Sends a prepared call with retries inside `deadline`; returns the parsed result.
    pub async fn send(
        &self,
        model: &ServiceModel,
        op: &Operation,
        prepared: &Prepared,
        deadline: Duration,
    ) -> Result<Value, CallError> {
        let started = Instant::now();
        let result = match tokio::time::timeout(
            deadline,
            self.send_with_retries(model, op, prepared, started, deadline),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(CallError::TimedOut { after: deadline }),
        };
        crate::telemetry::call_done(&model.model_name, &result, started);
        result
    }

    async fn send_with_retries(
        &self,
        model: &ServiceModel,
        op: &Operation,
        prepared: &Prepared,
        started: Instant,
        deadline: Duration,
    ) -> Result<Value, CallError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.attempt(model, op, prepared).await;
            let retryable = match &outcome {
                Ok(_) => false,
                Err(Attempt::Aws(e)) => is_retryable(e),
                Err(Attempt::Network(_)) => true,
                Err(Attempt::Malformed(_)) => false,
                Err(Attempt::Fatal(_)) => false,
            };
            if !retryable || attempt >= MAX_ATTEMPTS {
                return match outcome {
                    Ok(v) => Ok(handlers::after(model, op, &prepared.context, v)),
                    Err(Attempt::Aws(error)) => Err(CallError::Aws {
                        error,
                        retries: attempt - 1,
                    }),
                    Err(Attempt::Network(message)) => Err(CallError::Network {
                        message,
                        retries: attempt - 1,
                    }),
                    Err(Attempt::Malformed(m)) => Err(CallError::Malformed(m)),
                    Err(Attempt::Fatal(e)) => Err(e),
                };
            }
            // Exponential backoff with full jitter, capped at 20 s, as the CLI's standard mode.
            let cap = 2f64.powi(attempt as i32 - 1).min(20.0);
            let wait = Duration::from_secs_f64(fastrand::f64() * cap);
            if started.elapsed() + wait >= deadline {
                return Err(CallError::TimedOut { after: deadline });
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(
        &self,
        model: &ServiceModel,
        op: &Operation,
        p: &Prepared,
    ) -> Result<Value, Attempt> {
        let creds = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| Attempt::Fatal(CallError::Credentials(no_credentials(&e))))?;
        let signed = sign(p, &creds).map_err(|e| Attempt::Fatal(CallError::Wire(e)))?;
        let method = reqwest::Method::from_bytes(p.method.as_bytes())
            .map_err(|e| Attempt::Fatal(CallError::Wire(WireError::Param(e.to_string()))))?;
        let mut req = self.http.request(method, &p.url).body(p.body.clone());
        for (k, v) in &signed {
            req = req.header(k, v);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| Attempt::Network(describe_reqwest(&e)))?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = resp
            .bytes()
            .await
            .map_err(|e| Attempt::Network(describe_reqwest(&e)))?
            .to_vec();
        let response = Response {
            status,
            headers,
            body,
        };
        match parse_response(model, op, &response) {
            Ok(v) => Ok(v),
            Err(ParseFailure::Aws(e)) => Err(Attempt::Aws(e)),
            Err(ParseFailure::Malformed(m)) if status >= 500 => Err(Attempt::Aws(AwsError {
                code: status.to_string(),
                message: m,
                status,
                request_id: None,
            })),
            Err(ParseFailure::Malformed(m)) => Err(Attempt::Malformed(m)),
        }
    }
}

enum Attempt {
    Aws(AwsError),
    Network(String),
    Malformed(String),
    Fatal(CallError),
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    msg
}

/// Throttling and transient errors, as the CLI's standard retry mode lists them.
pub fn is_retryable(e: &AwsError) -> bool {
    const CODES: &[&str] = &[
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "RequestTimeout",
        "RequestTimeoutException",
        "IDPCommunicationError",
    ];
    matches!(e.status, 500 | 502 | 503 | 504 | 429) || CODES.contains(&e.code.as_str())
}

/// The headers to send: the request's own plus SigV4's (`Authorization`, `X-Amz-Date`, …).
pub fn sign(
    p: &Prepared,
    creds: &aws_credential_types::Credentials,
) -> Result<Vec<(String, String)>, WireError> {
    use aws_sigv4::http_request::{
        sign as sigv4, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
        SigningSettings, UriPathNormalizationMode,
    };
    use aws_sigv4::sign::v4;
    let mut headers = p.headers.clone();
    let host = p
        .url
        .split_once("://")
        .map(|(_, r)| r.split('/').next().unwrap_or(r))
        .unwrap_or_default();
    let host = host.split('?').next().unwrap_or(host).to_string();
    headers.push(("Host".into(), host));
    let mut settings = SigningSettings::default();
    if p.target.signing_name == "s3" {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let identity = creds.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&p.target.signing_region)
        .name(&p.target.signing_name)
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| WireError::Param(format!("cannot sign: {e}")))?
        .into();
    let signable = SignableRequest::new(
        &p.method,
        p.url.as_str(),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&p.body),
    )
    .map_err(|e| WireError::Param(format!("cannot sign: {e}")))?;
    let (instructions, _) = sigv4(signable, &params)
        .map_err(|e| WireError::Param(format!("cannot sign: {e}")))?
        .into_parts();
    for (k, v) in instructions.headers() {
        headers.push((k.to_string(), v.to_string()));
    }
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("host"));
    Ok(headers)
}

#[cfg(test)]
mod credential_tests {
    #[test]
    fn the_message_names_every_source_and_a_way_out() {
        let m = super::no_credentials(&"the credential provider was not enabled");
        for part in [
            "AWS_ACCESS_KEY_ID",
            "~/.aws/credentials",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "ECS container endpoint",
            "instance metadata",
            "export AWS_ACCESS_KEY_ID",
            "was not enabled",
        ] {
            assert!(m.contains(part), "{part} missing from: {m}");
        }
    }
}
