use std::process::ExitCode;

/// mimalloc, not the system allocator: pages' strings are made and freed
/// on every core, where it is markedly quicker (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    rolebook::cli::main()
}
