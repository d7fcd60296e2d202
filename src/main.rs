//! The `kronuz` binary: parse the command line, set up logging, run.

use clap::Parser;
use kronuz::config::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(settings) => serve(settings),
        Command::Backup(args) => backup(args),
        Command::Restore(args) => restore(args),
        Command::Psplib(args) => psplib(args),
    }
}

fn serve(settings: kronuz::config::Settings) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
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

fn backup(args: kronuz::config::BackupArgs) -> ExitCode {
    match kronuz::store::backup::backup(&args.data_dir, &args.to) {
        Ok(report) => {
            println!(
                "kronuz backup: wrote {} ({} bytes, schema version {})",
                args.to.display(),
                report.bytes,
                report.schema_version
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kronuz backup: {e}");
            ExitCode::FAILURE
        }
    }
}

fn restore(args: kronuz::config::RestoreArgs) -> ExitCode {
    match kronuz::store::backup::restore(&args.from, &args.data_dir, args.force) {
        Ok(report) => {
            if let Some(aside) = report.kept_aside {
                println!(
                    "kronuz restore: the data that was there is kept as {}",
                    aside.display()
                );
            }
            println!(
                "kronuz restore: restored {} records into {}",
                report.records,
                args.data_dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kronuz restore: {e}");
            ExitCode::FAILURE
        }
    }
}

fn psplib(args: kronuz::config::PsplibArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("kronuz psplib: cannot read {}: {e}", args.file.display());
            return ExitCode::FAILURE;
        }
    };
    let opts = kronuz_schedule::rcpsp::Options {
        seed: args.seed,
        decompose: args.decompose,
        peak_restart: !args.no_peak_restart,
        spread: !args.no_spread,
        ..Default::default()
    };
    match kronuz_schedule::rcpsp::psplib_command(&text, args.schedules, args.time_limit_ms, opts) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kronuz psplib: {}: {e}", args.file.display());
            ExitCode::FAILURE
        }
    }
}
