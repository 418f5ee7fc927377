//! serve's in-memory site against a fresh build, after every step of a
//! seeded sequence of random edits: page text, front matter (title, weight,
//! slug, tags, roles, draft, date, template, owner, reviewed), new, deleted and renamed pages
//! and sections, data files, templates, shortcodes, static files, the
//! config, and broken edits followed by their fixes.
//!
//! `cargo run --example live_fuzz -- SEED STEPS` runs any seed for any
//! number of steps and prints the first divergence.

#[path = "../common/site_edits.rs"]
mod site_edits;

#[test]
fn serve_equals_a_fresh_build_after_every_step_of_random_edits() {
    let site = site_edits::copy_fixture();
    let tally = site_edits::run(site.path(), 20261130, 300).unwrap_or_else(|d| panic!("{d}"));
    // Each way serve applies a change is exercised many times.
    assert!(tally.in_place >= 100, "{tally:?}");
    assert!(tally.full >= 30, "{tally:?}");
    assert!(tally.failed >= 10, "{tally:?}");
}
