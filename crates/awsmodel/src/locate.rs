//! Finding botocore's `data/` folder on this machine.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why no model folder could be found; lists every place that was tried.
#[derive(Debug, thiserror::Error)]
#[error("botocore's service models were not found; tried: {}. Run scripts/setup.sh, or set CHATOPS_MODELS_DIR to botocore's data folder", tried.join(", "))]
pub struct LocateError {
    pub tried: Vec<String>,
}

fn is_models_dir(p: &Path) -> bool {
    p.join("partitions.json").is_file() || p.join("sdk-default-configuration.json").is_file()
}

/// Finds the models folder: an explicit path (config key), then `CHATOPS_MODELS_DIR`, then
/// the project's `.venv` (searched upward from the current directory and from the
/// executable's folder), then the system python's botocore.
pub fn find_models_dir(explicit: Option<&Path>) -> Result<PathBuf, LocateError> {
    let mut tried = Vec::new();
    if let Some(p) = explicit {
        if is_models_dir(p) {
            return Ok(p.to_path_buf());
        }
        tried.push(format!("configured {}", p.display()));
    }
    if let Some(p) = std::env::var_os("CHATOPS_MODELS_DIR") {
        let p = PathBuf::from(p);
        if is_models_dir(&p) {
            return Ok(p);
        }
        tried.push(format!("CHATOPS_MODELS_DIR={}", p.display()));
    }
    let mut starts: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        starts.push(cwd);
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            starts.push(dir.to_path_buf());
        }
    }
    starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    for start in &starts {
        for dir in start.ancestors() {
            let venv = dir.join(".venv");
            if venv.is_dir() {
                if let Some(found) = botocore_in_venv(&venv) {
                    return Ok(found);
                }
                tried.push(format!("{}", venv.display()));
            }
        }
    }
    if let Some(found) = botocore_from_python() {
        return Ok(found);
    }
    tried.push("python3 -c 'import botocore'".into());
    Err(LocateError { tried })
}

fn botocore_in_venv(venv: &Path) -> Option<PathBuf> {
    let lib = venv.join("lib");
    let entries = std::fs::read_dir(&lib).ok()?;
    for e in entries.flatten() {
        let cand = e.path().join("site-packages/botocore/data");
        if is_models_dir(&cand) {
            return Some(cand);
        }
    }
    None
}

fn botocore_from_python() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, botocore; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    is_models_dir(&p).then_some(p)
}
