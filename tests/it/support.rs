//! Shared helpers: copy a fixture into a temp dir, run the binary, read output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/NAME` in a fresh temporary folder.
    pub fn fixture(name: &str) -> Site {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(src.is_dir(), "no fixture {}", src.display());
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&src, dir.path());
        Site { dir }
    }

    /// An empty site folder; add files with [`Site::write`].
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// Runs `rolebook ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_rolebook"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run rolebook");
        Run::from(output, self.dir.path())
    }

    /// Runs `rolebook ARGS` in the site folder with extra environment.
    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_rolebook"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .expect("run rolebook");
        Run::from(output, self.dir.path())
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// The text of an output file, e.g. `public/roles/index.html`.
    pub fn read(&self, rel: &str) -> String {
        let path = self.dir.path().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.path().join(rel).exists()
    }
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output, root: &Path) -> Run {
        let clean =
            |b: &[u8]| String::from_utf8_lossy(b).replace(&root.display().to_string(), "[SITE]");
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: clean(&output.stdout),
            stderr: clean(&output.stderr),
        }
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.status, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(&self) -> &Self {
        assert_eq!(
            self.status, 1,
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stderr without the build's notes (a site in a temporary folder is
    /// never in a Git repository, which a note says): the errors and
    /// warnings alone.
    pub fn problems(&self) -> String {
        let mut out = String::new();
        for line in self.stderr.split_inclusive('\n') {
            if !line.starts_with("note: ") {
                out.push_str(line);
            }
        }
        out
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

pub fn copy_tree(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(src).expect("prefix");
        let target: PathBuf = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Gathers what a child process writes to `pipe`, line by line, on a
/// thread of its own, so a test can read it while the process runs.
pub fn collect(
    pipe: impl std::io::Read + Send + 'static,
) -> std::sync::Arc<std::sync::Mutex<String>> {
    use std::io::BufRead;
    let text = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let mut s = sink.lock().expect("lock");
            s.push_str(&line);
            s.push('\n');
        }
    });
    text
}

/// A Markdown page with TOML front matter holding only its title.
pub fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n\n{body}\n")
}
