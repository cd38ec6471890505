//! The `roicast` binary: parses arguments and hands them to the library.

use clap::Parser;

fn main() {
    restore_default_sigpipe();
    let command = roicast::cli::Cli::parse().into_command();
    match roicast::app::stop_on_signals().and_then(|()| roicast::app::execute(command)) {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(error.exit_code());
        }
    }
}

/// Lets a closed pipe (`roicast run ... | head`) end the process quietly, as
/// for any Unix tool, instead of making every later print fail.
fn restore_default_sigpipe() {
    // SAFETY: setting a signal's disposition to its default, before any
    // thread is started, has no other effect on the process.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
