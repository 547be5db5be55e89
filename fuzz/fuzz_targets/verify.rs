//! `hash::verify` with an arbitrary password and stored hash: never panics,
//! and only bare plain text equal to the password is reported as plain.
//!
//! Input: one byte `n`, then the password (the next `n % (len + 1)` bytes),
//! then the stored hash (the rest).
#![no_main]

use htpass::Password;
use htpass::hash::{self, BcryptCost, Scheme, ShaRounds, Verification, VerifyPolicy};
use libfuzzer_sys::fuzz_target;

/// Whether one verify of `stored` is cheap enough for a fuzzer. The work
/// factor comes from the input: bcrypt cost 31 is 2^31 key expansions and
/// `rounds=999999999` a billion SHA-512 rounds, so a single verify could run
/// for hours and libFuzzer would report a timeout, not a bug. Such costs are
/// legitimate (verify must accept them), so they are skipped here, not in the
/// library. Values out of range are refused before any work and stay in.
fn affordable(stored: &[u8]) -> bool {
    match hash::detect(stored) {
        Scheme::Bcrypt { cost, .. } => !(7..=BcryptCost::MAX).contains(&cost),
        Scheme::ShaCrypt { rounds, .. } => !(10_001..=ShaRounds::MAX).contains(&rounds),
        // The library bounds yescrypt at 1 GiB and about 10 s a hash;
        // more than the default's 16 MiB is still slow for a fuzzer.
        Scheme::Yescrypt { cost: Some(cost) } => cost.memory_bytes() <= 32 << 20,
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&length, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(length) % (rest.len() + 1);
    let (password, stored) = rest.split_at(split);
    if !affordable(stored) {
        return;
    }
    let scheme = hash::detect(stored);
    for allow_plain in [false, true] {
        let verdict = hash::verify(
            &Password::new(password.to_vec()),
            stored,
            VerifyPolicy { allow_plain },
        );
        if verdict == Verification::PlainNotAllowed {
            assert!(!allow_plain);
            assert!(matches!(scheme, Scheme::BarePlain | Scheme::DesCrypt));
            assert_eq!(password, stored);
        }
    }
});
