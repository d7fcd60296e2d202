//! `kronuz-loadgen`: parse the flags, set up data through the API, run the load, report.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use kronuz_loadgen::cli::{Cli, Resolved};
use kronuz_loadgen::load::{self, ConnSpec, LoadConfig, Paths};
use kronuz_loadgen::output::{RunParams, RunReport, banner};
use kronuz_loadgen::scenario::Scenario;
use kronuz_loadgen::setup::{self, SetupConfig};
use kronuz_loadgen::target::parse_target;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let resolved = match cli.resolve() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kronuz-loadgen: {e}");
            return ExitCode::from(64);
        }
    };
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = cli.threads {
        builder.worker_threads(n.max(1));
    }
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kronuz-loadgen: cannot start the runtime: {e}");
            return ExitCode::from(70);
        }
    };
    runtime.block_on(run(cli, resolved))
}

fn random_u64() -> u64 {
    // The OS CSPRNG; should it fail, the time still makes emails unique enough.
    getrandom::u64().unwrap_or_else(|_| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ u64::from(std::process::id())
    })
}

async fn run(cli: Cli, resolved: Resolved) -> ExitCode {
    let target = match parse_target(&cli.url) {
        Ok(t) => Arc::new(t),
        Err(e) => {
            eprintln!("kronuz-loadgen: {e}");
            return ExitCode::from(64);
        }
    };
    let plan = resolved.plan;
    let seed = cli.seed.unwrap_or_else(random_u64);

    if let Err(e) = setup::check_health(&target, cli.timeout).await {
        eprintln!("kronuz-loadgen: server not ready at {}: {e}", cli.url);
        return ExitCode::from(69);
    }
    let setup_cfg = SetupConfig {
        scenario: plan.scenario,
        teams: plan.teams,
        projects: cli.projects,
        people: cli.people,
        allocations: cli.allocations,
        report_from: resolved.report_from,
        report_to: resolved.report_to,
        concurrency: cli.setup_connections.max(1),
        timeout: cli.timeout,
        nonce: random_u64(),
    };
    let setup = match setup::run(target.clone(), &setup_cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kronuz-loadgen: {e}");
            return ExitCode::from(69);
        }
    };

    let specs: Vec<ConnSpec> = (0..plan.connections)
        .map(|i| {
            let p = plan.plan(i);
            ConnSpec {
                plan: p,
                cookie: setup.teams.get(p.team).map(|t| t.cookie.clone()),
            }
        })
        .collect();
    let paths = Arc::new(Paths::new(
        &target,
        &setup::report_path(resolved.report_from, resolved.report_to),
    ));
    let load_cfg = LoadConfig {
        stop: resolved.stop,
        warmup: cli.warmup,
        timeout: cli.timeout,
        max_time: cli.max_time,
        seed,
    };
    eprintln!(
        "running {} on {} connection(s) for {} after {:.1} s warm-up...",
        plan.scenario.name(),
        plan.connections,
        match resolved.stop {
            load::StopRule::Duration(d) => format!("{:.1} s", d.as_secs_f64()),
            load::StopRule::Requests(n) => format!("{n} requests"),
        },
        cli.warmup.as_secs_f64()
    );
    let result = match load::run(target.clone(), specs, paths, &load_cfg).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kronuz-loadgen: opening the connections failed: {e}");
            return ExitCode::from(69);
        }
    };

    let (duration_s, requests) = resolved.stop.as_params();
    let params = RunParams {
        scenario: plan.scenario,
        url: cli.url.clone(),
        connections: plan.connections,
        teams: plan.teams,
        projects_per_team: if plan.scenario.needs_projects() {
            cli.projects
        } else {
            0
        },
        people: setup.people,
        allocations: setup.allocations,
        read_percent: (plan.scenario == Scenario::Mixed).then_some(plan.read_percent),
        report_connections: (plan.scenario == Scenario::Report).then_some(plan.report_connections),
        duration_s,
        requests,
        warmup_s: cli.warmup.as_secs_f64(),
        timeout_s: cli.timeout.as_secs_f64(),
        seed,
    };
    let report = RunReport::new(params, setup.elapsed.as_secs_f64(), &result);
    print!("{}", report.table());

    let mut code = ExitCode::SUCCESS;
    if let Some(path) = &cli.json {
        let written = serde_json::to_vec_pretty(&report)
            .map_err(|e| e.to_string())
            .and_then(|json| std::fs::write(path, json).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("kronuz-loadgen: cannot write {}: {e}", path.display());
            code = ExitCode::from(73);
        }
    }
    let problems = report.problems();
    if !problems.is_empty() {
        let text = banner(&problems);
        print!("{text}");
        // On stderr too, so it shows when stdout goes to a file; once on a terminal.
        let both_terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        if !both_terminal {
            eprint!("{text}");
        }
        code = ExitCode::from(2);
    }
    code
}
