//! The small HTTP/1.1 server behind `kensa serve`: GET and HEAD of files on 127.0.0.1, one
//! request per connection, and bounds on everything a client controls.
//!
//! A local client may be careless or hostile (a crawler, a port scanner, a browser's idle
//! pre-connections), and the editor must keep seeing the site. So: at most `max_connections`
//! connections are served at once (more wait in the kernel's queue, never exhausting file
//! handles); a request head must arrive whole within `head_timeout` and fit in `max_head` bytes
//! (431 otherwise); a client that stops reading is dropped after `write_timeout`. Each
//! connection has its own thread, so a slow one never holds up another.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub head_timeout: Duration,
    pub write_timeout: Duration,
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Well under the common limit of 1,024 open files, with room for the build's own.
            max_connections: 256,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            max_head: 16 * 1024,
        }
    }
}

pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type,
            body,
        }
    }
}

pub type Handler = dyn Fn(&str) -> Response + Send + Sync;

/// Serves until the process ends. Errors of one connection never stop the server.
pub fn run(listener: TcpListener, limits: Limits, handler: Arc<Handler>) {
    let active = Arc::new((Mutex::new(0usize), Condvar::new()));
    loop {
        // Accept only when a connection may be served: the others wait in the kernel's queue.
        {
            let (count, freed) = &*active;
            let mut n = count.lock().unwrap_or_else(|p| p.into_inner());
            while *n >= limits.max_connections {
                n = freed.wait(n).unwrap_or_else(|p| p.into_inner());
            }
            *n += 1;
        }
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file handles, or a connection reset before it was accepted: wait a
                // little and go on, as the server must.
                release(&active);
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let (active_c, handler_c) = (Arc::clone(&active), Arc::clone(&handler));
        let spawned = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                serve_one(stream, limits, &*handler_c);
                release(&active_c);
            });
        if spawned.is_err() {
            release(&active);
        }
    }
}

fn release(active: &(Mutex<usize>, Condvar)) {
    let (count, freed) = active;
    let mut n = count.lock().unwrap_or_else(|p| p.into_inner());
    *n = n.saturating_sub(1);
    freed.notify_one();
}

fn serve_one(mut stream: TcpStream, limits: Limits, handler: &Handler) {
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let response = match read_head(&mut stream, &limits) {
        Head::Request { method, target } => match method.as_str() {
            "GET" | "HEAD" => Some((method == "HEAD", handler(&target))),
            _ => Some((false, text(405, "method not allowed"))),
        },
        Head::TooLarge => Some((false, text(431, "request header fields too large"))),
        Head::Malformed => Some((false, text(400, "bad request"))),
        Head::Gone => None,
    };
    if let Some((head_only, r)) = response {
        let _ = write_response(&mut stream, &r, head_only, limits.write_timeout);
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn text(status: u16, body: &str) -> Response {
    Response::new(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

enum Head {
    Request {
        method: String,
        target: String,
    },
    TooLarge,
    Malformed,
    /// Closed, timed out or failed before a whole head arrived: nothing to answer.
    Gone,
}

/// Reads the request line and headers, which must arrive whole within the time limit (a client
/// sending one byte a second gets no more time than one that sends nothing).
fn read_head(stream: &mut TcpStream, limits: &Limits) -> Head {
    let deadline = Instant::now() + limits.head_timeout;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find_head_end(&buf) {
            return parse_request_line(&buf[..end]);
        }
        if buf.len() >= limits.max_head {
            return Head::TooLarge;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Head::Gone;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Head::Gone,
            // At most max_head + one chunk is ever held.
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

fn parse_request_line(head: &[u8]) -> Head {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let Ok(line) = std::str::from_utf8(line) else {
        return Head::Malformed;
    };
    let mut parts = line.trim_end_matches('\r').split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version), None)
            if version.starts_with("HTTP/1.") && target.starts_with('/') =>
        {
            Head::Request {
                method: method.to_string(),
                target: target.to_string(),
            }
        }
        _ => Head::Malformed,
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}

/// Writes the response in parts, giving up when the client has not taken it all within a
/// bounded time (the socket's write timeout bounds each part; the deadline bounds the whole).
fn write_response(
    stream: &mut TcpStream,
    r: &Response,
    head_only: bool,
    timeout: Duration,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    stream.write_all(head.as_bytes())?;
    if head_only {
        return Ok(());
    }
    let deadline = Instant::now() + timeout;
    for part in r.body.chunks(64 * 1024) {
        if Instant::now() > deadline {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        stream.write_all(part)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Shutdown;

    fn start(limits: Limits) -> std::net::SocketAddr {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let handler: Arc<Handler> = Arc::new(|target: &str| {
            if target == "/big" {
                Response::new(200, "application/octet-stream", vec![b'x'; 64 << 20])
            } else {
                Response::new(200, "text/plain", format!("page {target}").into_bytes())
            }
        });
        std::thread::spawn(move || run(listener, limits, handler));
        addr
    }

    fn get(addr: std::net::SocketAddr, path: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    fn quick() -> Limits {
        Limits {
            max_connections: 16,
            head_timeout: Duration::from_millis(300),
            write_timeout: Duration::from_millis(500),
            max_head: 1024,
        }
    }

    #[test]
    fn serves_pages_while_idle_connections_fill_every_slot() {
        let addr = start(quick());
        // Ten times as many idle clients as the server serves at once.
        let idle: Vec<TcpStream> = (0..160)
            .map(|_| TcpStream::connect(addr).unwrap())
            .collect();
        let reply = get(addr, "/index.html");
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert!(reply.ends_with("page /index.html"), "{reply}");
        drop(idle);
        assert!(get(addr, "/again").ends_with("page /again"));
    }

    #[test]
    fn a_head_sent_slowly_is_dropped_at_the_deadline() {
        let addr = start(quick());
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let started = Instant::now();
        let mut closed = false;
        for b in b"GET /slow HTTP/1.1\r\nHost: x\r\n"
            .iter()
            .cycle()
            .take(200)
        {
            if s.write_all(&[*b]).is_err() {
                closed = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
            let mut probe = [0u8; 1];
            s.set_nonblocking(true).unwrap();
            let r = s.read(&mut probe);
            s.set_nonblocking(false).unwrap();
            if matches!(r, Ok(0)) {
                closed = true;
                break;
            }
        }
        assert!(closed, "the trickling client was not dropped");
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn an_oversized_head_gets_431() {
        let addr = start(quick());
        let mut s = TcpStream::connect(addr).unwrap();
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(300_000));
        let _ = s.write_all(long.as_bytes());
        let _ = s.shutdown(Shutdown::Write);
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        assert!(
            out.starts_with("HTTP/1.1 431 "),
            "{}",
            &out[..out.len().min(200)]
        );
    }

    #[test]
    fn a_client_that_never_reads_holds_up_nobody() {
        let addr = start(quick());
        let mut stalled = TcpStream::connect(addr).unwrap();
        write!(stalled, "GET /big HTTP/1.1\r\n\r\n").unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let reply = get(addr, "/other");
        assert!(reply.ends_with("page /other"), "{reply}");
        drop(stalled);
    }

    #[test]
    fn other_methods_and_garbage_are_refused() {
        let addr = start(quick());
        for (request, status) in [
            ("POST / HTTP/1.1\r\n\r\n", "405"),
            ("GET\r\n\r\n", "400"),
            ("GET http://evil/ HTTP/1.1\r\n\r\n", "400"),
        ] {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(request.as_bytes()).unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            assert!(
                out.starts_with(&format!("HTTP/1.1 {status} ")),
                "{request:?}: {out}"
            );
        }
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"HEAD /x HTTP/1.1\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert!(
            out.starts_with("HTTP/1.1 200 OK") && out.ends_with("\r\n\r\n"),
            "{out}"
        );
    }
}
