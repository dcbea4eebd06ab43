//! Every installed service's endpoint rule set resolves as botocore's resolver does.
//!
//! `tests/oracle/botocore_endpoints.py` asks botocore (real clients, dummy credentials) for
//! each service × region {us-east-1, eu-west-1, ap-southeast-2, cn-north-1, us-gov-west-1} ×
//! {plain, FIPS, dual-stack, both}, plus a custom endpoint, for one call's provider
//! parameters and the endpoint (or error message) they give. This test checks, per case:
//!
//! 1. `endpoint_params` fills the same parameters (rule-set defaults included) from the
//!    model, the operation, its input and the client settings;
//! 2. `resolve` with botocore's parameters gives the same URL, headers, properties and
//!    signing name/region/scheme, or the same error message.
//!
//! The oracle's output is cached under the target directory, keyed by the script and the
//! botocore data; `ENDPOINTS_ORACLE_REFRESH=1` regenerates it, `ENDPOINTS_ORACLE_SERVICES=
//! s3,ec2` narrows it.

use endpoint_rules::{
    Builtins, EndpointError, EndpointResolver, ParamValue, Params, ResolvedEndpoint,
    S3AddressingStyle,
};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn venv_python() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(".venv/bin/python"))
        .find(|p| p.is_file())
        .expect("run scripts/setup.sh first")
}

fn oracle(models_dir: &Path) -> Value {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/botocore_endpoints.py");
    let only = std::env::var("ENDPOINTS_ORACLE_SERVICES").unwrap_or_default();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(&script).expect("oracle script").hash(&mut h);
    only.hash(&mut h);
    models_dir.hash(&mut h);
    if let Ok(m) = std::fs::metadata(models_dir.join("partitions.json")) {
        m.len().hash(&mut h);
        m.modified().ok().hash(&mut h);
    }
    if let Ok(m) = std::fs::metadata(models_dir.join("s3")) {
        m.modified().ok().hash(&mut h);
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("endpoints-oracle-{:016x}.json", h.finish()));
    let refresh = std::env::var_os("ENDPOINTS_ORACLE_REFRESH").is_some();
    if refresh || !out.is_file() {
        let tmp = out.with_extension("partial");
        let status = Command::new(venv_python())
            .arg(&script)
            .arg(&tmp)
            .arg(&only)
            .status()
            .expect("run the oracle");
        assert!(status.success(), "the botocore oracle failed");
        std::fs::rename(&tmp, &out).expect("oracle output");
        // Older outputs (another script or botocore) are of no further use.
        if let Ok(dir) = std::fs::read_dir(out.parent().unwrap()) {
            for e in dir.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("endpoints-oracle-") && e.path() != out {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    serde_json::from_slice(&std::fs::read(&out).expect("oracle output")).expect("oracle JSON")
}

fn params_from(v: &Value) -> Params {
    v.as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| ParamValue::from_json(v).map(|p| (k.clone(), p)))
                .collect()
        })
        .unwrap_or_default()
}

fn params_json(p: &Params) -> BTreeMap<String, Value> {
    p.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()
}

/// botocore's name for a rule-set auth scheme (`sigv4` → `v4`).
fn botocore_auth_name(n: &str) -> String {
    n.strip_prefix("sig").unwrap_or(n).to_string()
}

/// botocore without the CRT signs with these only.
const NO_CRT: &[&str] = &["sigv4", "sigv4-s3express"];

fn compare_endpoint(
    got: &Result<ResolvedEndpoint, EndpointError>,
    expect: &Value,
) -> Result<(), String> {
    if let Some(msg) = expect.get("error").and_then(|m| m.as_str()) {
        return match got {
            Err(e) if e.message() == msg => Ok(()),
            Err(e) => Err(format!("error {:?}, botocore {:?}", e.message(), msg)),
            Ok(ep) => Err(format!("resolved {} where botocore fails: {msg}", ep.url)),
        };
    }
    if let Some(exc) = expect.get("exception") {
        return match got {
            Err(_) => Ok(()),
            Ok(ep) => Err(format!("resolved {} where botocore raised {exc}", ep.url)),
        };
    }
    let ep = match got {
        Ok(ep) => ep,
        Err(e) => {
            return Err(format!(
                "failed ({e}) where botocore gives {}",
                expect["url"]
            ))
        }
    };
    if ep.url != expect["url"].as_str().unwrap_or_default() {
        return Err(format!("url {}, botocore {}", ep.url, expect["url"]));
    }
    let headers: serde_json::Map<String, Value> = ep
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if Value::Object(headers.clone()) != expect["headers"] {
        return Err(format!(
            "headers {headers:?}, botocore {}",
            expect["headers"]
        ));
    }
    if ep.properties != expect["properties"] {
        return Err(format!(
            "properties {}, botocore {}",
            ep.properties, expect["properties"]
        ));
    }
    let chosen = ep.clone().with_auth_schemes(NO_CRT);
    if let Some(err) = expect.get("auth_error") {
        return match chosen {
            Err(_) => Ok(()),
            Ok(c) => Err(format!(
                "chose {:?} where botocore fails: {err}",
                c.auth_scheme
            )),
        };
    }
    let chosen = chosen.map_err(|e| format!("{e} where botocore signs"))?;
    if expect.get("auth_type").is_some() {
        let name = chosen.auth_scheme.as_deref().map(botocore_auth_name);
        if name.as_deref() != expect["auth_type"].as_str() {
            return Err(format!("auth {name:?}, botocore {}", expect["auth_type"]));
        }
        if chosen.signing_name.as_deref() != expect["signing_name"].as_str() {
            return Err(format!(
                "signing name {:?}, botocore {}",
                chosen.signing_name, expect["signing_name"]
            ));
        }
        if chosen.signing_region.as_deref() != expect["signing_region"].as_str() {
            return Err(format!(
                "signing region {:?}, botocore {}",
                chosen.signing_region, expect["signing_region"]
            ));
        }
    } else if chosen.auth_scheme.is_some() {
        return Err(format!(
            "auth {:?} where botocore has none",
            chosen.auth_scheme
        ));
    }
    Ok(())
}

/// The client settings of a case, as the CLI's configuration would give them.
fn builtins_for(case: &Value) -> Builtins {
    let s3 = case.get("s3").cloned().unwrap_or(Value::Null);
    let mut b = Builtins {
        region: case["region"].as_str().map(str::to_string),
        use_fips: case["fips"].as_bool().unwrap_or(false),
        use_dual_stack: case["dualstack"].as_bool().unwrap_or(false),
        endpoint: case["endpoint"].as_str().map(str::to_string),
        s3_addressing_style: match s3.get("addressing_style").and_then(|v| v.as_str()) {
            Some("path") => S3AddressingStyle::Path,
            Some("virtual") => S3AddressingStyle::Virtual,
            _ => S3AddressingStyle::Auto,
        },
        s3_accelerate: s3
            .get("use_accelerate_endpoint")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        s3_use_arn_region: s3.get("use_arn_region").and_then(|v| v.as_bool()),
        s3_disable_multiregion_access_points: s3
            .get("s3_disable_multiregion_access_points")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        s3_us_east_1_regional_endpoint: s3
            .get("us_east_1_regional_endpoint")
            .and_then(|v| v.as_str())
            == Some("regional"),
        sts_regional_endpoints_legacy: case.get("sts_regional_endpoints").and_then(|v| v.as_str())
            == Some("legacy"),
        account_id: case
            .get("account_id")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        ..Builtins::default()
    };
    if let Some(mode) = case
        .get("account_id_endpoint_mode")
        .and_then(|v| v.as_str())
    {
        b.account_id_endpoint_mode = Some(mode.to_string());
    }
    b
}

#[test]
fn every_service_resolves_as_botocore_does() {
    // The embedded models, against botocore run from the package they were generated from.
    let models = awsmodel::Models::locate(None).expect("models");
    let dir = testkit::botocore_models_dir();
    let data = oracle(&dir);
    let cases = data["cases"].as_array().expect("cases");
    let partitions = models.partitions().expect("partitions");
    let by_model: HashMap<&str, &str> = models
        .services()
        .iter()
        .map(|s| (s.model_name.as_str(), s.cli_name.as_str()))
        .collect();

    let mut resolvers: HashMap<String, (Arc<awsmodel::ServiceModel>, EndpointResolver)> =
        HashMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut services = std::collections::BTreeSet::new();
    let (mut endpoints, mut errors, mut params_compared, mut params_refused) = (0, 0, 0, 0);
    let mut auth_compared = 0;
    let mut engine_only = 0;

    for case in cases {
        let service = case["service"].as_str().unwrap();
        let label = format!(
            "{service} {} fips={} dualstack={} endpoint={} s3={} sts={} account={}/{} {} {}",
            case["region"].as_str().unwrap_or("-"),
            case["fips"],
            case["dualstack"],
            case["endpoint"].as_str().unwrap_or("-"),
            case.get("s3").unwrap_or(&Value::Null),
            case.get("sts_regional_endpoints").unwrap_or(&Value::Null),
            case.get("account_id").unwrap_or(&Value::Null),
            case.get("account_id_endpoint_mode").unwrap_or(&Value::Null),
            case["operation"].as_str().unwrap_or("-"),
            case["input"]
        );
        if !resolvers.contains_key(service) {
            let name = by_model.get(service).copied().unwrap_or(service);
            let model = models
                .service(name)
                .unwrap_or_else(|e| panic!("{service}: {e}"));
            let rules = models
                .endpoint_rules(name)
                .unwrap_or_else(|e| panic!("{service}: {e}"))
                .unwrap_or_else(|| panic!("{service}: no rule set"));
            let resolver = EndpointResolver::cached(&rules, &partitions)
                .unwrap_or_else(|e| panic!("{service}: {e}"));
            resolvers.insert(service.to_string(), (model, resolver));
        }
        let (model, resolver) = &resolvers[service];
        services.insert(service.to_string());

        // 1. The parameters of the call (odd parameters go straight to the engine).
        if case.get("engine_only").is_some() {
            engine_only += 1;
        } else {
            let builtins = builtins_for(case);
            let input = case["input"].as_object().cloned().unwrap_or_default();
            let op = case["operation"].as_str().unwrap();
            let ours = resolver.params_for(model, op, &input, &builtins);
            if let Some(msg) = case.get("params_error_msg").and_then(|m| m.as_str()) {
                params_refused += 1;
                match ours {
                    Err(e) if e.message() == msg => {}
                    Err(e) => failures.push(format!(
                        "{label}: refused with {:?}, botocore {msg:?}",
                        e.message()
                    )),
                    Ok(p) => failures.push(format!(
                        "{label}: params {:?} where botocore refuses: {msg}",
                        params_json(&p)
                    )),
                }
            } else {
                match ours {
                    Ok(p) => {
                        let ours = params_json(&p);
                        let theirs: BTreeMap<String, Value> = case["params_full"]
                            .as_object()
                            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                            .unwrap_or_default();
                        if ours != theirs {
                            failures.push(format!("{label}: params {ours:?}, botocore {theirs:?}"));
                        }
                        params_compared += 1;
                    }
                    Err(e) => failures.push(format!("{label}: params: {e}")),
                }
            }
        }

        // 2. The endpoint for botocore's parameters.
        let Some(expect) = case.get("expect") else {
            continue;
        };
        let got = resolver.resolve(&params_from(&case["params"]));
        if expect.get("url").is_some() {
            endpoints += 1;
            if expect.get("auth_type").is_some() || expect.get("auth_error").is_some() {
                auth_compared += 1;
            }
        } else {
            errors += 1;
        }
        if let Err(why) = compare_endpoint(&got, expect) {
            failures.push(format!("{label}: {why}"));
        }
    }

    eprintln!(
        "endpoints vs botocore {}: {} services, {} cases: {} endpoints ({} with auth schemes), {} errors; {} parameter sets compared, {} inputs refused as botocore's handlers refuse them; {} of the cases odd parameters given to the engine directly",
        data["botocore"], services.len(), cases.len(), endpoints, auth_compared, errors, params_compared, params_refused, engine_only
    );
    for s in data["skipped"].as_array().into_iter().flatten() {
        eprintln!("oracle skipped: {s}");
    }
    if !failures.is_empty() {
        for f in failures.iter().take(40) {
            eprintln!("MISMATCH {f}");
        }
        panic!(
            "{} of {} cases differ from botocore",
            failures.len(),
            cases.len()
        );
    }
    assert!(cases.len() > 1000 || std::env::var_os("ENDPOINTS_ORACLE_SERVICES").is_some());
}
