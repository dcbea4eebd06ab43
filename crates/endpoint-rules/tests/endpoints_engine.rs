//! The rules language, edge by edge, on small hand-written rule sets; parameter filling on
//! the installed models; and no panic on any rule set, mutated rule set or odd input.

use endpoint_rules::{
    endpoint_params, resolve, Builtins, EndpointError, EndpointResolver, ParamValue, Params,
    RuleSet, S3AddressingStyle,
};
use serde_json::{json, Value};
use std::sync::Arc;

fn partitions() -> Value {
    json!({"version": "1.1", "partitions": [
        {"id": "aws", "regionRegex": "^(us|eu|ap|sa|ca|me|af)\\-\\w+\\-\\d+$",
         "regions": {"aws-global": {"description": "AWS Standard global region"}, "us-east-1": {}},
         "outputs": {"name": "aws", "dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "api.aws",
                     "supportsFIPS": true, "supportsDualStack": true, "implicitGlobalRegion": "us-east-1"}},
        {"id": "aws-cn", "regionRegex": "^cn\\-\\w+\\-\\d+$", "regions": {"cn-north-1": {}},
         "outputs": {"name": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "dualStackDnsSuffix": "api.amazonwebservices.com.cn",
                     "supportsFIPS": true, "supportsDualStack": true, "implicitGlobalRegion": "cn-northwest-1"}}
    ]})
}

fn params(pairs: &[(&str, ParamValue)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn s(v: &str) -> ParamValue {
    ParamValue::String(v.into())
}

fn b(v: bool) -> ParamValue {
    ParamValue::Bool(v)
}

fn rules(parameters: Value, rules: Value) -> Value {
    json!({"version": "1.0", "parameters": parameters, "rules": rules})
}

fn region_param() -> Value {
    json!({"Region": {"type": "String", "builtIn": "AWS::Region"},
           "UseFIPS": {"type": "Boolean", "builtIn": "AWS::UseFIPS", "default": false, "required": true}})
}

fn ep(url: Value) -> Value {
    json!({"type": "endpoint", "conditions": [], "endpoint": {"url": url, "properties": {}, "headers": {}}})
}

fn url_of(r: &Value, p: &Params) -> Result<String, EndpointError> {
    resolve(r, &partitions(), p).map(|e| e.url)
}

#[test]
fn templates_fill_variables_and_attributes() {
    let r = rules(
        region_param(),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}],
                "endpoint": {"url": "https://svc.{Region}.{P#dnsSuffix}/{{literal}}/{UseFIPS}",
                             "properties": {}, "headers": {}}}]),
    );
    let p = params(&[("Region", s("cn-north-1"))]);
    assert_eq!(
        url_of(&r, &p).unwrap(),
        "https://svc.cn-north-1.amazonaws.com.cn/{literal}/False"
    );
}

#[test]
fn template_paths_index_lists() {
    let r = rules(
        json!({"Arn": {"type": "String"}}),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "aws.parseArn", "argv": [{"ref": "Arn"}], "assign": "a"}],
                "endpoint": {"url": "https://{a#resourceId[1]}.{a#region}.example", "properties": {}}}]),
    );
    let p = params(&[("Arn", s("arn:aws:s3:us-west-2:123:accesspoint/my-ap"))]);
    assert_eq!(url_of(&r, &p).unwrap(), "https://my-ap.us-west-2.example");
}

#[test]
fn template_of_an_unset_variable_is_an_error() {
    let r = rules(
        region_param(),
        json!([ep(json!("https://{Region}.example"))]),
    );
    let e = url_of(&r, &Params::new()).unwrap_err();
    assert!(matches!(e, EndpointError::Evaluation(_)), "{e:?}");
}

#[test]
fn references_and_is_set() {
    let r = rules(
        region_param(),
        json!([
            {"type": "endpoint", "conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}],
             "endpoint": {"url": {"ref": "Region"}}},
            {"type": "endpoint", "conditions": [{"fn": "not", "argv": [{"fn": "isSet", "argv": [{"ref": "Undeclared"}]}]}],
             "endpoint": {"url": "https://unset"}}
        ]),
    );
    assert_eq!(
        url_of(&r, &params(&[("Region", s("https://x"))])).unwrap(),
        "https://x"
    );
    assert_eq!(url_of(&r, &Params::new()).unwrap(), "https://unset");
}

#[test]
fn get_attr_edges() {
    let r = rules(
        json!({"Arn": {"type": "String"}}),
        json!([
            {"type": "endpoint",
             "conditions": [
                {"fn": "aws.parseArn", "argv": [{"ref": "Arn"}], "assign": "a"},
                {"fn": "getAttr", "argv": [{"ref": "a"}, "resourceId[5]"], "assign": "far"}
             ],
             "endpoint": {"url": "https://never"}},
            {"type": "endpoint",
             "conditions": [
                {"fn": "aws.parseArn", "argv": [{"ref": "Arn"}], "assign": "a"},
                {"fn": "stringEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "a"}, "resourceId[0]"]}, "bucket"]}
             ],
             "endpoint": {"url": "https://{a#accountId}.bucket"}}
        ]),
    );
    let p = params(&[("Arn", s("arn:aws:s3:::bucket/x"))]);
    assert_eq!(url_of(&r, &p).unwrap(), "https://.bucket");
}

#[test]
fn assignments_are_scoped_to_their_rule_and_children() {
    // The first tree assigns `x` then fails inside; the second rule may assign `x` again.
    let r = rules(
        region_param(),
        json!([
            {"type": "tree",
             "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "x"}],
             "rules": [
                {"type": "endpoint", "conditions": [{"fn": "booleanEquals", "argv": [true, false]}],
                 "endpoint": {"url": "https://no"}},
                {"type": "tree", "conditions": [{"fn": "parseURL", "argv": ["https://a.example"], "assign": "y"}],
                 "rules": [{"type": "endpoint", "conditions": [{"fn": "booleanEquals", "argv": [true, false]}],
                            "endpoint": {"url": "https://no"}}]},
                {"type": "endpoint",
                 "conditions": [{"fn": "not", "argv": [{"fn": "isSet", "argv": [{"ref": "y"}]}]},
                                {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                 "endpoint": {"url": "https://child.{x#dnsSuffix}"}}
             ]},
            {"type": "endpoint",
             "conditions": [{"fn": "aws.partition", "argv": ["cn-north-1"], "assign": "x"}],
             "endpoint": {"url": "https://second.{x#dnsSuffix}"}}
        ]),
    );
    let fips = params(&[("Region", s("us-east-1")), ("UseFIPS", b(true))]);
    assert_eq!(url_of(&r, &fips).unwrap(), "https://child.amazonaws.com");
    let plain = params(&[("Region", s("us-east-1"))]);
    assert_eq!(
        url_of(&r, &plain).unwrap(),
        "https://second.amazonaws.com.cn"
    );
}

#[test]
fn reassigning_a_variable_is_an_error() {
    let r = rules(
        region_param(),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "Region"}],
                "endpoint": {"url": "https://x"}}]),
    );
    let e = url_of(&r, &params(&[("Region", s("us-east-1"))])).unwrap_err();
    assert_eq!(
        e.message(),
        "Assignment Region already exists in scoped variables and cannot be overwritten"
    );
}

#[test]
fn error_rules_give_their_message() {
    let r = rules(
        region_param(),
        json!([{"type": "error",
                "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                "error": "FIPS is not supported in {Region}"},
               ep(json!("https://ok"))]),
    );
    let e = url_of(
        &r,
        &params(&[("Region", s("eu-west-1")), ("UseFIPS", b(true))]),
    )
    .unwrap_err();
    assert_eq!(
        e,
        EndpointError::Rule("FIPS is not supported in eu-west-1".into())
    );
    assert_eq!(e.to_string(), "FIPS is not supported in eu-west-1");
}

#[test]
fn no_rule_matching_lists_the_parameters() {
    let r = rules(
        region_param(),
        json!([{"type": "endpoint", "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                "endpoint": {"url": "https://x"}}]),
    );
    let e = url_of(
        &r,
        &params(&[("Region", s("us-east-1")), ("UseFIPS", b(false))]),
    )
    .unwrap_err();
    assert_eq!(
        e,
        EndpointError::NoMatch(
            "No endpoint found for parameters:\nRegion: us-east-1\nUseFIPS: False".into()
        )
    );
}

#[test]
fn parameter_checks() {
    let r = rules(
        json!({"Region": {"type": "string", "required": true},
               "Flag": {"type": "boolean", "default": true, "required": true},
               "List": {"type": "stringArray", "default": ["a", "b"]}}),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]},
                               {"fn": "getAttr", "argv": [{"ref": "List"}, "[1]"], "assign": "second"}],
                "endpoint": {"url": "https://{second}.{Region}"}}]),
    );
    assert_eq!(
        url_of(&r, &Params::new()).unwrap_err().message(),
        "Cannot find value for required parameter Region"
    );
    assert_eq!(
        url_of(&r, &params(&[("Region", b(true))]))
            .unwrap_err()
            .message(),
        "Value (Region) is the wrong type. Must be <class 'str'>."
    );
    assert_eq!(
        url_of(&r, &params(&[("Region", s("r"))])).unwrap(),
        "https://b.r"
    );
    let list = ParamValue::StringArray(vec!["x".into(), "y".into()]);
    assert_eq!(
        url_of(&r, &params(&[("Region", s("r")), ("List", list)])).unwrap(),
        "https://y.r"
    );
}

#[test]
fn type_errors_match_botocore() {
    let r = rules(
        region_param(),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Nope"}, true]}],
                "endpoint": {"url": "https://x"}}]),
    );
    assert_eq!(
        url_of(&r, &Params::new()).unwrap_err().message(),
        "Both arguments must be bools, not <class 'NoneType'> and <class 'bool'>."
    );
    let r = rules(
        region_param(),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "stringEquals", "argv": ["a", {"ref": "UseFIPS"}]}],
                "endpoint": {"url": "https://x"}}]),
    );
    assert_eq!(
        url_of(&r, &Params::new()).unwrap_err().message(),
        "Both values must be strings, not <class 'str'> and <class 'bool'>."
    );
}

#[test]
fn python_truth_in_conditions() {
    // An empty string passes a condition (only False and None fail), and `not ""` is true.
    let r = rules(
        region_param(),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "substring", "argv": ["abc", 0, 0, false]}],
                "endpoint": {"url": "https://none-fails"}},
               {"type": "endpoint",
                "conditions": [{"fn": "uriEncode", "argv": [""]},
                               {"fn": "not", "argv": [{"fn": "uriEncode", "argv": [""]}]}],
                "endpoint": {"url": "https://empty-passes"}}]),
    );
    assert_eq!(url_of(&r, &Params::new()).unwrap(), "https://empty-passes");
}

#[test]
fn headers_properties_and_auth_schemes() {
    let r = rules(
        region_param(),
        json!([{"type": "endpoint", "conditions": [],
        "endpoint": {"url": "https://x",
          "headers": {"x-one": ["{Region}", "second"], "x-empty": [], "x-ref": [{"ref": "UseFIPS"}]},
          "properties": {
            "authSchemes": [
              {"name": "sigv4a", "signingName": "svc", "signingRegionSet": ["*", "{Region}"]},
              {"name": "sigv4", "signingName": "svc", "signingRegion": "{Region}", "disableDoubleEncoding": true}
            ],
            "nested": {"list": ["{Region}", 1, null, {"ref": "Region"}]}
          }}}]),
    );
    let e = resolve(&r, &partitions(), &params(&[("Region", s("eu-west-1"))])).unwrap();
    assert_eq!(
        e.headers,
        vec![
            ("x-one".to_string(), "eu-west-1".to_string()),
            ("x-ref".to_string(), "False".to_string())
        ]
    );
    assert_eq!(e.all_headers[0].1, vec!["eu-west-1", "second"]);
    assert_eq!(
        e.properties["nested"],
        json!({"list": ["eu-west-1", 1, null, {"ref": "Region"}]})
    );
    // The CLI (with the CRT) signs with the first scheme, sigv4a over a region set.
    assert_eq!(e.auth_scheme.as_deref(), Some("sigv4a"));
    assert_eq!(e.signing_region.as_deref(), Some("*,eu-west-1"));
    assert_eq!(e.signing_name.as_deref(), Some("svc"));
    let v4 = e.clone().with_auth_schemes(&["sigv4"]).unwrap();
    assert_eq!(v4.auth_scheme.as_deref(), Some("sigv4"));
    assert_eq!(v4.signing_region.as_deref(), Some("eu-west-1"));
    assert_eq!(v4.auth_schemes[1].disable_double_encoding, Some(true));
    assert!(matches!(
        e.with_auth_schemes(&["bearer"]),
        Err(EndpointError::UnsupportedAuthSchemes(_))
    ));
}

#[test]
fn unknown_functions_fail_only_when_reached() {
    let r = rules(
        region_param(),
        json!([ep(json!("https://first")),
               {"type": "endpoint", "conditions": [{"fn": "aws.future", "argv": []}],
                "endpoint": {"url": "https://never"}}]),
    );
    assert_eq!(url_of(&r, &Params::new()).unwrap(), "https://first");
    let r = rules(
        region_param(),
        json!([{"type": "endpoint", "conditions": [{"fn": "aws.future", "argv": []}],
                "endpoint": {"url": "https://never"}}]),
    );
    assert!(matches!(
        url_of(&r, &Params::new()),
        Err(EndpointError::Evaluation(_))
    ));
    let r = rules(
        region_param(),
        json!([{"type": "endpoint", "conditions": [{"fn": "isSet", "argv": []}],
                "endpoint": {"url": "https://never"}}]),
    );
    assert!(url_of(&r, &Params::new()).is_err());
}

#[test]
fn malformed_rule_sets_are_errors() {
    let bad = [
        json!({}),
        json!({"parameters": {}}),
        json!({"parameters": {"A": {"type": "Integer"}}, "rules": []}),
        json!({"parameters": {}, "rules": [{"type": "maybe"}]}),
        json!({"parameters": {}, "rules": [{"conditions": []}]}),
        json!({"parameters": {}, "rules": [{"type": "endpoint"}]}),
        json!({"parameters": {}, "rules": [{"type": "tree", "conditions": []}]}),
        json!({"parameters": {}, "rules": [{"type": "endpoint", "endpoint": {"url": "x", "headers": []}}]}),
        json!([1, 2]),
    ];
    for r in bad {
        assert!(
            matches!(RuleSet::parse(&r), Err(EndpointError::RuleSet(_))),
            "{r}"
        );
    }
    assert!(matches!(
        EndpointResolver::new(&rules(json!({}), json!([])), &json!({"no": 1})),
        Err(EndpointError::Partitions(_))
    ));
}

#[test]
fn the_cache_compiles_once_per_value() {
    let r = Arc::new(rules(
        region_param(),
        json!([ep(json!("https://{Region}"))]),
    ));
    let p = Arc::new(partitions());
    let a = EndpointResolver::cached(&r, &p).unwrap();
    let b2 = EndpointResolver::cached(&r, &p).unwrap();
    assert!(std::ptr::eq(a.rule_set(), b2.rule_set()));
    let out = endpoint_rules::resolve_cached(&r, &p, &params(&[("Region", s("x"))])).unwrap();
    assert_eq!(out.url, "https://x");
}

struct Installed {
    models: awsmodel::Models,
    partitions: Arc<Value>,
}

fn installed() -> Installed {
    let models = awsmodel::Models::locate(None).expect("models");
    let partitions = models.partitions().unwrap();
    Installed { models, partitions }
}

fn s3_params(i: &Installed, op: &str, input: Value, b: &Builtins) -> Params {
    let model = i.models.service("s3api").unwrap();
    let rules = i.models.endpoint_rules("s3api").unwrap().unwrap();
    endpoint_params(&model, &rules, op, input.as_object().unwrap(), b).unwrap()
}

#[test]
fn s3_parameters_follow_the_cli() {
    let i = installed();
    let local = Builtins {
        endpoint: Some("http://127.0.0.1:5000".into()),
        use_fips: true,
        ..Builtins::for_region("eu-west-1")
    };
    let p = s3_params(&i, "HeadBucket", json!({"Bucket": "b1"}), &local);
    assert_eq!(p["ForcePathStyle"], b(true), "custom endpoint → path style");
    assert_eq!(p["UseFIPS"], b(false), "an endpoint turns FIPS off");
    assert_eq!(p["Endpoint"], s("http://127.0.0.1:5000"));
    assert_eq!(p["Bucket"], s("b1"));
    let virt = Builtins {
        s3_addressing_style: S3AddressingStyle::Virtual,
        ..local.clone()
    };
    assert_eq!(
        s3_params(&i, "HeadBucket", json!({"Bucket": "b1"}), &virt)["ForcePathStyle"],
        b(false)
    );
    let plain = Builtins::for_region("us-east-1");
    let p = s3_params(&i, "GetBucketLocation", json!({"Bucket": "b1"}), &plain);
    assert_eq!(p["ForcePathStyle"], b(true));
    assert_eq!(p["UseGlobalEndpoint"], b(true));
    let path = Builtins {
        s3_addressing_style: S3AddressingStyle::Path,
        ..plain.clone()
    };
    let arn = json!({"Bucket": "arn:aws:s3:us-east-1:123456789012:accesspoint/ap", "Key": "k"});
    assert_eq!(
        s3_params(&i, "GetObject", arn, &path)["ForcePathStyle"],
        b(false)
    );
    // The S3 rule set never reads Key, so botocore drops it; the CLI name works too.
    let p = s3_params(
        &i,
        "get-object",
        json!({"Bucket": "b1", "Key": "k"}),
        &plain,
    );
    assert!(!p.contains_key("Key"));
    let p = s3_params(&i, "CreateBucket", json!({"Bucket": "b1"}), &plain);
    assert_eq!(
        p["UseS3ExpressControlEndpoint"],
        b(true),
        "staticContextParams"
    );
    let model = i.models.service("s3api").unwrap();
    let rules = i.models.endpoint_rules("s3api").unwrap().unwrap();
    assert!(matches!(
        endpoint_params(
            &model,
            &rules,
            "NoSuchOperation",
            &Default::default(),
            &plain
        ),
        Err(EndpointError::UnknownOperation(_))
    ));
}

#[test]
fn local_endpoint_for_every_service() {
    // The emulator path: any service with `--endpoint-url` goes to that URL.
    let i = installed();
    let b = Builtins {
        endpoint: Some("http://127.0.0.1:5000".into()),
        ..Builtins::for_region("us-east-1")
    };
    let mut n = 0;
    let mut elsewhere = Vec::new();
    for entry in i.models.services() {
        let Some(rules) = i.models.endpoint_rules(&entry.cli_name).unwrap() else {
            continue;
        };
        let model = i.models.service(&entry.cli_name).unwrap();
        let Some(op) = model.operations.keys().next() else {
            continue;
        };
        let r = EndpointResolver::cached(&rules, &i.partitions).unwrap();
        let p = r.params_for(&model, op, &Default::default(), &b).unwrap();
        match r.resolve(&p) {
            Ok(e) if e.url.starts_with("http://127.0.0.1:5000") => n += 1,
            // A few rule sets route some operations elsewhere whatever the endpoint (as
            // botocore does; the oracle test checks those).
            Ok(e) => elsewhere.push(format!("{} {op}: {}", entry.cli_name, e.url)),
            // Some operations need context the empty input lacks (an S3 Control account).
            Err(e) => assert!(
                matches!(e, EndpointError::Rule(_)),
                "{}: {e}",
                entry.cli_name
            ),
        }
    }
    assert!(elsewhere.len() < 5, "{elsewhere:?}");
    assert!(n > 400, "{n}");
}

/// A small deterministic generator for the mutation test.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn mutate(v: &mut Value, rng: &mut Lcg, depth: usize) {
    let odd = [
        json!(null),
        json!(7),
        json!("{"),
        json!("}{x}"),
        json!("{Region#no#such}"),
        json!({"fn": "getAttr", "argv": [{"ref": "Region"}, "a[9].b"]}),
        json!({"fn": "substring", "argv": [{"ref": "Region"}, 5, 2, true]}),
        json!({"ref": 3}),
        json!([]),
        json!({"fn": "aws.partition", "argv": [true]}),
    ];
    match v {
        Value::Object(o) => {
            let keys: Vec<String> = o.keys().cloned().collect();
            for k in keys {
                if rng.next().is_multiple_of(97) {
                    let pick = odd[(rng.next() as usize) % odd.len()].clone();
                    o.insert(k, pick);
                } else if depth < 40 {
                    mutate(o.get_mut(&k).unwrap(), rng, depth + 1);
                }
            }
        }
        Value::Array(a) => {
            for x in a.iter_mut() {
                if rng.next().is_multiple_of(97) {
                    *x = odd[(rng.next() as usize) % odd.len()].clone();
                } else if depth < 40 {
                    mutate(x, rng, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn no_panic_on_any_rule_set_mutation_or_input() {
    let i = installed();
    let odd_inputs: Vec<Params> = vec![
        Params::new(),
        params(&[("Region", s(""))]),
        params(&[
            ("Region", s("us-east-1")),
            ("UseFIPS", b(true)),
            ("UseDualStack", b(true)),
        ]),
        params(&[
            ("Region", s("\u{0}\u{ffff}é")),
            ("Endpoint", s("http://[::1")),
        ]),
        params(&[
            ("Region", s("cn-north-1")),
            ("Endpoint", s("https://h:99999/p?q")),
        ]),
        params(&[("Region", b(true)), ("UseFIPS", s("x"))]),
        params(&[
            ("Region", s("us-west-2")),
            (
                "Bucket",
                s("arn:aws:s3-outposts:us-west-2:1:outpost:op:accesspoint:a"),
            ),
            (
                "ResourceArnList",
                ParamValue::StringArray(vec!["arn:aws:dynamodb:us-east-1:1:table/t".into()]),
            ),
        ]),
    ];
    let mut rng = Lcg(42);
    let mut runs = 0;
    for (n, entry) in i.models.services().iter().enumerate() {
        let Some(rules) = i.models.endpoint_rules(&entry.cli_name).unwrap() else {
            continue;
        };
        let r = EndpointResolver::cached(&rules, &i.partitions).unwrap();
        for p in &odd_inputs {
            let _ = r.resolve(p);
            runs += 1;
        }
        // Mutate a third of the rule sets (all of them is slow in a debug build).
        if n % 3 == 0 {
            let mut m = (*rules).clone();
            mutate(&mut m, &mut rng, 0);
            if let Ok(r) = EndpointResolver::new(&m, &i.partitions) {
                for p in &odd_inputs {
                    let _ = r.resolve(p);
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 3000, "{runs}");
}

#[test]
fn resolvers_are_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<EndpointResolver>();
    send_sync::<endpoint_rules::ResolvedEndpoint>();
    send_sync::<EndpointError>();
}
