//! Hashing and verification speed of every algorithm htpass writes, at the
//! default and a high parameter. Compare with Apache by `scripts/bench-vs-apache`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use htpass::Password;
use htpass::hash::{self, BcryptCost, BcryptVariant, Params, ShaRounds, ShaVariant, VerifyPolicy};

fn cases() -> Vec<(String, Params)> {
    let bcrypt = |cost| Params::Bcrypt {
        variant: BcryptVariant::TwoY,
        cost: BcryptCost::new(cost).expect("bench costs are in range"),
    };
    let sha = |variant, rounds: Option<u64>| Params::ShaCrypt {
        variant,
        rounds: rounds.map(|r| ShaRounds::new(r).expect("bench rounds are in range")),
    };
    vec![
        // htpasswd's default, htpass's default, and a high cost.
        ("bcrypt-5".into(), bcrypt(5)),
        ("bcrypt-10".into(), bcrypt(10)),
        ("bcrypt-12".into(), bcrypt(12)),
        ("apr1".into(), Params::Apr1),
        ("sha256-5000".into(), sha(ShaVariant::Sha256, None)),
        ("sha256-50000".into(), sha(ShaVariant::Sha256, Some(50_000))),
        ("sha512-5000".into(), sha(ShaVariant::Sha512, None)),
        ("sha512-50000".into(), sha(ShaVariant::Sha512, Some(50_000))),
        ("sha1".into(), Params::Sha1),
        ("crypt".into(), Params::Crypt),
        // libxcrypt's default, N=2^12 r=32: 19 ms there.
        ("yescrypt".into(), Params::Yescrypt),
    ]
}

fn hash_and_verify(c: &mut Criterion) {
    let password = Password::from("correct horse battery staple");
    let mut group = c.benchmark_group("hash");
    group.sample_size(10);
    for (name, params) in cases() {
        group.bench_function(format!("hash/{name}"), |b| {
            b.iter(|| hash::hash_password(black_box(&password), &params))
        });
        let stored = hash::hash_password(&password, &params).expect("hashing works");
        group.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| hash::verify(black_box(&password), &stored, VerifyPolicy::default()))
        });
    }
    group.finish();
}

criterion_group!(benches, hash_and_verify);
criterion_main!(benches);
