//! Findings about an entry's hash: its format, its shape, its cost.
//!
//! Its job: for the hash of one entry (already cut at a second `:` and
//! trimmed as the servers read it), say what the servers considered make
//! of its format (from [`super::servers::SERVERS`]), whether it is
//! malformed or of a scheme htpass cannot verify ([`crate::hash::inspect`]),
//! and whether its cost is too low or makes each login too slow.
//!
//! What it must never do: look at anything but the hash's shape, or put any
//! of its bytes into a message (a `{PLAIN}` hash is a password); decide
//! per server with an `if` rather than from the table.

use crate::hash::{BcryptCost, BcryptVariant, Defect, Scheme, ShaRounds, Shape, YescryptCost};

use super::Kind;
use super::findings::{Checker, join, refusals, said, server_list};
use super::servers::{Format, Reading, ServerRules, default_servers};

impl Checker<'_> {
    /// A hash of a scheme htpass knows, in a shape the servers considered
    /// cannot verify. Returns whether it made a finding: a hash only some
    /// servers cannot verify is malformed for them, and when none of them
    /// is considered, the format's own findings follow.
    pub(super) fn malformed_hash(
        &mut self,
        number: u64,
        user: &[u8],
        name: &str,
        shape: Shape,
        defect: Defect,
    ) -> bool {
        let readings: Vec<(&'static ServerRules, Reading)> = self
            .considered
            .iter()
            .map(|rules| (*rules, rules.reads(shape)))
            .collect();
        let with = |reading: Reading| -> Vec<&'static str> {
            readings
                .iter()
                .filter(|(_, read)| *read == reading)
                .map(|(rules, _)| rules.name)
                .collect()
        };
        let (locked, refusing, reading_it) = (
            with(Reading::UserLocked),
            with(Reading::RefusesFile),
            with(Reading::Ignored),
        );
        if locked.is_empty() && refusing.is_empty() {
            return false;
        }
        let format = Format::of(shape.scheme());
        let mut parts = Vec::new();
        if reading_it.is_empty() {
            parts.push(format!(
                "no server can verify it, so user {name} cannot log in"
            ));
        } else if !locked.is_empty() {
            parts.push(format!(
                "{}, so user {name} cannot log in",
                said(&locked, ("cannot verify it", "cannot verify it"))
            ));
        }
        if !refusing.is_empty() {
            parts.push(format!(
                "{}, so nobody can log in",
                said(&refusing, Reading::RefusesFile.phrase())
            ));
        }
        if !reading_it.is_empty() {
            parts.push(said(
                &reading_it,
                (
                    "ignores what is wrong and verifies it",
                    "ignore what is wrong and verify it",
                ),
            ));
        }
        let message = format!(
            "user {name}: malformed {} hash ({defect}): {}; set a new password for {name} with `htpass add`",
            format.label(),
            parts.join("; ")
        );
        let servers = readings
            .iter()
            .filter(|(_, reading)| *reading != Reading::Ignored)
            .map(|(rules, _)| rules.server)
            .collect();
        self.push(number, Kind::MalformedHash, Some(user), servers, message);
        true
    }

    /// At most one finding about the format: unknown, then a scheme none
    /// of the servers considered verifies, then refused by a server asked
    /// for, then not bcrypt when required, then one htpass cannot verify,
    /// then weak, then a cost too low or too high. `scheme` is `None` for
    /// a scheme htpass cannot verify.
    pub(super) fn format(
        &mut self,
        number: u64,
        user: &[u8],
        name: &str,
        format: Format,
        scheme: Option<Scheme>,
    ) {
        let verifies = |rules: &ServerRules| match scheme {
            Some(scheme) => rules.accepts_scheme(scheme),
            None => rules.accepts(format),
        };
        let refusing: Vec<&'static ServerRules> = self
            .considered
            .iter()
            .copied()
            .filter(|rules| !verifies(rules))
            .collect();
        // A server that takes bcrypt but not this prefix (OpenShift and
        // $2b$): the prefix is what the message must name.
        let bcrypt_prefix = match scheme {
            Some(Scheme::Bcrypt { variant, .. })
                if refusing
                    .iter()
                    .any(|rules| rules.refused_bcrypt.contains(&variant)) =>
            {
                Some(variant)
            }
            _ => None,
        };
        let label = match bcrypt_prefix {
            Some(variant) => format!("{} (bcrypt)", variant.prefix()),
            None => format.label().to_owned(),
        };
        if format == Format::BarePlain {
            let message = format!(
                "user {name}: the hash is in no format a server knows (a password in clear text?): {}; set a new password",
                refusals(&refusing, name, |rules| format!(
                    "{} cannot verify it",
                    rules.name
                ))
            );
            self.push(
                number,
                Kind::UnknownFormat,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if let Format::Unsupported(row) = format
            && refusing.len() == self.considered.len()
        {
            let refusal = if row.system_crypt {
                let names: Vec<&str> = refusing.iter().map(|rules| rules.name).collect();
                format!(
                    "{} (only servers that use the system crypt(3) do, such as {}), so user {name} cannot log in",
                    said(&names, ("does not verify it", "do not verify it")),
                    join(&system_crypt_servers())
                )
            } else {
                format!(
                    "no server that reads htpasswd files verifies it, so user {name} cannot log in"
                )
            };
            let mut message = format!("user {name}: unsupported scheme {label}: {refusal}");
            let file: Vec<&str> = refusing
                .iter()
                .filter(|rules| rules.unusable_entry == Reading::RefusesFile)
                .map(|rules| rules.name)
                .collect();
            if !file.is_empty() {
                message.push_str(&format!(
                    "; {}, so nobody can log in",
                    said(&file, Reading::RefusesFile.phrase())
                ));
            }
            message.push_str(&format!("; {}", self.advice()));
            self.push(
                number,
                Kind::UnsupportedScheme,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if self.for_servers && !refusing.is_empty() {
            let advice = self.advice();
            let message = format!(
                "user {name}: {label} hash: {}; {advice}",
                refusals(&refusing, name, |rules| {
                    match (rules.accepts, bcrypt_prefix) {
                        (_, Some(refused)) if rules.refused_bcrypt.contains(&refused) => format!(
                            "{} verifies bcrypt only as {}",
                            rules.name,
                            accepted_prefixes(rules)
                        ),
                        ([only], _) => format!("{} accepts only {}", rules.name, only.label()),
                        _ => format!("{} does not accept it", rules.name),
                    }
                })
            );
            self.push(
                number,
                Kind::UnsupportedByServer,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if self.options.require_bcrypt && format != Format::Bcrypt {
            let message = format!(
                "user {name}: {label} hash, but bcrypt is required; set a new password with bcrypt"
            );
            self.push(
                number,
                Kind::NotRequiredAlgorithm,
                Some(user),
                Vec::new(),
                message,
            );
        } else if let Format::Unsupported(row) = format {
            let accepting: Vec<&str> = self
                .considered
                .iter()
                .filter(|rules| rules.accepts(format))
                .map(|rules| rules.name)
                .collect();
            let mut message = format!(
                "user {name}: {} hash: {} through the system crypt(3)",
                row.label,
                said(&accepting, ("verifies it", "verify it"))
            );
            if !refusing.is_empty() {
                let names: Vec<&str> = refusing.iter().map(|rules| rules.name).collect();
                message.push_str(&format!(", but {}", said(&names, ("does not", "do not"))));
            }
            message.push_str(&format!(
                "; htpass cannot verify it yet, so `htpass verify` cannot check {name}'s password; set a new password with bcrypt to manage {name} with htpass"
            ));
            self.push(
                number,
                Kind::UnverifiableByHtpass,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if let Some(weakness) = format.weakness() {
            let mut message = format!("user {name}: the {label} entry {weakness}");
            if !refusing.is_empty() {
                let names: Vec<&str> = refusing.iter().map(|rules| rules.name).collect();
                message.push_str(&format!(
                    "; {}",
                    said(&names, ("does not accept it", "do not accept it"))
                ));
            }
            let stronger = if self.for_servers {
                self.common_format(&STRONG_FORMATS)
            } else {
                Some(Format::Bcrypt)
            };
            match stronger {
                Some(strong) => {
                    message.push_str(&format!("; set a new password with {}", strong.label()))
                }
                None => {
                    let names: Vec<&str> = self.considered.iter().map(|rules| rules.name).collect();
                    message.push_str(&format!(
                        "; {} nothing stronger, so keep the file where nobody else can read it",
                        said(&names, ("accepts", "accept"))
                    ));
                }
            }
            self.push(
                number,
                Kind::WeakAlgorithm,
                Some(user),
                server_list(&refusing),
                message,
            );
        } else if let Some(Scheme::Bcrypt { cost, .. }) = scheme
            && cost < self.options.min_cost.get()
        {
            let message = format!(
                "user {name}: bcrypt cost {cost} is below {}; set the password again with cost {} or more",
                self.options.min_cost.get(),
                self.options.min_cost.get()
            );
            self.push(number, Kind::LowCost, Some(user), Vec::new(), message);
        } else if let Some(scheme) = scheme
            && let Some(seconds) = slow(scheme)
        {
            let (parameter, what_to_do) = match scheme {
                Scheme::Bcrypt { cost, .. } => (
                    format!("bcrypt cost {cost}"),
                    format!(
                        "a lower --cost ({} is the default, and each step down halves the time)",
                        BcryptCost::DEFAULT.get()
                    ),
                ),
                Scheme::Yescrypt { cost: Some(cost) } => (
                    format!("{label} with {cost}"),
                    format!(
                        "yescrypt's default parameters ({}, as `htpass add -a yescrypt` and `mkpasswd -m yescrypt` write them), or with bcrypt",
                        YescryptCost::DEFAULT
                    ),
                ),
                _ => (
                    format!("{label} with rounds={}", scheme.cost().unwrap_or_default()),
                    format!(
                        "fewer --rounds ({} is the default), or with bcrypt",
                        ShaRounds::DEFAULT
                    ),
                ),
            };
            let message = format!(
                "user {name}: {parameter} makes every login take about {} of server CPU (basic auth checks the password on every request, so a few requests can keep a server busy); set the password again with {what_to_do}",
                duration(seconds)
            );
            self.push(number, Kind::SlowHash, Some(user), Vec::new(), message);
        }
    }

    /// What to set a new password with, for every server considered (for
    /// no server asked for: bcrypt).
    fn advice(&self) -> String {
        if !self.for_servers {
            return format!("set a new password with {}", Format::Bcrypt.label());
        }
        match self.common_format(&ANY_FORMAT) {
            Some(common) => format!("set a new password with {}", common.label()),
            None => {
                let names: Vec<&str> = self.considered.iter().map(|rules| rules.name).collect();
                format!(
                    "no format suits {} together: give each its own file",
                    join(&names)
                )
            }
        }
    }

    /// The first of `preferred` that every considered server verifies.
    fn common_format(&self, preferred: &[Format]) -> Option<Format> {
        preferred
            .iter()
            .copied()
            .find(|format| self.considered.iter().all(|rules| rules.accepts(*format)))
    }
}

/// From this bcrypt cost up, a login takes more than about a second (3 s
/// at 16, see [`Scheme::verify_seconds`]).
const SLOW_BCRYPT_COST: u32 = 16;
/// From this many SHA-crypt rounds up: 0.3 s at a million, about 5
/// minutes at the most.
const SLOW_SHA_ROUNDS: u32 = 1_000_000;
/// From this estimate up for yescrypt: `mkpasswd -R 11` (N = 2^18, 1 GiB)
/// takes 1.2 to 1.6 s, `-R 10` half that.
const SLOW_YESCRYPT_SECONDS: f64 = 1.0;

/// How long a login with `scheme` takes, when that is too long.
fn slow(scheme: Scheme) -> Option<f64> {
    let too_slow = match scheme {
        Scheme::Bcrypt { cost, .. } => cost >= SLOW_BCRYPT_COST,
        Scheme::ShaCrypt { rounds, .. } => rounds >= SLOW_SHA_ROUNDS,
        Scheme::Yescrypt { cost: Some(cost) } => cost.verify_seconds() >= SLOW_YESCRYPT_SECONDS,
        _ => false,
    };
    if too_slow {
        scheme.verify_seconds()
    } else {
        None
    }
}

/// "0.3 seconds", "1 second", "3 seconds", "4 minutes", "29 hours".
fn duration(seconds: f64) -> String {
    let (value, unit) = if seconds < 90.0 {
        (seconds, "second")
    } else if seconds < 90.0 * 60.0 {
        (seconds / 60.0, "minute")
    } else if seconds < 72.0 * 3600.0 {
        (seconds / 3600.0, "hour")
    } else {
        (seconds / 86_400.0, "day")
    };
    if value < 0.95 {
        format!("{value:.1} {unit}s")
    } else if value.round() == 1.0 {
        format!("1 {unit}")
    } else {
        format!("{value:.0} {unit}s")
    }
}

/// The bcrypt prefixes `rules` verifies, as "$2a$ or $2y$".
fn accepted_prefixes(rules: &ServerRules) -> String {
    const EVERY: [BcryptVariant; 4] = [
        BcryptVariant::TwoA,
        BcryptVariant::TwoB,
        BcryptVariant::TwoX,
        BcryptVariant::TwoY,
    ];
    let prefixes: Vec<&str> = EVERY
        .iter()
        .filter(|variant| !rules.refused_bcrypt.contains(variant))
        .map(|variant| variant.prefix())
        .collect();
    match prefixes.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
        None => String::new(),
    }
}

/// The servers that hand unknown hashes to the system crypt(3), among
/// those a plain `check` considers.
fn system_crypt_servers() -> Vec<&'static str> {
    default_servers()
        .filter(|rules| rules.system_crypt)
        .map(|rules| rules.name)
        .collect()
}

/// Formats to advise, strongest first.
const STRONG_FORMATS: [Format; 3] = [Format::Bcrypt, Format::Sha512Crypt, Format::Sha256Crypt];
/// Every format a server may share, strongest first.
const ANY_FORMAT: [Format; 7] = [
    Format::Bcrypt,
    Format::Sha512Crypt,
    Format::Sha256Crypt,
    Format::Apr1,
    Format::Md5Crypt,
    Format::Sha1,
    Format::DesCrypt,
];

#[cfg(test)]
mod tests {
    use crate::check::tests::{
        APR1, BCRYPT, BCRYPT_5, MD5_CRYPT, SHA, SHA256_CRYPT, SHA512_ROUNDS, SSHA, for_servers,
        generic, kinds, only, run,
    };
    use crate::check::{CheckOptions, Kind, Server, Severity};
    use crate::hash::BcryptCost;

    #[test]
    fn weak_formats_warn_and_strong_ones_do_not() {
        for hash in [APR1, MD5_CRYPT, SHA, SSHA, "{PLAIN}pw", "abJnggxhB/yWI"] {
            let findings = generic(format!("u:{hash}\n").as_bytes());
            assert_eq!(kinds(&findings), vec![(1, Kind::WeakAlgorithm)], "{hash}");
            assert_eq!(findings[0].severity, Severity::Warning);
        }
        for hash in [BCRYPT, SHA256_CRYPT, SHA512_ROUNDS] {
            assert!(
                generic(format!("u:{hash}\n").as_bytes()).is_empty(),
                "{hash}"
            );
        }
    }

    #[test]
    fn servers_asked_for_refuse_what_they_cannot_verify() {
        let input = format!("bob:{BCRYPT}\nalice:{APR1}\n");
        let findings = for_servers(input.as_bytes(), &[Server::Registry]);
        assert_eq!(kinds(&findings), vec![(2, Kind::UnsupportedByServer)]);
        assert_eq!(findings[0].severity, Severity::Error);
        assert!(
            findings[0]
                .message
                .contains("the Docker registry accepts only bcrypt, so user alice cannot log in"),
            "{}",
            findings[0].message
        );
        let envoy = for_servers(input.as_bytes(), &[Server::Envoy]);
        assert_eq!(
            kinds(&envoy),
            vec![
                (1, Kind::UnsupportedByServer),
                (2, Kind::UnsupportedByServer)
            ]
        );
        assert!(
            envoy[0]
                .message
                .contains("Envoy accepts only {SHA} (SHA-1)")
        );
        assert!(envoy[0].message.contains(
            "Envoy accepts only {SHA} (SHA-1) and refuses the whole file, so nobody can log in"
        ));
    }

    #[test]
    fn require_bcrypt_and_min_cost() {
        let input = format!("a:{APR1}\nb:{BCRYPT_5}\nc:{BCRYPT}\n");
        let options = CheckOptions {
            require_bcrypt: true,
            ..CheckOptions::default()
        };
        let (findings, summary) = run(input.as_bytes(), &options);
        assert_eq!(
            kinds(&findings),
            vec![(1, Kind::NotRequiredAlgorithm), (2, Kind::LowCost)]
        );
        assert_eq!((summary.errors, summary.warnings), (1, 1));

        let options = CheckOptions {
            min_cost: BcryptCost::new(4).unwrap(),
            ..CheckOptions::default()
        };
        let (findings, summary) = run(input.as_bytes(), &options);
        assert_eq!(kinds(&findings), vec![(1, Kind::WeakAlgorithm)]);
        assert!(!summary.fails(false));
        assert!(summary.fails(true));
    }

    /// Issue 11 item 8: what every server rejects passed `check`.
    #[test]
    fn malformed_hashes_are_errors_that_name_the_defect() {
        let body = &BCRYPT[7..];
        let lines = [
            "$2y$10$short".to_owned(),
            format!("$2y$03${body}"),
            "$apr1$".to_owned(),
            SHA512_ROUNDS.replace("rounds=10000", "rounds=abc"),
            "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9".to_owned(),
        ];
        let expected = [
            ("bcrypt", "is shorter than 60 characters"),
            ("bcrypt", "04 to 31"),
            ("apr1 (MD5)", "ends after the salt"),
            ("$6$ (SHA-512-crypt)", "rounds="),
            ("{SHA} (SHA-1)", "28 characters"),
        ];
        for (stored, (label, defect)) in lines.iter().zip(expected) {
            let findings = generic(format!("alice:{stored}\n").as_bytes());
            assert_eq!(kinds(&findings), vec![(1, Kind::MalformedHash)], "{stored}");
            let finding = &findings[0];
            assert_eq!(finding.severity, Severity::Error);
            assert_eq!(finding.user.as_deref(), Some(&b"alice"[..]));
            let message = &finding.message;
            assert!(
                message.starts_with(&format!("user alice: malformed {label} hash (it")),
                "{message}"
            );
            assert!(message.contains(defect), "{message}");
            assert!(
                message.contains("): no server can verify it, so user alice cannot log in"),
                "{message}"
            );
            assert!(
                message.ends_with("; set a new password for alice with `htpass add`"),
                "{message}"
            );
            assert!(!message.contains(&stored[4..]), "no hash text: {message}");
        }
    }

    #[test]
    fn envoy_refuses_the_file_for_a_sha1_hash_of_the_wrong_length_only() {
        let short = generic(b"alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9\n");
        let finding = only(&short, Kind::MalformedHash);
        assert!(
            finding
                .message
                .contains("Envoy refuses the whole file, so nobody can log in"),
            "{}",
            finding.message
        );
        assert_eq!(finding.servers, Server::ALL[..5].to_vec());
        // 28 characters: Envoy loads the file, and the user cannot log in.
        let odd = for_servers(
            b"alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9h=\n",
            &[Server::Envoy],
        );
        let finding = only(&odd, Kind::MalformedHash);
        assert!(!finding.message.contains("refuses"), "{}", finding.message);
        assert!(finding.message.contains("so user alice cannot log in"));
    }

    #[test]
    fn unsupported_schemes_are_errors_that_name_the_scheme() {
        for (stored, label) in [
            ("{SSHA256}c2FsdGVkIGhhc2g=", "{SSHA256} (salted SHA-256)"),
            ("{SMD5}c2FsdGVkIGhhc2g=", "{SMD5} (salted MD5)"),
            (
                "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
                "$argon2 (Argon2)",
            ),
        ] {
            let findings = generic(format!("alice:{stored}\n").as_bytes());
            assert_eq!(
                kinds(&findings),
                vec![(1, Kind::UnsupportedScheme)],
                "{stored}"
            );
            let message = &findings[0].message;
            assert!(
                message.starts_with(&format!(
                    "user alice: unsupported scheme {label}: no server that reads htpasswd files verifies it, so user alice cannot log in"
                )),
                "{message}"
            );
            assert!(!message.contains("plain"), "{message}");
            assert!(message.contains("set a new password"), "{message}");
        }
    }

    #[test]
    fn schemes_only_the_system_crypt_verifies_warn_unless_no_server_asked_for_does() {
        let gost =
            "alice:$gy$j9T$4tG/PWvpqzvRJsF7SO8Nd0$en/b185Zp9PudE5NoalwLtNero9E0.lKm7thSvvkzl.\n";
        let bsdi = "alice:_J9..UKsmpP1cqbJu1MM\n";
        for input in [gost, bsdi] {
            let findings = generic(input.as_bytes());
            let finding = only(&findings, Kind::UnverifiableByHtpass);
            assert_eq!(finding.severity, Severity::Warning);
            assert!(
                finding
                    .message
                    .contains("nginx and Apache httpd verify it through the system crypt(3)"),
                "{}",
                finding.message
            );
            assert!(
                finding.message.contains("htpass cannot verify it"),
                "{}",
                finding.message
            );
            let nginx = for_servers(input.as_bytes(), &[Server::Nginx]);
            assert_eq!(kinds(&nginx), vec![(1, Kind::UnverifiableByHtpass)]);
            let registry = for_servers(input.as_bytes(), &[Server::Registry, Server::Traefik]);
            let finding = only(&registry, Kind::UnsupportedScheme);
            assert!(
                finding
                    .message
                    .contains("the Docker registry and Traefik do not verify it"),
                "{}",
                finding.message
            );
        }
    }

    /// `mkpasswd -m yescrypt pw` (libxcrypt 4.4.33), and `-R 11`.
    const YESCRYPT: &str =
        "$y$j9T$z4jwdl3M2qnyIJnn2yfPU.$/zpcQ9zfxyPjV5vgTVi0JGRp0fBXrJgxy8XmG5JBEYA";
    const YESCRYPT_R11: &str =
        "$y$jFT$iGcGlEEwoAEXkWUkuOxta1$LH8pYp.bjCz5XqaukveLbEBe.f0e/apOJsF3GgUmaK6";

    /// Issue 14: `$y$` is verified, so only the servers without crypt(3)
    /// are a finding, and only when asked for.
    #[test]
    fn yescrypt_is_read_by_the_servers_with_the_system_crypt_only() {
        let input = format!("alice:{YESCRYPT}\n");
        assert!(generic(input.as_bytes()).is_empty());
        assert!(for_servers(input.as_bytes(), &[Server::Nginx, Server::Apache]).is_empty());
        for server in [Server::Registry, Server::Traefik, Server::Envoy] {
            let findings = for_servers(input.as_bytes(), &[server]);
            let finding = only(&findings, Kind::UnsupportedByServer);
            assert_eq!(finding.severity, Severity::Error);
            assert!(
                finding
                    .message
                    .starts_with("user alice: $y$ (yescrypt) hash: "),
                "{}",
                finding.message
            );
            assert_eq!(finding.servers, vec![server]);
        }
        let findings = for_servers(input.as_bytes(), &[Server::Registry]);
        assert!(
            findings[0]
                .message
                .contains("the Docker registry accepts only bcrypt, so user alice cannot log in"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn malformed_and_costly_yescrypt_hashes_are_errors_and_slow_ones_warn() {
        let body = &YESCRYPT[7..];
        for (stored, defect) in [
            (format!("$y$j.T${body}"), "not ones libxcrypt"),
            (format!("$y$j9T$abc${}", &body[23..]), "salt"),
            (format!("{YESCRYPT}x"), "43 characters"),
            (format!("$y$jGT${body}"), "more than 1 GiB"),
        ] {
            let findings = generic(format!("alice:{stored}\n").as_bytes());
            let finding = only(&findings, Kind::MalformedHash);
            assert!(
                finding
                    .message
                    .starts_with("user alice: malformed $y$ (yescrypt) hash (it"),
                "{}",
                finding.message
            );
            assert!(finding.message.contains(defect), "{}", finding.message);
        }
        let findings = generic(format!("alice:{YESCRYPT_R11}\n").as_bytes());
        let message = &only(&findings, Kind::SlowHash).message;
        assert!(
            message.starts_with(
                "user alice: $y$ (yescrypt) with N=2^18 r=32 makes every login take about 1 second"
            ),
            "{message}"
        );
        assert!(
            message.contains("default parameters (N=2^12 r=32"),
            "{message}"
        );
    }

    #[test]
    fn costs_that_take_seconds_per_login_warn_with_the_time_and_what_to_do() {
        let body = &BCRYPT[7..];
        let bcrypt = |cost: &str| format!("alice:$2y${cost}${body}\n");
        assert!(generic(bcrypt("15").as_bytes()).is_empty());
        let findings = generic(bcrypt("16").as_bytes());
        let finding = only(&findings, Kind::SlowHash);
        assert_eq!(finding.severity, Severity::Warning);
        assert!(
            finding
                .message
                .starts_with("user alice: bcrypt cost 16 makes every login take about 3 seconds"),
            "{}",
            finding.message
        );
        assert!(
            finding.message.contains("lower --cost"),
            "{}",
            finding.message
        );
        let findings = generic(bcrypt("31").as_bytes());
        assert!(
            only(&findings, Kind::SlowHash)
                .message
                .contains("about 29 hours")
        );

        let sha = |rounds: &str| {
            format!(
                "alice:{}\n",
                SHA512_ROUNDS.replace("rounds=10000", &format!("rounds={rounds}"))
            )
        };
        assert!(generic(sha("999999").as_bytes()).is_empty());
        let findings = generic(sha("1000000").as_bytes());
        assert!(
            only(&findings, Kind::SlowHash)
                .message
                .contains("rounds=1000000 makes every login take about 0.3 seconds"),
            "{findings:?}"
        );
        let findings = generic(sha("999999999").as_bytes());
        let message = &only(&findings, Kind::SlowHash).message;
        assert!(message.contains("about 4 minutes"), "{message}");
        assert!(message.contains("fewer --rounds"), "{message}");
    }

    /// Go's bcrypt (the registry, Traefik) reads 60 characters; nginx and
    /// Apache httpd compare all of them (checked live, tests/interop).
    #[test]
    fn characters_after_a_bcrypt_hash_break_only_the_servers_that_read_them() {
        let input = format!("alice:{BCRYPT}x\n");
        let findings = generic(input.as_bytes());
        let finding = only(&findings, Kind::MalformedHash);
        assert!(
            finding
                .message
                .contains("nginx and Apache httpd cannot verify it, so user alice cannot log in"),
            "{}",
            finding.message
        );
        assert!(
            finding
                .message
                .contains("the Docker registry and Traefik ignore what is wrong and verify it"),
            "{}",
            finding.message
        );
        assert_eq!(
            finding.servers,
            vec![Server::Nginx, Server::Apache, Server::Envoy]
        );
        assert!(for_servers(input.as_bytes(), &[Server::Registry, Server::Traefik]).is_empty());
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(super::duration(0.26), "0.3 seconds");
        assert_eq!(super::duration(1.2), "1 second");
        assert_eq!(super::duration(3.2), "3 seconds");
        assert_eq!(super::duration(260.0), "4 minutes");
        assert_eq!(super::duration(104_858.0), "29 hours");
        assert_eq!(super::duration(400_000.0), "5 days");
    }
}
