//! File work at 10k and 1M entries: updating one user (the last, so the
//! whole file is copied) through the safe store, verifying the last user,
//! and listing every user. The files are `{SHA}` entries, generated once and
//! cached under `target/bench-files/`. Compare with Apache by
//! `scripts/bench-vs-apache`.

use std::fs;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use htpass::file::{self, MalformedLines};
use htpass::hash::{self, Params, VerifyPolicy};
use htpass::store::{self, OpenMode, Outcome};
use htpass::{Password, Username};

const SIZES: [usize; 2] = [10_000, 1_000_000];

/// `users-N.htpasswd` with N `{SHA}` entries, made on first use.
fn cached_file(entries: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-files");
    let path = dir.join(format!("users-{entries}.htpasswd"));
    if path.exists() {
        return path;
    }
    fs::create_dir_all(&dir).expect("create target/bench-files");
    let partial = dir.join(format!("users-{entries}.partial"));
    let mut out = BufWriter::new(fs::File::create(&partial).expect("create the bench file"));
    for i in 0..entries {
        let hashed = hash::hash_password(&Password::from(format!("pw{i}").as_str()), &Params::Sha1)
            .expect("sha1 hashing works");
        out.write_all(format!("user{i:07}:").as_bytes()).unwrap();
        out.write_all(&hashed).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.into_inner()
        .expect("flush the bench file")
        .sync_all()
        .unwrap();
    fs::rename(&partial, &path).expect("put the bench file in place");
    path
}

fn last_user(entries: usize) -> Username {
    Username::new(format!("user{:07}", entries - 1)).expect("a valid name")
}

fn update(c: &mut Criterion) {
    let mut group = c.benchmark_group("file");
    group.sample_size(10);
    for entries in SIZES {
        let source = cached_file(entries);
        let work = source.with_extension("work");
        fs::copy(&source, &work).expect("copy the bench file");
        let user = last_user(entries);
        let new_hash = hash::hash_password(&Password::from("new"), &Params::Sha1).unwrap();
        group.bench_function(format!("update-last/{entries}"), |b| {
            b.iter(|| {
                store::update(&work, OpenMode::MustExist, |reader, writer| {
                    file::upsert(
                        reader,
                        writer,
                        &work,
                        &user,
                        false,
                        MalformedLines::Keep,
                        |_| Ok(false),
                        || Ok(new_hash.clone()),
                    )?;
                    Ok((Outcome::Changed, ()))
                })
                .expect("the update works")
            })
        });
        let password = Password::from(format!("pw{}", entries - 1).as_str());
        group.bench_function(format!("verify-last/{entries}"), |b| {
            b.iter(|| {
                let entry = store::read(&source, |reader| {
                    file::find_entry(reader, &source, &user, MalformedLines::Keep)
                })
                .expect("the file reads")
                .expect("the user is there");
                assert!(
                    hash::verify(black_box(&password), &entry.hash, VerifyPolicy::default())
                        .is_match()
                );
            })
        });
        group.bench_function(format!("list/{entries}"), |b| {
            b.iter(|| {
                let mut users = 0usize;
                store::read(&source, |reader| {
                    file::for_each_entry(reader, &source, MalformedLines::Keep, |_, user, _| {
                        users += black_box(user).len().min(1);
                        Ok(ControlFlow::Continue(()))
                    })
                })
                .expect("the file reads");
                assert_eq!(users, entries);
            })
        });
        let _ = fs::remove_file(&work);
    }
    group.finish();
}

criterion_group!(benches, update);
criterion_main!(benches);
