fn main() -> std::process::ExitCode {
    scaffold::run(std::env::args_os())
}
