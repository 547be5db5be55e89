//! Man pages: clean under `mandoc -T lint`, and complete. The mandoc check
//! fails with an install hint, never skips, when mandoc is missing.

use std::path::Path;
use std::process::Command;

const MANDOC_HINT: &str = "mandoc is needed to lint the man pages: apt-get install mandoc";

fn man_page(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("man").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every page in man/: the hand-written htpasswd.1 and the generated
/// htpass*.1 (see `generated.rs`).
#[test]
fn every_man_page_is_clean_under_mandoc_lint() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .expect("list man/")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "1"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 2, "man pages missing: {pages:?}");
    for path in pages {
        let output = Command::new("mandoc")
            .args(["-T", "lint", "-W", "all"])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("{MANDOC_HINT} ({e})"));
        let report = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && report.is_empty(),
            "mandoc -T lint {}:\n{report}",
            path.display()
        );
    }
}

#[test]
fn htpasswd_man_page_documents_every_option_and_exit_code() {
    let page = man_page("htpasswd.1");
    for letter in "cnmspdBbDi25Crv".chars() {
        let option = format!("\\-{letter}");
        assert!(
            page.lines().any(|line| line.starts_with(".B")
                && line.split_whitespace().nth(1) == Some(option.as_str())),
            "option -{letter} has no entry of its own"
        );
    }
    for code in [0, 1, 2, 3, 4, 5, 6, 7, 9] {
        assert!(
            page.contains(&format!(".TP\n.B {code}\n")),
            "exit code {code} is not described"
        );
    }
    assert!(page.contains(".SH DIFFERENCES"));
}
