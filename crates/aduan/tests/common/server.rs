//! `aduan serve` as a test starts it: on port 0 (no `--demo`), with the environment's store
//! and identity key left out, up to its "listening" line; stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running server and its base URL (`.1`).
pub struct Server(Child, pub String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `aduan serve` on the data dir.
pub fn serve(data_dir: &Path) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-cookies"])
        .env_remove("ADUAN_IDENTITY_KEY")
        .env_remove("ADUAN_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aduan");
    let mut server = Server(child, String::new());
    let stdout = server.0.stdout.take().expect("the server's stdout");
    for line in BufReader::new(stdout).lines() {
        if let Some(addr) = line.expect("a line").strip_prefix("aduan listening on ") {
            server.1 = addr.trim().to_owned();
            return server;
        }
    }
    panic!("aduan exited before listening");
}
