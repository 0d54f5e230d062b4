//! The README's example for hosts (docs/nginx-kensa.conf) works: nginx serving a built site with
//! it sends the CSP with frame-ancestors, nosniff and HSTS on pages, the service worker and the
//! 404 page, and its CSP is the pages' own policy plus frame-ancestors.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const NGINX: &str = "/usr/sbin/nginx";

/// The example server block, made to listen on 127.0.0.1:port without TLS and to serve `root`.
fn local_server_block(port: u16, root: &Path) -> String {
    let example = std::fs::read_to_string(repo().join("docs/nginx-kensa.conf")).unwrap();
    example
        .lines()
        .filter(|l| !l.trim_start().starts_with("ssl_certificate"))
        .map(|l| match l.trim_start() {
            "listen 443 ssl;" => format!("    listen 127.0.0.1:{port};"),
            "root /srv/kensa/public;" => format!("    root {};", root.display()),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn start_nginx(dir: &Path, port: u16, site: &Path) -> Child {
    let t = dir.display();
    let conf = format!(
        "daemon off;\npid {t}/nginx.pid;\nerror_log {t}/error.log;\nevents {{}}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log off;\n  client_body_temp_path {t}/body;\n  proxy_temp_path {t}/proxy;\n  fastcgi_temp_path {t}/fastcgi;\n  uwsgi_temp_path {t}/uwsgi;\n  scgi_temp_path {t}/scgi;\n{}\n}}\n",
        local_server_block(port, site)
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    Command::new(NGINX)
        .args(["-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nginx starts")
}

fn head(port: u16, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            write!(
                s,
                "HEAD {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            return out.to_ascii_lowercase();
        }
        assert!(Instant::now() < deadline, "nginx did not answer on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_readme_nginx_example_sends_the_headers_a_meta_tag_cannot() {
    assert!(
        Path::new(NGINX).exists(),
        "{NGINX} missing: run scripts/install-deps.sh (installs nginx-light for this test)"
    );
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains("docs/nginx-kensa.conf"),
        "the README points to the example"
    );
    let example = std::fs::read_to_string(repo().join("docs/nginx-kensa.conf")).unwrap();
    let csp = format!(
        "{}; frame-ancestors 'none'",
        kensa::kit::CONTENT_SECURITY_POLICY
    );
    assert!(
        example.contains(&csp),
        "the example's CSP is the pages' own plus frame-ancestors"
    );

    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    let built = Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(["build", "-q", "--root"])
        .arg(repo().join("tests/fixtures/valid"))
        .arg("--out")
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut nginx = start_nginx(dir.path(), port, &site);
    let pages = [
        ("/index.html", "200"),
        ("/sw.js", "200"),
        ("/missing.html", "404"),
    ];
    let replies: Vec<String> = pages.iter().map(|(p, _)| head(port, p)).collect();
    let _ = nginx.kill();
    let _ = nginx.wait();
    for ((path, status), reply) in pages.iter().zip(&replies) {
        assert!(
            reply.starts_with(&format!("http/1.1 {status}")),
            "{path}: {reply}"
        );
        for header in [
            format!("content-security-policy: {}", csp.to_ascii_lowercase()),
            "x-content-type-options: nosniff".into(),
            "strict-transport-security: max-age=31536000".into(),
        ] {
            assert!(reply.contains(&header), "{path}: no `{header}` in\n{reply}");
        }
    }
    assert!(
        replies[1].contains("cache-control: no-cache"),
        "{}",
        replies[1]
    );
}
