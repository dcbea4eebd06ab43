//! Which models to use: the embedded ones unless the operator points at a botocore folder.

use std::path::{Path, PathBuf};

/// Why the chosen models cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LocateError {
    #[error("{origin} is {path}, which is not botocore's data folder (it has no partitions.json); point it at site-packages/botocore/data of a botocore installation, or unset it to use the embedded models")]
    NotModels { origin: String, path: PathBuf },
    #[error("{0}")]
    Unreadable(String),
}

fn is_models_dir(p: &Path) -> bool {
    p.join("partitions.json").is_file()
}

/// The folder the operator chose: `explicit` (`--models-dir`, a configuration key), then
/// `CHATOPS_MODELS_DIR`; `None` means the embedded models. Nothing is guessed from the
/// machine (no Python, no `.venv`): the binary behaves the same in every directory.
pub fn chosen_models_dir(explicit: Option<&Path>) -> Result<Option<PathBuf>, LocateError> {
    let chosen = match (explicit, std::env::var_os("CHATOPS_MODELS_DIR")) {
        (Some(p), _) => Some(("--models-dir".to_string(), p.to_path_buf())),
        (None, Some(v)) if !v.is_empty() => {
            Some(("CHATOPS_MODELS_DIR".to_string(), PathBuf::from(v)))
        }
        _ => None,
    };
    match chosen {
        None => Ok(None),
        Some((_, path)) if is_models_dir(&path) => Ok(Some(path)),
        Some((origin, path)) => Err(LocateError::NotModels { origin, path }),
    }
}
