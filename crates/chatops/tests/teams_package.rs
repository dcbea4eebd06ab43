//! `chatops teams package` and `chatops config check` on a Teams workspace, as users run them.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ID: &str = "8f0c2a4e-5b1d-4c3e-9a7f-0123456789ab";

fn chatops(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chatops"))
        .args(args)
        .output()
        .expect("chatops runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A folder of this test's own under the target's temporary folder, emptied.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

/// The archive's file names and its manifest, read back by Python's zipfile.
fn read_back(zip: &Path) -> (Vec<String>, Value) {
    let script = "import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps([z.namelist(), json.loads(z.read('manifest.json'))]))";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let [names, manifest]: [Value; 2] = serde_json::from_slice(&out.stdout).expect("JSON pair");
    let names = names
        .as_array()
        .expect("names")
        .iter()
        .map(|n| n.as_str().expect("a name").to_string())
        .collect();
    (names, manifest)
}

#[test]
fn package_writes_the_app_package_from_the_arguments() {
    let dir = folder("teams-package-cli");
    let out_path = dir.join("aws-chatops-teams.zip");
    let out = chatops(&[
        "teams",
        "package",
        "--app-id",
        ID,
        "--name",
        "aws-ops",
        "--domain",
        "chatops.example.com",
        "--app-version",
        "1.2.3",
        "--out",
        out_path.to_str().expect("utf-8 path"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("aws-chatops-teams.zip"), "{said}");
    assert!(said.contains(ID), "{said}");

    let (names, manifest) = read_back(&out_path);
    assert_eq!(names, ["manifest.json", "color.png", "outline.png"]);
    assert_eq!(manifest["id"], ID);
    assert_eq!(manifest["bots"][0]["botId"], ID);
    assert_eq!(manifest["name"]["short"], "aws-ops");
    assert_eq!(manifest["version"], "1.2.3");
    assert_eq!(
        manifest["validDomains"],
        serde_json::json!(["chatops.example.com"])
    );
    assert_eq!(
        manifest["developer"]["privacyUrl"],
        "https://chatops.example.com/"
    );
}

#[test]
fn package_refuses_what_teams_would_with_the_reason_and_writes_nothing() {
    let dir = folder("teams-package-cli-refused");
    let out_path = dir.join("p.zip");
    let out_s = out_path.to_str().expect("utf-8 path");
    let cases: [(&[&str], &str); 3] = [
        (
            &["--app-id", "my-bot", "--domain", "chatops.example.com"],
            "`my-bot` is not an app id",
        ),
        (&["--app-id", ID], "give --domain HOST"),
        (
            &["--app-id", ID, "--domain", "https://chatops.example.com"],
            "without https://",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["teams", "package", "--out", out_s];
        all.extend_from_slice(args);
        let out = chatops(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!out_path.exists(), "nothing written for {args:?}");
    }
}

#[test]
fn config_check_shows_a_teams_workspace_and_its_channels() {
    let dir = folder("teams-config-check");
    let file = dir.join("chatops.toml");
    std::fs::write(
        &file,
        r#"
[[workspaces]]
name = "contoso"
platform = "teams"
tenant_id = "72F988BF-86F1-41AF-91AB-2D7CD011DB47"

[[accounts]]
name = "prod"
id = "123456789012"

[[roles]]
name = "readonly"
policies = ["ReadOnly"]

[[channels]]
name = "teams-ops"
workspace = "contoso"
platform_id = "19:0a1b2c3d@thread.tacv2"
accounts = ["prod"]
role_setting = "channel"
channel_role = "readonly"
"#,
    )
    .expect("written");
    let out = chatops(&["config", "check", file.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains(
            "workspace \"contoso\" (teams, tenant 72f988bf-86f1-41af-91ab-2d7cd011db47): 1 channel: teams-ops"
        ),
        "{said}"
    );

    // The message link's id is refused with the part to keep.
    let linked = std::fs::read_to_string(&file)
        .expect("read")
        .replace("@thread.tacv2\"", "@thread.tacv2;messageid=1712345678901\"");
    std::fs::write(&file, &linked).expect("written");
    let line = linked
        .lines()
        .position(|l| l.starts_with("platform_id"))
        .expect("the line")
        + 1;
    let out = chatops(&["config", "check", file.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("chatops.toml:{line}:")),
        "names the line: {err}"
    );
    assert!(err.contains("channels[0].platform_id"), "{err}");
    assert!(err.contains("use the part before `;messageid=`"), "{err}");
}
