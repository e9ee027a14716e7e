//! Neural optimal-transport maps on the four 2-D problems of the DIOTM paper's Table 1
//! (dotae-diotm): trains OTM and DIOTM on each, scores them every `--eval-every` iterations
//! against the exact discrete OT of dotae-ot on a test sample (W₂ between the mapped and the
//! target points; L2 distance between the learned and the exact map), and writes
//! `results.json` (scores, learning curves, seconds, configuration), `maps.png` (the samples,
//! where each method sends them, and DIOTM's displacement interpolation, as the paper's
//! Fig. 1) and `<benchmark>-curves.png`.
//!
//!     cargo run --release --example diotm -- --benchmark g8g --iterations 5000 --out runs/diotm/g8g
//!     cargo run --release --example diotm -- --seeds 3 --iterations 4000 --out runs/diotm/all
//!     cargo run --release --example diotm -- --quick --out /tmp/diotm

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use dotae::data::{Cloud, ScatterPanel, Series, write_line_plot, write_scatter_panels};
use dotae::diotm::{
    Benchmark, Diotm, DiotmError, ExactMap, MapScores, MapTrainingConfig, NeuralMap, Otm,
    displacement_interpolation,
};
use dotae::models::{Backend, SeededRng, burn::config::config_to_json};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array2, ArrayView2};
use serde::Serialize;

#[path = "support/interrupt.rs"]
mod interrupt;
#[path = "support/limits.rs"]
mod limits;
#[path = "support/output.rs"]
mod output;
#[path = "support/pace.rs"]
mod pace;
mod support;

use limits::{LEARNING_RATE, RealRange, check_range, check_real};
use output::Output;

/// The most iterations of one run: the paper's 120 000 and room above.
const MAX_ITERATIONS: usize = 1_000_000;
/// The most test points: the exact assignment of n points prices n² pairs.
const MAX_TEST_SIZE: usize = 4096;
/// The fewest test points: below, two samples of the same target lie further apart than a
/// poor map's image lies from one (probe 23: at 2 points the sampling floor read 19.2 and a
/// map's W₂ 12.2), so the scores measure the sample, not the map.
const MIN_TEST_SIZE: usize = 100;
/// The most points per batch.
const MAX_BATCH: usize = 8192;
/// The most seeds of one invocation.
const MAX_SEEDS: usize = 32;
/// A map whose W₂ ends above this multiple of its untrained one diverged.
const DIVERGED_ABOVE: f64 = 1.5;
/// How many points' map lines `maps.png` draws: more hide the clouds.
const DRAWN_LINES: usize = 80;
/// A run that will train for longer than this says so after its first steps.
const LONG_RUN_SECONDS: f64 = 60.0;
/// Steps timed before the pace is trusted.
const PACED_STEPS: usize = 20;

/// `--tau`: the cost intensity of `τ|x − y|²`.
const TAU: RealRange = RealRange {
    min: 1e-6,
    max: 1e6,
    why: "outside it the cost swamps the potential or vanishes next to it in f32",
};
/// `--lambda`: the HJB weight.
const LAMBDA: RealRange = RealRange {
    min: 0.0,
    max: 1e6,
    why: "a larger weight overflows the value function's f32 loss",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BenchmarkChoice {
    G8g,
    G25g,
    MoonSpiral,
    Circles,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MethodChoice {
    Otm,
    Diotm,
    Both,
}

#[derive(Debug, Parser)]
#[command(
    about = "Train OTM and DIOTM on the DIOTM paper's 2-D benchmarks and score them against exact OT."
)]
struct Args {
    /// Which problem: Gaussian → 8 Gaussians, → 25 Gaussians, moon → spiral, → two circles.
    #[arg(long, value_enum, default_value = "all")]
    benchmark: BenchmarkChoice,
    /// Which method.
    #[arg(long, value_enum, default_value = "both")]
    method: MethodChoice,
    /// Training iterations of each run (the paper: 120 000). [default: 2000; with --quick 100]
    #[arg(long)]
    iterations: Option<usize>,
    /// Score every this many iterations (default: iterations / 20; with --quick 20).
    #[arg(long)]
    eval_every: Option<usize>,
    /// Runs with seeds `--seed`, `--seed + 1`, … of each method on each benchmark.
    #[arg(long, default_value_t = 1)]
    seeds: usize,
    /// The first seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Points per batch from each distribution.
    #[arg(long, default_value_t = 256)]
    batch_size: usize,
    /// Test points of each distribution (the exact map is an assignment between them).
    /// [default: 1000; with --quick 256]
    #[arg(long)]
    test_size: Option<usize>,
    /// The cost intensity τ of `τ|x − y|²`.
    #[arg(long, default_value_t = 1.0)]
    tau: f64,
    /// DIOTM's HJB weight λ [default: 1]; OTM has no HJB term.
    #[arg(long)]
    lambda: Option<f64>,
    /// Adam's learning rate for the maps.
    #[arg(long, default_value_t = 1.6e-4)]
    map_learning_rate: f64,
    /// Adam's learning rate for the potential.
    #[arg(long, default_value_t = 1e-4)]
    value_learning_rate: f64,
    /// A seconds-long run for CI: 100 iterations, 256 test points, scored every 20 (each unless
    /// given by its own flag).
    #[arg(long)]
    quick: bool,
    /// The compute backend.
    #[arg(long, default_value = "flex")]
    backend: Backend,
    /// Output directory. `results.json`, `maps.png` and a `<benchmark>-curves.png` for each
    /// benchmark trained appear there only when the run succeeds, replacing files of the same
    /// names; other files (an earlier run's curves of another benchmark) are left as they are.
    #[arg(long, default_value = "runs/diotm")]
    out: PathBuf,
}

/// One scored point of a learning curve.
#[derive(Debug, Serialize)]
struct CurvePoint {
    iteration: usize,
    w2: f64,
    l2: f64,
    value_loss: Option<f64>,
    map_loss: Option<f64>,
    hjb: Option<f64>,
}

#[derive(Debug, Serialize)]
struct RunReport {
    method: &'static str,
    seed: u64,
    iterations: usize,
    seconds: f64,
    seconds_per_iteration: f64,
    scores: MapScores,
    curve: Vec<CurvePoint>,
}

#[derive(Debug, Serialize)]
struct MeanStd {
    mean: f64,
    std: f64,
}

#[derive(Debug, Serialize)]
struct MethodSummary {
    method: &'static str,
    seeds: usize,
    w2: MeanStd,
    l2: MeanStd,
}

#[derive(Debug, Serialize)]
struct BenchmarkReport {
    benchmark: Benchmark,
    paper_name: &'static str,
    /// W₂ between the target test points and an independent sample of as many target points:
    /// what a perfect map scores at this test size.
    sampling_floor_w2: f64,
    summary: Vec<MethodSummary>,
    runs: Vec<RunReport>,
}

#[derive(Debug, Serialize)]
struct Report {
    iterations: usize,
    eval_every: usize,
    test_size: usize,
    backend: String,
    config: serde_json::Value,
    benchmarks: Vec<BenchmarkReport>,
    seconds_total: f64,
}

/// The checked plan of a run.
struct Plan {
    benchmarks: Vec<Benchmark>,
    methods: Vec<&'static str>,
    iterations: usize,
    eval_every: usize,
    test_size: usize,
    config: MapTrainingConfig,
}

fn main() -> ExitCode {
    interrupt::exit_code(run(&support::parse_args::<Args>()))
}

fn check(args: &Args) -> Result<Plan, Box<dyn Error>> {
    // Flags given alongside --quick win, as in the other binaries (probe 25: `--quick
    // --iterations 50000` ran 100 without a word).
    let (iterations, test_size) = match args.quick {
        true => (
            args.iterations.unwrap_or(100),
            args.test_size.unwrap_or(256),
        ),
        false => (
            args.iterations.unwrap_or(2000),
            args.test_size.unwrap_or(1000),
        ),
    };
    check_range("--iterations", iterations, 1, MAX_ITERATIONS)?;
    check_range("--test-size", test_size, MIN_TEST_SIZE, MAX_TEST_SIZE).map_err(|e| {
        format!("{e} (below {MIN_TEST_SIZE}, two samples of the target differ more than a map's image does from one, so the scores would measure the sample)")
    })?;
    check_range("--batch-size", args.batch_size, 1, MAX_BATCH)?;
    check_range("--seeds", args.seeds, 1, MAX_SEEDS)?;
    if args.seed.checked_add(args.seeds as u64).is_none() {
        return Err(format!("--seed {} plus --seeds {} overflows", args.seed, args.seeds).into());
    }
    let eval_every = match (args.quick, args.eval_every) {
        (_, Some(every)) => every,
        (true, None) => 20.min(iterations),
        (false, None) => iterations.div_ceil(20),
    };
    check_range("--eval-every", eval_every, 1, iterations).map_err(|e| {
        format!("{e} (--iterations: every run is scored at least once, at its end)")
    })?;
    check_real("--tau", args.tau, &TAU)?;
    if args.lambda.is_some() && args.method == MethodChoice::Otm {
        return Err("--lambda weights DIOTM's HJB term, and --method otm trains OTM only, which has none: drop --lambda or add DIOTM with --method both".into());
    }
    let lambda = args.lambda.unwrap_or(1.0);
    check_real("--lambda", lambda, &LAMBDA)?;
    check_real(
        "--map-learning-rate",
        args.map_learning_rate,
        &LEARNING_RATE,
    )?;
    check_real(
        "--value-learning-rate",
        args.value_learning_rate,
        &LEARNING_RATE,
    )?;
    let benchmarks = match args.benchmark {
        BenchmarkChoice::G8g => vec![Benchmark::EightGaussians],
        BenchmarkChoice::G25g => vec![Benchmark::TwentyFiveGaussians],
        BenchmarkChoice::MoonSpiral => vec![Benchmark::MoonSpiral],
        BenchmarkChoice::Circles => vec![Benchmark::Circles],
        BenchmarkChoice::All => Benchmark::ALL.to_vec(),
    };
    let methods = match args.method {
        MethodChoice::Otm => vec!["OTM"],
        MethodChoice::Diotm => vec!["DIOTM"],
        MethodChoice::Both => vec!["OTM", "DIOTM"],
    };
    let config = MapTrainingConfig::new()
        .with_batch_size(args.batch_size)
        .with_tau(args.tau)
        .with_lambda(lambda)
        .with_map_learning_rate(args.map_learning_rate)
        .with_value_learning_rate(args.value_learning_rate);
    config.check()?;
    Ok(Plan {
        benchmarks,
        methods,
        iterations,
        eval_every,
        test_size,
        config,
    })
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    interrupt::install()?;
    let plan = check(args)?;
    let output = Output::stage(&args.out)?;
    let out = output.dir();
    let device = args.backend.training_device()?;
    let seeds: Vec<u64> = (args.seed..args.seed + args.seeds as u64).collect();
    let runs_per_method = plan.benchmarks.len() * seeds.len();
    let mut pace = Pace::new(
        &plan.methods,
        plan.iterations,
        runs_per_method,
        runs_per_method * (plan.iterations.div_ceil(plan.eval_every) + 1),
    );

    let mut reports = Vec::new();
    let mut panels = Vec::new();
    for &benchmark in &plan.benchmarks {
        let mut runs = Vec::new();
        let mut drawn = Vec::new();
        let mut sampling_floor = Vec::new();
        for &seed in &seeds {
            let mut test = SeededRng::stream(seed, &format!("{benchmark} test"));
            let source = benchmark.source(plan.test_size, &mut test);
            let target = benchmark.target(plan.test_size, &mut test);
            let other = benchmark.target(plan.test_size, &mut test);
            sampling_floor.push(dotae::ot::w2_squared_points(target.view(), other.view())?.sqrt());
            let exact = ExactMap::new(source.view(), target.view())?;
            for &method in &plan.methods {
                let config = plan.config.clone().with_seed(seed);
                let mut model: Box<dyn NeuralMap> = match method {
                    "OTM" => Box::new(Otm::new(config, &device)?),
                    _ => Box::new(Diotm::new(config, &device)?),
                };
                let report = train(
                    &plan,
                    benchmark,
                    seed,
                    model.as_mut(),
                    &exact,
                    source.view(),
                    &mut pace,
                )?;
                if seed == seeds[0] {
                    drawn.push((method, model.transport(source.view())?));
                }
                runs.push(report);
            }
            if seed == seeds[0] {
                panels.extend(benchmark_panels(
                    benchmark,
                    source.view(),
                    target.view(),
                    &drawn,
                )?);
            }
        }
        write_curves(
            &out.join(format!("{benchmark}-curves.png")),
            benchmark,
            &runs,
            seeds[0],
        )?;
        reports.push(BenchmarkReport {
            benchmark,
            paper_name: benchmark.paper_name(),
            sampling_floor_w2: mean_std(&sampling_floor).mean,
            summary: plan
                .methods
                .iter()
                .map(|&method| summarise(method, &runs))
                .collect(),
            runs,
        });
    }
    let columns = plan.methods.len() + 1;
    write_scatter_panels(&out.join("maps.png"), &panels, columns, 480)?;
    let report = Report {
        iterations: plan.iterations,
        eval_every: plan.eval_every,
        test_size: plan.test_size,
        backend: args.backend.to_string(),
        config: serde_json::from_str(&config_to_json(&plan.config))?,
        benchmarks: reports,
        seconds_total: started.elapsed().as_secs_f64(),
    };
    support::write_json(&out.join("results.json"), &report)?;
    interrupt::check("writing the results")?;
    output.publish()?;
    let table: Vec<_> = report
        .benchmarks
        .iter()
        .map(|b| serde_json::json!({"benchmark": b.paper_name, "sampling_floor_w2": b.sampling_floor_w2, "summary": b.summary}))
        .collect();
    support::print(&serde_json::to_string_pretty(&table)?)?;
    support::print(&format!("wrote {}", args.out.display()))?;
    Ok(())
}

/// Each method's seconds per iteration, measured on its first run, and the seconds of the first
/// scoring, to say up front when the whole invocation will take long. Methods differ (a DIOTM
/// iteration costs about three of OTM's), so until every method has run its first steps the
/// note gives a lower bound, and it is given again whenever a measurement grows the estimate by
/// half. Scoring counts: with a large `--test-size` and a small `--eval-every` it is most of
/// the time (probe 23: 2.1 s per iteration at 4096 test points, scored every iteration).
struct Pace {
    /// `(method, seconds per iteration)` of the methods measured so far.
    measured: Vec<(&'static str, f64)>,
    methods: Vec<&'static str>,
    /// Each method's gate, in `methods`' order, judging the pace of its first run.
    gates: Vec<pace::PaceGate>,
    /// Iterations of one run.
    iterations_per_run: usize,
    /// Iterations each method trains in this invocation.
    iterations_per_method: usize,
    /// Times each method's map is scored in this invocation.
    scores_per_method: usize,
    /// Seconds of the first scoring.
    score_seconds: Option<f64>,
    /// The estimate last noted, in seconds.
    noted: Option<f64>,
}

impl Pace {
    fn new(
        methods: &[&'static str],
        iterations_per_run: usize,
        runs_per_method: usize,
        scores_per_method: usize,
    ) -> Self {
        Self {
            measured: Vec::new(),
            methods: methods.to_vec(),
            gates: methods
                .iter()
                .map(|_| pace::PaceGate::new(PACED_STEPS))
                .collect(),
            iterations_per_run,
            iterations_per_method: iterations_per_run * runs_per_method,
            scores_per_method,
            score_seconds: None,
            noted: None,
        }
    }

    /// After the first scoring of a run.
    fn scored(&mut self, bar: &ProgressBar, seconds: f64) {
        if self.score_seconds.is_none() {
            self.score_seconds = Some(seconds);
            self.note_if_due(bar);
        }
    }

    /// After each training iteration of a run.
    fn after(&mut self, bar: &ProgressBar, method: &'static str, steps: usize, seconds: f64) {
        let Some(gate) = self
            .methods
            .iter()
            .position(|m| *m == method)
            .map(|i| &mut self.gates[i])
        else {
            return;
        };
        if let Some(pace) = gate.judge(steps, self.iterations_per_run, seconds) {
            self.measured.push((method, pace));
            self.note_if_due(bar);
        }
    }

    fn note_if_due(&mut self, bar: &ProgressBar) {
        let complete = self.measured.len() == self.methods.len() && self.score_seconds.is_some();
        let training: f64 = self.measured.iter().map(|(_, pace)| pace).sum::<f64>()
            * self.iterations_per_method as f64;
        let scoring = self.score_seconds.unwrap_or(0.0)
            * (self.scores_per_method * self.methods.len()) as f64;
        let estimate = training + scoring;
        // Noted again whenever the estimate grows by half: a first note on the scoring alone
        // said "at least 5.1 min" of a run of about 1 400 h (probe 29).
        let due = match self.noted {
            None => estimate > LONG_RUN_SECONDS,
            Some(noted) => estimate > 1.5 * noted,
        };
        if !due {
            return;
        }
        self.noted = Some(estimate);
        let mut paces: Vec<String> = self
            .measured
            .iter()
            .map(|(m, pace)| format!("{m} {:.0} ms per iteration", 1000.0 * pace))
            .collect();
        if let Some(seconds) = self.score_seconds {
            paces.push(format!(
                "{:.2} s per scoring, {} scorings per method",
                seconds, self.scores_per_method
            ));
        }
        let bound = match complete {
            true => "about",
            false => "at least",
        };
        bar.suspend(|| {
            support::print_to_stderr(&format!(
                "note: at the pace measured so far ({}) this invocation will take {bound} {:.1} min: lower --iterations, --seeds, --benchmark or --test-size, or raise --eval-every, to shorten it",
                paces.join("; "),
                estimate / 60.0
            ))
        });
    }
}

fn train(
    plan: &Plan,
    benchmark: Benchmark,
    seed: u64,
    model: &mut dyn NeuralMap,
    exact: &ExactMap,
    test_source: ArrayView2<'_, f64>,
    pace: &mut Pace,
) -> Result<RunReport, Box<dyn Error>> {
    let method = model.name();
    let bar = ProgressBar::new(plan.iterations as u64)
        .with_prefix(format!("{} {method} seed {seed}", benchmark.paper_name()));
    bar.set_style(ProgressStyle::with_template(
        "{prefix} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
    )?);
    let mut data = SeededRng::stream(seed, &format!("{benchmark} train"));
    let score = |model: &dyn NeuralMap| -> Result<MapScores, Box<dyn Error>> {
        Ok(exact.score(model.transport(test_source)?.view())?)
    };
    let scoring_started = Instant::now();
    let first = score(model)?;
    pace.scored(&bar, scoring_started.elapsed().as_secs_f64());
    let mut curve = vec![CurvePoint {
        iteration: 0,
        w2: first.w2,
        l2: first.l2,
        value_loss: None,
        map_loss: None,
        hjb: None,
    }];
    let started = Instant::now();
    let mut training_seconds = 0.0;
    let mut scores = first;
    for iteration in 1..=plan.iterations {
        if interrupt::requested() {
            bar.abandon();
            return Err(format!("interrupted by a signal at iteration {iteration} of {method} on {benchmark}, seed {seed}: nothing was published").into());
        }
        let step_started = Instant::now();
        let x = benchmark.source(plan.config.batch_size, &mut data);
        let y = benchmark.target(plan.config.batch_size, &mut data);
        let losses = model.train_step(x.view(), y.view()).map_err(|e| {
            let hint = match e {
                DiotmError::NonFiniteLoss { .. } => format!(
                    " (--map-learning-rate {} and --value-learning-rate {} may be too large for it)",
                    plan.config.map_learning_rate, plan.config.value_learning_rate
                ),
                _ => String::new(),
            };
            format!("{method} on {benchmark}, seed {seed}: {e}{hint}")
        })?;
        training_seconds += step_started.elapsed().as_secs_f64();
        pace.after(&bar, method, iteration, started.elapsed().as_secs_f64());
        if iteration % plan.eval_every == 0 || iteration == plan.iterations {
            scores = score(model)?;
            curve.push(CurvePoint {
                iteration,
                w2: scores.w2,
                l2: scores.l2,
                value_loss: Some(losses.value),
                map_loss: Some(losses.map),
                hjb: losses.hjb,
            });
            bar.set_message(format!("W2 {:.2} L2 {:.2}", scores.w2, scores.l2));
        }
        bar.inc(1);
    }
    bar.finish();
    // A map that ends further from the target than its untrained start did not learn (probe
    // 24: `--tau 1e-6` diverged to W₂ 167 from about 12, and was published without a word).
    // Half as far again: a few iterations leave the map where it started, give or take the
    // scoring's noise (probe 25: W₂ 11.98 before and after one iteration).
    let start = curve[0].w2;
    if scores.w2 > DIVERGED_ABOVE * start {
        support::print_to_stderr(&format!(
            "warning: {method} on {benchmark}, seed {seed}: its map ends further from the target than it started (W₂ {:.2} after training, {start:.2} before): the training diverged at these settings (--tau, --map-learning-rate, --value-learning-rate)",
            scores.w2
        ));
    }
    Ok(RunReport {
        method,
        seed,
        iterations: plan.iterations,
        seconds: started.elapsed().as_secs_f64(),
        seconds_per_iteration: training_seconds / plan.iterations as f64,
        scores,
        curve,
    })
}

fn mean_std(values: &[f64]) -> MeanStd {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    // The sample standard deviation; 0 for one seed.
    let std = match values.len() {
        0 | 1 => 0.0,
        _ => (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt(),
    };
    MeanStd { mean, std }
}

fn summarise(method: &'static str, runs: &[RunReport]) -> MethodSummary {
    let mine: Vec<&RunReport> = runs.iter().filter(|r| r.method == method).collect();
    let w2: Vec<f64> = mine.iter().map(|r| r.scores.w2).collect();
    let l2: Vec<f64> = mine.iter().map(|r| r.scores.l2).collect();
    MethodSummary {
        method,
        seeds: mine.len(),
        w2: mean_std(&w2),
        l2: mean_std(&l2),
    }
}

fn cloud(name: &str, points: ArrayView2<'_, f64>, colour: usize) -> Cloud {
    Cloud {
        name: name.to_string(),
        points: points.rows().into_iter().map(|p| (p[0], p[1])).collect(),
        colour,
    }
}

/// One row of `maps.png`: each method's map (source, target, mapped points, and lines from the
/// first points to their images), then the last method's displacement interpolation.
fn benchmark_panels(
    benchmark: Benchmark,
    source: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    mapped: &[(&'static str, Array2<f64>)],
) -> Result<Vec<ScatterPanel>, Box<dyn Error>> {
    let mut panels: Vec<ScatterPanel> = mapped
        .iter()
        .map(|(method, images)| ScatterPanel {
            title: format!("{} {method}", benchmark.paper_name()),
            clouds: vec![
                cloud("source", source, 0),
                cloud("target", target, 1),
                cloud("mapped", images.view(), 2),
            ],
            segments: source
                .rows()
                .into_iter()
                .zip(images.rows())
                .take(DRAWN_LINES)
                .map(|(a, b)| ((a[0], a[1]), (b[0], b[1])))
                .collect(),
        })
        .collect();
    if let Some((method, images)) = mapped.last() {
        let mut clouds = Vec::new();
        for (k, t) in [0.0, 0.25, 0.5, 0.75, 1.0].into_iter().enumerate() {
            let points = displacement_interpolation(source, images.view(), t)?;
            clouds.push(cloud(
                &format!("t = {t}"),
                points.view(),
                [0, 4, 5, 6, 2][k],
            ));
        }
        panels.push(ScatterPanel {
            title: format!("{} {method}: (1 − t)x + tT(x)", benchmark.paper_name()),
            clouds,
            segments: Vec::new(),
        });
    }
    Ok(panels)
}

/// W₂ and L2 of the first seed's runs against the evaluation number.
fn write_curves(
    path: &Path,
    benchmark: Benchmark,
    runs: &[RunReport],
    seed: u64,
) -> Result<(), Box<dyn Error>> {
    let mut series = Vec::new();
    let mut every = 0;
    for run in runs.iter().filter(|r| r.seed == seed) {
        every = run.curve.get(1).map_or(0, |p| p.iteration);
        series.push(Series {
            name: format!("{} W2", run.method),
            values: run.curve.iter().map(|p| p.w2).collect(),
        });
        series.push(Series {
            name: format!("{} L2", run.method),
            values: run.curve.iter().map(|p| p.l2).collect(),
        });
    }
    let title = format!(
        "{}: test W2 and L2 (x: evaluation k at iteration (k − 1)·{every})",
        benchmark.paper_name()
    );
    Ok(write_line_plot(path, &title, &series, true, 900, 540)?)
}
