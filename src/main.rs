use std::process::ExitCode;

fn main() -> ExitCode {
    rolebook::cli::main()
}
