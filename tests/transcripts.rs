//! CLI transcripts as data: each `tests/cmd/*.trycmd` holds commands (`$ scaffold ...`), the exit
//! code when it is not 0 (`? 2`) and the exact output (stdout and stderr as a terminal interleaves
//! them), run against the built `scaffold` by trycmd. A case with a `NAME.out/` folder runs all its
//! commands in one fresh temporary folder, which starts as a copy of `NAME.in/` when there is one
//! (its specs). To rewrite the expected output after a deliberate change:
//! `TRYCMD=overwrite cargo test --test transcripts`, then review the diff.

#[test]
fn cli_transcripts() {
    trycmd::TestCases::new()
        .register_bin("scaffold", trycmd::cargo::cargo_bin!("scaffold"))
        .env("CI", "true")
        .case("tests/cmd/*.trycmd")
        .case("tests/cmd/*.toml");
}
