//! The interop matrix: the algorithms, the test passwords, what each reader
//! accepts, and the table of cells that a test asks and reports.

use std::fmt::Write as _;

use super::writers::{Entry, WrittenFile};

/// A hash format as it appears in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// `$2y$`
    Bcrypt,
    /// `$apr1$`
    Apr1,
    /// `$5$`
    Sha256Crypt,
    /// `$6$`
    Sha512Crypt,
    /// `{SHA}`
    Sha1,
    /// Traditional DES crypt (13 characters).
    DesCrypt,
    /// `$y$`: htpass `-a yescrypt` and libxcrypt's `mkpasswd`.
    Yescrypt,
    /// The password itself, as `htpass -a plain` and `htpasswd -p` write it.
    BarePlain,
    /// `{SSHA}`: nobody writes it; built by the test.
    Ssha,
    /// `{PLAIN}`: nobody writes it; built by the test.
    PlainScheme,
}

impl Algorithm {
    /// The name in the table, and the first part of the user names.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Bcrypt => "bcrypt",
            Algorithm::Apr1 => "apr1",
            Algorithm::Sha256Crypt => "sha256",
            Algorithm::Sha512Crypt => "sha512",
            Algorithm::Sha1 => "sha1",
            Algorithm::DesCrypt => "crypt",
            Algorithm::Yescrypt => "yescrypt",
            Algorithm::BarePlain => "plain",
            Algorithm::Ssha => "ssha",
            Algorithm::PlainScheme => "plain-scheme",
        }
    }
}

/// A password every entry is written with, named for the table.
#[derive(Clone, Copy, Debug)]
pub struct TestPassword {
    pub label: &'static str,
    pub text: &'static str,
}

/// The two passwords of every algorithm: the characters a shell, a
/// `user:hash` line or basic auth could trip on, and UTF-8. The UTF-8 one
/// has no `:`, so that nginx's `{PLAIN}` (which ends the field at a `:`) can
/// accept at least one of them.
pub const PASSWORDS: [TestPassword; 2] = [
    TestPassword {
        label: "special",
        text: "open $esame: now",
    },
    TestPassword {
        label: "utf8",
        text: "grüße ✓ €uro",
    },
];

/// A user that is in no file.
pub const UNKNOWN_USER: &str = "nobody-here";

/// `password` with its first character changed: every format looks at it,
/// DES crypt included (which reads only 8 bytes, 7 bits each).
pub fn wrong_password(password: &str) -> String {
    let mut chars = password.chars();
    let first = chars.next().expect("test passwords are not empty");
    let replacement = if first == 'X' { 'Y' } else { 'X' };
    std::iter::once(replacement).chain(chars).collect()
}

/// A program that reads htpasswd files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Nginx,
    ApacheHttpd,
    Registry,
    HtpassVerify,
    ApacheVerify,
    OurHtpasswdVerify,
}

impl Reader {
    pub fn name(self) -> &'static str {
        match self {
            Reader::Nginx => "nginx",
            Reader::ApacheHttpd => "Apache httpd",
            Reader::Registry => "registry",
            Reader::HtpassVerify => "htpass verify",
            Reader::ApacheVerify => "Apache htpasswd -v",
            Reader::OurHtpasswdVerify => "our htpasswd -v",
        }
    }

    /// Whether this reader lets the right password in for an entry of
    /// `algorithm`: the behaviour of the real programs, which the tests check.
    pub fn accepts(self, algorithm: Algorithm, password: &str) -> bool {
        use Algorithm::*;
        match self {
            // nginx does $apr1$, {SHA}, {SSHA} and {PLAIN} itself and
            // everything else with the system's crypt(3) (libxcrypt: bcrypt,
            // SHA-crypt, DES, yescrypt). It reads `user:hash:comment`, so a
            // `{PLAIN}` password ends at its first `:` (and its start alone
            // is then accepted). A bare password is never compared as such.
            Reader::Nginx => match algorithm {
                Bcrypt | Apr1 | Sha256Crypt | Sha512Crypt | Sha1 | DesCrypt | Yescrypt | Ssha => {
                    true
                }
                PlainScheme => !password.contains(':'),
                BarePlain => false,
            },
            // apr_password_validate: bcrypt, $apr1$ and {SHA} itself, the rest
            // through crypt(3) (yescrypt included). It knows neither {SSHA}
            // nor {PLAIN}, and on Linux a bare password is never compared as
            // such. Our htpasswd -v answers as Apache's.
            Reader::ApacheHttpd | Reader::ApacheVerify | Reader::OurHtpasswdVerify => {
                matches!(
                    algorithm,
                    Bcrypt | Apr1 | Sha256Crypt | Sha512Crypt | Sha1 | DesCrypt | Yescrypt
                )
            }
            // golang.org/x/crypto/bcrypt only.
            Reader::Registry => algorithm == Bcrypt,
            // A bare password needs --allow-plain, which the matrix does not give.
            Reader::HtpassVerify => algorithm != BarePlain,
        }
    }
}

/// What a reader answered: its verdict, and the answer as it was shown
/// (`HTTP 401`, `exit 3`) for the table.
#[derive(Clone, Debug)]
pub struct Answer {
    pub verdict: Verdict,
    pub shown: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Refused,
    /// Neither: a server error, no answer, a crash. Never what a cell expects.
    Broken,
}

impl Answer {
    /// A server's answer: 200 lets in, 401 refuses, anything else is broken.
    pub fn from_http(status: Result<u16, String>) -> Answer {
        match status {
            Ok(code) => Answer {
                verdict: match code {
                    200 => Verdict::Accepted,
                    401 => Verdict::Refused,
                    _ => Verdict::Broken,
                },
                shown: format!("HTTP {code}"),
            },
            Err(error) => Answer {
                verdict: Verdict::Broken,
                shown: error,
            },
        }
    }

    /// A program's answer: exit 0 lets in, an exit code in `refusals`
    /// (Apache's 3 for a mismatch and 6 for a missing user) refuses, anything
    /// else (a usage error, a signal) is broken.
    pub fn from_exit(code: Option<i32>, refusals: &[i32]) -> Answer {
        let verdict = match code {
            Some(0) => Verdict::Accepted,
            Some(code) if refusals.contains(&code) => Verdict::Refused,
            _ => Verdict::Broken,
        };
        let shown = code.map_or_else(
            || "killed by a signal".to_owned(),
            |code| format!("exit {code}"),
        );
        Answer { verdict, shown }
    }
}

/// One question asked of a reader, and its answer.
struct Cell {
    algorithm: &'static str,
    password: &'static str,
    attempt: &'static str,
    expected: Verdict,
    answer: Answer,
}

/// The cells one test asked: one (writer, reader) pair, every algorithm.
pub struct Cells {
    writer: &'static str,
    reader: Reader,
    asked: Vec<Cell>,
}

impl Cells {
    /// Asks `reader`, through `ask(user, password)`, for every entry of
    /// `file`: the right password, a wrong one, and once a user who is not in
    /// the file.
    pub fn ask(
        reader: Reader,
        file: &WrittenFile,
        mut ask: impl FnMut(&str, &str) -> Answer,
    ) -> Cells {
        let mut asked = Vec::new();
        for Entry {
            user,
            algorithm,
            password,
        } in &file.entries
        {
            let right = reader.accepts(*algorithm, password.text);
            let expected = if right {
                Verdict::Accepted
            } else {
                Verdict::Refused
            };
            asked.push(Cell {
                algorithm: algorithm.name(),
                password: password.label,
                attempt: if right {
                    "right password"
                } else {
                    "right password, unsupported"
                },
                expected,
                answer: ask(user, password.text),
            });
            asked.push(Cell {
                algorithm: algorithm.name(),
                password: password.label,
                attempt: "wrong password",
                expected: Verdict::Refused,
                answer: ask(user, &wrong_password(password.text)),
            });
        }
        asked.push(Cell {
            algorithm: "-",
            password: PASSWORDS[0].label,
            attempt: "unknown user",
            expected: Verdict::Refused,
            answer: ask(UNKNOWN_USER, PASSWORDS[0].text),
        });
        Cells {
            writer: file.writer.name(),
            reader,
            asked,
        }
    }

    /// Names the writer `writer` in the table: for a file that took a detour
    /// on its way to the reader, such as through a Kubernetes Secret.
    pub fn written_by(self, writer: &'static str) -> Cells {
        Cells { writer, ..self }
    }

    /// Prints every cell (seen with `--nocapture`), then panics with a table
    /// of the failing ones and `diagnostics` (the server's log) if any failed.
    pub fn assert_all_as_expected(&self, diagnostics: &str) {
        println!("{}", self.table(|_| true));
        let failed = self.asked.iter().filter(|cell| !cell.passed()).count();
        assert!(
            failed == 0,
            "{failed} of {} cells failed:\n{}\n{diagnostics}",
            self.asked.len(),
            self.table(|cell| !cell.passed())
        );
    }

    fn table(&self, include: impl Fn(&Cell) -> bool) -> String {
        let mut table = format!(
            "{:<20} {:<19} {:<13} {:<8} {:<28} {:<9} {}\n",
            "writer", "reader", "algorithm", "password", "attempt", "expected", "got"
        );
        for cell in self.asked.iter().filter(|cell| include(cell)) {
            let _ = writeln!(
                table,
                "{:<20} {:<19} {:<13} {:<8} {:<28} {:<9} {}{}",
                self.writer,
                self.reader.name(),
                cell.algorithm,
                cell.password,
                cell.attempt,
                format!("{:?}", cell.expected).to_lowercase(),
                cell.answer.shown,
                if cell.passed() { "" } else { "   <-- FAIL" },
            );
        }
        table
    }
}

impl Cell {
    fn passed(&self) -> bool {
        self.answer.verdict == self.expected
    }
}

#[test]
fn wrong_password_differs_in_its_first_character() {
    assert_eq!(wrong_password("open"), "Xpen");
    assert_eq!(wrong_password("Xyz"), "Yyz");
    assert_eq!(wrong_password("ü"), "X");
}
