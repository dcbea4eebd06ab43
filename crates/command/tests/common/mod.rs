//! Shared by the tests that compare against the installed AWS CLI.
#![allow(dead_code)]

use std::path::PathBuf;

/// The project's virtualenv (CHATOPS_VENV, else `.venv` above this crate).
pub fn venv() -> PathBuf {
    if let Some(v) = std::env::var_os("CHATOPS_VENV") {
        return PathBuf::from(v);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(".venv"))
        .find(|p| p.join("bin/python").is_file())
        .expect("no .venv found: run scripts/setup.sh first")
}

pub fn venv_python() -> PathBuf {
    venv().join("bin/python")
}

/// The service models the installed AWS CLI itself uses (awscli vendors its own copy of
/// botocore's data, which can lag or lead the botocore package). Comparisons with the CLI
/// use these, so both sides read the same models.
pub fn awscli_models_dir() -> PathBuf {
    let lib = venv().join("lib");
    std::fs::read_dir(&lib)
        .expect("venv lib")
        .flatten()
        .map(|e| e.path().join("site-packages/awscli/botocore/data"))
        .find(|p| p.join("partitions.json").is_file())
        .unwrap_or_else(|| {
            // Older awscli releases use the botocore package's models.
            std::fs::read_dir(&lib)
                .unwrap()
                .flatten()
                .map(|e| e.path().join("site-packages/botocore/data"))
                .find(|p| p.is_dir())
                .expect("botocore data in the venv")
        })
}

/// The catalog over the AWS CLI's own models.
pub fn awscli_catalog() -> command::Catalog {
    command::Catalog::open(Some(&awscli_models_dir())).expect("models")
}
