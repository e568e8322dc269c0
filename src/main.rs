fn main() -> std::process::ExitCode {
    scaffold::cli::run(std::env::args_os())
}
