//! How htpass is built and shipped: no cargo configuration forces a target
//! (so `cargo install` and `cargo build` work on every platform, issue 12),
//! and the packaged crate holds what the build needs and nothing big or
//! private. The heavier proofs (the static builds, a wheel installed into a
//! fresh venv, the container image's contents, `cargo install` from the
//! `.crate`) are `scripts/package-test`, a step of `.ci/run`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `[table]` key `= value` assignments of a cargo configuration file,
/// as `("table.key", "value")`: just enough TOML to see what it sets.
fn assignments(text: &str) -> Vec<(String, String)> {
    let mut table = String::new();
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if let Some(name) = line.strip_prefix('[') {
            table = name
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_owned();
        } else if let Some((key, value)) = line.split_once('=') {
            let key = key.trim().trim_matches('"');
            let full = if table.is_empty() {
                key.to_owned()
            } else {
                format!("{table}.{key}")
            };
            found.push((full, value.trim().to_owned()));
        }
    }
    found
}

/// Regression (issue 12): `.cargo/config.toml` set `build.target =
/// "x86_64-unknown-linux-gnu"` for everyone, so `cargo install` on an ARM
/// Mac or an aarch64 runner tried to cross-compile, and `cargo build
/// --release` did not put the programs in `target/release/`. The static
/// build is `scripts/build-static`, asked for by name.
#[test]
fn no_cargo_configuration_forces_a_target_or_static_linking() {
    for dir in [root().to_owned(), root().join("fuzz")] {
        for name in [".cargo/config.toml", ".cargo/config"] {
            let path = dir.join(name);
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            for (key, value) in assignments(&text) {
                assert!(
                    key != "build.target" && key != "target",
                    "{} sets {key} = {value}: every platform must build its own \
                     target; name a target on the command line (scripts/build-static)",
                    path.display()
                );
                assert!(
                    !value.contains("crt-static"),
                    "{} sets {key} = {value}: static linking is scripts/build-static's \
                     job, asked for by name, not every build's",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_configuration_reader_sees_a_forced_target() {
    let text = "# a comment\n[build]\ntarget = \"x86_64-unknown-linux-gnu\" # why\n\
                [target.x86_64-unknown-linux-gnu]\nrustflags = [\"-C\", \"target-feature=+crt-static\"]\n";
    assert_eq!(
        assignments(text),
        [
            (
                "build.target".to_owned(),
                "\"x86_64-unknown-linux-gnu\"".to_owned()
            ),
            (
                "target.x86_64-unknown-linux-gnu.rustflags".to_owned(),
                "[\"-C\", \"target-feature=+crt-static\"]".to_owned()
            ),
        ]
    );
}

/// The files `cargo package` would put in the `.crate`.
fn package_list() -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
    let output = Command::new(cargo)
        .args(["package", "--list", "--locked", "--allow-dirty"])
        .current_dir(root())
        .output()
        .expect("run cargo package --list");
    assert!(
        output.status.success(),
        "cargo package --list failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("file names in UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Every file under `dir` (relative to the root, with `/`).
fn files_under(dir: &Path, found: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("read a source directory") {
        let path: PathBuf = entry.expect("a directory entry").path();
        if path.is_dir() {
            files_under(&path, found);
        } else {
            let relative = path.strip_prefix(root()).expect("under the root");
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// `cargo install --locked htpass` builds from the `.crate` alone: every
/// source file, the lock file and the licences must be in it.
#[test]
fn the_package_holds_every_source_file_the_lock_file_and_the_licences() {
    let listed = package_list();
    let mut needed = vec![
        "Cargo.toml".to_owned(),
        "Cargo.lock".to_owned(),
        "README.md".to_owned(),
        "CHANGELOG.md".to_owned(),
        "LICENSE-MIT".to_owned(),
        "LICENSE-APACHE".to_owned(),
    ];
    files_under(&root().join("src"), &mut needed);
    let missing: Vec<&String> = needed.iter().filter(|f| !listed.contains(*f)).collect();
    assert!(
        missing.is_empty(),
        "the package lacks {missing:?}: add them to `include` in Cargo.toml"
    );
}

/// The `.crate` leaves out what only this repository's CI uses: the golden
/// files recorded from Apache (megabytes), the tests that need Apache,
/// nginx and the Docker registry, the fuzz workspace, the scripts and the
/// packaging files. It stays small.
#[test]
fn the_package_leaves_out_tests_fixtures_scripts_and_ci() {
    let listed = package_list();
    let unwanted: Vec<&String> = listed
        .iter()
        .filter(|f| {
            [
                "tests/", "benches/", "fuzz/", "scripts/", ".ci/", ".cargo/", "target/",
            ]
            .iter()
            .any(|dir| f.starts_with(dir))
                || ["Containerfile", "pyproject.toml", ".dockerignore"].contains(&f.as_str())
        })
        .collect();
    assert!(
        unwanted.is_empty(),
        "the package holds {} files it should not, e.g. {:?}: leave them out \
         (`include` in Cargo.toml)",
        unwanted.len(),
        &unwanted[..unwanted.len().min(10)]
    );
    // Files cargo writes itself (the normalized manifest, VCS info) are
    // not in the tree; the rest is measured there.
    let bytes: u64 = listed
        .iter()
        .filter_map(|f| fs::metadata(root().join(f)).ok())
        .map(|m| m.len())
        .sum();
    assert!(
        bytes < 1_500_000,
        "the package's files add up to {bytes} bytes; something big got in \
         (`cargo package --list` shows what)"
    );
}
