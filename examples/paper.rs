//! The main paper's experiments (Feng & Strohmer, docs/paper.md), each one command, each
//! measured against ground truth: the exact translation or dotae-ot's Benamou–Brenier geodesic.
//!
//! ```text
//! cargo run --release --example paper -- labyrinth            # Fig. 3: walls
//! cargo run --release --example paper -- boundary             # Fig. 8: Dirichlet, Neumann, periodic
//! cargo run --release --example paper -- steps                # §7.2: the choice of T
//! cargo run --release --example paper -- ot-vs-uot            # Fig. 9: a shape change
//! cargo run --release --example paper -- barycentres          # Figs. 4, 5, 10: 6×6 grids
//! cargo run --release --example paper -- auxiliary            # Fig. 11: auxiliary images
//! cargo run --release --example paper -- steps --quick        # seconds, what CI runs
//! ```
//!
//! Every experiment trains one autoencoder per row on two images (the quickstart's schedule:
//! one Adam step per epoch, BCE, α = β = 1e-3 unless a flag says otherwise), decodes the
//! straight latent line between them and writes to `--out` (default `runs/paper/<experiment>`):
//! `figure.png` (the reference path first, then one row per trained model, as the paper lays
//! its figures out), `<row>.gif`, `<row>/path.npy` `(frames, 1, H, W)`, `<row>/model.bpk`,
//! `<row>/config.json`, `reference.npy` and `results.json` (every row's scores: energy ratio and
//! frame error against the reference, mass deviation, peak and sharpness ratios, adjacent SSIM,
//! the floor's share of the energy, seconds per step).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args as ClapArgs, Parser, Subcommand};
use dotae::data::synthetic::{disk, translation};
use dotae::data::{Series, write_gif, write_gray_png, write_line_plot, write_npy, write_png_grid};
use dotae::energy::{Boundary, Grid, Variant};
use dotae::metrics::{FloorCheck, MeasureConfig, PathMeasure, wall_cells};
use dotae::models::{
    AutoencoderConfig, Backend, InterpolationMethod, PathEnergyLossConfig, Trainer, TrainingConfig,
    from_array,
};
use dotae::ot::{Geodesic, GeodesicConfig, geodesic_with};
use ndarray::{Array2, Array4, ArrayView2, ArrayView4, Axis, stack};
use serde::Serialize;

#[path = "paper/auxiliary.rs"]
mod auxiliary;
#[path = "paper/barycentres.rs"]
mod barycentres;
#[path = "support/exact_costs.rs"]
mod exact_costs;
#[path = "support/interrupt.rs"]
mod interrupt;
#[path = "support/limits.rs"]
mod limits;
#[path = "support/output.rs"]
mod output;
mod support;
#[path = "support/two_images.rs"]
mod two_images;

use limits::{
    LEARNING_RATE, MAX_EPOCHS, SECONDS_PER_CELL_ITERATION, check_loss_weight, check_range,
    check_real,
};
use output::Output;
use two_images::{
    PairScores, Training, decode_path, refuse_blank, score_pair, train, warn_about, write_json,
};

#[derive(Parser, Debug)]
#[command(
    about = "The main paper's experiments, each measured against the exact or Benamou–Brenier geodesic."
)]
struct Args {
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Fig. 3: a disk crosses a labyrinth from the bottom left to the top right. The
    /// obstacle-aware path energy against dotae-ot's Benamou–Brenier geodesic with the same
    /// walls and against the plain autoencoder.
    Labyrinth(Common),
    /// Fig. 8: the corner-to-corner disk trained with the Neumann, Dirichlet and periodic
    /// boundaries of the energy grid, against the exact translation and the plain autoencoder.
    Boundary(Common),
    /// §7.2: a disk moved 10 px, trained with T = 2, 5, 10, 20 and 40, each decoded at 21
    /// frames and scored against the exact translation: the paper's rule is T ≈ the largest
    /// displacement in pixels.
    Steps(Common),
    /// Fig. 9: a disk becoming a square of another area (a shape change), trained with the
    /// balanced path energy, the unbalanced one at τ = 0.1, 1 and 10, and as the plain
    /// autoencoder, against dotae-ot's Benamou–Brenier geodesic between the two shapes at unit
    /// mass.
    OtVsUot(Common),
    /// Figs. 4, 5 and 10: 6×6 grids of barycentres of four images (four disk positions with
    /// the balanced path energy, four shapes with the unbalanced one), decoded by the
    /// path-energy and the plain autoencoder, beside dotae-ot's convolutional barycentres;
    /// every cell scored by its exact barycentre cost.
    Barycentres(Common),
    /// Fig. 11 (§7.5): the corner-to-corner disk learned from its two images alone, and among
    /// 1 934 auxiliary images of the disk at every position between, with the path energy on
    /// the two only; both measured against the exact translation along the way.
    Auxiliary(Common),
}

/// The flags every experiment shares.
#[derive(ClapArgs, Debug)]
struct Common {
    /// Seconds instead of minutes: 16×16 images and 10 epochs (what CI runs; nothing learns).
    #[arg(long)]
    quick: bool,
    /// Training epochs of every row (of both runs for `auxiliary`). Default: the experiment's
    /// budget.
    #[arg(long)]
    epochs: Option<usize>,
    /// Adam learning rate. Default: 1e-3, the quickstart's; 3e-4 for the labyrinth, where at
    /// 1e-3 the decoder collapsed to black within 12 steps (docs/paper.md).
    #[arg(long, allow_hyphen_values = true)]
    learning_rate: Option<f64>,
    /// Weight α of the path energy.
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
    alpha: f64,
    /// Weight β of MassLoss.
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
    beta: f64,
    /// Seed of the weights; every row uses it.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Compute backend: flex or ndarray (CPU), wgpu (GPU; build with `--features wgpu`).
    #[arg(long, default_value_t = Backend::Flex)]
    backend: Backend,
    /// Image side in pixels, a multiple of 16 from 16 to 128; every shape scales with it.
    /// Default: 32 (16 with --quick). The measured times quoted up front are at 32.
    #[arg(long)]
    size: Option<usize>,
    /// Output directory (default `runs/paper/<experiment>`).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The budget of every full experiment: the quickstart's, which brings the corner-to-corner
/// disk to 1.13× the exact path's energy (docs/metrics.md).
const FULL_EPOCHS: usize = 600;
/// The quickstart's Adam step.
const QUICKSTART_RATE: f64 = 1e-3;
const QUICK_EPOCHS: usize = 10;

impl Common {
    fn check(&self) -> Result<(), Box<dyn Error>> {
        if let Some(epochs) = self.epochs {
            check_range("--epochs", epochs, 1, MAX_EPOCHS)?;
        }
        if let Some(size) = self.size {
            // 4 halvings (the auxiliary experiment's network) need a multiple of 16; 128 keeps
            // every experiment within minutes to an hour.
            check_range("--size", size, 16, 128)?;
            if size % 16 != 0 {
                return Err(format!(
                    "--size {size} is not a multiple of 16: the networks halve the image up to 4 times"
                )
                .into());
            }
        }
        if let Some(rate) = self.learning_rate {
            check_real("--learning-rate", rate, &LEARNING_RATE)?;
        }
        check_loss_weight("--alpha", self.alpha)?;
        if self.alpha == 0.0 {
            return Err(
                "--alpha 0 trains every path-energy row as the plain autoencoder it is compared with: give a weight above 0"
                    .into(),
            );
        }
        check_loss_weight("--beta", self.beta)?;
        Ok(())
    }

    fn epochs(&self, full: usize) -> usize {
        self.epochs.unwrap_or(match self.quick {
            true => QUICK_EPOCHS,
            false => full,
        })
    }

    /// The image side: `--size`, else 32 like the paper's two-image problems, 16 with
    /// `--quick`.
    fn side(&self) -> usize {
        self.size.unwrap_or(match self.quick {
            true => 16,
            false => 32,
        })
    }
}

fn main() -> ExitCode {
    let args = support::parse_args::<Args>();
    interrupt::exit_code(run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (name, common) = match &args.experiment {
        Experiment::Labyrinth(c) => ("labyrinth", c),
        Experiment::Boundary(c) => ("boundary", c),
        Experiment::Steps(c) => ("steps", c),
        Experiment::OtVsUot(c) => ("ot-vs-uot", c),
        Experiment::Barycentres(c) => ("barycentres", c),
        Experiment::Auxiliary(c) => ("auxiliary", c),
    };
    common.check()?;
    // Before the plan: the labyrinth's reference is solved there, which takes minutes at the
    // larger sizes (probe 24: `labyrinth --size 128` said nothing for 90 s and died at once on
    // SIGINT).
    note_run_time(name, common);
    interrupt::install()?;
    let started = Instant::now();
    let plan = match &args.experiment {
        Experiment::Labyrinth(c) => Some(labyrinth(c)?),
        Experiment::Boundary(c) => Some(boundary(c)?),
        Experiment::Steps(c) => Some(steps(c)?),
        Experiment::OtVsUot(c) => Some(ot_vs_uot(c)?),
        // Four images and grids, or many images and curves, not one path between two: their
        // own flows.
        Experiment::Barycentres(_) | Experiment::Auxiliary(_) => None,
    };
    let out = common
        .out
        .clone()
        .unwrap_or_else(|| Path::new("runs/paper").join(name));
    let output = Output::stage(&out)?;
    let report = match &plan {
        Some(plan) => execute(name, common, plan, output.dir(), started)
            .and_then(|report| Ok(serde_json::to_value(report)?)),
        None if name == "auxiliary" => auxiliary::run(common, output.dir(), started),
        None => barycentres::run(common, output.dir(), started),
    };
    let report = match report {
        Ok(report) => report,
        Err(error) => return Err(output.fail_keeping_checkpoints(error)),
    };
    output.publish()?;
    support::print(&serde_json::to_string_pretty(&report)?)?;
    support::print(&format!("wrote {}", out.display()))?;
    Ok(())
}

/// Wall seconds of each experiment's full run at its default epochs, on this project's 2-core
/// machine (docs/paper.md, with a hostile-input probe running beside them).
const MEASURED_SECONDS: [(&str, f64, usize); 6] = [
    ("labyrinth", 154.5, LABYRINTH_EPOCHS),
    ("boundary", 125.7, FULL_EPOCHS),
    ("steps", 247.2, FULL_EPOCHS),
    ("ot-vs-uot", 148.7, FULL_EPOCHS),
    ("barycentres", 303.3, FULL_EPOCHS),
    // Both runs, at their own epochs (1 000 and 150): `--epochs` scales them alike.
    ("auxiliary", 1677.9, 150),
];

/// Says up front how long a run of experiment `name` will take when that is over a minute
/// (probe 20: `paper steps` trained for minutes without a word), from its measured full run
/// scaled to the epochs asked for.
fn note_run_time(name: &str, common: &Common) {
    let Some(&(_, seconds, default_epochs)) = MEASURED_SECONDS.iter().find(|(n, ..)| *n == name)
    else {
        return;
    };
    let epochs = common.epochs(default_epochs);
    // A step's cost grows with the pixels, about 3.5× from 32×32 to 64×64 (quickstart, T = 16).
    let pixels = (common.side() as f64 / 32.0).powi(2);
    let estimate = seconds * epochs as f64 / default_epochs as f64 * pixels;
    // Half a minute: what does not scale with the epochs (the reference, the measurements,
    // the files) comes on top (probe 21: `auxiliary --epochs 5`, estimated at 56 s, ran past 85).
    if estimate > 30.0 {
        support::print_to_stderr(&format!(
            "note: paper {name} will take about {:.1} min or more on 2 cores at these settings ({:.1} min measured with its defaults on 32×32, docs/paper.md); --quick runs in seconds",
            estimate / 60.0,
            seconds / 60.0
        ));
    }
}

/// One experiment, ready to train: its two images, its reference path, its rows and how the
/// decoded paths are measured.
struct Plan {
    /// `(2, 1, H, W)`: the source and the target.
    images: Array4<f64>,
    /// `(frames, 1, H, W)`: the exact or Benamou–Brenier geodesic at the images' mass.
    reference: Array4<f64>,
    /// What the reference is, for the report.
    reference_kind: String,
    /// The walls (`true`), for the labyrinth.
    walls: Option<Array2<bool>>,
    rows: Vec<Row>,
    /// Epochs of every row.
    epochs: usize,
    measure: MeasureConfig,
    /// Every number the experiment is defined by, for the report.
    setup: serde_json::Value,
}

/// One trained model.
struct Row {
    key: String,
    title: String,
    config: TrainingConfig,
    /// The energy grid with walls, when the row trains around them.
    grid: Option<Grid>,
}

/// What `results.json` holds.
#[derive(Serialize)]
struct Report {
    experiment: String,
    setup: serde_json::Value,
    epochs: usize,
    reference: String,
    /// The reference path's own peak and sharpness against its ends, and its energy.
    reference_scores: PairScores,
    rows: Vec<RowReport>,
    backend: String,
    seconds_total: f64,
}

#[derive(Serialize)]
struct RowReport {
    key: String,
    title: String,
    #[serde(flatten)]
    scores: PairScores,
    /// Share of the path's mass on wall pixels, largest over its frames (labyrinth only).
    #[serde(skip_serializing_if = "Option::is_none")]
    mass_on_walls: Option<f64>,
    /// Time steps T the row trained with.
    trained_steps: usize,
    seconds_per_step: f64,
}

/// Trains every row, decodes and scores its path, and writes the files; `started` is when the
/// run began, for its total time.
fn execute(
    name: &str,
    common: &Common,
    plan: &Plan,
    out: &Path,
    started: Instant,
) -> Result<Report, Box<dyn Error>> {
    let device = common.backend.training_device()?;
    if let Some(note) = common.backend.speed_note() {
        support::print_to_stderr(&format!("note: {note}"));
    }
    let measure = PathMeasure::new(plan.measure.clone(), plan.walls.as_ref().map(|w| w.view()))?;
    let floor_check = FloorCheck::new(&measure)?.ok_or("the measure has no floor to check")?;
    let images = from_array::<4>(plan.images.view().into_dyn(), &device)?;
    let (source, target) = (
        plan.images.index_axis(Axis(0), 0),
        plan.images.index_axis(Axis(0), 1),
    );
    let frames = plan.reference.dim().0;
    write_npy(&out.join("reference.npy"), &plan.reference)?;
    write_gif(&out.join("reference.gif"), plan.reference.view(), 120, 4)?;
    if let Some(walls) = &plan.walls {
        write_gray_png(&out.join("walls.png"), &walls.mapv(f64::from))?;
    }
    let score = |path: ArrayView4<f64>| {
        score_pair(
            path,
            source,
            target,
            Some(plan.reference.view()),
            &measure,
            &floor_check,
        )
    };
    let reference_scores = score(plan.reference.view())?;
    let mut paths = Vec::new();
    let mut reports = Vec::new();
    let mut losses = Vec::new();
    for row in &plan.rows {
        let dir = out.join(&row.key);
        std::fs::create_dir_all(&dir)?;
        write_json(&dir.join("config.json"), &row.config)?;
        let mut trainer = match &row.grid {
            Some(grid) => Trainer::with_energy_grid(row.config.clone(), grid.clone(), &device)?,
            None => Trainer::new(row.config.clone(), &device)?,
        };
        let checkpoint = dir.join("model.bpk");
        let training = Training {
            title: &row.title,
            epochs: plan.epochs,
            checkpoint_every: 100,
            checkpoint: &checkpoint,
            pinned: 0,
        };
        let clock = Instant::now();
        let history = train(&mut trainer, &images, &training, |_, _, _, _| Ok(()))?;
        losses.push(Series {
            name: row.title.clone(),
            values: history.iter().map(|log| log.loss()).collect(),
        });
        let seconds_per_step = clock.elapsed().as_secs_f64() / trainer.steps_taken().max(1) as f64;
        let path = decode_path(&trainer, &images, 0, 1, frames - 1)?;
        write_npy(&dir.join("path.npy"), &path)?;
        refuse_blank(&row.title, path.view(), row.config.learning_rate)?;
        write_gif(&out.join(format!("{}.gif", row.key)), path.view(), 120, 4)?;
        let scores = score(path.view())?;
        warn_about(&row.title, &scores);
        reports.push(RowReport {
            key: row.key.clone(),
            title: row.title.clone(),
            scores,
            mass_on_walls: plan.walls.as_ref().map(|w| mass_on_walls(path.view(), w)),
            trained_steps: row.config.steps,
            seconds_per_step,
        });
        paths.push(path);
        interrupt::check(&format!("training {}", row.title))?;
    }
    let mut figure: Vec<Array4<f64>> = vec![plan.reference.clone()];
    figure.extend(paths);
    if let Some(walls) = &plan.walls {
        for path in &mut figure {
            draw_walls(path, walls);
        }
    }
    let figure: Vec<ArrayView4<f64>> = figure.iter().map(|p| p.view()).collect();
    write_png_grid(&out.join("figure.png"), &figure, 1)?;
    write_line_plot(
        &out.join("loss.png"),
        "training loss per step",
        &losses,
        true,
        720,
        420,
    )?;
    let report = Report {
        experiment: name.to_string(),
        setup: plan.setup.clone(),
        epochs: plan.epochs,
        reference: plan.reference_kind.clone(),
        reference_scores,
        rows: reports,
        backend: common.backend.to_string(),
        seconds_total: started.elapsed().as_secs_f64(),
    };
    write_json(&out.join("results.json"), &report)?;
    Ok(report)
}

/// Gray level of the walls in the figure: dimmer than any disk.
const WALL_GRAY: f64 = 0.3;

/// Draws the walls into every frame of `path`, for the figure only: a wall pixel shows at least
/// [`WALL_GRAY`], brighter where the path puts mass on it.
fn draw_walls(path: &mut Array4<f64>, walls: &Array2<bool>) {
    for mut frame in path.outer_iter_mut() {
        for mut channel in frame.outer_iter_mut() {
            ndarray::Zip::from(&mut channel)
                .and(walls)
                .for_each(|v, &wall| {
                    if wall {
                        *v = v.max(WALL_GRAY);
                    }
                });
        }
    }
}

/// The largest share of a frame's mass that lies on wall pixels.
fn mass_on_walls(path: ArrayView4<f64>, walls: &Array2<bool>) -> f64 {
    path.outer_iter()
        .map(|frame| {
            let channel = frame.index_axis(Axis(0), 0);
            let total = channel.sum();
            let on_walls: f64 = channel
                .iter()
                .zip(walls.iter())
                .filter(|&(_, &wall)| wall)
                .map(|(v, _)| v)
                .sum();
            if total > 0.0 { on_walls / total } else { 0.0 }
        })
        .fold(0.0, f64::max)
}

/// What every row of an experiment shares: the flags, the learning rate and the image side.
struct Rows<'a> {
    common: &'a Common,
    rate: f64,
    side: usize,
}

impl Rows<'_> {
    /// The quickstart's training configuration on `side × side` gray images: the path energy
    /// on a grid with `boundary`, of `variant`, over `steps` steps, or the plain autoencoder
    /// (α = β = 0) unless `regularised`.
    fn config(
        &self,
        boundary: Boundary,
        variant: Variant,
        steps: usize,
        regularised: bool,
    ) -> Result<TrainingConfig, Box<dyn Error>> {
        let (alpha, beta) = match regularised {
            true => (self.common.alpha, self.common.beta),
            false => (0.0, 0.0),
        };
        let config = TrainingConfig::new()
            .with_model(AutoencoderConfig::new().with_image_channels(1))
            .with_energy(PathEnergyLossConfig {
                energy_size: [self.side, self.side],
                boundary,
                variant,
                ..Default::default()
            })
            .with_alpha(alpha)
            .with_beta(beta)
            .with_steps(steps)
            .with_learning_rate(self.rate)
            .with_batch_size(2)
            .with_seed(self.common.seed);
        config.validate()?;
        Ok(config)
    }

    /// A path-energy row on a grid with `boundary`, of `variant`, over `steps` steps.
    fn path_energy(
        &self,
        key: impl Into<String>,
        title: impl Into<String>,
        boundary: Boundary,
        variant: Variant,
        steps: usize,
    ) -> Result<Row, Box<dyn Error>> {
        Ok(Row {
            key: key.into(),
            title: title.into(),
            config: self.config(boundary, variant, steps, true)?,
            grid: None,
        })
    }

    /// The plain autoencoder with the same schedule, over `steps` steps (which it does not
    /// use: nothing regularises its paths).
    fn plain(&self, steps: usize) -> Result<Row, Box<dyn Error>> {
        Ok(Row {
            key: "plain".into(),
            title: "plain AE".into(),
            config: self.config(Boundary::Neumann, Variant::Balanced, steps, false)?,
            grid: None,
        })
    }
}

/// Two images `(2, 1, side, side)` from single-channel frames.
fn pair(source: &Array2<f64>, target: &Array2<f64>) -> Result<Array4<f64>, Box<dyn Error>> {
    Ok(stack(Axis(0), &[source.view(), target.view()])?.insert_axis(Axis(1)))
}

/// The translated disk from `from` to `to` in `steps` steps, `(steps + 1, 1, side, side)`.
fn translated_disk(
    side: usize,
    radius: f64,
    from: (f64, f64),
    to: (f64, f64),
    steps: usize,
) -> Result<Array4<f64>, Box<dyn Error>> {
    Ok(translation(steps, from, to, |c| disk(side, side, c, radius))?.insert_axis(Axis(1)))
}

/// Fig. 8: the quickstart's corner-to-corner disk with each boundary of the energy grid.
fn boundary(common: &Common) -> Result<Plan, Box<dyn Error>> {
    let rate = common.learning_rate.unwrap_or(QUICKSTART_RATE);
    let side = common.side();
    let problem = dotae::data::DiskProblem::corner_to_corner(side);
    let steps = 10;
    let reference = problem.exact_path(steps)?.to_owned();
    let make = Rows { common, rate, side };
    let mut rows = Vec::new();
    for boundary in [Boundary::Neumann, Boundary::Dirichlet, Boundary::Periodic] {
        rows.push(make.path_energy(
            boundary.to_string(),
            boundary.to_string(),
            boundary,
            Variant::Balanced,
            steps,
        )?);
    }
    rows.push(make.plain(steps)?);
    let setup = serde_json::json!({
        "side": side, "radius": problem.radius, "from": problem.from, "to": problem.to,
        "steps": steps, "measure_boundary": "neumann",
    });
    translation_plan(common, reference, rows, setup)
}

/// The training T of the steps experiment, and the frames every row is decoded at.
const TRIED_STEPS: [usize; 5] = [2, 5, 10, 20, 40];
const DECODED_STEPS: usize = 20;

/// §7.2: a disk moved 10 px (5 with `--quick`) trained with each T of [`TRIED_STEPS`].
fn steps(common: &Common) -> Result<Plan, Box<dyn Error>> {
    let rate = common.learning_rate.unwrap_or(QUICKSTART_RATE);
    let side = common.side();
    let scale = side as f64 / 32.0;
    let (radius, from, to) = (
        5.0 * scale,
        (16.0 * scale, 10.0 * scale),
        (16.0 * scale, 20.0 * scale),
    );
    let reference = translated_disk(side, radius, from, to, DECODED_STEPS)?;
    let make = Rows { common, rate, side };
    let mut rows = Vec::new();
    for steps in TRIED_STEPS {
        rows.push(make.path_energy(
            format!("t{steps}"),
            format!("T = {steps}"),
            Boundary::Neumann,
            Variant::Balanced,
            steps,
        )?);
    }
    rows.push(make.plain(10)?);
    let setup = serde_json::json!({
        "side": side, "radius": radius, "from": from, "to": to,
        "displacement_px": to.1 - from.1, "tried_steps": TRIED_STEPS,
        "decoded_steps": DECODED_STEPS,
    });
    translation_plan(common, reference, rows, setup)
}

/// The plan of a translated disk: its two ends are the images, the translation `reference`
/// `(frames, 1, side, side)` is the exact path, and nothing is walled off.
fn translation_plan(
    common: &Common,
    reference: Array4<f64>,
    rows: Vec<Row>,
    setup: serde_json::Value,
) -> Result<Plan, Box<dyn Error>> {
    let (frames, _, side, _) = reference.dim();
    let end = |t: usize| {
        reference
            .index_axis(Axis(0), t)
            .index_axis(Axis(0), 0)
            .to_owned()
    };
    Ok(Plan {
        images: pair(&end(0), &end(frames - 1))?,
        reference,
        reference_kind: "the exact translation".into(),
        walls: None,
        rows,
        epochs: common.epochs(FULL_EPOCHS),
        measure: MeasureConfig::on_grid(side, side),
        setup,
    })
}

/// dotae-ot's Benamou–Brenier geodesic from `source` to `target` on `grid` in `steps` steps,
/// as a reference path `(steps + 1, 1, H, W)`, and the solver's result. The solver's frames have
/// unit mass and may dip a little below 0 (docs/ot.md): clipped, and drawn at masses running
/// linearly from the source's to the target's, their ends are the two images. `quick` stops
/// the solver at 300 iterations instead of 5 000. `name` says which geodesic the notes are
/// about, such as "the reference geodesic".
fn geodesic_path(
    name: &str,
    grid: &Grid,
    source: ArrayView2<f64>,
    target: ArrayView2<f64>,
    steps: usize,
    quick: bool,
) -> Result<(Array4<f64>, Geodesic), Box<dyn Error>> {
    let solver = GeodesicConfig {
        max_iterations: if quick { 300 } else { 5000 },
        ..GeodesicConfig::with_steps(steps)
    };
    let (rows, cols) = source.dim();
    let cells = rows * cols * (steps + 1);
    let worst_case = (cells * solver.max_iterations) as f64 * SECONDS_PER_CELL_ITERATION;
    if worst_case > 30.0 {
        support::print_to_stderr(&format!(
            "note: {name} on {rows}x{cols} with {steps} steps may take up to about {:.0} min before training starts ({} iterations at most; it stops sooner once converged)",
            worst_case / 60.0,
            solver.max_iterations
        ));
    }
    let mut stop_on_signal = |_: dotae::ot::Progress| match interrupt::requested() {
        true => std::ops::ControlFlow::Break(()),
        false => std::ops::ControlFlow::Continue(()),
    };
    let solved = geodesic_with(grid, source, target, &solver, &mut stop_on_signal)?;
    interrupt::check(&format!("solving {name}"))?;
    if !solved.converged {
        // Probe 21: `labyrinth --quick`'s reference stopped unconverged, said only in the JSON.
        support::print_to_stderr(&format!(
            "note: {name} stopped after {} iterations without meeting its tolerance{}: the scores compare with an approximate geodesic",
            solved.iterations,
            if quick { " (--quick)" } else { "" }
        ));
    }
    let (from, to) = (source.sum(), target.sum());
    let mut frames = solved.frames.mapv(|v| v.max(0.0));
    for (t, mut frame) in frames.outer_iter_mut().enumerate() {
        let s = t as f64 / steps as f64;
        frame *= (1.0 - s) * from + s * to;
    }
    Ok((frames.insert_axis(Axis(1)), solved))
}

/// Time steps of the labyrinth's paths (trained and solved): the geodesic runs about 50 px on
/// 32×32, a few pixels per step.
const LABYRINTH_STEPS: usize = 16;

/// The labyrinth's Adam step and epochs: at the quickstart's 1e-3 (with β = 1e-3) the decoder
/// collapsed to black within 12 steps, at 3e-4 it trains, more slowly.
const LABYRINTH_RATE: f64 = 3e-4;
const LABYRINTH_EPOCHS: usize = 1500;

/// The labyrinth on a `side × side` image: two horizontal walls a sixteenth of the side thick,
/// the lower one open only at the left edge, the upper one only at the right edge, each
/// opening a quarter of the side wide (wider than the disk). The straight line between the
/// corners meets both walls, so the way zig-zags: up the left edge, across, up the right edge.
fn labyrinth_walls(side: usize) -> Array2<bool> {
    let f = |fraction: f64| (fraction * side as f64).round() as usize;
    let thick = f(2.0 / 32.0).max(1);
    let (lower, upper) = (f(21.0 / 32.0), f(10.0 / 32.0));
    let opening = f(8.0 / 32.0);
    Array2::from_shape_fn((side, side), |(i, j)| {
        let in_lower = (lower..lower + thick).contains(&i) && j >= opening;
        let in_upper = (upper..upper + thick).contains(&i) && j < side - opening;
        in_lower || in_upper
    })
}

/// Fig. 3: a disk from the bottom-left corner to the top-right one through the labyrinth.
fn labyrinth(common: &Common) -> Result<Plan, Box<dyn Error>> {
    let rate = common.learning_rate.unwrap_or(LABYRINTH_RATE);
    let side = common.side();
    let scale = side as f64 / 32.0;
    let radius = 3.0 * scale;
    let (from, to) = ((27.0 * scale, 4.5 * scale), (4.5 * scale, 26.5 * scale));
    let walls = labyrinth_walls(side);
    let source = disk(side, side, from, radius)?;
    let target = disk(side, side, to, radius)?;
    let grid = Grid::with_obstacles(side, side, Boundary::Neumann, walls.view())?;
    let (reference, solved) = geodesic_path(
        "the reference geodesic",
        &grid,
        source.view(),
        target.view(),
        LABYRINTH_STEPS,
        common.quick,
    )?;
    let cells = wall_cells(walls.view(), side, side)?;
    let energy_grid = Grid::with_obstacles(side, side, Boundary::Neumann, cells.view())?;
    let make = Rows { common, rate, side };
    let rows = vec![
        Row {
            grid: Some(energy_grid),
            ..make.path_energy(
                "path_energy",
                "path energy",
                Boundary::Neumann,
                Variant::Balanced,
                LABYRINTH_STEPS,
            )?
        },
        make.plain(LABYRINTH_STEPS)?,
    ];
    Ok(Plan {
        images: pair(&source, &target)?,
        reference,
        reference_kind: format!(
            "dotae-ot's Benamou–Brenier geodesic with the same walls (W₂² {:.2} px², {} iterations, converged: {})",
            solved.w2_squared, solved.iterations, solved.converged
        ),
        walls: Some(walls),
        rows,
        epochs: common.epochs(LABYRINTH_EPOCHS),
        measure: MeasureConfig::on_grid(side, side),
        setup: serde_json::json!({
            "side": side, "radius": radius, "from": from, "to": to, "steps": LABYRINTH_STEPS,
            "geodesic_w2_squared": solved.w2_squared, "geodesic_iterations": solved.iterations,
            "geodesic_converged": solved.converged,
        }),
    })
}

/// The τ of the unbalanced rows of `ot-vs-uot`: creating mass is cheap at 0.1 and dear at 10
/// (at τ → ∞ the unbalanced energy is the balanced one).
const TRIED_TAUS: [f64; 3] = [0.1, 1.0, 10.0];

/// A filled square of side `side_px` centred at `centre`, anti-aliased by the clamped signed
/// distance as [`disk`] is.
fn square(side: usize, centre: (f64, f64), side_px: f64) -> Array2<f64> {
    Array2::from_shape_fn((side, side), |(i, j)| {
        let d = (i as f64 - centre.0).abs().max((j as f64 - centre.1).abs());
        (side_px / 2.0 - d + 0.5).clamp(0.0, 1.0)
    })
}

/// Fig. 9: a disk of radius 7 becoming a square of side 10 at the same centre (area 154 to
/// 100 on 32×32): no mass moves far, the shape and the mass change.
fn ot_vs_uot(common: &Common) -> Result<Plan, Box<dyn Error>> {
    let rate = common.learning_rate.unwrap_or(QUICKSTART_RATE);
    let side = common.side();
    let scale = side as f64 / 32.0;
    let centre = (15.5 * scale, 15.5 * scale);
    let (radius, square_side) = (7.0 * scale, 10.0 * scale);
    let source = disk(side, side, centre, radius)?;
    let target = square(side, centre, square_side);
    let steps = 10;
    let grid = Grid::new(side, side, Boundary::Neumann)?;
    let (reference, solved) = geodesic_path(
        "the reference geodesic",
        &grid,
        source.view(),
        target.view(),
        steps,
        common.quick,
    )?;
    let (mass, target_mass) = (source.sum(), target.sum());
    let make = Rows { common, rate, side };
    let mut rows = vec![make.path_energy(
        "balanced",
        "balanced OT",
        Boundary::Neumann,
        Variant::Balanced,
        steps,
    )?];
    for tau in TRIED_TAUS {
        rows.push(make.path_energy(
            format!("unbalanced-tau{tau}"),
            format!("unbalanced τ = {tau}"),
            Boundary::Neumann,
            Variant::Unbalanced { tau },
            steps,
        )?);
    }
    rows.push(make.plain(steps)?);
    Ok(Plan {
        images: pair(&source, &target)?,
        reference,
        reference_kind: format!(
            "dotae-ot's Benamou–Brenier geodesic between the shapes at unit mass, drawn at masses running linearly from the disk's to the square's (W₂² {:.3} px², {} iterations, converged: {})",
            solved.w2_squared, solved.iterations, solved.converged
        ),
        walls: None,
        rows,
        epochs: common.epochs(FULL_EPOCHS),
        measure: MeasureConfig::on_grid(side, side),
        setup: serde_json::json!({
            "side": side, "centre": centre, "disk_radius": radius, "square_side": square_side,
            "disk_mass": mass, "square_mass": target_mass, "steps": steps, "taus": TRIED_TAUS,
            "geodesic_w2_squared": solved.w2_squared, "geodesic_iterations": solved.iterations,
            "geodesic_converged": solved.converged,
        }),
    })
}
