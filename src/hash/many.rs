//! Many hashes, or many verifications, at once: on every core, and for
//! bcrypt several in each core's lanes ([`super::bcrypt_lanes`]), which
//! fills what one bcrypt chain leaves idle. For `add --batch` and `sync`.
//!
//! The answers are exactly those of [`hash_password`] and [`verify`] one by
//! one (salts aside); only the speed differs. What it must never do: answer
//! differently from [`verify`] for any stored string, well-formed or not.

use rayon::prelude::*;

use super::bcrypt_lanes::{self, Job};
use super::{Params, Verification, VerifyPolicy, bcrypt, hash_password, salt, verify};
use crate::error::Error;
use crate::secret::{Password, ct_bytes_eq};

/// A fresh hash of every password with `params`, in order. `progress` is
/// called once per password hashed, from any thread.
pub fn hash_many(
    passwords: &[&Password],
    params: &Params,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<u8>>, Error> {
    match *params {
        Params::Bcrypt { variant, cost } if passwords.len() > 1 => {
            let jobs = passwords
                .iter()
                .map(|password| {
                    Ok(Job {
                        password: password.as_bytes(),
                        variant,
                        cost: cost.get(),
                        salt: salt::random_bytes::<16>()?,
                    })
                })
                .collect::<Result<Vec<Job>, Error>>()?;
            Ok(bcrypt_lanes::run(&jobs, &|_, _| progress())
                .iter()
                .zip(&jobs)
                .map(|(digest, job)| bcrypt::format(job.variant, job.cost, &job.salt, digest))
                .collect())
        }
        _ => passwords
            .par_iter()
            .map(|password| {
                let hashed = hash_password(password, params);
                progress();
                hashed
            })
            .collect(),
    }
}

/// [`verify`] of every `(password, stored hash)` pair, in order.
/// `answered` is told each answer as it comes, from any thread (for a
/// progress bar that counts only what is done: a mismatch still needs a
/// new hash).
pub fn verify_many(
    pairs: &[(&Password, &[u8])],
    policy: VerifyPolicy,
    answered: &(dyn Fn(Verification) + Sync),
) -> Vec<Verification> {
    // The bcrypt hashes that can verify go to the lanes; everything else
    // (other schemes, malformed bcrypt) is answered by `verify` itself.
    let mut lanes: Vec<(usize, Job)> = Vec::new();
    let mut others: Vec<usize> = Vec::new();
    for (index, (password, stored)) in pairs.iter().enumerate() {
        match bcrypt::verifiable(stored) {
            Some((variant, cost, salt)) => lanes.push((
                index,
                Job {
                    password: password.as_bytes(),
                    variant,
                    cost,
                    salt,
                },
            )),
            None => others.push(index),
        }
    }
    let mut out = vec![Verification::Mismatch; pairs.len()];
    let others: Vec<(usize, Verification)> = others
        .par_iter()
        .map(|&index| {
            let (password, stored) = pairs[index];
            let answer = verify(password, stored, policy);
            answered(answer);
            (index, answer)
        })
        .collect();
    for (index, answer) in others {
        out[index] = answer;
    }
    if lanes.len() == 1 {
        let (index, _) = lanes[0];
        let (password, stored) = pairs[index];
        out[index] = verify(password, stored, policy);
        answered(out[index]);
        return out;
    }
    let (indices, jobs): (Vec<usize>, Vec<Job>) = lanes.into_iter().unzip();
    let answer = |job: usize, digest: &[u8; 24]| {
        let Job {
            variant,
            cost,
            salt,
            ..
        } = jobs[job];
        let stored = pairs[indices[job]].1;
        if ct_bytes_eq(&bcrypt::format(variant, cost, &salt, digest), stored) {
            Verification::Match
        } else {
            Verification::Mismatch
        }
    };
    let digests = bcrypt_lanes::run(&jobs, &|job, digest| answered(answer(job, digest)));
    for (job, digest) in digests.iter().enumerate() {
        out[indices[job]] = answer(job, digest);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::hash::{Algorithm, BcryptCost, BcryptVariant, matches_params};

    fn bcrypt(cost: u64) -> Params {
        Params::Bcrypt {
            variant: BcryptVariant::TwoY,
            cost: BcryptCost::new(cost).expect("in range"),
        }
    }

    #[test]
    fn hash_many_hashes_that_verify_with_fresh_salts() {
        let passwords: Vec<Password> = ["one", "two", "three", "one", "", "ünï"]
            .into_iter()
            .map(Password::from)
            .collect();
        let refs: Vec<&Password> = passwords.iter().collect();
        for params in [bcrypt(4), bcrypt(5), Params::Apr1, Params::Sha1] {
            let done = AtomicUsize::new(0);
            let hashes = hash_many(&refs, &params, &|| {
                done.fetch_add(1, Ordering::Relaxed);
            })
            .unwrap();
            assert_eq!(done.load(Ordering::Relaxed), passwords.len());
            for (password, stored) in passwords.iter().zip(&hashes) {
                assert!(matches_params(stored, &params));
                assert!(verify(password, stored, VerifyPolicy::default()).is_match());
            }
            if params.algorithm() != Algorithm::Sha1 {
                assert_ne!(hashes[0], hashes[3], "same password, new salt");
            }
        }
    }

    #[test]
    fn verify_many_answers_as_verify_does_for_every_kind_of_entry() {
        let pw = Password::from("secret");
        let other = Password::from("Secret");
        let long = Password::new(vec![b'x'; 80]);
        let good = bcrypt::hash(b"secret", BcryptVariant::TwoY, 4, &[1; 16]);
        let good_5 = bcrypt::hash(b"secret", BcryptVariant::TwoB, 5, &[2; 16]);
        let two_a = bcrypt::hash(b"\xff\xa3secret", BcryptVariant::TwoA, 4, &[3; 16]);
        let long_hash = bcrypt::hash(long.as_bytes(), BcryptVariant::TwoY, 4, &[4; 16]);
        let mut bad_cost = good.clone();
        bad_cost[5] = b'3';
        let mut bad_salt = good.clone();
        bad_salt[10] = b'!';
        let mut trailing = good.clone();
        trailing.push(b'x');
        let apr1 = hash_password(&pw, &Params::Apr1).unwrap();
        let stored: Vec<&[u8]> = vec![
            &good,
            &good_5,
            &two_a,
            &long_hash,
            &good[..59],
            &bad_cost,
            &bad_salt,
            &trailing,
            &apr1,
            b"{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
            b"secret",
            b"$2y$",
            b"",
        ];
        let two_a_pw = Password::new(b"\xff\xa3secret".to_vec());
        for policy in [VerifyPolicy::default(), VerifyPolicy { allow_plain: true }] {
            for password in [&pw, &other, &long, &two_a_pw] {
                let pairs: Vec<(&Password, &[u8])> =
                    stored.iter().map(|s| (password, *s)).collect();
                let matched = AtomicUsize::new(0);
                let answers = AtomicUsize::new(0);
                let many = verify_many(&pairs, policy, &|answer| {
                    answers.fetch_add(1, Ordering::Relaxed);
                    if answer.is_match() {
                        matched.fetch_add(1, Ordering::Relaxed);
                    }
                });
                assert_eq!(answers.load(Ordering::Relaxed), pairs.len());
                let matches = many.iter().filter(|v| v.is_match()).count();
                assert_eq!(matched.load(Ordering::Relaxed), matches);
                let one: Vec<Verification> =
                    pairs.iter().map(|(p, s)| verify(p, s, policy)).collect();
                assert_eq!(many, one);
            }
        }
        // And the cases above do cover matches.
        let pairs = [
            (&pw, &good[..]),
            (&pw, &good_5[..]),
            (&long, &long_hash[..]),
        ];
        assert!(
            verify_many(&pairs, VerifyPolicy::default(), &|_| {})
                .iter()
                .all(|v| v.is_match())
        );
        assert!(verify_many(&[], VerifyPolicy::default(), &|_| {}).is_empty());
    }
}
