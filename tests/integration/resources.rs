//! Resources checked before any work: input files of a bounded size and
//! valid UTF-8.

use std::fs;

use crate::util::roicast;

#[test]
fn an_endless_or_oversized_scenario_is_refused_before_it_is_read_whole() {
    let (code, _, stderr) = roicast(&["validate", "/dev/zero"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/dev/zero holds more than 10.0 MiB"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    fs::write(&big, "#".repeat(roicast::app::MAX_INPUT_FILE_BYTES as usize + 1)).unwrap();
    let (code, _, stderr) = roicast(&["run", big.to_str().unwrap(), "--out", dir.path().join("out").to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("big.toml holds more than 10.0 MiB") && stderr.contains("Limits"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn invalid_utf8_in_a_scenario_gets_the_line_and_column_of_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    // "Café" saved as Latin-1 on line 2: the é is the bad byte, after "name = \"Caf".
    fs::write(&path, b"# a scenario\nname = \"Caf\xE9\"\n").unwrap();
    let (code, _, stderr) = roicast(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("latin1.toml:2:12: byte 0xE9 is not valid UTF-8"), "{stderr}");
}
