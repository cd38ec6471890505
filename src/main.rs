//! The `roicast` binary: parses arguments and hands them to the library.

use clap::Parser;

fn main() {
    let command = roicast::cli::Cli::parse().into_command();
    match roicast::app::execute(command) {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(error.exit_code());
        }
    }
}
