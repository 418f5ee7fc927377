//! serve's in-place updates against fresh builds, for any seed and any
//! number of steps (the test suite runs one fixed seed): each step makes a
//! random edit to a copy of `tests/fixtures/live-prop`, applies it as serve
//! does and compares every output file and warning with a build from
//! scratch. Prints the first divergence and the edits that led to it.
//!
//! ```text
//! cargo run --release --example live_fuzz -- [SEED] [STEPS] [SEEDS]
//! ```
//!
//! With SEEDS, runs that many seeds from SEED on.

#[path = "../tests/common/site_edits.rs"]
mod site_edits;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let number = |arg: Option<String>, default: u64| {
        arg.map_or(Ok(default), |a| {
            a.parse::<u64>().map_err(|e| format!("{a}: {e}"))
        })
    };
    let parsed = (|| {
        Ok::<_, String>((
            number(args.next(), 1)?,
            number(args.next(), 1000)?,
            number(args.next(), 1)?,
        ))
    })();
    let (seed, steps, seeds) = match parsed {
        Ok(p) => p,
        Err(e) => {
            eprintln!("usage: live_fuzz [SEED] [STEPS] [SEEDS]: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    for seed in seed..seed + seeds {
        let site = site_edits::copy_fixture();
        let start = std::time::Instant::now();
        match site_edits::run(site.path(), seed, steps as usize) {
            Ok(tally) => println!(
                "seed {seed}: {steps} steps equal to fresh builds ({} in place, {} full builds, {} failed; {} ms)",
                tally.in_place,
                tally.full,
                tally.failed,
                start.elapsed().as_millis()
            ),
            Err(divergence) => {
                println!("{divergence}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
