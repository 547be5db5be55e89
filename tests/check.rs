//! `htpass check FILE`: every rule of the contract (`cli.md`, "check") on a
//! file that triggers it, with its line number, severity and exit code; each
//! `--for` server; the JSON form; and that no hash or password text is ever
//! printed.
//!
//! The hashes are real, for the password `pw` (made with Apache's htpasswd,
//! openssl, and by hand for `{SSHA}` with the salt `saltsalt`), written as
//! constants so nothing here spends time hashing.

use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

use crate::util::TestDir;

const BCRYPT: &str = "$2y$10$ssOGIHxlFJ3nEy8BZ6Pfr.EoN7pBxKZdz49gfiz.JH3Y/K/xqrr3q";
const BCRYPT_5: &str = "$2y$05$k1BBTkdZWEKNadU/4HrLFe8/nTxv5D/17Rvem4u0ysJl8MNAciaYu";
const APR1: &str = "$apr1$sHS/ZlXT$qKkADMcbsFCZVpT/gb/lL/";
const MD5_CRYPT: &str = "$1$NVOHAf9a$PbQG/cnOVDfG8qgoshICL.";
const SHA256_CRYPT: &str = "$5$uWLAivEMGMfh6vgP$91jbbRmcYT8qeUwLEeHlAI83KRLC3jXV/8LMM2QWYW7";
const SHA1: &str = "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=";
const SSHA: &str = "{SSHA}vFSAXA44/mvza7sDF+k4l4Poy21zYWx0c2FsdA==";
const DES: &str = "xfCe25FQ3l4Eo";

/// One finding as printed in line mode: `FILE:LINE: SEVERITY: reason`.
#[derive(Debug)]
struct Line {
    line: u64,
    severity: String,
    reason: String,
}

/// A finished `htpass check` run.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The findings on stdout; panics on any other line (stdout holds
    /// findings only).
    fn findings(&self, file: &str) -> Vec<Line> {
        self.stdout
            .lines()
            .map(|text| {
                let rest = text
                    .strip_prefix(&format!("{file}:"))
                    .unwrap_or_else(|| panic!("not a finding of {file}: {text:?}"));
                let (line, rest) = rest.split_once(": ").expect("FILE:LINE: ");
                let (severity, reason) = rest.split_once(": ").expect("SEVERITY: reason");
                Line {
                    line: line.parse().expect("a line number"),
                    severity: severity.to_owned(),
                    reason: reason.to_owned(),
                }
            })
            .collect()
    }

    /// The one finding of `file` on `line` whose reason contains `needle`.
    fn finding(&self, file: &str, line: u64, needle: &str) -> Line {
        let mut found: Vec<Line> = self
            .findings(file)
            .into_iter()
            .filter(|f| f.line == line && f.reason.contains(needle))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one finding on line {line} with {needle:?}:\n{}",
            self.stdout
        );
        found.remove(0)
    }

    fn json(&self) -> Value {
        assert!(
            self.stdout.ends_with("}\n"),
            "one object and a newline: {}",
            self.stdout
        );
        serde_json::from_str(&self.stdout).expect("valid JSON")
    }
}

/// Writes `contents` to `file` and runs `htpass check file ARGS...`.
fn check(contents: impl AsRef<[u8]>, args: &[&str]) -> Run {
    let dir = TestDir::new();
    dir.write("users", contents);
    run_check(&dir, "users", args, b"")
}

/// `htpass check FILE ARGS...` in `dir`, with `stdin` as standard input.
fn run_check(dir: &TestDir, file: &str, args: &[&str], stdin: &[u8]) -> Run {
    let output = dir
        .htpass()
        .arg("check")
        .arg(file)
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("run htpass check");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn clean_file() -> String {
    format!("# team\n\nalice:{BCRYPT}\nbob:{BCRYPT}\n")
}

// ------------------------------------------------------------------ clean

#[test]
fn a_clean_bcrypt_file_exits_0_with_no_findings() {
    let run = check(clean_file(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no problems found"), "{}", run.stderr);
    for server in ["registry", "nginx", "apache", "traefik"] {
        let run = check(
            clean_file(),
            &["--for", server, "--require", "bcrypt", "--strict"],
        );
        assert_eq!(
            run.code,
            Some(0),
            "--for {server}: {}{}",
            run.stdout,
            run.stderr
        );
        assert_eq!(run.stdout, "", "--for {server}");
    }
}

#[test]
fn strong_formats_other_than_bcrypt_are_not_warned_about() {
    let run = check(format!("a:{SHA256_CRYPT}\n"), &["--strict"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.stdout, "");
}

#[test]
fn a_missing_file_is_exit_1() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["check", "nope"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("nope"));
    dir.htpass()
        .args(["check", "nope", "--format", "json"])
        .assert()
        .code(1)
        .stdout("");
}

// ------------------------------------------------------------------ errors

#[test]
fn a_malformed_line_is_an_error_naming_the_servers_that_refuse_the_file() {
    let run = check(format!("alice:{BCRYPT}\nnot an entry\n"), &[]);
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 2, "no ':'");
    assert_eq!(found.severity, "error");
    assert!(
        found
            .reason
            .contains("the Docker registry, Traefik and Envoy refuse the whole file"),
        "{}",
        found.reason
    );
    assert_eq!(run.findings("users").len(), 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("failed with 1 error and"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_malformed_line_is_an_error_even_for_servers_that_skip_it() {
    let run = check(
        format!("alice:{BCRYPT}\nnot an entry\n"),
        &["--for", "nginx"],
    );
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 2, "no ':'");
    assert!(found.reason.contains("nginx skips it"), "{}", found.reason);
    assert!(
        found.reason.contains("password pasted by mistake"),
        "{}",
        found.reason
    );
}

#[test]
fn a_duplicate_user_says_which_line_each_server_uses() {
    let run = check(
        format!("alice:{BCRYPT}\nbob:{BCRYPT}\nalice:{BCRYPT}\n"),
        &[],
    );
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 3, "alice has 2 entries (lines 1 and 3)");
    assert_eq!(found.severity, "error");
    for said in [
        "nginx and Apache httpd use line 1 (the first)",
        "the Docker registry and Traefik use line 3 (the last)",
        "Envoy refuses the whole file",
    ] {
        assert!(found.reason.contains(said), "{said:?} in {}", found.reason);
    }
}

#[test]
fn a_user_listed_three_times_is_one_finding_at_its_last_line() {
    let run = check(
        format!("alice:{BCRYPT}\nalice:{BCRYPT}\nbob:{BCRYPT}\nalice:{BCRYPT}\n"),
        &[],
    );
    let findings = run.findings("users");
    assert_eq!(findings.len(), 1, "{}", run.stdout);
    assert_eq!(findings[0].line, 4);
    assert!(
        findings[0]
            .reason
            .contains("3 entries (first on line 1, last on line 4)"),
        "{}",
        findings[0].reason
    );
}

#[test]
fn an_unknown_hash_format_is_an_error() {
    let run = check(format!("alice:{BCRYPT}\nbob:not-a-hash\n"), &[]);
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 2, "no format a server knows");
    assert_eq!(found.severity, "error");
    assert!(found.reason.contains("user bob"), "{}", found.reason);
}

#[test]
fn crlf_endings_are_an_error_naming_the_server_that_keeps_the_cr() {
    let run = check(format!("# team\r\nalice:{SHA1}\r\nbob:{SHA1}\r\n"), &[]);
    assert_eq!(run.code, Some(7));
    // Reported once, on the first entry line (a comment's CR harms nobody).
    let crlf: Vec<Line> = run
        .findings("users")
        .into_iter()
        .filter(|f| f.reason.contains("CRLF"))
        .collect();
    assert_eq!(crlf.len(), 1, "{}", run.stdout);
    assert_eq!((crlf[0].line, crlf[0].severity.as_str()), (2, "error"));
    assert!(crlf[0].reason.contains("Envoy"), "{}", crlf[0].reason);
}

#[test]
fn crlf_is_an_error_for_envoy_but_not_for_servers_that_strip_the_cr() {
    let file = format!("alice:{SHA1}\r\nbob:{SHA1}\r\n");
    let run = check(&file, &["--for", "envoy"]);
    assert_eq!(run.code, Some(7));
    run.finding("users", 1, "CRLF");
    // Checked live: nginx ends the hash at the CR; Apache httpd, the
    // registry and Traefik strip it.
    for server in ["nginx", "apache", "traefik"] {
        let run = check(&file, &["--for", server]);
        assert!(
            !run.stdout.contains("CRLF"),
            "--for {server}: {}",
            run.stdout
        );
        assert_eq!(run.code, Some(0), "--for {server}: {}", run.stdout);
    }
}

#[test]
fn a_byte_order_mark_names_the_first_user() {
    let run = check(format!("\u{feff}alice:{BCRYPT}\nbob:{BCRYPT}\n"), &[]);
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 1, "byte-order mark");
    assert_eq!(found.severity, "error");
    assert!(
        found.reason.contains("user alice cannot log in"),
        "{}",
        found.reason
    );
    assert_eq!(run.findings("users").len(), 1, "{}", run.stdout);
}

#[test]
fn trailing_white_space_is_an_error_for_nginx_only() {
    let file = format!("alice:{BCRYPT} \nbob:{BCRYPT}\t\ncarol:{BCRYPT}\n");
    let run = check(&file, &["--for", "nginx"]);
    assert_eq!(run.code, Some(7));
    let findings = run.findings("users");
    assert_eq!(findings.len(), 2, "{}", run.stdout);
    for (found, user) in findings.iter().zip(["alice", "bob"]) {
        assert_eq!(found.severity, "error");
        assert!(
            found.reason.contains("white space after the hash"),
            "{}",
            found.reason
        );
        assert!(
            found.reason.contains(&format!(
                "nginx keeps it as part of the hash, so user {user} cannot log in"
            )),
            "{}",
            found.reason
        );
    }
    assert_eq!((findings[0].line, findings[1].line), (1, 2));
    // Apache httpd strips it (checked live).
    let run = check(&file, &["--for", "apache"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}

#[test]
fn leading_white_space_is_an_error_for_nginx() {
    let run = check(format!("  alice:{BCRYPT}\n"), &["--for", "nginx"]);
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 1, "white space before the user name");
    assert!(
        found
            .reason
            .contains("nginx takes it as part of the user name"),
        "{}",
        found.reason
    );
    assert_eq!(
        check(format!("  alice:{BCRYPT}\n"), &["--for", "apache"]).code,
        Some(0)
    );
}

#[test]
fn an_empty_user_and_an_empty_hash_are_errors() {
    let run = check(format!(":{BCRYPT}\nbob:\n"), &[]);
    assert_eq!(run.code, Some(7));
    assert_eq!(run.finding("users", 1, "empty user name").severity, "error");
    assert_eq!(
        run.finding("users", 2, "user bob has an empty hash")
            .severity,
        "error"
    );
    assert_eq!(run.findings("users").len(), 2, "{}", run.stdout);
}

// ------------------------------------------------------------------ warnings

#[test]
fn weak_formats_are_warnings_and_exit_0() {
    for (hash, label) in [
        ("{PLAIN}pw", "{PLAIN}"),
        (DES, "crypt (DES)"),
        (SHA1, "{SHA} (SHA-1)"),
        (SSHA, "{SSHA}"),
        (APR1, "apr1 (MD5)"),
        (MD5_CRYPT, "$1$ (MD5-crypt)"),
    ] {
        let run = check(format!("alice:{BCRYPT}\nbob:{hash}\n"), &[]);
        assert_eq!(run.code, Some(0), "{label}: {}", run.stderr);
        let found = run.finding("users", 2, label);
        assert_eq!(found.severity, "warning", "{label}");
        assert!(found.reason.contains("user bob"), "{}", found.reason);
        assert!(
            run.stderr.contains("1 warning; pass --strict"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_low_bcrypt_cost_is_a_warning_below_min_cost() {
    let file = format!("alice:{BCRYPT}\nbob:{BCRYPT_5}\n");
    let run = check(&file, &[]);
    assert_eq!(run.code, Some(0));
    let found = run.finding("users", 2, "bcrypt cost 5 is below 10");
    assert_eq!(found.severity, "warning");

    let run = check(&file, &["--min-cost", "5"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""));

    let run = check(&file, &["--min-cost", "12"]);
    assert_eq!(run.findings("users").len(), 2, "{}", run.stdout);
    run.finding("users", 1, "bcrypt cost 10 is below 12");

    // Out of range is a usage error, as for --cost.
    assert_eq!(check(&file, &["--min-cost", "3"]).code, Some(2));
}

#[test]
fn strict_makes_warnings_fail() {
    let file = format!("alice:{BCRYPT}\nbob:{APR1}\n");
    assert_eq!(check(&file, &[]).code, Some(0));
    let run = check(&file, &["--strict"]);
    assert_eq!(run.code, Some(7));
    assert_eq!(run.finding("users", 2, "apr1").severity, "warning");
    assert!(run.stderr.contains("--strict"), "{}", run.stderr);
}

#[test]
fn require_bcrypt_makes_any_other_entry_an_error() {
    let file = format!("alice:{BCRYPT}\nbob:{APR1}\ncarol:{SHA256_CRYPT}\ndave:{BCRYPT_5}\n");
    let run = check(&file, &["--require", "bcrypt"]);
    assert_eq!(run.code, Some(7));
    for (line, user) in [(2, "bob"), (3, "carol")] {
        let found = run.finding("users", line, "bcrypt is required");
        assert_eq!(found.severity, "error");
        assert!(
            found.reason.contains(&format!("user {user}")),
            "{}",
            found.reason
        );
    }
    // A bcrypt entry is still only warned about for its cost.
    assert_eq!(run.finding("users", 4, "cost 5").severity, "warning");
}

// ------------------------------------------------------------------ hash shapes

/// Issue 11 item 8: hashes every server rejects passed `check`.
#[test]
fn malformed_hashes_are_errors_on_their_lines() {
    let file = format!(
        "ok:{BCRYPT}\na:$2y$10$short\nb:$2y$03${}\nc:$apr1$\nd:$5$rounds=abc$salt$91jbbRmcYT8qeUwLEeHlAI83KRLC3jXV/8LMM2QWYW7\ne:{{SHA}}GpHWL3ymc5liWkNopqtdSjuqYH\n",
        &BCRYPT[7..]
    );
    let run = check(&file, &[]);
    assert_eq!(run.code, Some(7), "{}", run.stdout);
    for (line, user, says) in [
        (2, "a", "is shorter than 60 characters"),
        (3, "b", "its cost is not two digits from 04 to 31"),
        (4, "c", "ends after the salt"),
        (5, "d", "its rounds= is not a number from 1000 to 999999999"),
        (6, "e", "is not 28 characters after {SHA}"),
    ] {
        let found = run.finding("users", line, "malformed");
        assert_eq!(found.severity, "error");
        assert!(
            found
                .reason
                .starts_with(&format!("user {user}: malformed ")),
            "{}",
            found.reason
        );
        assert!(found.reason.contains(says), "{}", found.reason);
        assert!(
            found
                .reason
                .contains(&format!("so user {user} cannot log in")),
            "{}",
            found.reason
        );
    }
    // Envoy checks the length of a {SHA} hash when it loads the file.
    assert!(
        run.finding("users", 6, "malformed")
            .reason
            .contains("Envoy refuses the whole file")
    );
    assert_eq!(run.findings("users").len(), 5, "{}", run.stdout);
    let value = check(&file, &["--format", "json"]).json();
    let codes: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["malformed-hash"; 5]);
}

#[test]
fn unsupported_schemes_are_named_not_called_plain_text() {
    let file = "a:{SSHA256}c2FsdGVkIGhhc2g=\nb:{SMD5}c2FsdGVkIGhhc2g=\nc:_J9..UKsmpP1cqbJu1MM\n";
    let run = check(file, &[]);
    assert_eq!(run.code, Some(7), "{}", run.stdout);
    for (line, scheme) in [(1, "{SSHA256}"), (2, "{SMD5}")] {
        let found = run.finding("users", line, "unsupported scheme");
        assert_eq!(found.severity, "error");
        assert!(
            found
                .reason
                .contains(&format!("unsupported scheme {scheme} (salted "))
                && found
                    .reason
                    .contains("no server that reads htpasswd files verifies it"),
            "{}",
            found.reason
        );
    }
    // BSDi's crypt: nginx and Apache httpd verify it through libxcrypt.
    let bsdi = run.finding("users", 3, "_ (BSDi extended DES crypt)");
    assert_eq!(bsdi.severity, "warning");
    assert!(
        bsdi.reason.contains("htpass cannot verify it"),
        "{}",
        bsdi.reason
    );
    assert!(!run.stdout.contains("plain"), "{}", run.stdout);
    assert!(!run.stdout.contains("clear text"), "{}", run.stdout);
    let registry = check(file, &["--for", "registry"]);
    assert_eq!(
        registry.finding("users", 3, "unsupported scheme").severity,
        "error"
    );
}

#[test]
fn a_cost_that_makes_each_login_take_seconds_is_a_warning() {
    let file = format!(
        "a:$2y$31${}\nb:$6$rounds=999999999$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.\nc:$2y$15${}\n",
        &BCRYPT[7..],
        &BCRYPT[7..]
    );
    let run = check(&file, &[]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let bcrypt = run.finding("users", 1, "bcrypt cost 31");
    assert_eq!(bcrypt.severity, "warning");
    assert!(
        bcrypt.reason.contains("about 29 hours"),
        "{}",
        bcrypt.reason
    );
    assert!(bcrypt.reason.contains("lower --cost"), "{}", bcrypt.reason);
    let sha = run.finding("users", 2, "rounds=999999999");
    assert!(sha.reason.contains("about 4 minutes"), "{}", sha.reason);
    assert!(sha.reason.contains("fewer --rounds"), "{}", sha.reason);
    assert_eq!(
        run.findings("users").len(),
        2,
        "cost 15 is fine: {}",
        run.stdout
    );
    assert_eq!(check(&file, &["--strict"]).code, Some(7));
}

/// Traefik's `users` option is a comma-separated list; its usersFile is
/// not, so a `,` in a name is a warning, not an error.
#[test]
fn check_for_traefik_warns_about_a_comma_in_a_user_name() {
    let file = format!("ops,dev:{BCRYPT}\nalice:{BCRYPT}\n");
    let run = check(&file, &["--for", "traefik"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let found = run.finding("users", 1, "user ops,dev:");
    assert_eq!(found.severity, "warning");
    assert!(
        found.reason.contains("Traefik splits its inline user list"),
        "{}",
        found.reason
    );
    assert!(found.reason.contains("usersFile"), "{}", found.reason);
    assert_eq!(run.findings("users").len(), 1);
    assert_eq!(
        check(&file, &["--for", "traefik", "--strict"]).code,
        Some(7)
    );
    let nginx = check(&file, &["--for", "nginx", "--strict"]);
    assert_eq!(nginx.code, Some(0), "{}", nginx.stdout);
    let value = check(&file, &["--for", "traefik", "--format", "json"]).json();
    assert_eq!(value["findings"][0]["code"], "separator-in-user");
    assert_eq!(
        value["findings"][0]["servers"],
        serde_json::json!(["traefik"])
    );
}

// ------------------------------------------------------------------ --for

#[test]
fn registry_refuses_apr1_naming_line_2() {
    let run = check(
        format!("bob:{BCRYPT}\nalice:{APR1}\n"),
        &["--for", "registry"],
    );
    assert_eq!(run.code, Some(7));
    let findings = run.findings("users");
    assert_eq!(findings.len(), 1, "{}", run.stdout);
    assert_eq!(
        (findings[0].line, findings[0].severity.as_str()),
        (2, "error")
    );
    assert!(
        findings[0]
            .reason
            .contains("the Docker registry accepts only bcrypt, so user alice cannot log in"),
        "{}",
        findings[0].reason
    );
    // Without --for, apr1 is only weak.
    assert_eq!(
        check(format!("bob:{BCRYPT}\nalice:{APR1}\n"), &[]).code,
        Some(0)
    );
}

#[test]
fn registry_lets_the_last_duplicate_win_and_nginx_and_apache_the_first() {
    let file = format!("alice:{BCRYPT}\nbob:{BCRYPT}\nalice:{BCRYPT}\n");
    let run = check(&file, &["--for", "registry"]);
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 3, "alice has 2 entries");
    assert!(
        found
            .reason
            .contains("the Docker registry uses line 3 (the last)"),
        "{}",
        found.reason
    );
    assert!(!found.reason.contains("nginx"), "{}", found.reason);

    let run = check(&file, &["--for", "nginx", "--for", "apache"]);
    let found = run.finding("users", 3, "alice has 2 entries");
    assert!(
        found
            .reason
            .contains("nginx and Apache httpd use line 1 (the first)"),
        "{}",
        found.reason
    );
}

#[test]
fn traefik_refuses_a_second_colon() {
    let file = format!("alice:{BCRYPT}:admin\nbob:{BCRYPT}\n");
    let run = check(&file, &["--for", "traefik"]);
    assert_eq!(run.code, Some(7));
    let found = run.finding("users", 1, "a second ':'");
    assert_eq!(found.severity, "error");
    assert!(
        found.reason.contains("Traefik refuses the whole file"),
        "{}",
        found.reason
    );
    // nginx and Apache httpd end the hash at the ':' (user:hash:comment).
    assert_eq!(check(&file, &["--for", "nginx,apache"]).code, Some(0));
}

#[test]
fn envoy_takes_only_sha() {
    let run = check(
        format!("alice:{SHA1}\nbob:{BCRYPT}\ncarol:{APR1}\n"),
        &["--for", "envoy"],
    );
    assert_eq!(run.code, Some(7));
    for line in [2, 3] {
        let found = run.finding("users", line, "Envoy accepts only {SHA} (SHA-1)");
        assert_eq!(found.severity, "error");
        assert!(
            found.reason.contains("refuses the whole file"),
            "{}",
            found.reason
        );
    }
    // {SHA} is what Envoy takes: weak, but nothing stronger to advise.
    let found = run.finding("users", 1, "{SHA}");
    assert_eq!(found.severity, "warning");
    assert!(
        found.reason.contains("Envoy accepts nothing stronger"),
        "{}",
        found.reason
    );
}

#[test]
fn nginx_takes_plain_and_ssha_that_apache_refuses() {
    let file = format!("alice:{{PLAIN}}pw\nbob:{SSHA}\n");
    let run = check(&file, &["--for", "nginx"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.findings("users")
            .iter()
            .all(|f| f.severity == "warning")
    );
    let run = check(&file, &["--for", "apache"]);
    assert_eq!(run.code, Some(7));
    run.finding("users", 1, "Apache httpd does not accept it");
    run.finding("users", 2, "Apache httpd does not accept it");
}

#[test]
fn servers_can_be_given_with_commas_or_repeated() {
    let file = format!("alice:{APR1}\n");
    for args in [
        &["--for", "registry,envoy"][..],
        &["--for", "registry", "--for", "envoy"][..],
    ] {
        let run = check(&file, args);
        assert_eq!(run.code, Some(7));
        let found = run.finding("users", 1, "the Docker registry accepts only bcrypt");
        assert!(
            found.reason.contains("Envoy accepts only {SHA}"),
            "{}",
            found.reason
        );
        assert!(found.reason.contains("no format suits"), "{}", found.reason);
    }
    assert_eq!(check(&file, &["--for", "lighttpd"]).code, Some(2));
}

// ------------------------------------------------------------------ duplicates

/// `htpass check ARGS...` on `contents` twice: as a regular file, which is
/// read again to find duplicated users in flat memory, and through a pipe
/// (`/dev/stdin`), read once with every user in memory. The pipe's path is
/// written `users` in its output, so the two runs can be compared.
fn check_file_and_pipe(contents: &[u8], args: &[&str]) -> (Run, Run) {
    let dir = TestDir::new();
    dir.write("users", contents);
    let run = |file: &str, stdin: &[u8]| run_check(&dir, file, args, stdin);
    let file = run("users", b"");
    let mut pipe = run("/dev/stdin", contents);
    pipe.stdout = pipe.stdout.replace("/dev/stdin", "users");
    (file, pipe)
}

fn assert_same_runs(file: &Run, pipe: &Run) {
    assert_eq!(file.stdout, pipe.stdout);
    assert_eq!(file.stderr, pipe.stderr);
    assert_eq!(file.code, pipe.code);
}

#[test]
fn a_pipe_and_a_regular_file_give_the_same_findings() {
    let contents = format!(
        "\u{feff}alice:{BCRYPT}\r\nbob:{SHA1}\r\n# alice:x\n\n:{BCRYPT}\n  carol:{BCRYPT}\n\
         alice:{BCRYPT}\nnot an entry\n:{BCRYPT}\ncarol:{BCRYPT}\nbob :{SHA1}\nalice:{BCRYPT}"
    );
    for args in [
        &[][..],
        &["--format", "json"],
        &["--for", "envoy", "--for", "nginx"],
        &["--for", "registry", "--format", "json", "--strict"],
    ] {
        let (file, pipe) = check_file_and_pipe(contents.as_bytes(), args);
        assert_same_runs(&file, &pipe);
        assert_eq!(file.code, Some(7), "{args:?}");
    }
    let (file, _) = check_file_and_pipe(contents.as_bytes(), &[]);
    let duplicates = duplicate_findings(&file);
    assert_eq!(duplicates.len(), 2, "{}", file.stdout);
    assert_eq!(duplicates[0].0, 10);
    assert!(
        duplicates[0]
            .1
            .contains("carol has 2 entries (lines 6 and 10)")
    );
    assert_eq!(duplicates[1].0, 12);
    assert!(
        duplicates[1]
            .1
            .contains("alice has 3 entries (first on line 1, last on line 12)")
    );
}

/// The duplicated-user findings of a run on `users`: line and reason.
fn duplicate_findings(run: &Run) -> Vec<(u64, String)> {
    run.findings("users")
        .into_iter()
        .filter(|finding| finding.reason.contains(" entries ("))
        .map(|finding| (finding.line, finding.reason))
        .collect()
}

#[test]
fn duplicates_among_more_users_than_one_pass_keeps_are_found_exactly() {
    // More users than `htpass::check::SIEVE_KEYS`, so the regular
    // file takes several ranges of fingerprints; duplicates at the first
    // and last lines, next to each other, and one user four times.
    const USERS: usize = 140_000;
    let mut contents = String::with_capacity(USERS * 80);
    contents.push('\u{feff}');
    for i in 0..USERS {
        contents.push_str(&format!("user{i}:{BCRYPT}\n"));
        match i {
            1_000 => contents.push_str(&format!("user1000:{BCRYPT}\n")),
            70_000 => contents.push_str(&format!("user99999:{BCRYPT}\nuser5:{BCRYPT}\n")),
            120_000 => contents.push_str(&format!("user99999:{BCRYPT}\n")),
            _ => {}
        }
    }
    contents.push_str(&format!("user99999:{BCRYPT}\nuser0:{BCRYPT}\n"));
    let (file, pipe) = check_file_and_pipe(contents.as_bytes(), &[]);
    assert_same_runs(&file, &pipe);
    let duplicates = duplicate_findings(&file);
    let expected = [
        (1_002, "user1000 has 2 entries (lines 1001 and 1002)"),
        (70_004, "user5 has 2 entries (lines 6 and 70004)"),
        (
            140_005,
            "user99999 has 4 entries (first on line 70003, last on line 140005)",
        ),
        (140_006, "user0 has 2 entries (lines 1 and 140006)"),
    ];
    assert_eq!(duplicates.len(), expected.len(), "{}", file.stdout);
    for ((line, reason), (expected_line, expected_reason)) in duplicates.iter().zip(expected) {
        assert_eq!(*line, expected_line, "{reason}");
        assert!(reason.contains(expected_reason), "{reason}");
    }
}

// ------------------------------------------------------------------ output

#[test]
fn json_has_the_file_counts_and_every_field_of_each_finding() {
    let run = check(
        format!("alice:{BCRYPT}\nbob:{APR1}\nnot an entry\n"),
        &["--format", "json"],
    );
    assert_eq!(run.code, Some(7));
    let value = run.json();
    assert_eq!(value["file"], "users");
    assert_eq!(value["errors"], 1);
    assert_eq!(value["warnings"], 1);
    assert_eq!(value["failed"], true);
    let findings = value["findings"].as_array().expect("findings is an array");
    assert_eq!(findings.len(), 2);

    let weak = &findings[0];
    assert_eq!(weak["line"], 2);
    assert_eq!(weak["severity"], "warning");
    assert_eq!(weak["code"], "weak-algorithm");
    assert_eq!(weak["user"], "bob");
    assert_eq!(weak["servers"], serde_json::json!(["registry", "envoy"]));
    assert!(weak["message"].as_str().unwrap().contains("apr1"));

    let malformed = &findings[1];
    assert_eq!(malformed["line"], 3);
    assert_eq!(malformed["severity"], "error");
    assert_eq!(malformed["code"], "malformed-line");
    assert!(malformed["user"].is_null());
    assert_eq!(
        malformed["servers"],
        serde_json::json!(["registry", "traefik", "envoy"])
    );
}

#[test]
fn json_of_a_clean_file_is_an_empty_list() {
    let run = check(clean_file(), &["--format", "json"]);
    assert_eq!(run.code, Some(0));
    let value = run.json();
    assert_eq!(value["findings"], serde_json::json!([]));
    assert_eq!(
        (value["errors"].as_u64(), value["warnings"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(value["failed"], false);
    assert_eq!(run.stderr, "");
}

#[test]
fn json_codes_for_each_rule() {
    let file = format!(
        "\u{feff}alice:{BCRYPT}\r\n bob:{BCRYPT} \ncarol:{BCRYPT}:x\n:{BCRYPT}\ndave:\nerin:junk\nfrank:{BCRYPT_5}\nalice:{BCRYPT}\n"
    );
    let run = check(&file, &["--format", "json", "--for", "nginx,traefik"]);
    let value = run.json();
    let codes: Vec<(u64, &str)> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (1, "byte-order-mark"),
            (2, "leading-whitespace"),
            (2, "trailing-whitespace"),
            (3, "colon-in-hash"),
            (4, "empty-user"),
            (5, "empty-hash"),
            (6, "unknown-format"),
            (7, "low-cost"),
            (8, "duplicate-user"),
        ]
    );
    let with_crlf = check(&file, &["--format", "json"]).json();
    assert!(
        with_crlf["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "crlf" && f["line"] == 1)
    );
}

#[test]
fn user_names_are_escaped_in_lines_and_exact_in_json() {
    let file = [b"e\x1b[31mvil\xff:".as_slice(), APR1.as_bytes(), b"\n"].concat();
    let run = check(&file, &[]);
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    run.finding("users", 1, "user e\\x1b[31mvil\\xff:");

    let value = check(&file, &["--format", "json"]).json();
    let found = &value["findings"][0];
    assert_eq!(found["user"], "e\u{1b}[31mvil\u{fffd}");
    assert!(found["user_base64"].is_string());
}

#[test]
fn a_file_that_is_not_utf8_is_read_as_bytes() {
    let file = [
        b"# caf\xe9\n".as_slice(),
        b"alice:",
        BCRYPT.as_bytes(),
        b"\n",
    ]
    .concat();
    let run = check(&file, &[]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""));
}

#[test]
fn no_hash_or_password_is_ever_printed() {
    let file = format!(
        "alice:{{PLAIN}}hunter2\nhunter2secret\nbob:hunter2bare\ncarol:{{PLAIN}}hunter2:more \ndave:{APR1}\ndave:{BCRYPT_5} \n\u{feff}"
    );
    let secrets = ["hunter2", "apr1$", "sHS/ZlXT", "$2y$", "k1BBTkdZ"];
    for args in [
        &[][..],
        &["--strict"][..],
        &["--format", "json"][..],
        &[
            "--for",
            "registry,nginx,apache,traefik,envoy",
            "--require",
            "bcrypt",
        ][..],
        &["--format", "json", "--for", "envoy"][..],
    ] {
        let run = check(&file, args);
        assert_eq!(run.code, Some(7), "{args:?}");
        assert!(!run.stdout.is_empty());
        for secret in secrets {
            assert!(
                !run.stdout.contains(secret),
                "{secret:?} on stdout with {args:?}:\n{}",
                run.stdout
            );
            assert!(
                !run.stderr.contains(secret),
                "{secret:?} on stderr with {args:?}:\n{}",
                run.stderr
            );
        }
    }
}

#[test]
fn stdout_holds_findings_only_and_the_summary_goes_to_stderr() {
    let run = check(format!("alice:{APR1}\nbob:{BCRYPT}\n"), &[]);
    assert_eq!(run.findings("users").len(), 1);
    assert!(!run.stderr.contains("users:"), "{}", run.stderr);
    assert!(run.stderr.contains("1 warning"), "{}", run.stderr);
}

#[test]
fn a_closed_stdout_still_gives_the_exit_code() {
    let dir = TestDir::new();
    let mut file = String::new();
    for i in 0..20_000 {
        file.push_str(&format!("user{i}:{APR1}\n"));
    }
    dir.write("users", file);
    let script = format!(
        "{} check users --strict | head -c 1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_htpass")
    );
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path(""))
        .output()
        .expect("run bash");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "7");
}

#[test]
fn help_describes_check() {
    crate::util::htpass()
        .args(["check", "--help"])
        .assert()
        .code(0)
        .stdout(
            contains("--for")
                .and(contains("--strict"))
                .and(contains("--min-cost")),
        );
}
