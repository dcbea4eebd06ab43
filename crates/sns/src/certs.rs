//! Where the key that checks a signature comes from: one certificate the operator trusts
//! (nothing fetched), or SNS's own certificate fetched from the message's `SigningCertURL`
//! (only URLs [`crate::check_cert_url`] allows; HTTPS only, no redirects, small and quick,
//! cached by URL).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use thiserror::Error;

use crate::cert_url::check_cert_url;
use crate::der::{rsa_public_key_from_certificate, DerError, RsaPublicKey};
use crate::verify::VerifyError;

/// The environment variable naming one PEM certificate to verify every message against
/// (nothing is then fetched). For air-gapped installs, and for tests with `sns::testing`.
pub const TRUSTED_CERT_ENV: &str = "CHATOPS_SNS_TRUSTED_CERT";

/// How long a certificate fetch may take in all.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest certificate body read (SNS's are under 2 KiB).
pub const MAX_CERT_BYTES: usize = 64 * 1024;
/// How many fetched keys are kept (SNS uses one certificate per region at a time).
pub const CACHE_ENTRIES: usize = 32;

const PEM_BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const PEM_END: &str = "-----END CERTIFICATE-----";

/// Why a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CertError {
    /// No `-----BEGIN CERTIFICATE-----` line.
    #[error("no \"{PEM_BEGIN}\" block found: expected a PEM certificate")]
    NoPemBlock,
    /// The block is not closed.
    #[error("the certificate block has no \"{PEM_END}\" line")]
    UnterminatedPem,
    /// The block's body is not base64.
    #[error("the certificate block is not base64: {0}")]
    PemBase64(String),
    /// The DER inside is not an X.509 certificate with a usable RSA key.
    #[error(transparent)]
    Der(#[from] DerError),
    /// The trusted certificate file could not be read.
    #[error("cannot read {TRUSTED_CERT_ENV}={path}: {reason}")]
    ReadFile {
        /// The path given.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The trusted certificate file was read but is not a usable certificate.
    #[error("{TRUSTED_CERT_ENV}={path}: {source}")]
    BadFile {
        /// The path given.
        path: PathBuf,
        /// What is wrong with its content.
        source: Box<CertError>,
    },
    /// The HTTPS client could not be built (TLS backend).
    #[error("cannot build the HTTPS client for certificates: {0}")]
    Client(String),
}

/// Why a certificate could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    /// The server answered with something other than 200 (redirects are not followed).
    #[error("HTTP status {status}{}", if (300..400).contains(status) { " (redirects are not followed)" } else { "" })]
    Status {
        /// The status code.
        status: u16,
    },
    /// The body is larger than [`MAX_CERT_BYTES`].
    #[error("the body is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// Connection, TLS, timeout or read failure.
    #[error("{0}")]
    Transport(String),
}

/// Reads the first `-----BEGIN CERTIFICATE-----` block of PEM text and returns its DER.
pub fn pem_certificate_der(pem: &[u8]) -> Result<Vec<u8>, CertError> {
    let start = find(pem, PEM_BEGIN.as_bytes()).ok_or(CertError::NoPemBlock)?;
    let body_start = start + PEM_BEGIN.len();
    let rest = pem.get(body_start..).ok_or(CertError::UnterminatedPem)?;
    let end = find(rest, PEM_END.as_bytes()).ok_or(CertError::UnterminatedPem)?;
    let body: Vec<u8> = rest
        .get(..end)
        .ok_or(CertError::UnterminatedPem)?
        .iter()
        .copied()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(&body)
        .map_err(|e| CertError::PemBase64(e.to_string()))
}

/// The RSA public key of the first certificate in PEM text.
pub fn rsa_key_from_pem(pem: &[u8]) -> Result<RsaPublicKey, CertError> {
    let der = pem_certificate_der(pem)?;
    Ok(rsa_public_key_from_certificate(&der)?)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A boxed future, so fetchers can be swapped behind a trait object.
pub type FetchFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, FetchError>> + Send + 'a>>;

/// Gets a certificate's bytes from a URL. [`HttpFetcher`] is the real one; tests put in
/// their own to count and control fetches. It is only ever called with URLs that passed
/// [`check_cert_url`].
pub trait CertFetcher: Send + Sync {
    /// GETs `url` and returns its body.
    fn fetch<'a>(&'a self, url: &'a str) -> FetchFuture<'a>;
}

/// Fetches over HTTPS with `reqwest` and rustls: GET only, [`FETCH_TIMEOUT`], no redirects
/// followed, at most [`MAX_CERT_BYTES`] read, status 200 only.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    max_bytes: usize,
}

impl HttpFetcher {
    /// The production fetcher.
    pub fn new() -> Result<HttpFetcher, CertError> {
        Self::build(true, FETCH_TIMEOUT, MAX_CERT_BYTES)
    }

    fn build(
        https_only: bool,
        timeout: Duration,
        max_bytes: usize,
    ) -> Result<HttpFetcher, CertError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .https_only(https_only)
            .build()
            .map_err(|e| CertError::Client(e.to_string()))?;
        Ok(HttpFetcher { client, max_bytes })
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let transport = |e: reqwest::Error| FetchError::Transport(error_chain(&e));
        let mut response = self.client.get(url).send().await.map_err(transport)?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status { status });
        }
        let too_large = FetchError::TooLarge {
            limit: self.max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes as u64)
        {
            return Err(too_large);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len().saturating_add(chunk.len()) > self.max_bytes {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// An error and its causes on one line (reqwest's own text omits the cause, e.g. the TLS reason).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl CertFetcher for HttpFetcher {
    fn fetch<'a>(&'a self, url: &'a str) -> FetchFuture<'a> {
        Box::pin(self.get(url))
    }
}

/// Fetches keys and keeps the last [`CACHE_ENTRIES`] by URL (least recently used goes first).
/// A failure is not kept, so the next message tries again.
pub struct Fetching {
    fetcher: Arc<dyn CertFetcher>,
    /// Most recently used last.
    cache: Mutex<Vec<(String, Arc<RsaPublicKey>)>>,
}

impl Fetching {
    /// Fetching through `fetcher` (tests pass their own; production uses [`HttpFetcher`]).
    pub fn new(fetcher: Arc<dyn CertFetcher>) -> Fetching {
        Fetching {
            fetcher,
            cache: Mutex::new(Vec::new()),
        }
    }

    fn cached(&self, url: &str) -> Option<Arc<RsaPublicKey>> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let at = cache.iter().position(|(u, _)| u == url)?;
        let entry = cache.remove(at);
        let key = entry.1.clone();
        cache.push(entry);
        Some(key)
    }

    fn remember(&self, url: &str, key: Arc<RsaPublicKey>) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(u, _)| u != url);
        while cache.len() >= CACHE_ENTRIES {
            cache.remove(0);
        }
        cache.push((url.to_string(), key));
    }

    /// How many keys are cached now.
    pub fn cached_count(&self) -> usize {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    async fn key(&self, url: &str) -> Result<Arc<RsaPublicKey>, VerifyError> {
        // Checked here too, so no caller can make this fetch an arbitrary URL.
        check_cert_url(url)?;
        if let Some(key) = self.cached(url) {
            return Ok(key);
        }
        tracing::debug!(url, "fetching SNS signing certificate");
        let body = self
            .fetcher
            .fetch(url)
            .await
            .map_err(|source| VerifyError::CertFetch {
                url: url.to_string(),
                source,
            })?;
        let key = rsa_key_from_pem(&body).map_err(|source| VerifyError::CertParse {
            url: url.to_string(),
            source,
        })?;
        let key = Arc::new(key);
        self.remember(url, key.clone());
        Ok(key)
    }
}

impl std::fmt::Debug for Fetching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetching")
            .field("cached", &self.cached_count())
            .finish_non_exhaustive()
    }
}

/// Where signing keys come from.
#[derive(Debug)]
pub enum CertSource {
    /// One certificate the operator gave ([`TRUSTED_CERT_ENV`]): every message is checked
    /// against it and nothing is fetched. The `SigningCertURL` must still pass the URL rule,
    /// so a message that could never verify against AWS is not accepted here either.
    Trusted(Arc<RsaPublicKey>),
    /// The certificate at each message's `SigningCertURL`, fetched and cached.
    Fetch(Fetching),
}

impl CertSource {
    /// [`CertSource::Trusted`] with the certificate in the file [`TRUSTED_CERT_ENV`] names,
    /// when it is set and not empty; else [`CertSource::fetching`]. A set variable whose file
    /// cannot be read or parsed is an error, never a silent fall-back to fetching.
    pub fn from_env() -> Result<CertSource, CertError> {
        match std::env::var_os(TRUSTED_CERT_ENV) {
            Some(path) if !path.is_empty() => Self::trusted_file(Path::new(&path)),
            _ => Self::fetching(),
        }
    }

    /// [`CertSource::Trusted`] with the certificate in a PEM file.
    pub fn trusted_file(path: &Path) -> Result<CertSource, CertError> {
        let pem = std::fs::read(path).map_err(|e| CertError::ReadFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Self::trusted_pem(&pem).map_err(|e| CertError::BadFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }

    /// [`CertSource::Trusted`] with the first certificate of PEM text.
    pub fn trusted_pem(pem: &[u8]) -> Result<CertSource, CertError> {
        Ok(CertSource::Trusted(Arc::new(rsa_key_from_pem(pem)?)))
    }

    /// [`CertSource::Fetch`] over HTTPS ([`HttpFetcher`]).
    pub fn fetching() -> Result<CertSource, CertError> {
        Ok(Self::fetching_with(Arc::new(HttpFetcher::new()?)))
    }

    /// [`CertSource::Fetch`] through another fetcher (tests).
    pub fn fetching_with(fetcher: Arc<dyn CertFetcher>) -> CertSource {
        CertSource::Fetch(Fetching::new(fetcher))
    }

    /// The key for a message whose `SigningCertURL` is `url` (which must pass the URL rule).
    pub async fn key_for(&self, url: &str) -> Result<Arc<RsaPublicKey>, VerifyError> {
        match self {
            CertSource::Trusted(key) => {
                check_cert_url(url)?;
                Ok(key.clone())
            }
            CertSource::Fetch(fetching) => fetching.key(url).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[test]
    fn pem_reading() {
        let key = rsa_key_from_pem(testing::CERT_PEM).expect("test cert");
        assert_eq!(key.bits(), 2048);
        // CRLF line ends and text around the block are fine.
        let text = String::from_utf8(testing::CERT_PEM.to_vec()).unwrap();
        let crlf = format!("Subject: test\r\n{}\r\ntrailer", text.replace('\n', "\r\n"));
        assert_eq!(rsa_key_from_pem(crlf.as_bytes()).unwrap(), key);
        assert_eq!(rsa_key_from_pem(b"hello"), Err(CertError::NoPemBlock));
        assert_eq!(
            rsa_key_from_pem(PEM_BEGIN.as_bytes()),
            Err(CertError::UnterminatedPem)
        );
        let bad = format!("{PEM_BEGIN}\n!!!!\n{PEM_END}\n");
        assert!(matches!(
            rsa_key_from_pem(bad.as_bytes()),
            Err(CertError::PemBase64(_))
        ));
        let not_cert = format!("{PEM_BEGIN}\nAAAA\n{PEM_END}\n");
        assert!(matches!(
            rsa_key_from_pem(not_cert.as_bytes()),
            Err(CertError::Der(_))
        ));
    }

    #[test]
    fn ec_and_small_keys_are_refused() {
        let err = rsa_key_from_pem(testing::EC_CERT_PEM).unwrap_err();
        assert!(err.to_string().contains("1.2.840.10045.2.1"), "{err}");
        let err = rsa_key_from_pem(testing::SMALL_RSA_CERT_PEM).unwrap_err();
        assert_eq!(err, CertError::Der(DerError::KeySize { bits: 1024 }));
    }

    #[test]
    fn trusted_file_errors_name_the_path() {
        let err = CertSource::trusted_file(Path::new("/nonexistent/sns.pem")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/sns.pem"), "{err}");
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let err = CertSource::trusted_file(&here).unwrap_err();
        assert!(err.to_string().contains("Cargo.toml"), "{err}");
        assert!(err.to_string().contains("BEGIN CERTIFICATE"), "{err}");
        assert!(matches!(
            CertSource::trusted_file(&testing::cert_path()),
            Ok(CertSource::Trusted(_))
        ));
    }

    /// A fetcher that counts calls and serves a scripted answer.
    struct Scripted {
        calls: AtomicUsize,
        fail_first: usize,
        body: Vec<u8>,
    }

    impl CertFetcher for Scripted {
        fn fetch<'a>(&'a self, _url: &'a str) -> FetchFuture<'a> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let answer = if n < self.fail_first {
                Err(FetchError::Status { status: 500 })
            } else {
                Ok(self.body.clone())
            };
            Box::pin(async move { answer })
        }
    }

    fn scripted(fail_first: usize, body: &[u8]) -> Arc<Scripted> {
        Arc::new(Scripted {
            calls: AtomicUsize::new(0),
            fail_first,
            body: body.to_vec(),
        })
    }

    const URL: &str = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem";

    #[tokio::test]
    async fn fetched_keys_are_cached_by_url() {
        let f = scripted(0, testing::CERT_PEM);
        let source = CertSource::fetching_with(f.clone());
        let a = source.key_for(URL).await.unwrap();
        let b = source.key_for(URL).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(f.calls.load(Ordering::SeqCst), 1);
        let other = URL.replace("-a.pem", "-b.pem");
        source.key_for(&other).await.unwrap();
        assert_eq!(f.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn failures_are_not_cached() {
        let f = scripted(1, testing::CERT_PEM);
        let source = CertSource::fetching_with(f.clone());
        let err = source.key_for(URL).await.unwrap_err();
        assert_eq!(
            err,
            VerifyError::CertFetch {
                url: URL.into(),
                source: FetchError::Status { status: 500 }
            }
        );
        assert!(source.key_for(URL).await.is_ok());
        assert_eq!(f.calls.load(Ordering::SeqCst), 2);
        // An unreadable certificate is not cached either.
        let f = scripted(0, b"not a certificate");
        let source = CertSource::fetching_with(f.clone());
        for _ in 0..2 {
            assert!(matches!(
                source.key_for(URL).await,
                Err(VerifyError::CertParse { .. })
            ));
        }
        assert_eq!(f.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_cache_is_bounded_and_drops_the_least_recently_used() {
        let f = scripted(0, testing::CERT_PEM);
        let source = CertSource::fetching_with(f.clone());
        let url = |i: usize| format!("https://sns.us-east-1.amazonaws.com/c{i}.pem");
        for i in 0..CACHE_ENTRIES {
            source.key_for(&url(i)).await.unwrap();
        }
        // Touch 0 so 1 is now the oldest.
        source.key_for(&url(0)).await.unwrap();
        source.key_for(&url(CACHE_ENTRIES)).await.unwrap();
        let CertSource::Fetch(fetching) = &source else {
            panic!("fetching")
        };
        assert_eq!(fetching.cached_count(), CACHE_ENTRIES);
        let before = f.calls.load(Ordering::SeqCst);
        assert_eq!(before, CACHE_ENTRIES + 1);
        source.key_for(&url(0)).await.unwrap();
        assert_eq!(f.calls.load(Ordering::SeqCst), before, "0 still cached");
        source.key_for(&url(1)).await.unwrap();
        assert_eq!(f.calls.load(Ordering::SeqCst), before + 1, "1 was evicted");
    }

    #[tokio::test]
    async fn urls_off_the_rule_are_never_fetched() {
        let f = scripted(0, testing::CERT_PEM);
        let source = CertSource::fetching_with(f.clone());
        for url in [
            "https://evil.com/x.pem",
            "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/x.pem",
        ] {
            assert!(matches!(
                source.key_for(url).await,
                Err(VerifyError::CertUrlNotAllowed { .. })
            ));
        }
        assert_eq!(f.calls.load(Ordering::SeqCst), 0);
        // The trusted source applies the same rule.
        let trusted = CertSource::trusted_pem(testing::CERT_PEM).unwrap();
        assert!(matches!(
            trusted.key_for("https://evil.com/x.pem").await,
            Err(VerifyError::CertUrlNotAllowed { .. })
        ));
        assert!(trusted.key_for(URL).await.is_ok());
    }

    /// A one-shot plain-HTTP server on loopback: answers every connection with `response`
    /// and counts connections. (The production fetcher is HTTPS-only; these tests turn that
    /// off to test its status, size, redirect and timeout handling, not TLS.)
    async fn serve(response: Vec<u8>, delay: Duration) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let response = response.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = sock.read(&mut buf).await;
                    tokio::time::sleep(delay).await;
                    let _ = sock.write_all(&response).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        (format!("http://{addr}"), hits)
    }

    fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        out
    }

    fn plain(timeout: Duration) -> HttpFetcher {
        HttpFetcher::build(false, timeout, MAX_CERT_BYTES).unwrap()
    }

    #[tokio::test]
    async fn http_fetcher_reads_a_200_body() {
        let (base, _) = serve(http("200 OK", "", testing::CERT_PEM), Duration::ZERO).await;
        let body = plain(FETCH_TIMEOUT)
            .fetch(&format!("{base}/c.pem"))
            .await
            .unwrap();
        assert_eq!(body, testing::CERT_PEM);
    }

    #[tokio::test]
    async fn http_fetcher_does_not_follow_redirects() {
        let (target, target_hits) =
            serve(http("200 OK", "", testing::CERT_PEM), Duration::ZERO).await;
        let location = format!("Location: {target}/c.pem\r\n");
        let (base, _) = serve(http("302 Found", &location, b""), Duration::ZERO).await;
        let err = plain(FETCH_TIMEOUT)
            .fetch(&format!("{base}/c.pem"))
            .await
            .unwrap_err();
        assert_eq!(err, FetchError::Status { status: 302 });
        assert!(err.to_string().contains("redirects are not followed"));
        assert_eq!(target_hits.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn http_fetcher_refuses_errors_and_large_bodies() {
        let (base, _) = serve(http("404 Not Found", "", b"no"), Duration::ZERO).await;
        assert_eq!(
            plain(FETCH_TIMEOUT).fetch(&format!("{base}/c.pem")).await,
            Err(FetchError::Status { status: 404 })
        );
        let big = vec![b'a'; MAX_CERT_BYTES + 1];
        let (base, _) = serve(http("200 OK", "", &big), Duration::ZERO).await;
        assert_eq!(
            plain(FETCH_TIMEOUT).fetch(&format!("{base}/c.pem")).await,
            Err(FetchError::TooLarge {
                limit: MAX_CERT_BYTES
            })
        );
        // Without a Content-Length, the limit applies while reading.
        let mut chunked = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
        chunked.extend_from_slice(&big);
        let (base, _) = serve(chunked, Duration::ZERO).await;
        assert_eq!(
            plain(FETCH_TIMEOUT).fetch(&format!("{base}/c.pem")).await,
            Err(FetchError::TooLarge {
                limit: MAX_CERT_BYTES
            })
        );
    }

    #[tokio::test]
    async fn http_fetcher_times_out() {
        let (base, _) = serve(http("200 OK", "", b"late"), Duration::from_secs(10)).await;
        let started = std::time::Instant::now();
        let err = plain(Duration::from_millis(300))
            .fetch(&format!("{base}/c.pem"))
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Transport(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn the_production_fetcher_will_not_speak_plain_http() {
        let (base, hits) = serve(http("200 OK", "", testing::CERT_PEM), Duration::ZERO).await;
        let err = HttpFetcher::new()
            .unwrap()
            .fetch(&format!("{base}/c.pem"))
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Transport(_)), "{err:?}");
        assert_eq!(hits.load(Ordering::SeqCst), 0);
    }
}
