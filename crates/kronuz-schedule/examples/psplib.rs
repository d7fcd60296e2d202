//! Development twin of `kronuz psplib`:
//! `cargo run --release -p kronuz-schedule --example psplib -- FILE.sm [--schedules N] [--time-limit-ms MS] [--seed S] [--decompose] [--no-peak-restart] [--no-spread]`

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let (mut schedules, mut time_limit) = (None, None);
    let mut opts = kronuz_schedule::rcpsp::Options::default();
    while let Some(a) = args.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            args.next()
                .ok_or_else(|| format!("{name} needs a value"))?
                .parse::<u64>()
                .map_err(|_| format!("{name} needs a non-negative integer"))
        };
        let r = match a.as_str() {
            "--schedules" => num("--schedules").map(|v| schedules = Some(v)),
            "--time-limit-ms" => num("--time-limit-ms").map(|v| time_limit = Some(v)),
            "--seed" => num("--seed").map(|v| opts.seed = v),
            "--decompose" => {
                opts.decompose = true;
                Ok(())
            }
            "--no-peak-restart" => {
                opts.peak_restart = false;
                Ok(())
            }
            "--no-spread" => {
                opts.spread = false;
                Ok(())
            }
            _ if file.is_none() && !a.starts_with("--") => {
                file = Some(a);
                Ok(())
            }
            _ => Err(format!("unexpected argument '{a}'")),
        };
        if let Err(e) = r {
            eprintln!("psplib: {e}");
            return ExitCode::from(2);
        }
    }
    let Some(file) = file else {
        eprintln!(
            "usage: psplib FILE.sm [--schedules N] [--time-limit-ms MS] [--seed S] [--decompose] [--no-peak-restart] [--no-spread]"
        );
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("psplib: cannot read {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match kronuz_schedule::rcpsp::psplib_command(&text, schedules, time_limit, opts) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("psplib: {file}: {e}");
            ExitCode::FAILURE
        }
    }
}
