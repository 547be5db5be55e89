//! Apache htpasswd's fixed texts, as named constants (compat spec §3).
//!
//! The synopsis lines of the usage block are Apache's, byte for byte (scripts
//! and people grep them); the option explanations are our own words in
//! Apache's layout. Messages that name `PROG`, `FILE` or `USER` are built in
//! `run.rs` from the fragments here.

/// The usage block (§3.1), printed on stderr before exit 2.
pub const USAGE: &str = "\
Usage:
\thtpasswd [-cimB25dpsDv] [-C cost] [-r rounds] passwordfile username
\thtpasswd -b[cmB25dpsDv] [-C cost] [-r rounds] passwordfile username password

\thtpasswd -n[imB25dps] [-C cost] [-r rounds] username
\thtpasswd -nb[mB25dps] [-C cost] [-r rounds] username password
 -c  Create the file, replacing any content it has.
 -n  Touch no file; print the record on standard output.
 -b  Take the password from the command line instead of asking for it.
 -i  Read the password from standard input, without confirmation (for scripts).
 -m  Hash the password with Apache's MD5 (the default).
 -2  Hash the password with SHA-256 crypt.
 -5  Hash the password with SHA-512 crypt.
 -B  Hash the password with bcrypt (recommended).
 -C  Set the bcrypt cost: higher is slower and safer
     (default: 5, valid: 4 to 17).
 -r  Set the rounds of SHA-256 and SHA-512 crypt: higher is slower and safer
     (default: 5000).
 -d  Hash the password with traditional DES crypt (8 bytes at most, insecure).
 -s  Hash the password with unsalted SHA-1 (insecure).
 -p  Store the password as plain text (insecure).
 -D  Delete the user.
 -v  Verify the user's password.
Plain-text passwords (-p) are not accepted by most servers outside Windows.
SHA-1 (-s) uses no salt and is weaker than MD5.
";

/// Printed once per `-p`, while parsing (§3.5, D26 kept).
pub const WARN_PLAIN: &str =
    "Warning: storing passwords as plain text might just not work on this platform.\n";
/// Printed when the record is built and `-C`/`-r` does not apply (§3.5).
pub const WARN_IGNORING_COST: &str = "Warning: Ignoring -C/-r argument for this algorithm.\n";
/// Printed after hashing with `-d` a password longer than 8 bytes (§3.5).
pub const WARN_CRYPT_TRUNCATED: &str =
    "Warning: Password truncated to 8 characters by CRYPT algorithm.\n";
/// Ours (D14): Apache hashes only the first 72 bytes silently.
pub const WARN_BCRYPT_TRUNCATED: &str =
    "Warning: bcrypt uses only the first 72 bytes of the password.\n";

pub const COST_NOT_POSITIVE: &str = "argument to -C/-r must be a positive integer";
pub const MODE_CONFLICT: &str = "only one of -c -n -v -D may be specified";
pub const FILENAME_TOO_LONG: &str = "filename too long";
pub const USERNAME_TOO_LONG: &str = "username too long (> 255)";
pub const USERNAME_COLON: &str = "username contains illegal character ':'";
/// D17 fixed: `-b` and `-i` accept 255 bytes, and now say so.
pub const PASSWORD_TOO_LONG_255: &str = "password too long (> 255)";
/// The prompt accepts 256 bytes (Apache's text, which matches its limit).
pub const PASSWORD_TOO_LONG_256: &str = "password too long (>256)";
/// D16: standard input could not be read with `-i`.
pub const STDIN_UNREADABLE: &str = "Unable to read from stdin.";
/// D15: no line at the prompt (Apache stored an empty password).
pub const PROMPT_NO_LINE: &str = "no password given: standard input ended before a line was read";
/// D15 at a terminal prompt: Ctrl-D before anything was typed.
pub const PROMPT_ENDED: &str = "no password given: input ended (Ctrl-D) at the prompt";
/// D23: SIGINT or SIGTERM (or Ctrl-C at a prompt) before any change.
pub const INTERRUPTED: &str = "interrupted; no file was changed";
pub const PASSWORDS_DIFFER: &str = "password verification error";
pub const RECORD_TOO_LONG: &str = "resultant record too long";
pub const BCRYPT_REFUSED: &str = "Unable to encode with bcrypt: Invalid argument";
pub const SHA256_REFUSED: &str = "Unable to encode with SHA-256 crypt: Invalid argument";
pub const SHA512_REFUSED: &str = "Unable to encode with SHA-512 crypt: Invalid argument";

pub const PROMPT_NEW: &str = "New password: ";
pub const PROMPT_RETYPE: &str = "Re-type new password: ";
pub const PROMPT_VERIFY: &str = "Enter password: ";

/// Verify mode's messages carry no prefix (§3.4).
pub const VERIFY_FAILED: &str = "password verification failed\n";
pub const VERIFY_INVALID_ARGUMENT: &str = "Could not verify password: Invalid argument\n";
