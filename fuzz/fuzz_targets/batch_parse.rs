//! `batch::parse` on arbitrary input: never panics; what it accepts is well
//! formed (users distinct, passwords not empty, lines in order) and reads
//! back the same when written out again as `user:password` lines.
//!
//! Input: one byte choosing the format (bcrypt's 72-byte limit and plain's
//! refusal of CR change what is accepted), then the batch.
#![no_main]

use htpass::batch;
use htpass::hash::{Algorithm, Params};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, input)) = data.split_first() else {
        return;
    };
    let params = match choice % 3 {
        0 => Params::default_for(Algorithm::Bcrypt),
        1 => Params::Sha1,
        _ => Params::Plain,
    };
    let Ok(entries) = batch::parse(input, "fuzz", &params) else {
        return;
    };
    assert!(!entries.is_empty());
    assert!(entries.windows(2).all(|pair| pair[0].line < pair[1].line));
    let mut users: Vec<&[u8]> = entries.iter().map(|e| e.user.as_bytes()).collect();
    users.sort_unstable();
    users.dedup();
    assert_eq!(users.len(), entries.len());

    // Written back with CRLF (parse drops exactly one CR before the LF, so a
    // password ending in CR survives), the batch reads the same.
    let mut again = Vec::new();
    for entry in &entries {
        assert!(!entry.password.is_empty());
        again.extend_from_slice(entry.user.as_bytes());
        again.push(b':');
        again.extend_from_slice(entry.password.as_bytes());
        again.extend_from_slice(b"\r\n");
    }
    let reread = batch::parse(&again[..], "fuzz", &params).expect("a well-formed batch");
    assert_eq!(reread.len(), entries.len());
    for (n, (first, second)) in entries.iter().zip(&reread).enumerate() {
        assert_eq!(second.line, n as u64 + 1);
        assert_eq!(first.user, second.user);
        assert!(first.password.ct_eq(&second.password));
    }
});
