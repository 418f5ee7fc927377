//! The search index after a serve update, made on a thread of its own.
//!
//! An update tells the browser as soon as its pages are in place; the
//! index (hundreds of milliseconds on a big site) follows. Jobs carry the
//! generation they were made for: only the newest waiting job is built,
//! and its files are swapped in only while that generation is still the
//! one served, so an index never replaces a newer one. The thread builds
//! with one worker, leaving the other cores to the next rebuild.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use super::state::State;
use crate::search::{self, SearchDoc};

type Job = (u64, Vec<Arc<SearchDoc>>);

pub struct Indexer {
    jobs: Sender<Job>,
}

impl Indexer {
    pub fn start(state: Arc<State>) -> Indexer {
        let (jobs, queue) = channel();
        std::thread::Builder::new()
            .name("rolebook-search".into())
            .spawn(move || run(&queue, &state))
            .ok();
        Indexer { jobs }
    }

    /// Asks for the index of `docs`, the documents of build `generation`.
    pub fn send(&self, generation: u64, docs: Vec<Arc<SearchDoc>>) {
        if !docs.is_empty() {
            let _ = self.jobs.send((generation, docs));
        }
    }
}

fn run(queue: &Receiver<Job>, state: &State) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
    while let Ok(mut job) = queue.recv() {
        while let Ok(newer) = queue.try_recv() {
            job = newer;
        }
        let (generation, docs) = job;
        // Nothing the job touched outlives it but the pool, which stays sound.
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &pool {
            Some(pool) => pool.install(|| search::build_index(&docs)),
            None => search::build_index(&docs),
        }));
        match made {
            Ok(files) => {
                state.publish_search(files, generation);
            }
            // The pages are served; only the index of this update is missing.
            Err(_) => eprintln!("serve: making the search index failed unexpectedly"),
        }
    }
}
