//! The `kronuz` binary: parse the command line, set up logging, run.

use clap::Parser;
use kronuz::config::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(settings) => serve(settings),
        Command::Psplib(args) => psplib(args),
    }
}

fn serve(settings: kronuz::config::Settings) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kronuz: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
        kronuz::serve(settings, listener, kronuz::shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("kronuz: {message}");
            ExitCode::FAILURE
        }
    }
}

fn psplib(args: kronuz::config::PsplibArgs) -> ExitCode {
    let _ = args;
    eprintln!("kronuz psplib: not available yet");
    ExitCode::FAILURE
}
