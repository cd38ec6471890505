//! The README's two commands, `cargo run --release` and `cargo test
//! --release`, share every dependency build: no dev-dependency turns on a
//! feature of a dependency the program uses, which would make the second
//! command compile that dependency (and all that depends on it) again.

use std::collections::BTreeSet;
use std::process::Command;

/// Every package of the dependency tree with its features, one per line, as
/// `cargo tree` lists them for these kinds of dependency.
fn packages_with_features(kinds: &str) -> BTreeSet<String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "--offline", "--locked", "-e", kinds, "--prefix", "none", "-f", "{p} {f}"])
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().lines().map(|line| line.trim_end_matches(" (*)").to_string()).collect()
}

#[test]
fn dev_dependencies_change_no_feature_of_the_programs_dependencies() {
    let program = packages_with_features("normal,build");
    let with_tests = packages_with_features("normal,build,dev");
    let changed: Vec<&String> = program.difference(&with_tests).collect();
    assert!(changed.is_empty(), "built with other features for the tests: {changed:#?}");
}
