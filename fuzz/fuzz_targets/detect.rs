//! `hash::detect` and `hash::inspect` on arbitrary bytes: never panic, and
//! what they report fits the bytes they were given.
#![no_main]

use htpass::hash::{self, Algorithm, Params, Scheme, Shape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let scheme = hash::detect(data);
    let _ = scheme.name();
    match scheme {
        // Two decimal digits: 0..=99, whatever the range check later says.
        Scheme::Bcrypt { cost, .. } => {
            assert!(data.starts_with(b"$2"));
            assert!(cost <= 99);
            assert_eq!(scheme.cost(), Some(cost));
        }
        Scheme::ShaCrypt { rounds, .. } => {
            assert!(data.starts_with(b"$5$") || data.starts_with(b"$6$"));
            assert_eq!(scheme.cost(), Some(rounds));
        }
        Scheme::Apr1 => assert!(data.starts_with(b"$apr1$")),
        Scheme::Md5Crypt => assert!(data.starts_with(b"$1$")),
        Scheme::Sha1 => assert!(data.starts_with(b"{SHA}")),
        Scheme::Ssha => assert!(data.starts_with(b"{SSHA}")),
        Scheme::PlainTagged => assert!(data.starts_with(b"{PLAIN}")),
        Scheme::DesCrypt => assert_eq!(data.len(), 13),
        // A cost only for a field libxcrypt computes: N from 4 to 2^31.
        Scheme::Yescrypt { cost } => {
            assert!(data.starts_with(b"$y$"));
            assert_eq!(scheme.cost(), None);
            if let Some(cost) = cost {
                assert!((2..=31).contains(&cost.n_log2));
                assert!(cost.r >= 1 && cost.p >= 1);
                assert_eq!(scheme.cost_text(), Some(cost.to_string()));
            }
        }
        Scheme::Unsupported(row) => assert_eq!(scheme.name(), row.name),
        Scheme::BarePlain => assert_eq!(scheme.cost(), None),
    }
    let shape = hash::inspect(data);
    assert_eq!(shape.scheme(), scheme);
    if let Shape::Malformed { defect, .. } = shape {
        let _ = defect.to_string();
    }
    for algorithm in Algorithm::ALL {
        let _ = hash::matches_params(data, &Params::default_for(algorithm));
    }
});
