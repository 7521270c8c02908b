//! The standalone `cassia` binary: the CLI without compiled-in models (schema commands
//! read a model snapshot with `--models`).

fn main() -> std::process::ExitCode {
    cassia_cli::run(&[])
}
