//! The server the scale-out tests start is the release of Ulak's embedded store. (This test is
//! also what makes `cargo test --workspace` build the `surreal` binary those tests run.)

#[test]
fn the_server_is_the_embedded_stores_release() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_surreal"))
        .arg("version")
        .output()
        .expect("the surreal binary runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    let version = text.lines().last().unwrap_or_default();
    assert!(
        version.starts_with("3.3.5 "),
        "surreal version printed {text:?}"
    );
}
