//! The catalogue of services and the lazy, shared cache of loaded models.

use crate::names::{cli_name_for_service, model_name_for_cli, xform_name};
use crate::shape::{Paginator, ServiceModel};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Errors reading the model files.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read the models folder {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("unknown service '{0}'")]
    UnknownService(String),
    #[error("the service '{service}' has no API version folder with a service-2.json in {path}")]
    NoVersion { service: String, path: String },
    #[error("the model file {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

/// One service in the catalogue.
#[derive(Debug, Clone)]
pub struct ServiceEntry {
    /// The name users type (`s3api`).
    pub cli_name: String,
    /// botocore's folder name (`s3`).
    pub model_name: String,
}

/// All services of one botocore `data/` folder; models load on first use and are shared.
pub struct Models {
    dir: PathBuf,
    services: Vec<ServiceEntry>,
    index: HashMap<String, usize>,
    cells: Vec<OnceLock<Arc<ServiceModel>>>,
    load_locks: Vec<Mutex<()>>,
    rules: Vec<OnceLock<Option<Arc<serde_json::Value>>>>,
    partitions: OnceLock<Arc<serde_json::Value>>,
}

impl std::fmt::Debug for Models {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Models")
            .field("dir", &self.dir)
            .field("services", &self.services.len())
            .finish()
    }
}

impl Models {
    /// Lists the services of a models folder without loading any of them.
    pub fn open(dir: &Path) -> Result<Models, ModelError> {
        let rd = std::fs::read_dir(dir).map_err(|source| ModelError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut services = Vec::new();
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') {
                continue;
            }
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                services.push(ServiceEntry {
                    cli_name: cli_name_for_service(&name).to_string(),
                    model_name: name,
                });
            }
        }
        services.sort_by(|a, b| a.cli_name.cmp(&b.cli_name));
        let mut index = HashMap::with_capacity(services.len() * 2);
        for (i, s) in services.iter().enumerate() {
            index.insert(s.cli_name.clone(), i);
        }
        let n = services.len();
        Ok(Models {
            dir: dir.to_path_buf(),
            services,
            index,
            cells: (0..n).map(|_| OnceLock::new()).collect(),
            rules: (0..n).map(|_| OnceLock::new()).collect(),
            partitions: OnceLock::new(),
            load_locks: (0..n).map(|_| Mutex::new(())).collect(),
        })
    }

    /// The models folder in use.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every service, sorted by CLI name.
    pub fn services(&self) -> &[ServiceEntry] {
        &self.services
    }

    /// The catalogue entry for a CLI name (or the model's own folder name).
    pub fn entry(&self, name: &str) -> Option<&ServiceEntry> {
        self.position(name).map(|i| &self.services[i])
    }

    fn position(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.index.get(name) {
            return Some(*i);
        }
        let model = model_name_for_cli(name);
        self.services.iter().position(|s| s.model_name == model)
    }

    /// The model of a service, loading it on first use. Safe to call from many threads:
    /// each model is read once.
    pub fn service(&self, name: &str) -> Result<Arc<ServiceModel>, ModelError> {
        let i = self
            .position(name)
            .ok_or_else(|| ModelError::UnknownService(name.to_string()))?;
        if let Some(m) = self.cells[i].get() {
            return Ok(m.clone());
        }
        let _guard = self.load_locks[i].lock().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = self.cells[i].get() {
            return Ok(m.clone());
        }
        let model = Arc::new(load_service(
            &self.dir.join(&self.services[i].model_name),
            &self.services[i].model_name,
        )?);
        let _ = self.cells[i].set(model.clone());
        Ok(model)
    }

    /// A service's endpoint rule set (`endpoint-rule-set-1.json`, newest API version), read
    /// once; `None` when the service has none.
    pub fn endpoint_rules(&self, name: &str) -> Result<Option<Arc<serde_json::Value>>, ModelError> {
        let i = self
            .position(name)
            .ok_or_else(|| ModelError::UnknownService(name.to_string()))?;
        if let Some(r) = self.rules[i].get() {
            return Ok(r.clone());
        }
        let dir = self.dir.join(&self.services[i].model_name);
        let loaded = match newest_version_dir(&dir) {
            Some(vdir) => match read_json_file(&vdir, "endpoint-rule-set-1")? {
                Some(bytes) => Some(Arc::new(serde_json::from_slice(&bytes).map_err(|e| {
                    ModelError::Invalid {
                        path: vdir.join("endpoint-rule-set-1.json").display().to_string(),
                        message: e.to_string(),
                    }
                })?)),
                None => None,
            },
            None => None,
        };
        Ok(self.rules[i].get_or_init(|| loaded).clone())
    }

    /// botocore's `partitions.json` (regions, DNS suffixes, FIPS and dual-stack support).
    pub fn partitions(&self) -> Result<Arc<serde_json::Value>, ModelError> {
        if let Some(p) = self.partitions.get() {
            return Ok(p.clone());
        }
        let bytes = read_json_file(&self.dir, "partitions")?.ok_or_else(|| ModelError::Io {
            path: self.dir.join("partitions.json").display().to_string(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        })?;
        let v: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ModelError::Invalid {
                path: self.dir.join("partitions.json").display().to_string(),
                message: e.to_string(),
            })?;
        Ok(self.partitions.get_or_init(|| Arc::new(v)).clone())
    }

    /// Models already loaded, for memory accounting.
    pub fn loaded_count(&self) -> usize {
        self.cells.iter().filter(|c| c.get().is_some()).count()
    }
}

fn newest_version_dir(service_dir: &Path) -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir(service_dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("service-2.json").is_file() || p.join("service-2.json.gz").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

/// Reads `name.json` or `name.json.gz` from a folder, if either is there.
pub(crate) fn read_json_file(dir: &Path, name: &str) -> Result<Option<Vec<u8>>, ModelError> {
    let plain = dir.join(format!("{name}.json"));
    let io = |p: &Path, source| ModelError::Io {
        path: p.display().to_string(),
        source,
    };
    if plain.is_file() {
        return std::fs::read(&plain).map(Some).map_err(|e| io(&plain, e));
    }
    let gz = dir.join(format!("{name}.json.gz"));
    if gz.is_file() {
        let raw = std::fs::read(&gz).map_err(|e| io(&gz, e))?;
        let mut out = Vec::with_capacity(raw.len() * 8);
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| io(&gz, e))?;
        return Ok(Some(out));
    }
    Ok(None)
}

fn load_service(service_dir: &Path, model_name: &str) -> Result<ServiceModel, ModelError> {
    let vdir = newest_version_dir(service_dir).ok_or_else(|| ModelError::NoVersion {
        service: model_name.to_string(),
        path: service_dir.display().to_string(),
    })?;
    let invalid = |p: &Path, e: serde_json::Error| ModelError::Invalid {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let bytes = read_json_file(&vdir, "service-2")?.ok_or_else(|| ModelError::NoVersion {
        service: model_name.to_string(),
        path: vdir.display().to_string(),
    })?;
    let service_path = vdir.join("service-2.json");
    let mut model: ServiceModel = match read_json_file(&vdir, "service-2.sdk-extras")? {
        // botocore merges these extra members (such as RDS's SourceRegion) into the model.
        Some(extras) => {
            let mut base: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| invalid(&service_path, e))?;
            let extras: serde_json::Value = serde_json::from_slice(&extras)
                .map_err(|e| invalid(&vdir.join("service-2.sdk-extras.json"), e))?;
            if let Some(merge) = extras.get("merge") {
                deep_merge(&mut base, merge);
            }
            serde_json::from_value(base).map_err(|e| invalid(&service_path, e))?
        }
        None => serde_json::from_slice(&bytes).map_err(|e| invalid(&service_path, e))?,
    };
    if let Some(pbytes) = read_json_file(&vdir, "paginators-1")? {
        #[derive(serde::Deserialize)]
        struct PagFile {
            #[serde(default)]
            pagination: HashMap<String, Paginator>,
        }
        let mut raw: serde_json::Value = serde_json::from_slice(&pbytes)
            .map_err(|e| invalid(&vdir.join("paginators-1.json"), e))?;
        // botocore merges extra paginator keys (non_aggregate_keys) from an sdk-extras file.
        if let Some(extra) = read_json_file(&vdir, "paginators-1.sdk-extras")? {
            let extra: serde_json::Value = serde_json::from_slice(&extra)
                .map_err(|e| invalid(&vdir.join("paginators-1.sdk-extras.json"), e))?;
            if let Some(merge) = extra.get("merge") {
                deep_merge(&mut raw, merge);
            }
        }
        let pf: PagFile =
            serde_json::from_value(raw).map_err(|e| invalid(&vdir.join("paginators-1.json"), e))?;
        model.paginators = pf.pagination;
    }
    // botocore names an operation by its key; the `name` inside can differ (CloudFront's
    // `AssociateAlias` is sent as `AssociateAlias2020_05_31`) and is kept as the wire name.
    for (key, op) in model.operations.iter_mut() {
        op.wire_name = std::mem::replace(&mut op.name, key.clone());
    }
    model.cli_operations = model
        .operations
        .keys()
        .map(|k| (xform_name(k), k.clone()))
        .collect();
    model.model_name = model_name.to_string();
    model.api_version_dir = vdir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(model)
}

/// Merges `extra` into `base`: objects key by key, anything else replaced.
fn deep_merge(base: &mut serde_json::Value, extra: &serde_json::Value) {
    match (base, extra) {
        (serde_json::Value::Object(b), serde_json::Value::Object(e)) => {
            for (k, v) in e {
                match b.get_mut(k) {
                    Some(existing) => deep_merge(existing, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, e) => *b = e.clone(),
    }
}
