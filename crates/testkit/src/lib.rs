//! Fixtures for integration tests: the project's `.venv` and a moto server on a free
//! loopback port for the test's lifetime.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The project's virtualenv (made by scripts/setup.sh).
pub fn venv() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(".venv"))
        .find(|p| p.join("bin/python").is_file())
        .expect("run scripts/setup.sh first")
}

/// A running moto server; stopped when dropped.
pub struct Moto {
    child: Child,
    pub url: String,
}

impl Moto {
    pub fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(venv().join("bin/moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, url }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `botocore` package's data folder in the project's virtualenv: the models the binary
/// embeds were generated from it (scripts/gen_data.py), so oracles that run botocore use it.
pub fn botocore_models_dir() -> PathBuf {
    let lib = venv().join("lib");
    std::fs::read_dir(&lib)
        .expect("the virtualenv's lib folder")
        .flatten()
        .map(|e| e.path().join("site-packages/botocore/data"))
        .find(|p| p.join("partitions.json").is_file())
        .expect("botocore in the virtualenv: run scripts/setup.sh first")
}
