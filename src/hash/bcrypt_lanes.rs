//! Many bcrypt computations interleaved in one thread ("lanes"), for the
//! places where many independent hashes are wanted at once: `add --batch`
//! and `sync` (through [`super::many`]).
//!
//! One EksBlowfish computation is one long chain of dependent S-box loads:
//! each Blowfish round waits for the previous one's loads, so a single
//! stream leaves most of a core's load ports and ALUs idle
//! ([`super::bcrypt`] is as fast as that chain allows). Several
//! independent computations advanced round by round together fill them, as
//! John the Ripper's two-way interleaved bcrypt does. Each lane keeps its
//! own P-array and S-boxes; the lanes' states lie in one array, so every
//! table of every lane is at a constant offset from one base register.
//!
//! Work is a queue: a lane whose computation ends (a lower cost ends
//! sooner) takes the next job, and when the queue is empty the remaining
//! lanes close ranks, so an odd job count wastes nothing. Threads share the
//! queue: rayon across cores, lanes within a core.
//!
//! What it must never do: differ from [`super::bcrypt`] by a single bit
//! (the property tests compare every lane with it and with the `bcrypt`
//! crate), or leave key material behind (states are wiped on drop, the P
//! copies when an expansion ends). A single computation never comes here:
//! one hash is the single-lane core's job.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use super::bcrypt::{self, BcryptVariant, EksState, KEY_WORDS};

/// How many computations one thread advances together, chosen by
/// measurement (`benches/hash.rs`, `lanes/*`). On a Zen 4 core at cost 10,
/// CPU time per hash against one lane's: 2 lanes 0.58, 3 0.43, 4 0.37,
/// 5 and 6 0.35, 7 0.36, 8 0.38. From 5 on, spills to the stack (x86_64
/// has 16 registers) eat most of what another chain brings, and 8 states
/// (34 KB) no longer fit a 32 KB L1 data cache.
///
/// Tried and dropped: lane-minor S-boxes (`s[box][byte][lane]`, the layout
/// SIMD gathers want) ran 6% slower at 2 lanes and over 20% at 4: baseline
/// x86_64 has no gather, so the loads stay scalar, and an index scaled by
/// 16 costs a shift that the lane-major layout's scale of 4 does not.
/// Unrolling the 16 rounds helped 2 lanes and cost 5 and 6 lanes.
pub(super) const LANES: usize = 6;

/// One EksBlowfish computation.
pub(super) struct Job<'a> {
    pub password: &'a [u8],
    pub variant: BcryptVariant,
    pub cost: u32,
    pub salt: [u8; 16],
}

/// What is told of each job as it ends, from any thread: its index in the
/// jobs and its output.
pub(super) type Done<'a> = &'a (dyn Fn(usize, &[u8; 24]) + Sync);

/// The 24-byte EksBlowfish output of every job, in the order of `jobs`,
/// computed on every rayon thread with up to [`LANES`] lanes each.
pub(super) fn run(jobs: &[Job], done: Done) -> Vec<[u8; 24]> {
    let threads = rayon::current_num_threads().max(1);
    run_with(jobs, threads, LANES, done)
}

/// [`run`] with `threads` workers of at most `lanes` lanes each.
fn run_with(jobs: &[Job], threads: usize, lanes: usize, done: Done) -> Vec<[u8; 24]> {
    let n = jobs.len();
    if n == 0 {
        return Vec::new();
    }
    let (lanes, workers) = shape(n, threads, lanes);
    let queue = Queue::new(jobs);
    let outputs: Vec<Vec<(usize, [u8; 24])>> = if workers == 1 {
        vec![work(jobs, &queue, lanes, done)]
    } else {
        (0..workers)
            .into_par_iter()
            .map(|_| work(jobs, &queue, lanes, done))
            .collect()
    };
    let mut out = vec![[0u8; 24]; n];
    for (index, digest) in outputs.into_iter().flatten() {
        out[index] = digest;
    }
    out
}

/// How many lanes each worker runs, and how many workers, for `n` jobs on
/// `threads` threads of at most `lanes` lanes. Few jobs are spread over the
/// cores before they are stacked in lanes (two jobs on two cores run faster
/// than two lanes on one), and a core's rounds of lanes are made even: 7
/// jobs run as 4 lanes then 3, not 6 then a lone one.
fn shape(n: usize, threads: usize, lanes: usize) -> (usize, usize) {
    let share = n.div_ceil(threads.max(1));
    let lanes = share.div_ceil(share.div_ceil(lanes.clamp(1, LANES)));
    (lanes, n.div_ceil(lanes).min(threads.max(1)))
}

/// The jobs not yet started, the costliest first, so that the cheap ones
/// fill in at the end rather than one long job running alone.
struct Queue {
    order: Vec<usize>,
    next: AtomicUsize,
}

impl Queue {
    fn new(jobs: &[Job]) -> Queue {
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].cost));
        Queue {
            order,
            next: AtomicUsize::new(0),
        }
    }

    fn take(&self) -> Option<usize> {
        self.order
            .get(self.next.fetch_add(1, Ordering::Relaxed))
            .copied()
    }
}

/// Where one lane is in its computation. Step 0 is the salted expansion
/// under the initial key words; then the cost loop's expansions alternate,
/// under the key words (odd steps) and the salt's (even steps).
struct Lane {
    job: usize,
    initial: Zeroizing<[u32; KEY_WORDS]>,
    expanded: Zeroizing<[u32; KEY_WORDS]>,
    salt: [u32; 4],
    salt_cycled: [u32; KEY_WORDS],
    step: u64,
    steps: u64,
}

impl Lane {
    fn start(index: usize, job: &Job) -> Lane {
        let (initial, expanded) = bcrypt::key_schedule(job.password, job.variant);
        let salt = bcrypt::salt_words(&job.salt);
        Lane {
            job: index,
            initial,
            expanded,
            salt,
            salt_cycled: bcrypt::cycled(&salt),
            step: 0,
            steps: 1 + (2u64 << job.cost),
        }
    }

    /// The words XORed into P before this step's expansion, and whether
    /// the expansion mixes in the salt.
    fn words(&self) -> (&[u32; KEY_WORDS], bool) {
        match self.step {
            0 => (&self.initial, true),
            step if step % 2 == 1 => (&self.expanded, false),
            _ => (&self.salt_cycled, false),
        }
    }
}

/// One thread's share: up to `lanes` computations at a time from `queue`,
/// until it is empty.
fn work(jobs: &[Job], queue: &Queue, lanes: usize, done: Done) -> Vec<(usize, [u8; 24])> {
    let mut outputs = Vec::new();
    let mut states: Vec<EksState> = Vec::with_capacity(lanes);
    let mut active: Vec<Lane> = Vec::with_capacity(lanes);
    while active.len() < lanes {
        let Some(index) = queue.take() else { break };
        active.push(Lane::start(index, &jobs[index]));
        states.push(EksState::initial());
    }
    while !active.is_empty() {
        let mut salts = [[0u32; 4]; LANES];
        for ((lane, state), salt) in active.iter().zip(&mut states).zip(&mut salts) {
            let (words, salted) = lane.words();
            state.xor_p(words);
            if salted {
                *salt = lane.salt;
            }
        }
        expand_active(&mut states[..active.len()], &salts, active[0].step == 0);
        // From the last lane down, so that a lane moved into a freed slot
        // has already been advanced.
        for k in (0..active.len()).rev() {
            active[k].step += 1;
            if active[k].step < active[k].steps {
                continue;
            }
            let digest = states[k].digest();
            done(active[k].job, &digest);
            outputs.push((active[k].job, digest));
            if let Some(index) = queue.take() {
                active[k] = Lane::start(index, &jobs[index]);
                states[k].reset();
            } else {
                // Close ranks: the active lanes stay the first ones.
                let last = active.len() - 1;
                active.swap(k, last);
                states.swap(k, last);
                active.pop();
            }
        }
    }
    outputs
}

/// One expansion step of every active lane. `first_salted` is whether
/// lane 0 is at its salted step, which is all a lone lane needs to know.
fn expand_active(states: &mut [EksState], salts: &[[u32; 4]; LANES], first_salted: bool) {
    match states {
        // A lone lane runs the single-lane core, tuned for one chain.
        [state] if first_salted => state.expand::<true>(&salts[0]),
        [state] => state.expand::<false>(&salts[0]),
        _ => match states.len() {
            2 => expand_group::<2>(states, salts),
            3 => expand_group::<3>(states, salts),
            4 => expand_group::<4>(states, salts),
            5 => expand_group::<5>(states, salts),
            6 => expand_group::<6>(states, salts),
            // `work` never runs more than LANES lanes, nor an empty group.
            len => unreachable!("{len} lanes"),
        },
    }
}

/// [`expand`] of the `N` states of `states`, as one array: every lane's
/// tables at a constant offset from one base register.
fn expand_group<const N: usize>(states: &mut [EksState], salts: &[[u32; 4]; LANES]) {
    // The callers match on the length, and N <= LANES.
    let group: &mut [EksState; N] = states.try_into().expect("N states");
    let salts: &[[u32; 4]; N] = salts[..N].try_into().expect("N <= LANES");
    expand(group, salts);
}

/// Blowfish's F of lane S-boxes `s`.
#[inline(always)]
fn feistel(s: &[[u32; 256]; 4], x: u32) -> u32 {
    let a = s[0][(x >> 24) as usize];
    let b = s[1][((x >> 16) & 0xff) as usize];
    let c = s[2][((x >> 8) & 0xff) as usize];
    let d = s[3][(x & 0xff) as usize];
    (a.wrapping_add(b) ^ c).wrapping_add(d)
}

/// One Blowfish block encryption in every lane, round by round across the
/// lanes, so that each round's loads of all lanes are in flight together.
#[inline(always)]
fn encrypt<const N: usize>(
    states: &[EksState; N],
    p: &[[u32; KEY_WORDS]; N],
    l: &mut [u32; N],
    r: &mut [u32; N],
) {
    for k in 0..N {
        l[k] ^= p[k][0];
    }
    for i in (1..17).step_by(2) {
        for k in 0..N {
            r[k] ^= p[k][i] ^ feistel(&states[k].s, l[k]);
        }
        for k in 0..N {
            l[k] ^= p[k][i + 1] ^ feistel(&states[k].s, r[k]);
        }
    }
    for k in 0..N {
        (l[k], r[k]) = (r[k] ^ p[k][17], l[k]);
    }
}

/// EksBlowfish's expansion in `N` lanes at once: each lane's P, then its
/// S-boxes, replaced by chained encryptions from a zero block, with the
/// lane's salt words XORed into each block (zero words for the unsalted
/// expansions of the cost loop). The same as `EksState::expand` per lane.
fn expand<const N: usize>(states: &mut [EksState; N], salts: &[[u32; 4]; N]) {
    let mut l = [0u32; N];
    let mut r = [0u32; N];
    let mut next = 0;
    // P in locals, as in the single-lane core: each P word can be XORed in
    // before the round's S-box sum is ready.
    let mut p: [[u32; KEY_WORDS]; N] = std::array::from_fn(|k| states[k].p);
    for i in (0..KEY_WORDS).step_by(2) {
        for k in 0..N {
            l[k] ^= salts[k][next];
            r[k] ^= salts[k][next + 1];
        }
        next ^= 2;
        // Each encryption here sees the P words already replaced.
        encrypt(states, &p, &mut l, &mut r);
        for k in 0..N {
            p[k][i] = l[k];
            p[k][i + 1] = r[k];
        }
    }
    for k in 0..N {
        states[k].p = p[k];
    }
    for b in 0..4 {
        for i in (0..256).step_by(2) {
            for k in 0..N {
                l[k] ^= salts[k][next];
                r[k] ^= salts[k][next + 1];
            }
            next ^= 2;
            encrypt(states, &p, &mut l, &mut r);
            for k in 0..N {
                states[k].s[b][i] = l[k];
                states[k].s[b][i + 1] = r[k];
            }
        }
    }
    p.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn job(password: &[u8], variant: BcryptVariant, cost: u32, salt: [u8; 16]) -> Job<'_> {
        Job {
            password,
            variant,
            cost,
            salt,
        }
    }

    fn single(job: &Job) -> Vec<u8> {
        bcrypt::hash(job.password, job.variant, job.cost, &job.salt)
    }

    fn lanes(jobs: &[Job], threads: usize, lanes: usize) -> Vec<Vec<u8>> {
        run_with(jobs, threads, lanes, &|_, _| {})
            .iter()
            .zip(jobs)
            .map(|(digest, job)| bcrypt::format(job.variant, job.cost, &job.salt, digest))
            .collect()
    }

    #[test]
    fn published_vectors_in_every_lane() {
        // crypt_blowfish's vectors, each in every lane position.
        let salt_a = decode(b"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        let salt_x = decode(b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e");
        let jobs = [
            job(b"U*U", BcryptVariant::TwoA, 5, salt_a),
            job(b"", BcryptVariant::TwoA, 5, salt_a),
            job(b"\xff\xff\xa3", BcryptVariant::TwoY, 5, salt_x),
            job(b"\xff\xff\xa3", BcryptVariant::TwoX, 5, salt_x),
            job(b"\xff\xff\xa3", BcryptVariant::TwoA, 5, salt_x),
        ];
        let expected: [&[u8]; 5] = [
            b"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            b"$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy",
            b"$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e",
            b"$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e",
            b"$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85.",
        ];
        for width in 1..=LANES {
            for rotation in 0..jobs.len() {
                let order: Vec<usize> = (0..jobs.len())
                    .map(|i| (i + rotation) % jobs.len())
                    .collect();
                let rotated: Vec<Job> = order
                    .iter()
                    .map(|&i| {
                        job(
                            jobs[i].password,
                            jobs[i].variant,
                            jobs[i].cost,
                            jobs[i].salt,
                        )
                    })
                    .collect();
                for (got, &i) in lanes(&rotated, 1, width).iter().zip(&order) {
                    assert_eq!(got, &expected[i].to_vec(), "{width} lanes, job {i}");
                }
            }
        }
    }

    fn decode(stored: &[u8]) -> [u8; 16] {
        bcrypt::verifiable(stored).expect("a sound vector").2
    }

    #[test]
    fn lanes_are_spread_over_the_cores_in_even_rounds() {
        // (jobs, threads) -> (lanes per worker, workers)
        let cases = [
            ((1, 1), (1, 1)),
            ((1, 2), (1, 1)),
            ((2, 2), (1, 2)),
            ((3, 2), (2, 2)),
            ((6, 1), (6, 1)),
            ((7, 1), (4, 1)),
            ((13, 1), (5, 1)),
            ((24, 1), (6, 1)),
            ((24, 2), (6, 2)),
            ((14, 2), (4, 2)),
            ((1000, 2), (6, 2)),
        ];
        for ((n, threads), expected) in cases {
            assert_eq!(
                shape(n, threads, LANES),
                expected,
                "{n} jobs, {threads} threads"
            );
        }
        assert_eq!(shape(7, 1, 2), (2, 1));
    }

    #[test]
    fn no_jobs_no_work() {
        assert!(run(&[], &|_, _| {}).is_empty());
    }

    #[test]
    fn every_job_is_reported_once() {
        let passwords: Vec<Vec<u8>> = (0..7u8).map(|i| vec![b'a' + i; usize::from(i)]).collect();
        let jobs: Vec<Job> = passwords
            .iter()
            .enumerate()
            .map(|(i, pw)| job(pw, BcryptVariant::TwoY, 4 + (i as u32 % 2), [i as u8; 16]))
            .collect();
        let told = std::sync::Mutex::new(Vec::new());
        let out = run_with(&jobs, 2, 3, &|index, digest| {
            told.lock()
                .expect("no panic while held")
                .push((index, *digest));
        });
        let mut told = told.into_inner().expect("no panic while held");
        told.sort();
        let expected: Vec<(usize, [u8; 24])> = out.iter().copied().enumerate().collect();
        assert_eq!(told, expected);
        for (digest, job) in out.iter().zip(&jobs) {
            assert_eq!(
                bcrypt::format(job.variant, job.cost, &job.salt, digest),
                single(job)
            );
        }
    }

    fn variant_of(choice: u8) -> BcryptVariant {
        [
            BcryptVariant::TwoA,
            BcryptVariant::TwoB,
            BcryptVariant::TwoX,
            BcryptVariant::TwoY,
        ][usize::from(choice % 4)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Every lane of every width is byte-identical to the single-lane
        /// core, for jobs of mixed passwords (any bytes, NUL included),
        /// salts, costs 4-8 and variants, in counts that are rarely a
        /// multiple of the lane count, on one thread and on two.
        #[test]
        fn every_lane_matches_the_single_lane_core(
            specs in proptest::collection::vec(
                (
                    proptest::collection::vec(any::<u8>(), 0..=72),
                    proptest::array::uniform16(any::<u8>()),
                    4u32..=8,
                    any::<u8>(),
                ),
                1..=9,
            ),
            width in 1usize..=LANES,
            threads in 1usize..=2,
        ) {
            let jobs: Vec<Job> = specs
                .iter()
                .map(|(password, salt, cost, variant)| job(password, variant_of(*variant), *cost, *salt))
                .collect();
            let got = lanes(&jobs, threads, width);
            for (got, job) in got.iter().zip(&jobs) {
                prop_assert_eq!(got, &single(job));
            }
        }

        /// ... and to the `bcrypt` crate (the oracle), for the NUL-free
        /// passwords a C server can receive, `$2b$` and `$2y$`.
        #[test]
        fn every_lane_matches_the_oracle(
            specs in proptest::collection::vec(
                (
                    proptest::collection::vec(1u8..=255, 0..=72),
                    proptest::array::uniform16(any::<u8>()),
                    4u32..=8,
                    any::<bool>(),
                ),
                1..=9,
            ),
        ) {
            let jobs: Vec<Job> = specs
                .iter()
                .map(|(password, salt, cost, two_b)| {
                    let variant = if *two_b { BcryptVariant::TwoB } else { BcryptVariant::TwoY };
                    job(password, variant, *cost, *salt)
                })
                .collect();
            for (got, job) in lanes(&jobs, 1, LANES).iter().zip(&jobs) {
                let version = if job.variant == BcryptVariant::TwoB {
                    ::bcrypt::Version::TwoB
                } else {
                    ::bcrypt::Version::TwoY
                };
                let oracle = ::bcrypt::hash_with_salt(job.password, job.cost, job.salt)
                    .expect("the oracle hashes costs 4-8")
                    .format_for_version(version);
                prop_assert_eq!(String::from_utf8(got.clone()).expect("ASCII"), oracle);
            }
        }
    }
}
