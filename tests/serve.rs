//! `kensa serve` as a user runs it: it keeps serving through a flood of idle local connections,
//! and leaves no copy of the site in the temp folder when it is stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `kensa serve --port 0` on the valid fixture; returns the child, its address and the
/// folder it serves (both read from its first line).
fn start_serve() -> (Child, SocketAddr, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut command = Command::new(env!("CARGO_BIN_EXE_kensa"));
    command
        .args(["serve", "--port", "0", "-q", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // The common limit of 1,024 open files, whatever this machine's is.
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe and touches only the child being started.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1024,
                rlim_max: 1024,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let mut child = command.spawn().expect("kensa serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "serving /tmp/kensa-serve-123 at http://127.0.0.1:PORT/ (Ctrl+C to stop)"
    let rest = line.strip_prefix("serving ").expect(&line);
    let (folder, url) = rest.split_once(" at http://").expect(&line);
    let addr: SocketAddr = url.split('/').next().unwrap().parse().expect(&line);
    (child, addr, PathBuf::from(folder))
}

fn get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

fn stop(child: &mut Child) {
    // SAFETY: kill() with a child's pid and SIGTERM only sends a signal.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn serve_keeps_serving_through_a_flood_of_idle_connections() {
    let (mut child, addr, _) = start_serve();
    assert!(get(addr, "/index.html")
        .unwrap()
        .starts_with("HTTP/1.1 200 OK"));
    // As many idle connections as will connect: kensa serve used to accept every one, with a
    // thread each, until about 510 of them exhausted its 1,024 file handles and it ended.
    // Once the server's queue is full the kernel stops answering; a few failures in a row end
    // the flood.
    let mut idle: Vec<TcpStream> = Vec::new();
    let mut failures = 0;
    while idle.len() < 2_000 && failures < 5 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(s) => {
                idle.push(s);
                failures = 0;
            }
            Err(_) => failures += 1,
        }
    }
    assert!(
        idle.len() > 300,
        "only {} connections were made",
        idle.len()
    );
    eprintln!("{} idle connections open", idle.len());
    let held = std::fs::read_dir(format!("/proc/{}/fd", child.id()))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(held < 400, "the server holds {held} files");
    let started = Instant::now();
    let page = loop {
        match get(addr, "/index.html") {
            Ok(page) => break page,
            Err(_) if started.elapsed() < Duration::from_secs(60) => continue,
            Err(e) => panic!("no page within 60 s of the flood: {e}"),
        }
    };
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    drop(idle);
    assert!(get(addr, "/").unwrap().starts_with("HTTP/1.1 200 OK"));
    stop(&mut child);
}

#[test]
fn serve_removes_its_temporary_folder_when_stopped() {
    let (mut child, addr, folder) = start_serve();
    assert!(get(addr, "/index.html")
        .unwrap()
        .starts_with("HTTP/1.1 200 OK"));
    assert!(folder.join("index.html").is_file(), "{}", folder.display());
    stop(&mut child);
    assert!(!folder.exists(), "{} is left behind", folder.display());
    let lock = folder.with_file_name(format!(
        ".{}.kensa-lock",
        folder.file_name().unwrap().to_string_lossy()
    ));
    assert!(!lock.exists(), "{} is left behind", lock.display());
}
