//! The Teams app package as the tools that will read it see it: Python's `zipfile` and
//! `unzip -t` open it, it holds exactly the three files, and its manifest passes Microsoft's
//! own v1.17 schema (the `@microsoft/app-manifest` npm package, pinned in
//! tests/manifest-schema, installed by scripts/setup.sh; a test tool only).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use teams::manifest::{app_package, AppDetails, PACKAGE_FILES};

const ID: &str = "8f0c2a4e-5b1d-4c3e-9a7f-0123456789ab";

/// Writes the package of `app` to a file of its own under the target's temporary folder.
fn written(app: &AppDetails, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("teams-package");
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let path = dir.join(name);
    std::fs::write(&path, app_package(app).expect("a valid app")).expect("written");
    path
}

fn app() -> AppDetails {
    AppDetails::new(ID).with_domain("chatops.example.com")
}

#[test]
fn python_zipfile_reads_exactly_the_three_files_back() {
    let path = written(&app(), "python.zip");
    let script = r#"
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({
    "bad": z.testzip(),
    "names": z.namelist(),
    "methods": [i.compress_type for i in z.infolist()],
    "manifest": json.loads(z.read("manifest.json")),
    "png": [z.read(n)[:8].hex() for n in ("color.png", "outline.png")],
}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(seen["bad"], Value::Null, "every CRC matches");
    assert_eq!(seen["names"], serde_json::json!(PACKAGE_FILES));
    assert_eq!(seen["methods"], serde_json::json!([0, 0, 0]), "stored");
    assert_eq!(seen["manifest"]["id"], ID);
    assert_eq!(seen["manifest"]["icons"]["color"], "color.png");
    for magic in seen["png"].as_array().expect("two") {
        assert_eq!(magic, "89504e470d0a1a0a", "a PNG signature");
    }
}

#[test]
fn unzip_tests_the_archive_without_errors() {
    let path = written(&app(), "unzip.zip");
    let out = Command::new("unzip")
        .arg("-t")
        .arg(&path)
        .output()
        .expect("unzip runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in PACKAGE_FILES {
        assert!(text.contains(&format!("testing: {name}")), "{text}");
    }
    assert!(text.contains("No errors detected"), "{text}");
}

#[test]
fn the_same_details_give_the_same_bytes() {
    assert_eq!(app_package(&app()), app_package(&app()));
}

#[test]
fn the_manifest_passes_microsofts_schema() {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manifest-schema");
    assert!(
        tool.join("node_modules/@microsoft/app-manifest").is_dir(),
        "the schema validator is not installed: run scripts/setup.sh (npm ci in {})",
        tool.display()
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("teams-package");
    std::fs::create_dir_all(&dir).expect("temporary folder");
    // The defaults with one domain, and every field at Teams' limits.
    let mut full = app().with_domain("*.example.org");
    full.short_name = "n".repeat(30);
    full.full_name = "f".repeat(100);
    full.short_description = "s".repeat(80);
    full.full_description = "d".repeat(4000);
    full.developer.name = "v".repeat(32);
    full.version = "10.20.30".into();
    let mut files = Vec::new();
    for (name, details) in [("defaults.json", app()), ("limits.json", full)] {
        let manifest = teams::manifest::manifest_json(&details).expect("valid");
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(&manifest).expect("JSON"))
            .expect("written");
        files.push(path);
    }
    // What Teams would refuse, to show the validator is awake: no bots' botId GUID.
    let mut broken = teams::manifest::manifest_json(&app()).expect("valid");
    broken["bots"][0]["botId"] = Value::from("not-a-guid");
    broken["accentColor"] = Value::from("orange");
    let broken_path = dir.join("broken.json");
    std::fs::write(&broken_path, broken.to_string()).expect("written");

    let run = |paths: &[PathBuf]| {
        let out = Command::new("node")
            .arg(tool.join("validate.mjs"))
            .args(paths)
            .output()
            .expect("node runs");
        let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        (
            out.status.success(),
            lines,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, lines, stderr) = run(&files);
    assert_eq!(lines.len(), 2, "{stderr}");
    for line in &lines {
        assert_eq!(line["errors"], serde_json::json!([]), "{line}");
    }
    assert!(ok, "{stderr}");

    let (ok, lines, _) = run(&[broken_path]);
    assert!(!ok);
    let errors = lines[0]["errors"].to_string();
    assert!(errors.contains("/bots/0/botId"), "{errors}");
    assert!(errors.contains("/accentColor"), "{errors}");
}
