//! Hashing and verification speed of every algorithm htpass writes, at the
//! default and a high parameter; and bcrypt's throughput in lanes (several
//! hashes interleaved in one thread, `hash::hash_many`). Compare with Apache
//! by `scripts/bench-vs-apache`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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

/// Hashes per second of one thread at cost 10 with 1 to 6 hashes at once:
/// `hash_many` of N passwords on a one-thread pool runs them in N lanes (one
/// is the single-lane core). Criterion reports the throughput in hashes per
/// second; `lanes/N` against `lanes/1` is what interleaving gains. For
/// decisions on a shared machine, pin it and read CPU time instead:
/// `taskset -c 1 cargo bench --bench hash -- lanes`.
fn lanes(c: &mut Criterion) {
    let params = Params::Bcrypt {
        variant: BcryptVariant::TwoY,
        cost: BcryptCost::new(10).expect("bench costs are in range"),
    };
    let passwords: Vec<Password> = (0..6)
        .map(|i| Password::from(format!("password-{i}").as_str()))
        .collect();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let mut group = c.benchmark_group("lanes");
    group.sample_size(10);
    for n in 1..=passwords.len() {
        let batch: Vec<&Password> = passwords[..n].iter().collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("cost-10/{n}"), |b| {
            b.iter(|| one_thread.install(|| hash::hash_many(black_box(&batch), &params, &|| {})))
        });
    }
    group.finish();
}

criterion_group!(benches, hash_and_verify, lanes);
criterion_main!(benches);
