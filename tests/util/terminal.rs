//! A program on a pseudo-terminal made by util-linux `script`, typed into
//! like a person: each answer only once the prompt is shown *and* the
//! terminal's echo is off (the prompt reader has taken the terminal), so that
//! what the screen shows is the program's doing, not a race with the typist.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{TIMEOUT, TestDir};

/// Ctrl-C as the terminal sends it.
pub const CTRL_C: &str = "\u{3}";
/// Ctrl-D as the terminal sends it.
pub const CTRL_D: &str = "\u{4}";

pub struct Terminal {
    script: Child,
    typist: Option<ChildStdin>,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: Option<thread::JoinHandle<()>>,
    /// The program's process.
    pid: u32,
    /// The terminal the program reads (`/dev/pts/N`).
    tty: PathBuf,
    /// How much of the screen had been shown when keys were last typed: a
    /// prompt answered then is not waited for again.
    typed_at: usize,
    pub what: String,
}

impl Terminal {
    /// Starts `program ARGS` in `dir`; `argv0` is what it is called
    /// (`htpasswd` for our drop-in, as Apache's prefixes use it).
    pub fn start(dir: &TestDir, program: &Path, argv0: &str, args: &[&str]) -> Terminal {
        Terminal::start_with(dir, program, argv0, args, false)
    }

    /// As [`Terminal::start`], but the program runs as a child of a shell
    /// that waits for it (`bash -c 'PROGRAM ARGS; exit $?'`), as scripts
    /// run it, instead of replacing the shell.
    pub fn start_under_shell(
        dir: &TestDir,
        program: &Path,
        argv0: &str,
        args: &[&str],
    ) -> Terminal {
        Terminal::start_with(dir, program, argv0, args, true)
    }

    fn start_with(
        dir: &TestDir,
        program: &Path,
        argv0: &str,
        args: &[&str],
        under_shell: bool,
    ) -> Terminal {
        let quote = |word: &str| format!("'{}'", word.replace('\'', "'\\''"));
        let mut line = format!(
            "exec -a {} {}",
            quote(argv0),
            quote(program.to_str().expect("UTF-8 path"))
        );
        for arg in args {
            line.push(' ');
            line.push_str(&quote(arg));
        }
        if under_shell {
            // The shell stays, in the same process group, and waits.
            line = format!("({line}); exit $?");
        }
        let mut script = Command::new("script")
            .args(["--quiet", "--return", "--command", &line, "/dev/null"])
            .current_dir(dir.path(""))
            .env("SHELL", "/bin/bash")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script (util-linux) runs: apt-get install util-linux bsdutils");
        let typist = script.stdin.take();
        let mut stdout = script.stdout.take().expect("script's stdout");
        let screen = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let screen = Arc::clone(&screen);
            thread::spawn(move || {
                let mut chunk = [0u8; 1024];
                while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                    screen
                        .lock()
                        .expect("screen")
                        .extend_from_slice(&chunk[..n]);
                }
            })
        };
        let what = format!("{argv0} {args:?}");
        let (pid, tty) = program_tty(script.id(), program, &what);
        Terminal {
            script,
            typist,
            screen,
            reader: Some(reader),
            pid,
            tty,
            typed_at: 0,
            what,
        }
    }

    /// The program's process id (to signal it).
    pub fn program_pid(&self) -> u32 {
        self.pid
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().expect("screen")).into_owned()
    }

    /// Waits until the screen shows `prompt` (after what was shown when
    /// keys were last typed), then until echo is off, and types `keys` as
    /// they are.
    pub fn type_at(&mut self, prompt: &str, keys: &str) {
        let deadline = Instant::now() + TIMEOUT;
        let shown = loop {
            let screen = self.screen.lock().expect("screen").clone();
            if let Some(at) = screen[self.typed_at.min(screen.len())..]
                .windows(prompt.len())
                .position(|window| window == prompt.as_bytes())
            {
                break self.typed_at + at + prompt.len();
            }
            assert!(
                Instant::now() < deadline,
                "{}: no prompt {prompt:?}: {:?}",
                self.what,
                self.screen()
            );
            thread::sleep(Duration::from_millis(5));
        };
        while echo_is_on(&self.tty) {
            assert!(Instant::now() < deadline, "{}: echo stays on", self.what);
            thread::sleep(Duration::from_millis(2));
        }
        let typist = self.typist.as_mut().expect("still typing");
        typist.write_all(keys.as_bytes()).expect("type");
        typist.flush().expect("type");
        self.typed_at = shown;
    }

    /// Waits for `prompt` and echo off, and types `answer` and Enter.
    pub fn answer(&mut self, prompt: &str, answer: &str) {
        self.type_at(prompt, &format!("{answer}\n"));
    }

    /// Waits for the program to end; its exit code and the whole screen.
    pub fn finish(mut self) -> (Option<i32>, String) {
        let start = Instant::now();
        while self.script.try_wait().expect("wait").is_none() {
            if start.elapsed() > TIMEOUT {
                let _ = self.script.kill();
                let _ = self.script.wait();
                panic!(
                    "{} on a terminal did not finish: {:?}",
                    self.what,
                    self.screen()
                );
            }
            thread::sleep(Duration::from_millis(5));
        }
        drop(self.typist.take());
        if let Some(reader) = self.reader.take() {
            reader.join().expect("screen reader");
        }
        let code = self.script.wait().expect("wait").code();
        let screen = self.screen();
        assert!(!screen.contains("panicked"), "{}: {screen}", self.what);
        (code, screen)
    }
}

/// The parent of process `pid`.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`: comm may hold spaces, not ')'.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(1))
        .and_then(|field| field.parse::<u32>().ok())
}

/// Whether `pid` descends from `ancestor`.
fn descends_from(pid: u32, ancestor: u32) -> bool {
    let mut current = pid;
    for _ in 0..16 {
        match parent_of(current) {
            Some(parent) if parent == ancestor => return true,
            Some(parent) if parent > 1 => current = parent,
            _ => return false,
        }
    }
    false
}

/// The process `script` started (a descendant of `script_pid` running
/// `program`) and its terminal, once it runs.
fn program_tty(script_pid: u32, program: &Path, what: &str) -> (u32, PathBuf) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        for entry in fs::read_dir("/proc").expect("/proc").flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let exe = fs::read_link(format!("/proc/{pid}/exe")).ok();
            if exe.as_deref() == Some(program)
                && descends_from(pid, script_pid)
                && let Ok(tty) = fs::read_link(format!("/proc/{pid}/fd/0"))
                && tty.starts_with("/dev/pts")
            {
                return (pid, tty);
            }
        }
        assert!(
            Instant::now() < deadline,
            "{what}: the program never started"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// Whether the terminal echoes what is typed (`stty -a` lists `echo`, or
/// `-echo` when it is off).
pub fn echo_is_on(tty: &Path) -> bool {
    let output = Command::new("stty")
        .arg("-a")
        .arg("-F")
        .arg(tty)
        .output()
        .expect("run stty");
    let settings = String::from_utf8_lossy(&output.stdout);
    !settings
        .split(|c: char| c.is_whitespace() || c == ';')
        .any(|word| word == "-echo")
}
