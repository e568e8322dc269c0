//! schemathesis against the generated API on Netlify's own local runtime, with two users.
//!
//! A project generated from `tests/schemathesis/spec.yaml`, with the handlers of
//! `tests/schemathesis/overlay/` (each user's movies kept in memory, another user's 404), runs under
//! `netlify dev --offline` (`tests/e2e/netlify-dev.sh`); `tests/schemathesis/run.sh` then tests it
//! against the project's own `openapi.yaml`: two users by hand, schemathesis with every check as one
//! user with the other as peer (object-level authorization), schemathesis without credentials, and a
//! negative control that the two-user check bites. Zero failures, a bounded number of examples and
//! a time bound (see `tests/schemathesis/README.md`).
//!
//! First run installs Node 22 + netlify-cli (npm) and a pinned schemathesis into a venv (PyPI)
//! under `~/.cache/scaffold-e2e/`. Needs `node`, `python3` with `venv`, and on a cold cache the
//! registries; without them this test fails, it does not skip.

mod common;

use std::process::Command;
use std::time::Instant;

use common::{manifest_dir, output_text, project_from, require_node, require_python_venv};

#[test]
fn schemathesis_two_users_under_netlify_dev() {
    require_node();
    require_python_venv();
    let root = manifest_dir();
    let (_tmp, project) =
        project_from("tests/schemathesis/spec.yaml", "tests/schemathesis/overlay");
    let started = Instant::now();
    let out = Command::new("bash")
        .arg(root.join("tests/e2e/netlify-dev.sh"))
        .arg(&project)
        .arg("--")
        .arg("bash")
        .arg(root.join("tests/schemathesis/run.sh"))
        .arg(&project)
        .current_dir(&root)
        .env("CI", "true")
        .output()
        .expect("run tests/e2e/netlify-dev.sh");
    let text = output_text(&out);
    assert!(
        out.status.success(),
        "schemathesis run failed ({}) after {:.0?}:\n{text}",
        out.status,
        started.elapsed()
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for step in ["users", "dots", "alice", "anonymous", "leak", "state"] {
        assert!(
            stdout.contains(&format!("--- {step}: passed")),
            "step {step} did not pass:\n{text}"
        );
    }
    assert!(
        stdout.contains("schemathesis-run: all passed"),
        "no final verdict:\n{text}"
    );
}
