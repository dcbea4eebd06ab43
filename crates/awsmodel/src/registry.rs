//! The catalogue of services and the lazy, shared cache of loaded models.

use crate::bundle::{self, Bundle};
use crate::docs::ServiceDocs;
use crate::locate::LocateError;
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
    #[error("{0}")]
    Bundle(String),
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
    source: Source,
    services: Vec<ServiceEntry>,
    index: HashMap<String, usize>,
    cells: Vec<OnceLock<Arc<ServiceModel>>>,
    load_locks: Vec<Mutex<()>>,
    rules: Vec<OnceLock<Option<Arc<serde_json::Value>>>>,
    partitions: OnceLock<Arc<serde_json::Value>>,
    docs: Vec<OnceLock<Arc<ServiceDocs>>>,
}

/// Where the model files are read from.
#[derive(Debug, Clone)]
enum Source {
    /// A botocore `data/` folder (a newer botocore chosen by the operator).
    Dir(PathBuf),
    /// The bundle compiled into the binary.
    Bundle(&'static Bundle),
}

impl Source {
    /// The newest API version folder of a service that has a `service-2.json`.
    fn newest_version(&self, model_name: &str) -> Option<String> {
        match self {
            Source::Dir(dir) => newest_version_dir(&dir.join(model_name))
                .and_then(|p| p.file_name().map(|s| s.to_string_lossy().into_owned())),
            Source::Bundle(b) => b
                .services()
                .binary_search_by(|(s, _)| (*s).cmp(model_name))
                .ok()
                .map(|i| b.services()[i].1.to_string()),
        }
    }

    /// `name.json` (or `.json.gz`) of a service's API version folder, or of the top folder
    /// when `at` is empty.
    fn read(&self, at: &str, name: &str) -> Result<Option<Vec<u8>>, ModelError> {
        match self {
            Source::Dir(dir) => read_json_file(&dir.join(at), name),
            Source::Bundle(b) => {
                let entry = if at.is_empty() {
                    format!("botocore/{name}.json")
                } else {
                    format!("botocore/{at}/{name}.json")
                };
                b.read(&entry)
                    .map_err(|e| ModelError::Bundle(e.to_string()))
            }
        }
    }

    /// How a file is named in messages.
    fn path(&self, at: &str, name: &str) -> String {
        match self {
            Source::Dir(dir) => dir.join(at).join(name).display().to_string(),
            Source::Bundle(_) => format!("embedded botocore/{at}/{name}"),
        }
    }
}

impl std::fmt::Debug for Models {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Models")
            .field("source", &self.source)
            .field("services", &self.services.len())
            .finish()
    }
}

impl Models {
    /// Lists the services of a botocore `data/` folder without loading any of them.
    pub fn open(dir: &Path) -> Result<Models, ModelError> {
        let rd = std::fs::read_dir(dir).map_err(|source| ModelError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut names = Vec::new();
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') {
                continue;
            }
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                names.push(name);
            }
        }
        Ok(Models::with(Source::Dir(dir.to_path_buf()), names))
    }

    /// The models compiled into this binary (botocore at the pinned version).
    pub fn embedded() -> Result<Models, ModelError> {
        let b = bundle::embedded().map_err(|e| ModelError::Bundle(e.to_string()))?;
        let names = b.services().iter().map(|(s, _)| s.to_string()).collect();
        Ok(Models::with(Source::Bundle(b), names))
    }

    /// The models an operator chose, else the embedded ones: `explicit` (a flag or a
    /// configuration key), then `CHATOPS_MODELS_DIR`. A chosen folder that is not a
    /// botocore `data/` folder is an error, never a silent fallback.
    pub fn locate(explicit: Option<&Path>) -> Result<Models, LocateError> {
        match crate::locate::chosen_models_dir(explicit)? {
            Some(dir) => Models::open(&dir).map_err(|e| LocateError::Unreadable(e.to_string())),
            None => Models::embedded().map_err(|e| LocateError::Unreadable(e.to_string())),
        }
    }

    fn with(source: Source, names: Vec<String>) -> Models {
        let mut services: Vec<ServiceEntry> = names
            .into_iter()
            .map(|name| ServiceEntry {
                cli_name: cli_name_for_service(&name).to_string(),
                model_name: name,
            })
            .collect();
        services.sort_by(|a, b| a.cli_name.cmp(&b.cli_name));
        let mut index = HashMap::with_capacity(services.len() * 2);
        for (i, s) in services.iter().enumerate() {
            index.insert(s.cli_name.clone(), i);
        }
        let n = services.len();
        Models {
            source,
            services,
            index,
            cells: (0..n).map(|_| OnceLock::new()).collect(),
            rules: (0..n).map(|_| OnceLock::new()).collect(),
            docs: (0..n).map(|_| OnceLock::new()).collect(),
            partitions: OnceLock::new(),
            load_locks: (0..n).map(|_| Mutex::new(())).collect(),
        }
    }

    /// Where the models come from and which botocore they are, for `config check` and
    /// error reports.
    pub fn describe(&self) -> String {
        match &self.source {
            Source::Bundle(b) => format!(
                "botocore {} (embedded)",
                b.version("botocore").unwrap_or("?")
            ),
            Source::Dir(dir) => {
                let version = std::fs::read_to_string(dir.join("../__init__.py"))
                    .ok()
                    .and_then(|src| {
                        src.lines()
                            .find_map(|l| l.strip_prefix("__version__ = "))
                            .map(|v| v.trim().trim_matches(['\'', '"']).to_string())
                    })
                    .unwrap_or_else(|| "version unknown".into());
                format!("botocore {version} from {}", dir.display())
            }
        }
    }

    /// The models folder in use; `None` for the embedded models.
    pub fn dir(&self) -> Option<&Path> {
        match &self.source {
            Source::Dir(d) => Some(d),
            Source::Bundle(_) => None,
        }
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
        let model = Arc::new(load_service(&self.source, &self.services[i].model_name)?);
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
        let model_name = &self.services[i].model_name;
        let loaded = match self.source.newest_version(model_name) {
            Some(v) => {
                let at = format!("{model_name}/{v}");
                match self.source.read(&at, "endpoint-rule-set-1")? {
                    Some(bytes) => Some(Arc::new(serde_json::from_slice(&bytes).map_err(|e| {
                        ModelError::Invalid {
                            path: self.source.path(&at, "endpoint-rule-set-1.json"),
                            message: e.to_string(),
                        }
                    })?)),
                    None => None,
                }
            }
            None => None,
        };
        Ok(self.rules[i].get_or_init(|| loaded).clone())
    }

    /// botocore's `partitions.json` (regions, DNS suffixes, FIPS and dual-stack support).
    pub fn partitions(&self) -> Result<Arc<serde_json::Value>, ModelError> {
        if let Some(p) = self.partitions.get() {
            return Ok(p.clone());
        }
        let bytes = self
            .source
            .read("", "partitions")?
            .ok_or_else(|| ModelError::Io {
                path: self.source.path("", "partitions.json"),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            })?;
        let v: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ModelError::Invalid {
                path: self.source.path("", "partitions.json"),
                message: e.to_string(),
            })?;
        Ok(self.partitions.get_or_init(|| Arc::new(v)).clone())
    }

    /// A service's documentation (kept apart from the model, read when help or a prompt
    /// needs it).
    pub fn docs(&self, name: &str) -> Result<Arc<ServiceDocs>, ModelError> {
        let i = self
            .position(name)
            .ok_or_else(|| ModelError::UnknownService(name.to_string()))?;
        if let Some(d) = self.docs[i].get() {
            return Ok(d.clone());
        }
        let model_name = &self.services[i].model_name;
        let version =
            self.source
                .newest_version(model_name)
                .ok_or_else(|| ModelError::NoVersion {
                    service: model_name.clone(),
                    path: self.source.path(model_name, ""),
                })?;
        let at = format!("{model_name}/{version}");
        // The bundle keeps documentation in its own file; a botocore folder has it inside
        // the model, where the same reader picks it out.
        let (bytes, file) = match self.source.read(&at, "service-2.docs")? {
            Some(b) => (b, "service-2.docs.json"),
            None => (
                self.source
                    .read(&at, "service-2")?
                    .ok_or_else(|| ModelError::NoVersion {
                        service: model_name.clone(),
                        path: self.source.path(&at, ""),
                    })?,
                "service-2.json",
            ),
        };
        let docs: ServiceDocs =
            serde_json::from_slice(&bytes).map_err(|e| ModelError::Invalid {
                path: self.source.path(&at, file),
                message: e.to_string(),
            })?;
        Ok(self.docs[i].get_or_init(|| Arc::new(docs)).clone())
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

fn load_service(source: &Source, model_name: &str) -> Result<ServiceModel, ModelError> {
    let version = source
        .newest_version(model_name)
        .ok_or_else(|| ModelError::NoVersion {
            service: model_name.to_string(),
            path: source.path(model_name, ""),
        })?;
    let at = format!("{model_name}/{version}");
    let invalid = |file: &str, e: serde_json::Error| ModelError::Invalid {
        path: source.path(&at, file),
        message: e.to_string(),
    };
    let bytes = source
        .read(&at, "service-2")?
        .ok_or_else(|| ModelError::NoVersion {
            service: model_name.to_string(),
            path: source.path(&at, ""),
        })?;
    let mut model: ServiceModel = match source.read(&at, "service-2.sdk-extras")? {
        // botocore merges these extra members (such as RDS's SourceRegion) into the model.
        Some(extras) => {
            let mut base: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| invalid("service-2.json", e))?;
            let extras: serde_json::Value = serde_json::from_slice(&extras)
                .map_err(|e| invalid("service-2.sdk-extras.json", e))?;
            if let Some(merge) = extras.get("merge") {
                deep_merge(&mut base, merge);
            }
            serde_json::from_value(base).map_err(|e| invalid("service-2.json", e))?
        }
        None => serde_json::from_slice(&bytes).map_err(|e| invalid("service-2.json", e))?,
    };
    if let Some(pbytes) = source.read(&at, "paginators-1")? {
        #[derive(serde::Deserialize)]
        struct PagFile {
            #[serde(default)]
            pagination: HashMap<String, Paginator>,
        }
        let mut raw: serde_json::Value =
            serde_json::from_slice(&pbytes).map_err(|e| invalid("paginators-1.json", e))?;
        // botocore merges extra paginator keys (non_aggregate_keys) from an sdk-extras file.
        if let Some(extra) = source.read(&at, "paginators-1.sdk-extras")? {
            let extra: serde_json::Value = serde_json::from_slice(&extra)
                .map_err(|e| invalid("paginators-1.sdk-extras.json", e))?;
            if let Some(merge) = extra.get("merge") {
                deep_merge(&mut raw, merge);
            }
        }
        let pf: PagFile =
            serde_json::from_value(raw).map_err(|e| invalid("paginators-1.json", e))?;
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
    model.api_version_dir = version;
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
