//! A headless Chromium driven through chromedriver's WebDriver protocol (JSON over HTTP on
//! 127.0.0.1), with just the commands the report tests use. The browser and the driver are
//! Debian's `chromium` and `chromium-driver`; without them a test is skipped with a message,
//! except under CI, where their absence fails it.

use std::io::{BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The W3C WebDriver element key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver with one headless browser session; both end when it is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

/// The first of these names found on PATH.
fn which(names: &[&str]) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

impl Browser {
    /// Starts chromedriver and a headless browser, or `None` (with a message) when they are
    /// not installed outside CI.
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        let (Some(driver), Some(chrome)) = (
            which(&["chromedriver"]),
            which(&["chromium", "chromium-browser", "google-chrome"]),
        ) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromium and chromedriver are needed under CI (.ci/run installs them)"
            );
            #[allow(clippy::print_stderr)] // A skipped test says why in the log.
            {
                eprintln!("skipped: chromium or chromedriver is not installed");
            }
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut b = Browser {
            driver: child,
            port,
            session: String::new(),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver does not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut options = json!({
            "binary": chrome.to_string_lossy(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--no-first-run",
                     format!("--window-size={width},{height}")]
        });
        // Headless windows are at least 500 pixels wide: a phone's width is emulated instead.
        if width < 500 {
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1}});
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options
        }}});
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        Some(b)
    }

    /// One WebDriver command; returns its `value`, panicking on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("chromedriver answers");
        s.set_read_timeout(Some(Duration::from_secs(120))).ok();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .expect("request written");
        let payload = read_response(&mut s);
        let v: Value = serde_json::from_str(&payload)
            .unwrap_or_else(|e| panic!("bad WebDriver reply to {path}: {e}: {payload}"));
        if v["value"]["error"].is_string() {
            panic!("WebDriver {method} {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Opens a page.
    pub fn goto(&self, url: &str) {
        self.call(
            "POST",
            &self.session_path("/url"),
            Some(json!({ "url": url })),
        );
    }

    /// Runs a script in the page (WebDriver runs it as a function body; `return` a value).
    pub fn eval(&self, script: &str) -> Value {
        self.call(
            "POST",
            &self.session_path("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits until `script` returns `true`, for at most `limit`; false when it never did.
    pub fn wait_for(&self, script: &str, limit: Duration) -> bool {
        let started = Instant::now();
        loop {
            if self.eval(script) == Value::Bool(true) {
                return true;
            }
            if started.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The element a CSS selector finds first.
    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            &self.session_path("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {v}"))
            .to_string()
    }

    /// Types into an element as a user would (key events through the browser).
    pub fn type_into(&self, element: &str, text: &str) {
        self.call(
            "POST",
            &self.session_path(&format!("/element/{element}/value")),
            Some(json!({ "text": text })),
        );
    }

    /// Clicks an element.
    pub fn click(&self, element: &str) {
        self.call(
            "POST",
            &self.session_path(&format!("/element/{element}/click")),
            Some(json!({})),
        );
    }

    /// A PNG screenshot of the viewport, or of one element when given.
    pub fn screenshot(&self, element: Option<&str>, to: &Path) {
        let path = match element {
            Some(e) => self.session_path(&format!("/element/{e}/screenshot")),
            None => self.session_path("/screenshot"),
        };
        let v = self.call("GET", &path, None);
        let png = base64_png::decode(v.as_str().expect("base64 PNG"));
        std::fs::write(to, png).expect("screenshot written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.call("DELETE", &self.session_path(""), None)
            }));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Reads one HTTP/1.1 response's body: by its Content-Length, or chunk by chunk (the driver
/// keeps the connection open, so reading to the end would wait).
fn read_response(s: &mut TcpStream) -> String {
    let mut r = std::io::BufReader::new(s);
    let mut line = String::new();
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        r.read_line(&mut line).expect("a response header");
        let l = line.trim_end().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        chunked |= l.starts_with("transfer-encoding:") && l.contains("chunked");
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line).expect("a chunk size");
            let n = usize::from_str_radix(line.trim(), 16).expect("a chunk size");
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).expect("a chunk");
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).expect("the body");
    } else {
        r.read_to_end(&mut body).expect("the body");
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Base64 (standard alphabet) for the screenshots WebDriver returns.
mod base64_png {
    pub fn decode(s: &str) -> Vec<u8> {
        let val = |c: u8| -> Option<u32> {
            Some(match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            } as u32)
        };
        let mut out = Vec::with_capacity(s.len() * 3 / 4);
        let (mut acc, mut bits) = (0u32, 0);
        for c in s.bytes().filter_map(val) {
            acc = (acc << 6) | c;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }
}
