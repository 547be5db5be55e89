//! A minimal HTTP client for basic-auth checks: one GET over a fresh
//! `TcpStream` with `Connection: close`, returning the status code. Nothing
//! else of the answer matters to the matrix.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// How long one request may take, connect and answer together. Generous:
/// bcrypt at the costs the tests use takes milliseconds.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// `GET path` on 127.0.0.1:`port` with `Authorization: Basic
/// base64(user:password)`. The status code, or what went wrong (as text, so
/// that the matrix can show it in its table instead of stopping).
pub fn get_with_basic_auth(
    port: u16,
    path: &str,
    user: &str,
    password: &str,
) -> Result<u16, String> {
    request_with_basic_auth(port, "GET", path, user, password)
}

/// [`get_with_basic_auth`] with another method (`PUT`, with an empty body).
pub fn request_with_basic_auth(
    port: u16,
    method: &str,
    path: &str,
    user: &str,
    password: &str,
) -> Result<u16, String> {
    let credentials = STANDARD.encode(format!("{user}:{password}"));
    let body = if method == "GET" {
        ""
    } else {
        "Content-Length: 0\r\n"
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\n\
         Host: 127.0.0.1:{port}\r\n\
         Authorization: Basic {credentials}\r\n\
         Connection: close\r\n\
         {body}\r\n"
    );
    let answer = exchange(port, request.as_bytes()).map_err(|e| format!("no answer: {e}"))?;
    status_code(&answer)
}

fn exchange(port: u16, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, REQUEST_TIMEOUT)?;
    stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
    stream.write_all(request)?;
    // Read the whole answer, so the server closes first and never sees a reset.
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(answer)
}

/// The code of a status line such as `HTTP/1.1 401 Unauthorized`.
fn status_code(answer: &[u8]) -> Result<u16, String> {
    let status_line = answer.split(|&b| b == b'\n').next().unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line);
    let mut fields = status_line.split_whitespace();
    match (fields.next(), fields.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/") => code
            .parse()
            .map_err(|_| format!("bad status line: {status_line:?}")),
        _ => Err(format!("bad status line: {status_line:?}")),
    }
}

#[test]
fn status_code_is_read_from_the_status_line() {
    assert_eq!(
        status_code(b"HTTP/1.1 401 Unauthorized\r\nX: y\r\n\r\n"),
        Ok(401)
    );
    assert_eq!(status_code(b"HTTP/1.0 200 OK\r\n\r\nok"), Ok(200));
    assert!(status_code(b"").is_err());
    assert!(status_code(b"SSH-2.0-OpenSSH\r\n").is_err());
}
