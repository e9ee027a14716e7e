//! Bad input as a user would give it, to every binary: each case must exit non-zero with a
//! message that names the input it refused, without a panic or an abort, and must leave no
//! output and no temporary file behind (docs/reliability.md).
//!
//! The binaries are the workspace's examples, which `cargo test --workspace` builds next to this
//! test (`cargo test --test hostile_input` alone does not rebuild them: build the examples
//! first).

use std::path::Path;
use std::process::Command;

mod common;

use common::{binary, scratch};
use dotae::data::{write_gray_png, write_npy};
use ndarray::{Array, Array2, Array3, Array5, Axis};

/// One bad input: the binary, its arguments, and the words its message must contain.
struct Case {
    binary: &'static str,
    args: Vec<String>,
    names: Vec<String>,
}

fn case(binary: &'static str, args: &[&str], names: &[&str]) -> Case {
    Case {
        binary,
        args: args.iter().map(|a| a.to_string()).collect(),
        names: names.iter().map(|n| n.to_string()).collect(),
    }
}

/// The binaries (and `ot`'s subcommands) that write files take `--out`.
fn writes_files(case: &Case) -> bool {
    match case.binary {
        "path_energy" | "evaluate" => false,
        "ot" => case.args.first().is_some_and(|command| command != "emd"),
        _ => true,
    }
}

/// Runs `case` with its own `--out` (for binaries that write) and returns what went wrong.
fn check(case: &Case, index: usize, outs: &Path) -> Option<String> {
    let mut command = Command::new(binary(case.binary));
    command.args(&case.args);
    let out = outs.join(format!("case-{index}"));
    let has_out = case.args.iter().any(|a| a == "--out");
    if writes_files(case) && !has_out {
        command.arg("--out").arg(&out);
    }
    let output = command.output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let label = format!("{} {}", case.binary, case.args.join(" "));
    let mut problems = Vec::new();
    match output.status.code() {
        Some(1) | Some(2) => {}
        other => problems.push(format!(
            "exit {other:?} (expected 1, or 2 for a flag clap refuses)"
        )),
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push("a panic".into());
    }
    for name in &case.names {
        if !stderr.contains(name.as_str()) {
            problems.push(format!("the message does not name {name:?}"));
        }
    }
    if out.exists() {
        problems.push(format!("{} was created", out.display()));
    }
    let leftovers: Vec<String> = std::fs::read_dir(outs)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-") || n.ends_with(".tmp"))
        .collect();
    if !leftovers.is_empty() {
        problems.push(format!("temporary files were left: {leftovers:?}"));
    }
    (!problems.is_empty())
        .then(|| format!("{label}\n    {}\n    stderr: {stderr}", problems.join("; ")))
}

/// A moving square, 5 frames of 16×16, two paths: a valid density path.
fn moving_squares() -> Array3<f64> {
    Array3::from_shape_fn((5, 16, 16), |(t, i, j)| {
        f64::from(u8::from((4 + t..8 + t).contains(&i) && (4..8).contains(&j)))
    })
}

/// Image paths `(2, 5, 1, 32, 32)` with every value `value`, or a soft blob when `None`.
fn image_paths(value: Option<f64>) -> Array5<f64> {
    Array5::from_shape_fn((2, 5, 1, 32, 32), |(p, t, _, i, j)| match value {
        Some(v) => v,
        None => {
            let d =
                (i as f64 - 16.0).powi(2) + (j as f64 - 8.0 - 4.0 * t as f64 - p as f64).powi(2);
            (-d / 20.0).exp()
        }
    })
}

fn disk(rows: usize, cols: usize, centre: (f64, f64), radius: f64) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        let d = (i as f64 - centre.0).hypot(j as f64 - centre.1);
        f64::from(u8::from(d < radius))
    })
}

/// An `.npy` file with `header` as its dictionary and `data` after it.
fn raw_npy(path: &Path, header: &str, data: &[u8]) {
    let mut dict = header.to_string();
    while !(10 + dict.len() + 1).is_multiple_of(64) {
        dict.push(' ');
    }
    dict.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((dict.len() as u16).to_le_bytes());
    bytes.extend(dict.as_bytes());
    bytes.extend(data);
    std::fs::write(path, bytes).unwrap();
}

/// An uncompressed IDX file of `dims` with `data`.
fn raw_idx(path: &Path, kind: u8, dims: &[u32], data: &[u8]) {
    let mut bytes = vec![0, 0, kind, dims.len() as u8];
    for d in dims {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend(data);
    std::fs::write(path, bytes).unwrap();
}

/// An uncompressed MNIST folder of gray digits: `train` training digits labelled by
/// `train_label`, and `test` test digits labelled 0, 1, …, 9, 0, ….
fn gray_mnist(dir: &Path, train: u32, test: u32, train_label: fn(u32) -> u8) {
    std::fs::create_dir_all(dir).unwrap();
    let test_label: fn(u32) -> u8 = |i| (i % 10) as u8;
    for (name, count, label) in [("train", train, train_label), ("t10k", test, test_label)] {
        let images = dir.join(format!("{name}-images-idx3-ubyte"));
        raw_idx(
            &images,
            8,
            &[count, 28, 28],
            &vec![128; count as usize * 784],
        );
        let labels: Vec<u8> = (0..count).map(label).collect();
        raw_idx(
            &dir.join(format!("{name}-labels-idx1-ubyte")),
            8,
            &[count],
            &labels,
        );
    }
}

/// Writes every bad (and good) input file the cases name into `dir`.
fn fixtures(dir: &Path) {
    let f = |name: &str| dir.join(name);
    let squares = moving_squares();
    write_npy(&f("ok.npy"), &squares).unwrap();
    // Mass everywhere on 77×77: just past the pairs `ot emd` solves within a minute.
    write_npy(&f("full77.npy"), &Array2::<f64>::ones((77, 77))).unwrap();
    write_npy(&f("zeros.npy"), &Array3::<f64>::zeros((5, 16, 16))).unwrap();
    let mut zero_frame = Array3::<f64>::from_elem((5, 16, 16), 0.5);
    zero_frame.index_axis_mut(Axis(0), 2).fill(0.0);
    write_npy(&f("zero_frame.npy"), &zero_frame).unwrap();
    // A header whose type string ends in a NUL byte, which a message must not print raw.
    let dict = "{'descr': '<f8\0', 'fortran_order': False, 'shape': (2,), }";
    let padded = format!("{dict:<117}\n");
    let mut nul = b"\x93NUMPY\x01\x00".to_vec();
    nul.extend_from_slice(&(padded.len() as u16).to_le_bytes());
    nul.extend_from_slice(padded.as_bytes());
    nul.extend_from_slice(&[0u8; 16]);
    std::fs::write(f("nul_descr.npy"), nul).unwrap();
    write_npy(&f("neg.npy"), &squares.mapv(|v| v - 0.5)).unwrap();
    let mut nan = squares.clone();
    nan[[2, 3, 3]] = f64::NAN;
    write_npy(&f("nan.npy"), &nan).unwrap();
    write_npy(&f("oneframe.npy"), &Array3::<f64>::ones((1, 16, 16))).unwrap();
    write_npy(&f("tiny.npy"), &Array3::<f64>::ones((3, 1, 1))).unwrap();
    write_npy(&f("onedim.npy"), &Array::from_elem(10, 1.0)).unwrap();
    write_npy(&f("long.npy"), &Array3::<f64>::ones((1000, 4, 4))).unwrap();
    write_npy(
        &f("no_paths.npy"),
        &ndarray::Array4::<f64>::zeros((0, 5, 16, 16)),
    )
    .unwrap();
    write_npy(
        &f("img_no_paths.npy"),
        &Array5::<f64>::zeros((0, 5, 1, 32, 32)),
    )
    .unwrap();
    raw_npy(
        &f("int.npy"),
        "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4, 4), }",
        &[0; 192],
    );
    raw_npy(
        &f("huge.npy"),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }",
        &[0; 16],
    );
    raw_npy(
        &f("truncated.npy"),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 16, 16), }",
        &[0; 100],
    );
    // 65 537 frames of 32×32: just over the 2^26 values a path file may hold, as a sparse file.
    raw_npy(
        &f("sparse_many.npy"),
        "{'descr': '<f4', 'fortran_order': False, 'shape': (65537, 1, 32, 32), }",
        &[],
    );
    let sparse = std::fs::OpenOptions::new()
        .append(true)
        .open(f("sparse_many.npy"))
        .unwrap();
    let header = sparse.metadata().unwrap().len();
    sparse.set_len(header + 65_537 * 1024 * 4).unwrap();
    std::fs::write(f("garbage.npy"), b"not a numpy file at all").unwrap();
    std::fs::write(f("empty.npy"), b"").unwrap();

    write_npy(&f("img_ok.npy"), &image_paths(None)).unwrap();
    std::fs::write(
        f("one_interval.json"),
        r#"{"sources": [[60, 10]], "targets": [[60, 85]]}"#,
    )
    .unwrap();
    std::fs::write(
        f("bad_light.json"),
        r#"{"sources": [[60, 10], [95, 0]], "targets": [[60, 85], [60, 5]]}"#,
    )
    .unwrap();
    write_npy(
        &f("density_batch.npy"),
        &ndarray::stack(Axis(0), &[squares.view(), squares.view()]).unwrap(),
    )
    .unwrap();
    write_npy(&f("img_big.npy"), &image_paths(Some(3.0))).unwrap();
    write_npy(&f("img_neg.npy"), &image_paths(Some(-0.5))).unwrap();
    write_npy(&f("img_nan.npy"), &image_paths(Some(f64::NAN))).unwrap();
    write_npy(&f("img_zero.npy"), &image_paths(Some(0.0))).unwrap();
    write_npy(&f("img_still.npy"), &image_paths(Some(0.5))).unwrap();
    write_npy(
        &f("img_no_frames.npy"),
        &Array5::<f64>::zeros((3, 0, 1, 16, 16)),
    )
    .unwrap();
    write_npy(
        &f("img_side128.npy"),
        &Array5::<f64>::from_elem((1, 2, 1, 128, 128), 0.5),
    )
    .unwrap();
    write_npy(
        &f("img_rect.npy"),
        &Array5::<f64>::from_elem((1, 5, 1, 16, 32), 0.5),
    )
    .unwrap();

    write_gray_png(&f("src.png"), &disk(32, 32, (16.0, 8.0), 4.0)).unwrap();
    write_gray_png(&f("tgt.png"), &disk(32, 32, (16.0, 24.0), 4.0)).unwrap();
    write_gray_png(&f("black.png"), &Array2::zeros((32, 32))).unwrap();
    // The same hard disk at full and at half brightness: one density at unit mass.
    let hard = disk(32, 32, (16.0, 8.0), 4.0).mapv(|v| if v > 0.5 { 1.0 } else { 0.0 });
    write_gray_png(&f("hard_src.png"), &hard).unwrap();
    write_gray_png(&f("dim_src.png"), &(hard * 0.5)).unwrap();
    // One frame more than a path may have, each 2x2: refused from the listing.
    std::fs::create_dir_all(f("frames_258")).unwrap();
    for t in 0..258 {
        write_gray_png(
            &f("frames_258").join(format!("f{t:03}.png")),
            &Array2::from_elem((2, 2), 0.5),
        )
        .unwrap();
    }
    // A disk moving over four frames, the third black; the second folder's name holds
    // "frame 1", and the message must still name f2.png.
    for folder in ["frames_black", "shot frame 1"] {
        std::fs::create_dir_all(f(folder)).unwrap();
        for t in 0..4 {
            let frame = match t {
                2 => Array2::zeros((16, 16)),
                _ => disk(16, 16, (8.0, 4.0 + 2.0 * t as f64), 3.0),
            };
            write_gray_png(&f(folder).join(format!("f{t}.png")), &frame).unwrap();
        }
    }
    write_gray_png(&f("odd.png"), &disk(17, 17, (8.0, 8.0), 4.0)).unwrap();
    write_gray_png(&f("wall_src.png"), &disk(32, 32, (16.0, 8.0), 6.0)).unwrap();
    // An --out that holds an input under a name the run writes.
    std::fs::create_dir_all(f("qs_out")).unwrap();
    write_gray_png(
        &f("qs_out").join("loss.png"),
        &disk(32, 32, (16.0, 8.0), 4.0),
    )
    .unwrap();
    // A wall drawn in gray, below the 0.5 that makes a wall (probe 14).
    let gray_wall = Array2::from_shape_fn((32, 32), |(_, j)| if j == 16 { 0.4 } else { 0.0 });
    write_gray_png(&f("gray_wall.png"), &gray_wall).unwrap();
    // Non-square images (probe 12, Q10).
    write_gray_png(&f("wide_a.png"), &disk(32, 48, (16.0, 10.0), 5.0)).unwrap();
    write_gray_png(&f("wide_b.png"), &disk(32, 48, (16.0, 38.0), 5.0)).unwrap();
    // A PNG named like a method's animation (probe 11, F2).
    write_gray_png(
        &f("qs_out").join("plain.gif"),
        &disk(32, 32, (16.0, 8.0), 4.0),
    )
    .unwrap();
    let wall = Array2::from_shape_fn((32, 32), |(_, j)| {
        f64::from(u8::from((15..17).contains(&j)))
    });
    write_gray_png(&f("wall_mid.png"), &wall).unwrap();
    write_gray_png(&f("white.png"), &Array2::ones((32, 32))).unwrap();
    write_gray_png(&f("white16.png"), &Array2::ones((16, 16))).unwrap();
    // On the moving squares' first frame.
    let on_squares =
        Array2::from_shape_fn((16, 16), |(i, j)| f64::from(u8::from(i == 5 && j == 5)));
    write_gray_png(&f("on_squares.png"), &on_squares).unwrap();
    std::fs::write(f("garbage.png"), b"\x89PNG\r\n\x1a\nthis is no image").unwrap();
    std::fs::create_dir_all(f("frames_garbage")).unwrap();
    std::fs::write(f("frames_garbage/000.png"), b"not a png").unwrap();
    std::fs::create_dir_all(f("frames_empty")).unwrap();
    std::fs::write(f("a_file"), b"I am not a directory").unwrap();
    let fifo = std::ffi::CString::new(f("fifo.npy").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; a named pipe that nobody will ever write to.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    raw_npy(
        &f("overflow.npy"),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 18446744073709551615, 18446744073709551615), }",
        &[],
    );
    write_npy(
        &f("img_black.npy"),
        &Array5::<f64>::from_elem((2, 5, 1, 32, 32), 1e-44),
    )
    .unwrap();
    write_gray_png(&f("one_pixel.png"), &Array2::from_elem((1, 1), 1.0)).unwrap();
    write_npy(&f("huge.npy"), &Array2::<f64>::from_elem((32, 32), 1e308)).unwrap();
    std::os::unix::fs::symlink(f("loop"), f("loop")).unwrap();
    std::fs::create_dir_all(f("mnist_blank")).unwrap();
    let blank = f("mnist_blank");
    for (name, count) in [("train", 40u32), ("t10k", 10)] {
        let images = blank.join(format!("{name}-images-idx3-ubyte"));
        raw_idx(&images, 8, &[count, 28, 28], &vec![0; count as usize * 784]);
        let labels = blank.join(format!("{name}-labels-idx1-ubyte"));
        raw_idx(&labels, 8, &[count], &vec![1; count as usize]);
    }

    // Ten test digits: enough for k-means, and for at most five disjoint test pairs.
    gray_mnist(&f("mnist_small"), 40, 10, |i| (i % 10) as u8);
    gray_mnist(&f("mnist_one_digit"), 40, 10, |_| 3);
    gray_mnist(&f("mnist_five_test"), 40, 5, |i| (i % 10) as u8);
    gray_mnist(&f("mnist_no_train"), 0, 10, |i| (i % 10) as u8);
    // Every digit the same flat image: test pairs of distinct digits join equal images.
    gray_mnist(&f("mnist_same"), 40, 20, |i| (i % 10) as u8);

    // A split present raw and gzipped: the two may differ, so neither is read.
    gray_mnist(&f("mnist_both"), 40, 10, |i| (i % 10) as u8);
    std::fs::write(
        f("mnist_both").join("train-labels-idx1-ubyte.gz"),
        b"not read",
    )
    .unwrap();

    std::fs::create_dir_all(f("mnist_missing")).unwrap();
    std::fs::create_dir_all(f("mnist_corrupt")).unwrap();
    for name in [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ] {
        let mut bytes = vec![0x1f, 0x8b, 8, 0];
        bytes.extend((0..200u32).map(|i| (i * 37 % 251) as u8));
        std::fs::write(f("mnist_corrupt").join(name), bytes).unwrap();
    }
    std::fs::create_dir_all(f("mnist_truncated")).unwrap();
    let truncated = f("mnist_truncated");
    raw_idx(
        &truncated.join("train-images-idx3-ubyte"),
        8,
        &[8000, 28, 28],
        &[0; 1000],
    );
    raw_idx(
        &truncated.join("train-labels-idx1-ubyte"),
        8,
        &[8000],
        &[0; 8000],
    );
    raw_idx(
        &truncated.join("t10k-images-idx3-ubyte"),
        8,
        &[10, 28, 28],
        &[0; 7840],
    );
    raw_idx(
        &truncated.join("t10k-labels-idx1-ubyte"),
        8,
        &[10],
        &[0; 10],
    );
    std::fs::create_dir_all(f("mnist_labels")).unwrap();
    let labels = f("mnist_labels");
    raw_idx(
        &labels.join("train-images-idx3-ubyte"),
        8,
        &[4, 28, 28],
        &[0; 3136],
    );
    raw_idx(
        &labels.join("train-labels-idx1-ubyte"),
        8,
        &[4],
        &[1, 2, 42, 3],
    );
    raw_idx(
        &labels.join("t10k-images-idx3-ubyte"),
        8,
        &[4, 28, 28],
        &[0; 3136],
    );
    raw_idx(
        &labels.join("t10k-labels-idx1-ubyte"),
        8,
        &[4],
        &[1, 2, 3, 4],
    );
}

fn cases(dir: &Path) -> Vec<Case> {
    let p = |name: &str| dir.join(name).display().to_string();
    let (src, tgt) = (p("src.png"), p("tgt.png"));
    let pair = |extra: &[&str]| {
        let mut args = vec!["--source", &src, "--target", &tgt];
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let q = |args: &[&str], names: &[&str]| case("quickstart", args, names);
    let with_pair = |extra: &[&str], names: &[&str]| Case {
        binary: "quickstart",
        args: pair(extra),
        names: names.iter().map(|n| n.to_string()).collect(),
    };
    let pe = |args: &[&str], names: &[&str]| case("path_energy", args, names);
    let ot = |args: &[&str], names: &[&str]| case("ot", args, names);
    let ev = |args: &[&str], names: &[&str]| case("evaluate", args, names);
    let bm = |args: &[&str], names: &[&str]| case("benchmarks", args, names);
    let lines = |args: &[&str], names: &[&str]| {
        let mut all = vec!["--quick", "--method", "path-energy"];
        all.extend_from_slice(args);
        case("lines", &all, names)
    };
    let pole = |args: &[&str], names: &[&str]| {
        let mut all = vec!["--quick", "--method", "baseline"];
        all.extend_from_slice(args);
        case("pole", &all, names)
    };
    let mnist = |data: &str, args: &[&str], names: &[&str]| {
        let data = p(data);
        let mut all = vec!["--quick", "--method", "baseline", "--data", &data];
        all.extend_from_slice(args);
        case("mnist", &all, names)
    };
    let (ok, img_ok, a_file) = (p("ok.npy"), p("img_ok.npy"), p("a_file"));
    let paper = |args: &[&str], names: &[&str]| case("paper", args, names);
    let diotm = |args: &[&str], names: &[&str]| case("diotm", args, names);
    vec![
        diotm(&["--iterations", "0"], &["--iterations"]),
        diotm(&["--test-size", "1"], &["--test-size"]),
        // Probe 23: at 2 test points the scores measured the sample, not the map.
        diotm(&["--test-size", "99"], &["--test-size", "sample"]),
        // Probe 23: OTM has no HJB term; λ was ignored and still recorded.
        diotm(&["--method", "otm", "--lambda", "5"], &["--lambda", "OTM"]),
        diotm(&["--test-size", "100000"], &["--test-size"]),
        diotm(&["--eval-every", "5000"], &["--eval-every"]),
        diotm(&["--seeds", "0"], &["--seeds"]),
        diotm(
            &["--seed", "18446744073709551615", "--seeds", "2"],
            &["--seed"],
        ),
        diotm(&["--batch-size", "0"], &["--batch-size"]),
        diotm(&["--tau", "nan"], &["--tau"]),
        diotm(&["--lambda", "-1"], &["--lambda"]),
        diotm(&["--map-learning-rate", "inf"], &["--map-learning-rate"]),
        diotm(&["--benchmark", "swiss-roll"], &["--benchmark"]),
        diotm(&["--quick", "--out", &a_file], &["--out"]),
        // Probe 26: settings that changed nothing were accepted.
        case(
            "pole",
            &[
                "--quick",
                "--method",
                "baseline",
                "--output-start",
                "data-mean",
            ],
            &["--output-start", "neither"],
        ),
        case(
            "lines",
            &[
                "--quick",
                "--method",
                "baseline",
                "path-energy",
                "--alpha",
                "0",
            ],
            &["--alpha 0", "twice"],
        ),
        // Probe 25: --quick replaced an explicit --test-size (and --iterations) without a word.
        diotm(
            &["--quick", "--test-size", "99"],
            &["--test-size", "sample"],
        ),
        paper(&["boundary", "--quick", "--epochs", "0"], &["--epochs"]),
        paper(&["steps", "--quick", "--alpha", "0"], &["--alpha"]),
        paper(
            &["labyrinth", "--quick", "--learning-rate", "inf"],
            &["--learning-rate"],
        ),
        paper(&["boundary", "--quick", "--beta", "-1"], &["--beta"]),
        paper(&["figure-99"], &["figure-99"]),
        paper(&["steps", "--size", "24"], &["--size", "multiple of 16"]),
        paper(&["labyrinth", "--size", "1024"], &["--size"]),
        // The quickstart: flags out of range, bad images, obstacles that would discard mass.
        q(&["--size", "100000"], &["--size", "512"]),
        q(&["--size", "0"], &["--size"]),
        q(&["--size", "12"], &["--size", "16"]),
        q(&["--size", "20"], &["--size 20 resizes", "multiples of 8"]),
        q(
            &["--out", &p("no_such_dir/../run")],
            &["--out", "no_such_dir", "cannot be resolved"],
        ),
        q(&["--steps", "1"], &["--steps"]),
        q(&["--steps", "100000"], &["--steps", "256"]),
        q(&["--epochs", "0"], &["--epochs"]),
        q(
            &["--epochs", "18446744073709551615"],
            &["--epochs", "1000000"],
        ),
        q(&["--checkpoint-every", "0"], &["--checkpoint-every"]),
        q(&["--energy-size", "1"], &["--energy-size 1", "below 8"]),
        // Probe 24: on a 2x2 grid a fade scored like a motion.
        q(&["--energy-size", "2"], &["--energy-size 2", "fade"]),
        q(&["--energy-size", "1000"], &["--energy-size", "512"]),
        q(&["--epsilon", "5"], &["--epsilon 5", "mean brightness"]),
        q(&["--epsilon", "-1"], &["epsilon"]),
        q(&["--learning-rate", "inf"], &["--learning-rate", "1e-8"]),
        q(&["--learning-rate", "0"], &["--learning-rate"]),
        q(&["--alpha", "nan"], &["alpha"]),
        q(&["--alpha", "-1"], &["alpha"]),
        q(&["--beta", "-1"], &["beta"]),
        q(&["--unbalanced", "--tau", "0"], &["tau"]),
        q(&["--boundary", "sideways"], &["sideways"]),
        q(
            &["--source", &p("nope.png"), "--target", &tgt],
            &["nope.png"],
        ),
        q(
            &["--source", &p("garbage.png"), "--target", &tgt],
            &["garbage.png"],
        ),
        q(
            &["--source", &p("black.png"), "--target", &tgt],
            &["black.png", "no mass"],
        ),
        q(
            &["--source", &src, "--target", &p("black.png")],
            &["black.png", "no mass"],
        ),
        q(
            &["--source", &p("odd.png"), "--target", &p("odd.png")],
            &["17x17"],
        ),
        q(
            &["--source", &src, "--target", &p("odd.png")],
            &["--target", "one size"],
        ),
        with_pair(
            &["--obstacle", &p("wall_src.png")],
            &["wall_src.png", "discarded"],
        ),
        with_pair(
            &["--obstacle", &p("wall_mid.png")],
            &[
                "wall_mid.png",
                "walls off a region",
                "1.0000 of the source's mass but 0.0000 of the target's",
            ],
        ),
        with_pair(&["--obstacle", &p("odd.png")], &["--obstacle", "odd.png"]),
        with_pair(&["--obstacle", &p("nope.png")], &["nope.png"]),
        with_pair(&["--obstacle", &p("white.png")], &["white.png", "free"]),
        q(&["--out", &a_file], &["--out", "a_file"]),
        q(&["--out", "/"], &["--out /", "root"]),
        q(
            &["--out", &p(&format!("{}/run", "n".repeat(256)))],
            &["--out", "256 bytes", "255"],
        ),
        // path_energy: unreadable, hostile or meaningless paths and flags.
        pe(&[&p("nope.npy")], &["nope.npy"]),
        pe(&[&p("zeros.npy")], &["zeros.npy", "zero mass"]),
        // Probe 24: raised to an absolute floor, a frame without mass measured the floor alone.
        pe(
            &[&p("zero_frame.npy"), "--absolute-floor", "1e-3"],
            &["zero_frame.npy", "frame 2", "no mass"],
        ),
        // Probe 24: header bytes were printed raw (a NUL, or a terminal escape).
        pe(&[&p("nul_descr.npy")], &["nul_descr.npy", "'<f8\\0'"]),
        // Probe 24: a weight that is 0 in f32 trained the plain autoencoder under its name.
        q(&["--alpha", "1e-46"], &["--alpha 1e-46", "below 1e-12"]),
        case(
            "paper",
            &["labyrinth", "--quick", "--alpha", "1e-300"],
            &["--alpha 1e-300", "below 1e-12"],
        ),
        pe(&[&p("neg.npy")], &["neg.npy", "negative"]),
        pe(&[&p("nan.npy")], &["nan.npy", "NaN"]),
        pe(&[&p("oneframe.npy")], &["oneframe.npy", "2"]),
        pe(&[&p("tiny.npy")], &["tiny.npy", "2x2"]),
        pe(&[&p("int.npy")], &["int.npy", "<i4"]),
        pe(&[&p("onedim.npy")], &["onedim.npy", "shape"]),
        pe(&[&p("huge.npy")], &["huge.npy"]),
        pe(&[&p("truncated.npy")], &["truncated.npy"]),
        pe(&[&p("garbage.npy")], &["garbage.npy"]),
        pe(&[&p("empty.npy")], &["empty.npy"]),
        pe(&[&p("long.npy")], &["long.npy", "too large"]),
        pe(&[&p("no_paths.npy")], &["no_paths.npy", "no paths"]),
        pe(
            &[&ok, "--obstacle", &p("white16.png")],
            &["white16.png", "free"],
        ),
        pe(&[&p("frames_garbage")], &["000.png"]),
        pe(&[&p("frames_empty")], &["frames_empty"]),
        pe(&[&ok, "--floor", "5"], &["--floor 5"]),
        pe(&[&ok, "--floor", "0"], &["--floor 0"]),
        pe(
            &[&ok, "--absolute-floor", "5"],
            &["--absolute-floor 5", "ok.npy"],
        ),
        pe(&[&ok, "--absolute-floor", "0"], &["--absolute-floor 0"]),
        // Probe 23: 80 % of the squares' mean density 0.0625 halved the energy silently.
        pe(
            &[&ok, "--absolute-floor", "0.05"],
            &["--absolute-floor 0.05", "ok.npy", "relative --floor"],
        ),
        pe(&[&ok, "--mass", "0"], &["--mass 0"]),
        pe(&[&ok, "--tau=-1"], &["--tau -1"]),
        pe(
            &[&ok, "--obstacle", &p("odd.png")],
            &["--obstacle", "odd.png", "17x17"],
        ),
        pe(&[&ok, "--obstacle", &p("garbage.png")], &["garbage.png"]),
        pe(
            &[&ok, "--obstacle", &p("on_squares.png")],
            &["on_squares.png", "discarded"],
        ),
        // evaluate: values outside [0, 1], shapes that do not fit, bad flags.
        ev(&[&p("img_big.npy")], &["img_big.npy", "[0, 1]"]),
        ev(&[&p("img_neg.npy")], &["img_neg.npy", "[0, 1]"]),
        ev(&[&p("img_nan.npy")], &["img_nan.npy", "NaN"]),
        ev(&[&p("img_zero.npy")], &["img_zero.npy", "black"]),
        // A density path, such as `ot geodesic` writes, is pointed to `path_energy` (probe 29).
        ev(&[&ok], &["ok.npy", "shape", "path_energy"]),
        ev(
            &[&img_ok, "--reference", &ok],
            &["--reference", "ok.npy", "path_energy"],
        ),
        ev(
            &[&p("sparse_many.npy")],
            &["sparse_many.npy", "MAX_PATH_VALUES"],
        ),
        pe(
            &[&p("frames_black")],
            &["frames_black", "frame 2 is", "f2.png"],
        ),
        pe(
            &[&p("shot frame 1")],
            &["shot frame 1", "frame 2 is", "f2.png"],
        ),
        pe(
            &[&p("frames_258")],
            &["frames_258", "258 PNG frames", "257"],
        ),
        pe(
            &[&p("sparse_many.npy")],
            &["sparse_many.npy", "MAX_PATH_VALUES"],
        ),
        ev(
            &[&img_ok, "--intervals", &p("one_interval.json")],
            &["--intervals", "--benchmark pole"],
        ),
        ev(
            &[
                &img_ok,
                "--benchmark",
                "pole",
                "--intervals",
                &p("garbage.npy"),
            ],
            &["--intervals", "garbage.npy", "sources"],
        ),
        ev(
            &[
                &img_ok,
                "--benchmark",
                "pole",
                "--intervals",
                &p("one_interval.json"),
            ],
            &["--intervals", "one_interval.json", "1 sources", "2 paths"],
        ),
        // Probe 15: a binary file given as --intervals.
        ev(
            &[&img_ok, "--benchmark", "pole", "--intervals", &img_ok],
            &["--intervals", "img_ok.npy", "not a text file", "sources"],
        ),
        ev(
            &[&img_ok, "--benchmark", "pole", "--intervals", "/dev/zero"],
            &["--intervals", "/dev/zero", "not a regular file"],
        ),
        ev(
            &[
                &img_ok,
                "--benchmark",
                "pole",
                "--intervals",
                &p("bad_light.json"),
            ],
            &["--intervals", "bad_light.json", "interval 1", "95"],
        ),
        ev(
            &[&p("density_batch.npy")],
            &["density_batch.npy", "5 channels", "a[:, :, None]"],
        ),
        ev(&[&p("huge.npy")], &["huge.npy"]),
        ev(&[&p("img_no_paths.npy")], &["img_no_paths.npy", "no paths"]),
        ev(&[&p("nope.npy")], &["nope.npy"]),
        ev(
            &[&img_ok, "--reference", &p("img_big.npy")],
            &["img_big.npy"],
        ),
        ev(
            &[&img_ok, "--reference", &p("img_rect.npy")],
            &["img_rect.npy", "shape"],
        ),
        ev(
            &[&img_ok, "--reference", &p("img_still.npy")],
            &["--reference", "img_still.npy", "path 0"],
        ),
        ev(
            &[&p("img_no_frames.npy")],
            &["img_no_frames.npy", "at least 2 frames"],
        ),
        ev(
            &[&p("img_side128.npy"), "--benchmark", "lines"],
            &["--benchmark lines", "64x64", "128x128"],
        ),
        ev(&[&img_ok, "--w2", "0"], &["--w2"]),
        ev(
            &[&p("img_rect.npy"), "--benchmark", "lines"],
            &["--benchmark lines"],
        ),
        ev(&[&img_ok, "--floor", "1"], &["--floor 1"]),
        // benchmarks: sizes out of range, bad data.
        bm(&["--frames", "1"], &["--frames"]),
        bm(&["--pairs", "0"], &["--pairs"]),
        bm(&["--pairs", "1000000000"], &["--pairs", "10000"]),
        bm(&["--size", "100000"], &["--size", "512"]),
        bm(&["--size", "3"], &["--size"]),
        bm(
            &["--pairs", "2", "--mnist", &p("mnist_missing")],
            &["mnist_missing"],
        ),
        bm(
            &["--pairs", "2", "--mnist", &p("mnist_corrupt")],
            &["mnist_corrupt", "corrupt"],
        ),
        bm(&["--out", &a_file], &["--out", "a_file"]),
        // The comparisons: budgets out of range, settings that would train nothing.
        lines(&["--train-size", "1000000000"], &["--train-size"]),
        lines(&["--test-pairs", "1000000000"], &["--test-pairs", "500"]),
        lines(&["--test-pairs", "0"], &["--test-pairs"]),
        lines(&["--batch-size", "1000000"], &["--batch-size"]),
        lines(&["--pairs", "1000"], &["--pairs"]),
        lines(&["--pairs", "0"], &["--pairs"]),
        lines(&["--batch-size", "1"], &["--batch-size 1", "at least 2"]),
        // Probe 23: the default batch is cut to a small --train-size, and the message says so.
        lines(
            &["--train-size", "1"],
            &["--batch-size was not given", "--train-size 1"],
        ),
        lines(
            &["--train-size", "4000", "--batch-size", "2000"],
            &["--batch-size", "1024"],
        ),
        pole(&["--pairs", "3"], &["--pairs 3", "neither"]),
        lines(&["--epochs", "0"], &["--epochs"]),
        lines(&["--epochs", "1000001"], &["--epochs", "1000000"]),
        lines(&["--learning-rate", "inf"], &["--learning-rate"]),
        lines(&["--alpha=-1"], &["alpha"]),
        lines(&["--out", &a_file], &["--out", "a_file"]),
        pole(&["--train-size", "1000000"], &["--train-size", "460"]),
        pole(&["--batch-size", "0"], &["--batch-size"]),
        mnist("mnist_missing", &[], &["mnist_missing"]),
        mnist("mnist_corrupt", &[], &["mnist_corrupt", "corrupt"]),
        mnist(
            "mnist_truncated",
            &[],
            &["train-images-idx3-ubyte", "truncated"],
        ),
        mnist("mnist_labels", &[], &["train-labels-idx1-ubyte", "42"]),
        mnist("mnist_corrupt", &["--frames", "0"], &["--frames"]),
        // Found by a second round of bad inputs nobody had tuned the checks to.
        q(
            &["--learning-rate", "1e-320"],
            &["--learning-rate", "vanish"],
        ),
        q(&["--alpha", "1e308"], &["--alpha", "overflows"]),
        q(&["--beta", "1e308"], &["--beta"]),
        q(&["--tau", "0.5"], &["--unbalanced"]),
        q(&["--unbalanced", "--tau", "1e308"], &["--tau"]),
        q(&["--size", "8"], &["--size", "16"]),
        q(&["--epsilon", "1e-320"], &["--epsilon"]),
        q(
            &[
                "--source",
                &p("one_pixel.png"),
                "--target",
                &p("one_pixel.png"),
            ],
            &["one_pixel.png", "--size"],
        ),
        q(&["--out", &p("a_file/sub")], &["--out", "a_file"]),
        pe(&[&p("fifo.npy")], &["fifo.npy", "regular file"]),
        pe(&[&p("overflow.npy")], &["overflow.npy", "overflows"]),
        pe(&[&ok, "--mass", "1e308"], &["--mass"]),
        pe(&[&ok, "--mass", "1e-320"], &["--mass"]),
        pe(&[&ok, "--floor", "1e-320"], &["--floor"]),
        pe(&[&ok, "--absolute-floor", "1e-320"], &["--absolute-floor"]),
        pe(&[&ok, "--tau", "1e308"], &["--tau"]),
        pe(&[&ok, "--no-normalize", "--mass", "5"], &["--mass"]),
        ev(&[&img_ok, "--w2", "4.9e-324"], &["--w2"]),
        ev(&[&img_ok, "--w2", "1e308"], &["--w2"]),
        ev(
            &[&img_ok, "--lines", "dotae"],
            &["--lines", "--benchmark lines"],
        ),
        ev(&[&p("img_black.npy")], &["img_black.npy", "black"]),
        bm(&["--size", "12"], &["--size", "16"]),
        lines(&["--learning-rate", "1e-320"], &["--learning-rate"]),
        lines(&["--test-pairs", "501"], &["--test-pairs", "500"]),
        pole(&["--alpha", "0.5"], &["--alpha", "path-energy"]),
        pole(&["--beta", "0.1"], &["--beta", "vae"]),
        case(
            "pole",
            &["--quick", "--method", "vae", "--beta", "-1"],
            &["--beta"],
        ),
        lines(&["--aeai-weights", "0,0,0"], &["--aeai-weights", "aeai"]),
        pole(&["--kl-warmup", "1"], &["--kl-warmup 1", "vae"]),
        pole(&["--vae-posterior", "dense"], &["--vae-posterior", "vae"]),
        case(
            "pole",
            &["--quick", "--method", "vae", "--kl-warmup", "2"],
            &["--kl-warmup 2", "at most 1", "--epochs"],
        ),
        // Probe 7: memory bounds on what every training step decodes and differentiates.
        lines(&["--pairs", "65"], &["--pairs", "64", "memory"]),
        // Probe 10: settings that train or score nothing of what they name.
        lines(
            &["--alpha", "0", "--pairs", "5"],
            &["--pairs 5", "--alpha 0", "change nothing"],
        ),
        case(
            "lines",
            &["--quick", "--method", "aeai", "--aeai-weights", "0,0,0"],
            &["--aeai-weights 0,0,0", "every AEAI term"],
        ),
        mnist(
            "mnist_corrupt",
            &["--frames", "1"],
            &["--frames 1", "at least 2"],
        ),
        // Probe 9: the output would replace an input.
        q(
            &[
                "--source",
                &p("qs_out/loss.png"),
                "--target",
                &tgt,
                "--out",
                &p("qs_out"),
            ],
            &["--source", "loss.png", "--out", "would replace it"],
        ),
        q(
            &[
                "--source",
                &p("qs_out/plain.gif"),
                "--target",
                &tgt,
                "--out",
                &p("qs_out"),
            ],
            &["--source", "plain.gif", "--out", "would replace it"],
        ),
        // Probe 12: the built-in demo checks what a file's paths are checked for; negative
        // values reach the flag's own range check.
        pe(
            &["--absolute-floor", "1"],
            &["--absolute-floor 1", "built-in demo"],
        ),
        pe(
            &["--obstacle", &p("wall_mid.png")],
            &["--obstacle", "wall_mid.png", "built-in demo"],
        ),
        pe(&[&ok, "--mass", "-inf"], &["--mass -inf", "out of range"]),
        pe(&[&ok, "--tau", "-0.5"], &["--tau", "out of range"]),
        ev(&[&img_ok, "--w2", "-5"], &["--w2 -5", "out of range"]),
        // Probe 14: a mask without walls; a wall across the built-in problem's exact path.
        q(
            &["--obstacle", &p("gray_wall.png")],
            &["--obstacle", "gray_wall.png", "no wall"],
        ),
        q(
            &["--obstacle", &p("wall_mid.png")],
            &["--obstacle", "wall_mid.png", "exact path"],
        ),
        // Probe 13: a negative whole number is refused by its flag, not taken for a flag.
        q(&["--epochs", "-5"], &["--epochs", "'-5'"]),
        bm(&["--seed", "-1"], &["--seed", "'-1'"]),
        // Probe 12: a square energy grid would squash non-square images.
        q(
            &["--source", &p("wide_a.png"), "--target", &p("wide_b.png")],
            &["wide_a.png", "32x48", "square"],
        ),
        // Probe 11: the path-energy run without its path energy.
        q(&["--alpha", "0"], &["--alpha 0", "above 0"]),
        q(&["--alpha", "-0"], &["--alpha 0", "above 0"]),
        // Probe 8: nothing to interpolate between an image and itself.
        q(
            &["--source", &src, "--target", &src],
            &["--source and --target are the same image", "src.png"],
        ),
        // Probe 23: a disk at 255 and at 128 measure a still path at unit mass.
        q(
            &[
                "--source",
                &p("hard_src.png"),
                "--target",
                &p("dim_src.png"),
            ],
            &["differ only in brightness", "hard_src.png", "dim_src.png"],
        ),
        q(
            &["--size", "512", "--steps", "256"],
            &["--steps 256", "512x512", "--size"],
        ),
        q(
            &["--rgb", "--size", "256", "--steps", "16"],
            &["--steps 16", "3 channel(s)", "--rgb"],
        ),
        mnist(
            "mnist_both",
            &[],
            &[
                "--data",
                "both train-labels-idx1-ubyte and train-labels-idx1-ubyte.gz",
            ],
        ),
        case(
            "pole",
            &["--quick", "--method", "aeai", "--aeai-weights", "1e-2,1e-1"],
            &["--aeai-weights", "three weights", "2 were given"],
        ),
        case(
            "pole",
            &["--quick", "--method", "aeai", "--aeai-weights", "0,-1,0"],
            &["--aeai-weights", "-1"],
        ),
        mnist("mnist_blank", &[], &["--data", "black"]),
        mnist(
            "mnist_same",
            &["--test-pairs", "5"],
            &[
                "--data",
                "mnist_same",
                "5 of the 5 test pairs join two equal images",
            ],
        ),
        mnist(
            "mnist_small",
            &["--test-pairs", "6"],
            &["--data", "mnist_small", "10 digit", "--test-pairs 6"],
        ),
        mnist(
            "mnist_one_digit",
            &[],
            &[
                "--data",
                "mnist_one_digit",
                "1 distinct digit",
                "--train-size",
            ],
        ),
        mnist(
            "mnist_five_test",
            &[],
            &["--data", "mnist_five_test", "5 digit", "k-means"],
        ),
        mnist(
            "mnist_no_train",
            &[],
            &["train-images-idx3-ubyte", "no images"],
        ),
        bm(
            &["--pairs", "2", "--mnist", &p("mnist_one_digit")],
            &["--mnist", "mnist_one_digit", "1 distinct digit"],
        ),
        bm(
            &["--pairs", "2", "--mnist", &p("mnist_five_test")],
            &["--mnist", "mnist_five_test", "5 digit", "k-means"],
        ),
        mnist("no_such_dir", &[], &["--data", "does not exist"]),
        mnist("a_file", &[], &["--data", "not a directory"]),
        bm(
            &["--pairs", "10000", "--size", "512", "--frames", "257"],
            &["--pairs", "values"],
        ),
        bm(
            &["--pairs", "2", "--mnist", &p("mnist_blank")],
            &["--mnist", "black"],
        ),
        ev(&[&img_ok, "--w2", "1e8"], &["--w2", "corner to corner"]),
        ev(&[&img_ok, "--w2", "10", "--tau", "1"], &["--w2", "--tau"]),
        mnist("loop", &[], &["--data", "leads nowhere"]),
        // ot: images that cannot be transported, solver settings out of range.
        ot(
            &["emd", &src, &p("one_pixel.png")],
            &["one_pixel.png", "2 to 512"],
        ),
        ot(&["emd", &src, &p("black.png")], &["black.png", "no mass"]),
        ot(&["emd", &src, &p("nan.npy")], &["nan.npy", "2-D"]),
        ot(&["emd", &src, &p("odd.png")], &["odd.png", "one size"]),
        ot(&["emd", &src, &p("missing.png")], &["missing.png"]),
        {
            let mut many = vec!["barycentre"];
            many.extend(std::iter::repeat_n(src.as_str(), 1025));
            ot(&many, &["the image count 1025", "1024"])
        },
        ot(
            &["barycentre", &src, &tgt, "--weights", "1"],
            &["--weights", "one weight per image"],
        ),
        ot(
            &["barycentre", &src, &tgt, "--weights", "0.7", "0.7"],
            &["--weights"],
        ),
        ot(
            &["barycentre", &src, &tgt, "--epsilon", "-1"],
            &["--epsilon"],
        ),
        ot(
            &["barycentre", &src, &tgt, "--epsilon", "1e-6"],
            &["--epsilon", "22.8 pixels apart", "2.2e-3 or more"],
        ),
        ot(
            &["barycentre", &src, &tgt, "--max-iterations", "0"],
            &["--max-iterations"],
        ),
        ot(&["geodesic", &src, &tgt, "--steps", "0"], &["--steps"]),
        ot(
            &["geodesic", &src, &tgt, "--steps", "1"],
            &["--steps 1", "a frame between the two images"],
        ),
        ot(
            &["emd", &p("full77.npy"), &p("full77.npy")],
            &["full77.npy", "pairs of pixels with mass", "downsample"],
        ),
        ot(
            &["emd", &src, &p("huge.npy")],
            &["huge.npy", "too large to add up"],
        ),
        ot(
            &["barycentre", &src, &tgt, "--epsilon", "1e6"],
            &["--epsilon", "blurred flat"],
        ),
        ot(
            &["geodesic", &src, &tgt, "--tolerance", "1e9"],
            &["--tolerance"],
        ),
        ot(
            &["geodesic", &src, &tgt, "--steps", "100000"],
            &["--steps", "256"],
        ),
        ot(
            &["geodesic", &src, &tgt, "--tolerance", "nan"],
            &["tolerance"],
        ),
        ot(
            &["geodesic", &src, &tgt, "--obstacle", &p("wall_src.png")],
            &["--obstacle", "obstacle cell"],
        ),
        ot(
            &["geodesic", &src, &tgt, "--obstacle", &p("wall_mid.png")],
            &["--obstacle", "infeasible"],
        ),
        ot(
            &["geodesic", &src, &tgt, "--obstacle", &p("odd.png")],
            &["--obstacle", "size"],
        ),
    ]
}

#[test]
fn every_binary_refuses_bad_input_by_name_and_leaves_nothing_behind() {
    let dir = scratch("inputs");
    fixtures(&dir);
    let outs = scratch("outs");
    let cases = cases(&dir);
    assert!(cases.len() >= 213, "{} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| check(c, i, &outs))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outs);
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_run_that_fails_keeps_what_was_there_and_adds_nothing() {
    let outs = scratch("keep");
    let out = outs.join("run");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), b"mine").unwrap();
    let status = Command::new(binary("benchmarks"))
        .args(["--frames", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["notes.txt"]);
    let _ = std::fs::remove_dir_all(&outs);
}

/// A quickstart training for ever into `outs/run`, once its training has started (and its
/// signal handler is installed): the first method's configuration is staged.
/// `benchmarks --frames 2` writes its two-frame paths with a warning that they are jumps, as
/// `path_energy` and `evaluate` say when they read such a file.
#[test]
fn benchmarks_warns_that_two_frames_are_a_jump() {
    let dir = scratch("benchmarks-two-frames");
    let stderr = stderr_of_a_success(
        Command::new(binary("benchmarks"))
            .args(["--pairs", "1", "--frames", "2", "--out"])
            .arg(dir.join("out")),
    );
    assert!(
        stderr.contains("--frames 2") && stderr.contains("jumps"),
        "{stderr}"
    );
    let stderr = stderr_of_a_success(
        Command::new(binary("benchmarks"))
            .args(["--pairs", "1", "--frames", "3", "--out"])
            .arg(dir.join("three")),
    );
    assert!(!stderr.contains("jumps"), "{stderr}");
}

/// `evaluate` reads a 4-D file of 3 channels as one RGB path and says, once, that it may hold
/// gray paths of 3 frames; the same path saved with its path axis draws no such warning, and a
/// reference of that layout is warned about as the paths are.
#[test]
fn evaluate_warns_once_about_a_four_axis_rgb_path() {
    let dir = scratch("evaluate-rgb");
    let path = image_paths(None).index_axis(Axis(0), 0).to_owned();
    let rgb = ndarray::concatenate(Axis(1), &[path.view(), path.view(), path.view()]).unwrap();
    let rgb_file = dir.join("rgb.npy");
    write_npy(&rgb_file, &rgb).unwrap();
    let warning = "read as one path of 5 RGB frames (5, 3, 32, 32)";
    let stderr = stderr_of_a_success(Command::new(binary("evaluate")).arg(&rgb_file));
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
    let batched_file = dir.join("rgb_batched.npy");
    write_npy(&batched_file, &rgb.clone().insert_axis(Axis(0))).unwrap();
    let stderr = stderr_of_a_success(Command::new(binary("evaluate")).arg(&batched_file));
    assert!(!stderr.contains("RGB frames"), "{stderr}");
    let stderr = stderr_of_a_success(
        Command::new(binary("evaluate"))
            .arg(&batched_file)
            .arg("--reference")
            .arg(&rgb_file),
    );
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
}

/// `path_energy` warns where its reading of a file may not be the one meant: a 4-D file with 3
/// frames per path (also the layout of one RGB path), paths that do not move, and a frame so
/// faint that rescaling it to unit mass measures noise (a frame without mass is an error).
#[test]
fn path_energy_warns_about_readings_that_measure_nothing() {
    let dir = scratch("path-energy-warnings");
    let path = image_paths(None).index_axis(Axis(0), 0).to_owned();
    // One path of 5 frames stored as RGB: (5, 3, 32, 32), each channel the same frame.
    let rgb = ndarray::concatenate(Axis(1), &[path.view(), path.view(), path.view()]).unwrap();
    let rgb_file = dir.join("rgb.npy");
    write_npy(&rgb_file, &rgb).unwrap();
    let stderr = path_energy_stderr(&rgb_file);
    assert!(
        stderr.contains("read as 5 gray paths of 3 frames")
            && stderr.contains("swap its first two axes, to (3, 5, 32, 32) channels first")
            && stderr.contains("5 of 5 paths do not move"),
        "{stderr}"
    );
    // A gray path of 3 frames, `(3, 1, 32, 32)`, is read as it is meant (probe 23: it drew the
    // RGB warning, advising the shape it already had).
    let gray_file = dir.join("gray3.npy");
    write_npy(&gray_file, &path.select(Axis(0), &[0, 2, 4])).unwrap();
    let stderr = path_energy_stderr(&gray_file);
    assert!(!stderr.contains("RGB"), "{stderr}");
    let mut faint = path.index_axis(Axis(1), 0).to_owned();
    faint
        .slice_mut(ndarray::s![2, .., ..])
        .mapv_inplace(|v| v * 1e-15);
    let faint_file = dir.join("faint.npy");
    write_npy(&faint_file, &faint).unwrap();
    let stderr = path_energy_stderr(&faint_file);
    assert!(
        stderr.contains("path 0: frame 2 holds 1.000e-15 of the mass"),
        "{stderr}"
    );
    assert!(!stderr.contains("do not move"), "{stderr}");
    // Two frames are a jump, whose energy is no W₂² estimate (probe 15).
    let jump_file = dir.join("jump.npy");
    write_npy(&jump_file, &faint.select(Axis(0), &[0, 4])).unwrap();
    let stderr = path_energy_stderr(&jump_file);
    assert!(
        stderr.contains("its paths have 2 frames") && stderr.contains("no W₂² estimate"),
        "{stderr}"
    );
    // A frame without mass is an error naming it, not also a faint frame (probe 10, PE14).
    let mut empty = faint.clone();
    empty.slice_mut(ndarray::s![2, .., ..]).fill(0.0);
    let empty_file = dir.join("empty.npy");
    write_npy(&empty_file, &empty).unwrap();
    let output = Command::new(binary("path_energy"))
        .arg(&empty_file)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("frame 2") && stderr.contains("mass") && !stderr.contains("warning:"),
        "{stderr}"
    );
    let intact_file = dir.join("intact.npy");
    write_npy(&intact_file, &path.index_axis(Axis(1), 0).to_owned()).unwrap();
    let stderr = path_energy_stderr(&intact_file);
    assert!(!stderr.contains("warning"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An MNIST test split that cannot measure generalisation is scored with warnings: digits
/// that are also training digits, one image repeated, one label.
#[test]
fn mnist_test_splits_that_measure_nothing_are_warned_about() {
    let dir = scratch("mnist-splits");
    gray_mnist(&dir.join("same"), 40, 20, |i| (i % 10) as u8);
    let output = Command::new(binary("benchmarks"))
        .args(["--pairs", "1", "--mnist"])
        .arg(dir.join("same"))
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("20 of the 20 test digits are also training digits")
            && stderr.contains("the 20 test digits are one image repeated"),
        "{stderr}"
    );
    assert!(!stderr.contains("labelled"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// What `path_energy FILE` writes to stderr; it must succeed.
fn path_energy_stderr(file: &Path) -> String {
    let output = Command::new(binary("path_energy"))
        .arg(file)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{}: {output:?}", file.display());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A `--w2` that no path between the endpoints could cost less than, or one below the squared
/// shift of their centres of mass, is accepted (it is within the image's range) but warned
/// about; the paths' own W₂² is not.
#[test]
fn evaluate_warns_when_w2_exceeds_what_the_paths_cost() {
    let dir = scratch("w2");
    let paths = dir.join("paths.npy");
    // Each path moves a blob 16 pixels: W₂² = 256.
    write_npy(&paths, &image_paths(None)).unwrap();
    let stderr_with = |w2: &str| stderr_of(&paths, w2);
    // With path 0 black and left out, the warning still names the file's path 1.
    let one_black = dir.join("one_black.npy");
    let mut with_black_frame = image_paths(None);
    with_black_frame
        .slice_mut(ndarray::s![0, 2, .., .., ..])
        .fill(0.0);
    write_npy(&one_black, &with_black_frame).unwrap();
    let named = stderr_of(&one_black, "1000");
    assert!(
        named.contains("1 of 1 paths") && named.contains("paths [1]"),
        "{named}"
    );
    let too_large = stderr_with("1000");
    assert!(
        too_large.contains("warning: --w2 1000") && too_large.contains("2 of 2 paths"),
        "{too_large}"
    );
    let true_value = stderr_with("256");
    assert!(!true_value.contains("warning"), "{true_value}");
    // Below the squared shift of the blobs' centres no plan can cost (probe 10, EV09).
    let too_small = stderr_with("1e-9");
    assert!(
        too_small.contains("smaller than these endpoints' W₂²")
            && too_small.contains("2 of 2 paths"),
        "{too_small}"
    );
    // On a torus the centres bound nothing: mass may go the short way round (probe 23).
    let periodic = Command::new(binary("evaluate"))
        .arg(&paths)
        .args(["--w2", "1e-9", "--boundary", "periodic"])
        .output()
        .expect("the binary runs");
    let periodic = String::from_utf8_lossy(&periodic.stderr);
    assert!(!periodic.contains("endpoints' W₂²"), "{periodic}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder of PNG frames whose numbers skip (`f0, f1, f2, f5`) is measured with a warning
/// that the frames are taken as consecutive; consecutive numbers draw none (probe 23).
#[test]
fn path_energy_warns_about_missing_frame_numbers() {
    let dir = scratch("frame-gaps");
    for (folder, numbers) in [("gap", [0, 1, 2, 5]), ("whole", [3, 4, 5, 6])] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        for (t, number) in numbers.into_iter().enumerate() {
            let frame = disk(32, 32, (16.0, 8.0 + 4.0 * t as f64), 4.0);
            write_gray_png(&dir.join(folder).join(format!("f{number}.png")), &frame).unwrap();
        }
    }
    let stderr = path_energy_stderr(&dir.join("gap"));
    assert!(
        stderr.contains("numbers skip (2 to 5)") && stderr.contains("gap"),
        "{stderr}"
    );
    let stderr = path_energy_stderr(&dir.join("whole"));
    assert!(!stderr.contains("skip"), "{stderr}");
}

/// What `evaluate PATHS --w2 W2` writes to stderr; it must succeed.
fn stderr_of(paths: &Path, w2: &str) -> String {
    let output = Command::new(binary("evaluate"))
        .arg(paths)
        .args(["--w2", w2])
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "--w2 {w2}: {output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A black frame in the scored paths is counted in `blank_paths` with `--reference` as without
/// it; the reference is not blamed for it.
#[test]
fn evaluate_counts_a_black_frame_against_a_reference_as_blank() {
    let dir = scratch("blank-reference");
    let (paths, reference) = (dir.join("paths.npy"), dir.join("reference.npy"));
    let mut with_black_frame = image_paths(None);
    with_black_frame
        .slice_mut(ndarray::s![0, 2, .., .., ..])
        .fill(0.0);
    write_npy(&paths, &with_black_frame).unwrap();
    write_npy(&reference, &image_paths(None)).unwrap();
    let output = Command::new(binary("evaluate"))
        .arg(&paths)
        .arg("--reference")
        .arg(&reference)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["blank_paths"], 1);
    assert_eq!(report["reference"]["blank_paths"], 1);
    // And it is said on stderr, not only counted (probe 23).
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 of 2 paths have a black frame") && stderr.contains("paths [0]"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `path_energy` reads the gray image paths every method writes, `(P, frames, 1, H, W)` and
/// quickstart's `(frames, 1, H, W)`, as the same densities without their channel axis.
#[test]
fn path_energy_reads_the_gray_image_paths_methods_write() {
    let dir = scratch("gray-image-paths");
    let paths = image_paths(None);
    let files = [
        ("methods.npy", paths.clone().into_dyn()),
        (
            "quickstart.npy",
            paths.index_axis(Axis(0), 1).to_owned().into_dyn(),
        ),
        ("density.npy", paths.remove_axis(Axis(2)).into_dyn()),
    ];
    let energies: Vec<Vec<f64>> = files
        .iter()
        .map(|(name, array)| {
            let file = dir.join(name);
            write_npy(&file, array).unwrap();
            let output = Command::new(binary("path_energy"))
                .arg(&file)
                .output()
                .expect("the binary runs");
            assert!(output.status.success(), "{name}: {output:?}");
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(|line| {
                    let report: serde_json::Value = serde_json::from_str(line).unwrap();
                    report["energy"].as_f64().unwrap()
                })
                .collect()
        })
        .collect();
    assert_eq!(energies[0].len(), 2, "one line per path");
    assert_eq!(energies[1], energies[0][1..], "one path of 5 frames");
    assert_eq!(energies[2], energies[0]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// At the largest documented learning rate the decoder collapses to black in one epoch: the
/// error says so and names the flag, instead of failing in the path measure, and the
/// checkpoints are kept.
#[test]
fn quickstart_names_a_collapsed_decoder_and_keeps_its_checkpoints() {
    let dir = scratch("collapse");
    let (source, target, out) = (dir.join("src.png"), dir.join("tgt.png"), dir.join("run"));
    write_gray_png(&source, &disk(32, 32, (16.0, 8.0), 4.0)).unwrap();
    write_gray_png(&target, &disk(32, 32, (16.0, 24.0), 4.0)).unwrap();
    let output = Command::new(binary("quickstart"))
        .args(["--epochs", "1", "--learning-rate", "1", "--source"])
        .arg(&source)
        .arg("--target")
        .arg(&target)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for words in ["path energy: frame", "black", "--learning-rate below 1.0"] {
        assert!(stderr.contains(words), "{words:?} not in: {stderr}");
    }
    assert!(out.join("path_energy/model.bpk").is_file(), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `evaluate --benchmark pole` counts and warns about paths it cannot score as pole paths:
/// endpoints unlike every scene (here, blobs) or the same scene twice; true pole paths pass.
#[test]
fn evaluate_pole_names_paths_that_are_no_pole_intervals() {
    use dotae::data::pole::{PoleParams, pole_path};
    let dir = scratch("pole-misuse");
    let light = |azimuth_deg| PoleParams {
        elevation_deg: 60.0,
        azimuth_deg,
    };
    let interval = pole_path(32, light(10.0), light(85.0), 5).unwrap().0;
    let still = pole_path(32, light(10.0), light(10.0), 5).unwrap().0;
    let pole_paths = ndarray::stack(Axis(0), &[interval.view(), still.view()]).unwrap();
    let run_with = |name: &str, paths: &Array5<f64>, intervals: Option<&str>| {
        let file = dir.join(name);
        write_npy(&file, paths).unwrap();
        let mut command = Command::new(binary("evaluate"));
        command.arg(&file).args(["--benchmark", "pole"]);
        if let Some(json) = intervals {
            let intervals = dir.join("intervals.json");
            std::fs::write(&intervals, json).unwrap();
            command.arg("--intervals").arg(intervals);
        }
        let output = command.output().expect("the binary runs");
        assert!(output.status.success(), "{output:?}");
        let report: serde_json::Value =
            serde_json::from_str(&String::from_utf8_lossy(&output.stdout)).unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (report["pole"].clone(), stderr)
    };
    let run = |name: &str, paths: &Array5<f64>| run_with(name, paths, None);
    let (scores, stderr) = run("pole.npy", &pole_paths);
    assert_eq!(scores["same_scene_paths"], 1, "{stderr}");
    assert_eq!(scores["far_from_scenes_paths"], 0, "{stderr}");
    assert!(
        stderr.contains("1 of 2 paths are the same scene (paths [1])"),
        "{stderr}"
    );
    // The true intervals, then another run's: the second path's light is 90° off.
    let truth = r#"{"sources": [[60, 10], [60, 10]], "targets": [[60, 85], [60, 10]]}"#;
    let (scores, stderr) = run_with("pole.npy", &pole_paths, Some(truth));
    assert_eq!(scores["unlike_intervals_paths"], 0, "{stderr}");
    let other = r#"{"sources": [[60, 10], [60, 100]], "targets": [[60, 85], [60, 100]]}"#;
    let (scores, stderr) = run_with("pole.npy", &pole_paths, Some(other));
    assert_eq!(scores["unlike_intervals_paths"], 1, "{stderr}");
    assert!(
        stderr.contains(
            "1 of 2 paths start or end farther from the scene their --intervals light names"
        ),
        "{stderr}"
    );
    let (scores, stderr) = run("blobs.npy", &image_paths(None));
    assert_eq!(scores["far_from_scenes_paths"], 2, "{stderr}");
    assert!(
        stderr.contains("2 of 2 paths have an endpoint farther from every pole scene"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `evaluate --benchmark lines` counts and warns about paths whose ends are no lines (blobs,
/// pole scenes), with either renderer's lines, and passes true lines without a word.
#[test]
fn evaluate_lines_names_paths_that_are_no_lines() {
    let dir = scratch("lines-misuse");
    use dotae::data::pole::{PoleParams, pole_path};
    let light = |azimuth_deg| PoleParams {
        elevation_deg: 60.0,
        azimuth_deg,
    };
    let pole = |from, to| pole_path(32, light(from), light(to), 5).unwrap().0;
    let scenes =
        ndarray::stack(Axis(0), &[pole(10.0, 85.0).view(), pole(20.0, 40.0).view()]).unwrap();
    let lines = |from: f64, to: f64| dotae::data::lines::line_path(32, from, to, 5).unwrap();
    let true_lines =
        ndarray::stack(Axis(0), &[lines(0.1, 1.2).view(), lines(2.0, 0.4).view()]).unwrap();
    let cases = [
        ("blobs.npy", image_paths(None), true),
        ("pole.npy", scenes, true),
        ("lines.npy", true_lines, false),
    ];
    for (name, paths, far) in cases {
        let file = dir.join(name);
        write_npy(&file, &paths).unwrap();
        // On [0, 1] a pole scene sat nearer every dotae line than a flat image (probe 9, U3).
        for renderer in ["acai", "dotae"] {
            let output = Command::new(binary("evaluate"))
                .arg(&file)
                .args(["--benchmark", "lines", "--lines", renderer])
                .output()
                .expect("the binary runs");
            assert!(output.status.success(), "{output:?}");
            let report: serde_json::Value =
                serde_json::from_str(&String::from_utf8_lossy(&output.stdout)).unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let expected = if far { vec![0, 1] } else { vec![] };
            assert_eq!(
                report["lines"]["far_from_lines_paths"],
                serde_json::json!(expected),
                "{name} with --lines {renderer}: {stderr}"
            );
            assert_eq!(
                stderr.contains("2 of 2 paths have an end farther from every true line"),
                far,
                "{name} with --lines {renderer}: {stderr}"
            );
            // dotae's lines scored by ACAI's rules are named as the other renderer's (probe 16).
            if name == "lines.npy" {
                assert_eq!(
                    stderr.contains("nearer dotae's lines") && stderr.contains("--lines dotae"),
                    renderer == "acai",
                    "{name} with --lines {renderer}: {stderr}"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Paths of two frames hold no interpolation: `evaluate` scores them with a warning (probe 11:
/// a jump between two lines read as perfectly smooth).
#[test]
fn evaluate_warns_that_two_frame_paths_are_jumps() {
    let dir = scratch("two-frames");
    let file = dir.join("jump.npy");
    let lines = dotae::data::lines::line_path(32, 0.1, 1.2, 5).unwrap();
    let jump = lines
        .select(Axis(0), &[0, 4])
        .insert_axis(Axis(0))
        .to_owned();
    write_npy(&file, &jump).unwrap();
    let output = Command::new(binary("evaluate"))
        .arg(&file)
        .args(["--benchmark", "lines"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("jump.npy: its paths have 2 frames") && stderr.contains("a jump"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An obstacle that walls off a pocket where neither image has mass is usable: the pocket is
/// sealed into the obstacle with a warning that names the file, and both binaries that solve or
/// train between two images succeed (they used to fail on the trace of mass left in the pocket).
#[test]
fn an_empty_pocket_of_an_obstacle_is_sealed_with_a_warning() {
    let dir = scratch("empty-pocket");
    let pocket = Array2::from_shape_fn((32, 32), |(i, j)| {
        f64::from(u8::from((i == 4 && j >= 27) || (j == 27 && i <= 4)))
    });
    let mask = dir.join("pocket.png");
    write_gray_png(&mask, &pocket).unwrap();
    let (source, target) = (dir.join("source.png"), dir.join("target.png"));
    write_gray_png(&source, &disk(32, 32, (16.0, 8.0), 4.0)).unwrap();
    write_gray_png(&target, &disk(32, 32, (16.0, 24.0), 4.0)).unwrap();
    let mask_arg = mask.to_str().unwrap();
    let (src, tgt) = (source.to_str().unwrap(), target.to_str().unwrap());
    let out = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    for (binary_name, args) in [
        (
            "ot",
            vec!["geodesic", src, tgt, "--steps", "4", "--obstacle", mask_arg],
        ),
        (
            "quickstart",
            vec![
                "--source",
                src,
                "--target",
                tgt,
                "--epochs",
                "1",
                "--obstacle",
                mask_arg,
            ],
        ),
    ] {
        let output = Command::new(binary(binary_name))
            .args(&args)
            .arg("--out")
            .arg(out(binary_name))
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{binary_name}: {stderr}");
        assert!(
            stderr.contains("pocket.png encloses 1 pocket(s) of 16 pixel(s)"),
            "{binary_name}: {stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ot barycentre` of 32×32 disks of `radius` at `centres`, written into `dir` as `name<k>.png`:
/// its report and its stderr. It must succeed.
fn barycentre_of_disks(
    dir: &Path,
    name: &str,
    centres: &[(f64, f64)],
    radius: f64,
) -> (serde_json::Value, String) {
    let files: Vec<_> = centres
        .iter()
        .enumerate()
        .map(|(k, &centre)| {
            let file = dir.join(format!("{name}{k}.png"));
            write_gray_png(&file, &disk(32, 32, centre, radius)).unwrap();
            file
        })
        .collect();
    let output = Command::new(binary("ot"))
        .arg("barycentre")
        .args(&files)
        .arg("--out")
        .arg(dir.join(format!("out-{name}")))
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    let report = serde_json::from_str(&String::from_utf8_lossy(&output.stdout)).unwrap();
    (report, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// `ot barycentre` of two images warns when its result costs far more than their known optimum
/// (a blend, from an ε too small for mass that far apart) and stays quiet when it does not.
#[test]
fn ot_barycentre_warns_about_a_blend() {
    let dir = scratch("barycentre-blend");
    let corners = [(2.0, 2.0), (29.0, 29.0)];
    let middle = [(16.0, 8.0), (16.0, 24.0)];
    // Of one image twice the optimum is 0, and the blur alone costs something.
    let same = [(16.0, 8.0), (16.0, 8.0)];
    for (name, centres, radius, blend) in [
        ("corners", corners, 1.5, true),
        ("middle", middle, 4.0, false),
        ("same", same, 4.0, false),
    ] {
        let (report, stderr) = barycentre_of_disks(&dir, name, &centres, radius);
        let ratio = report["cost"].as_f64().unwrap() / report["optimal_cost"].as_f64().unwrap();
        assert_eq!(
            stderr.contains("close to a blend"),
            blend,
            "{name}: ratio {ratio}, {stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ot geodesic` from an image to itself is exact (W₂² 0, a still path) and draws no warning
/// (0 against 0 used to read as a NaN ratio, "not yet a geodesic").
#[test]
fn ot_geodesic_from_an_image_to_itself_draws_no_warning() {
    let dir = scratch("geodesic-same");
    let file = dir.join("disk.png");
    write_gray_png(&file, &disk(16, 16, (8.0, 8.0), 3.0)).unwrap();
    let output = Command::new(binary("ot"))
        .arg("geodesic")
        .args([&file, &file])
        .args(["--steps", "8", "--out"])
        .arg(dir.join("out"))
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Of three images no optimum is known, but every barycentre costs at least
/// `Σ_{i<j} wᵢwⱼ W₂²`, which translated copies of one disk reach: `ot barycentre` reports the
/// bound, stays quiet near it and warns at the default ε for disks in three corners, where the
/// iteration's result costs 1.3x it (1.01x at ε = 8e-3).
#[test]
fn ot_barycentre_of_three_images_checks_its_cost_against_the_pairwise_bound() {
    let dir = scratch("barycentre-three");
    let triangle = [(8.0, 8.0), (8.0, 24.0), (24.0, 16.0)];
    let corners = [(2.0, 2.0), (29.0, 29.0), (2.0, 29.0)];
    for (name, centres, radius, warns) in [
        ("triangle", triangle, 4.0, false),
        ("corners", corners, 1.5, true),
    ] {
        let (report, stderr) = barycentre_of_disks(&dir, name, &centres, radius);
        assert!(report["optimal_cost"].is_null(), "{report}");
        let ratio = report["cost"].as_f64().unwrap() / report["cost_lower_bound"].as_f64().unwrap();
        assert!(
            ratio >= 1.0,
            "{name}: a barycentre below the bound: {ratio}"
        );
        assert_eq!(
            stderr.contains("the lower bound"),
            warns,
            "{name}: ratio {ratio}, {stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Help text that cannot be written is an error, as every other output is: exit 1, a message.
#[test]
fn help_to_a_full_stdout_fails_by_name() {
    for name in ["evaluate", "ot", "path_energy"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = Command::new(binary(name))
            .arg("--help")
            .stdout(full)
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{name}: {stderr}"
        );
    }
}

/// A file-size limit (`ulimit -f`) and a descriptor limit (`ulimit -n`) make a write fail; the
/// run reports it and leaves nothing, where SIGXFSZ used to end it silently with its staging
/// folder behind, and a failed cleanup to keep it.
#[test]
fn resource_limits_are_write_errors_that_leave_nothing() {
    let outs = scratch("ulimits");
    let images: Vec<_> = [(8.0, 5.0), (8.0, 11.0)]
        .iter()
        .enumerate()
        .map(|(k, &centre)| {
            let file = outs.join(format!("disk{k}.npy"));
            write_npy(&file, &disk(16, 16, centre, 2.0)).unwrap();
            file.display().to_string()
        })
        .collect();
    for (limit, words) in [("-f 1", "File too large"), ("-n 4", "Too many open files")] {
        let out = outs.join("run");
        let script = format!(
            "ulimit {limit}; exec {} barycentre {} {} --out {}",
            binary("ot").display(),
            images[0],
            images[1],
            out.display()
        );
        let output = Command::new("sh")
            .args(["-c", &script])
            .output()
            .expect("sh runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "ulimit {limit}: {stderr}");
        assert!(
            stderr.contains(words) && stderr.contains("barycentre.npy"),
            "ulimit {limit}: {stderr}"
        );
        assert!(!out.exists(), "ulimit {limit}: --out was created");
        assert!(
            staging_dirs(&outs).is_empty(),
            "ulimit {limit}: staging left"
        );
    }
    let _ = std::fs::remove_dir_all(&outs);
}

/// The next run for an `--out` removes its abandoned staging folders (a lock file that no
/// process holds) and nothing else: not a folder that only looks like one (no lock file: a
/// user's), and not one whose lock is held — a live run, even in another PID namespace, where
/// its process id (here one that does not exist) says nothing. While that run lives, the new
/// one refuses its --out.
#[test]
fn only_abandoned_staging_folders_are_removed() {
    let outs = scratch("staging-locks");
    let lock = ".dotae-staging.lock";
    let abandoned = outs.join(".run.partial-4194301");
    let users = outs.join(".run.partial-4194302");
    let live = outs.join(".run.partial-4194303");
    for dir in [&abandoned, &users, &live] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(abandoned.join(lock), b"").unwrap();
    std::fs::write(users.join("notes.txt"), b"mine").unwrap();
    let held = held_lock(&live.join(lock));
    let images: Vec<_> = [(8.0, 5.0), (8.0, 11.0)]
        .iter()
        .enumerate()
        .map(|(k, &centre)| {
            let file = outs.join(format!("disk{k}.png"));
            write_gray_png(&file, &disk(16, 16, centre, 2.0)).unwrap();
            file
        })
        .collect();
    let run = || {
        Command::new(binary("ot"))
            .arg("barycentre")
            .args(&images)
            .arg("--out")
            .arg(outs.join("run"))
            .output()
            .expect("the binary runs")
    };
    // A live run into the same --out: this one refuses (probe 17), after the clean-up.
    let output = run();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{output:?}");
    assert!(
        stderr.contains("is being written by another run")
            && stderr.contains(".run.partial-4194303"),
        "{stderr}"
    );
    assert!(
        !abandoned.exists(),
        "the abandoned staging folder is still there"
    );
    assert!(
        users.join("notes.txt").is_file(),
        "a user's folder was removed"
    );
    assert!(
        live.join(lock).is_file(),
        "a live run's staging folder was removed"
    );
    assert_eq!(staging_dirs(&outs).len(), 2, "{:?}", staging_dirs(&outs));
    // Once that run is gone, its folder is abandoned and the next run publishes.
    drop(held);
    let output = run();
    assert!(output.status.success(), "{output:?}");
    assert!(
        !live.exists(),
        "the abandoned staging folder is still there"
    );
    assert!(
        !outs.join("run").join(lock).exists(),
        "the lock file was published"
    );
    let _ = std::fs::remove_dir_all(&outs);
}

/// A live run into an existing folder is found under another name of that folder, a link
/// to it (probe 24: two runs into `o` and into a link to `o` both published, and one run's
/// results were lost).
#[test]
fn a_live_run_is_found_through_a_link_to_its_out() {
    let outs = scratch("staging-link");
    let real = outs.join("real");
    let live = real.join(".real.partial-4194303");
    std::fs::create_dir_all(&live).unwrap();
    let held = held_lock(&live.join(".dotae-staging.lock"));
    std::os::unix::fs::symlink(&real, outs.join("alias")).unwrap();
    let image = outs.join("disk.png");
    write_gray_png(&image, &disk(16, 16, (8.0, 8.0), 2.0)).unwrap();
    let stderr = stderr_of_a_failure(
        Command::new(binary("ot"))
            .arg("barycentre")
            .args([&image, &image])
            .arg("--out")
            .arg(outs.join("alias")),
    );
    assert!(
        stderr.contains("--out") && stderr.contains("is being written by another run"),
        "{stderr}"
    );
    drop(held);
    let _ = std::fs::remove_dir_all(&outs);
}

fn training_quickstart(outs: &Path) -> std::process::Child {
    let child = Command::new(binary("quickstart"))
        .args(["--epochs", "1000000", "--out"])
        .arg(outs.join("run"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while staging_dirs(outs)
        .iter()
        .all(|dir| !outs.join(dir).join("path_energy/config.json").is_file())
    {
        assert!(started.elapsed().as_secs() < 120, "training never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    child
}

/// The staging directories in `outs`.
fn staging_dirs(outs: &Path) -> Vec<String> {
    std::fs::read_dir(outs)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

fn send(child: &std::process::Child, signal: libc::c_int) {
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
}

/// `signal` lets the step finish, keeps the checkpoint, removes the rest and exits 128 + the
/// signal, as a shell reports an interrupted command.
/// `signal` sent `times` times back to back stops the run after a step, keeping its checkpoint.
fn stops_after_a_step_and_keeps_the_checkpoint(signal: libc::c_int, times: usize) {
    let outs = scratch(&format!("signal-{signal}-{times}"));
    let out = outs.join("run");
    let child = training_quickstart(&outs);
    for _ in 0..times {
        send(&child, signal);
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(128 + signal), "{stderr}");
    assert!(stderr.contains("interrupted by a signal"), "{stderr}");
    assert!(out.join("path_energy/model.bpk").is_file(), "{stderr}");
    assert!(out.join("path_energy/config.json").is_file());
    // Nothing else: no pictures, no metrics, no staging folder.
    assert!(!out.join("metrics.json").exists());
    let names: Vec<String> = std::fs::read_dir(&outs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["run"]);
    let _ = std::fs::remove_dir_all(&outs);
}

#[test]
fn sigint_stops_training_after_a_step_and_keeps_the_checkpoint() {
    stops_after_a_step_and_keeps_the_checkpoint(libc::SIGINT, 1);
}

#[test]
fn sigterm_stops_training_after_a_step_and_keeps_the_checkpoint() {
    stops_after_a_step_and_keeps_the_checkpoint(libc::SIGTERM, 1);
}

/// `timeout -s ALRM` ended a run at once and left its staging folder (probe 22, S04).
#[test]
fn sigalrm_stops_training_after_a_step_and_keeps_the_checkpoint() {
    stops_after_a_step_and_keeps_the_checkpoint(libc::SIGALRM, 1);
}

/// A reference between other images, or run backwards, is scored with a warning (probe 22,
/// E21/E22: energy ratios of 1.0 and 2.36 without a word); the paths' own reference is not.
#[test]
fn evaluate_warns_about_a_reference_between_other_images() {
    let dir = scratch("reference-elsewhere");
    let (paths, reversed) = (dir.join("paths.npy"), dir.join("reversed.npy"));
    let moving = image_paths(None);
    write_npy(&paths, &moving).unwrap();
    let mut backwards = moving.clone();
    backwards.invert_axis(Axis(1));
    write_npy(&reversed, &backwards).unwrap();
    let stderr_with = |reference: &Path| {
        let output = Command::new(binary("evaluate"))
            .arg(&paths)
            .arg("--reference")
            .arg(reference)
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        stderr
    };
    let warned = stderr_with(&reversed);
    assert!(
        warned.contains("reversed.npy: 2 of 2 paths [0, 1] start or end farther"),
        "{warned}"
    );
    let own = stderr_with(&paths);
    assert!(!own.contains("--reference"), "{own}");
}

/// GNU `timeout` sends SIGTERM to the process and again to its group: one request, not two.
#[test]
fn the_same_signal_twice_at_once_still_stops_after_a_step() {
    stops_after_a_step_and_keeps_the_checkpoint(libc::SIGTERM, 2);
}

/// `signals`, sent back to back, end the run at once and keep nothing: no checkpoint, no
/// `--out`, and no staging folder; the exit code is 128 + one of `signals`.
fn ends_at_once_keeping_nothing(name: &str, signals: &[libc::c_int]) {
    let outs = scratch(name);
    let child = training_quickstart(&outs);
    for &signal in signals {
        send(&child, signal);
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let ended_by: Vec<Option<i32>> = signals.iter().map(|s| Some(128 + s)).collect();
    assert!(ended_by.contains(&output.status.code()), "{stderr}");
    assert!(
        stderr.contains("stopped at once, keeping nothing of this run"),
        "{stderr}"
    );
    let left: Vec<String> = std::fs::read_dir(&outs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, Vec::<String>::new(), "{stderr}");
    let _ = std::fs::remove_dir_all(&outs);
}

/// Probe 28 found a staging folder left for the next run to remove. Two different signals: the
/// same one again at once counts as the first delivered twice.
#[test]
fn a_second_signal_ends_at_once_keeping_nothing() {
    ends_at_once_keeping_nothing("second-signal", &[libc::SIGINT, libc::SIGTERM]);
}

/// Ctrl-\ quits at once, and since probe 30 without leaving the staging folder.
#[test]
fn sigquit_ends_at_once_keeping_nothing() {
    ends_at_once_keeping_nothing("sigquit", &[libc::SIGQUIT]);
}

/// A decoder trained for a few epochs decodes a faint blur that costs a fraction of the exact
/// path: quickstart warns that no path between the two images can cost that little (probe 19,
/// Q01/Q20: energy ratios of 0.02 and 0.09 without a word).
#[test]
fn quickstart_warns_about_paths_cheaper_than_the_geodesic() {
    let outs = scratch("cheaper");
    let output = Command::new(binary("quickstart"))
        .args(["--epochs", "5", "--out"])
        .arg(outs.join("q"))
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("which no path between the two images can"),
        "{stderr}"
    );
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(outs.join("q/metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["plain"]["cheaper_than_geodesic"], true, "{metrics}");
}

/// `--w2` sums the channels, so an RGB path's bound is three channels' (probe 19, E12: the sum
/// 3 × 392 was refused against one channel's 450); a NaN in a 3-D file is named by frame, row and
/// column, not by an index with an axis the file lacks (P05).
#[test]
fn evaluate_bounds_w2_per_channel_and_path_energy_names_a_nan_by_frame() {
    let dir = scratch("rgb-w2");
    let file = dir.join("rgb.npy");
    let gray = image_paths(None);
    let rgb = ndarray::concatenate(Axis(2), &[gray.view(), gray.view(), gray.view()]).unwrap();
    write_npy(&file, &rgb).unwrap();
    // One channel of 32×32 moves no unit mass farther than 2 × 31² = 1922 px²; three channels
    // sum to at most 5766. 2000 lies between: accepted (with a warning that the paths cost less).
    let output = Command::new(binary("evaluate"))
        .arg(&file)
        .args(["--w2", "2000"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let output = Command::new(binary("evaluate"))
        .arg(&file)
        .args(["--w2", "6000"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("summed over them as --w2 is: 5766"),
        "{stderr}"
    );
    let nan = dir.join("nan.npy");
    let mut frames = Array3::<f64>::ones((4, 8, 8));
    frames[[2, 5, 6]] = f64::NAN;
    write_npy(&nan, &frames).unwrap();
    let output = Command::new(binary("path_energy"))
        .arg(&nan)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("path 0, frame 2 holds the non-finite value NaN at row 5, column 6"),
        "{stderr}"
    );
}

/// A path whose mass vanishes in one place and reappears in another has an energy set by the
/// density floor: `evaluate` counts it in `floor_set_paths` and both measuring binaries warn,
/// naming the file and the path; a path that moves its mass draws no such warning (probe 18,
/// E31: such a path measured 83 735 or 4.1e7 at floors of 1e-3 and 1e-6, without a word).
#[test]
fn energies_set_by_the_density_floor_are_warned_about() {
    let dir = scratch("floor-set");
    let file = dir.join("fade.npy");
    let mut paths = image_paths(None);
    // Path 1 fades between disjoint disks instead of moving the blob.
    let (from, to) = (
        disk(32, 32, (8.0, 8.0), 4.0),
        disk(32, 32, (24.0, 24.0), 4.0),
    );
    for t in 0..5 {
        let s = t as f64 / 4.0;
        paths
            .slice_mut(ndarray::s![1, t, 0, .., ..])
            .assign(&(&from * (1.0 - s) + &to * s));
    }
    write_npy(&file, &paths).unwrap();
    let output = Command::new(binary("evaluate"))
        .arg(&file)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["floor_set_paths"], 1, "{report}");
    assert!(
        stderr.contains("fade.npy: path 1 has an energy set by the density floor"),
        "{stderr}"
    );
    // path_energy reads gray paths: the channel axis dropped.
    let gray = dir.join("fade_gray.npy");
    write_npy(&gray, &paths.index_axis(Axis(2), 0).to_owned()).unwrap();
    let stderr = path_energy_stderr(&gray);
    assert!(
        stderr.contains("fade_gray.npy: path 1 has an energy set by the density floor"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts `binary args`, waits until a line of its stderr contains `needle` (at most 120 s),
/// stops it with SIGINT and returns everything it wrote to stderr.
fn stderr_until_then_interrupt(
    binary_name: &str,
    args: &[&str],
    out: &Path,
    needle: &str,
) -> String {
    use std::io::BufRead;
    let mut child = Command::new(binary(binary_name))
        .args(args)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    let started = std::time::Instant::now();
    let mut seen = String::new();
    while !seen.contains(needle) && started.elapsed().as_secs() < 120 {
        if let Ok(line) = received.recv_timeout(std::time::Duration::from_millis(200)) {
            seen.push_str(&line);
            seen.push('\n');
        }
    }
    send(&child, libc::SIGINT);
    child.wait().unwrap();
    while let Ok(line) = received.recv_timeout(std::time::Duration::from_millis(500)) {
        seen.push_str(&line);
        seen.push('\n');
    }
    assert!(seen.contains(needle), "no `{needle}` within 120 s: {seen}");
    seen
}

/// Runs of more than a minute at in-range settings say so early (probe 20: `quickstart
/// --steps 64` and `paper steps` trained for minutes without a word); an entry of `--out` in
/// the way of a file the run writes no longer costs the trained checkpoints.
#[test]
fn long_runs_are_announced_and_a_blocked_out_keeps_the_checkpoints() {
    let outs = scratch("announced");
    let quickstart = stderr_until_then_interrupt(
        "quickstart",
        &["--epochs", "1000000"],
        &outs.join("q"),
        "note: at the pace of its epochs 2 to 5",
    );
    assert!(quickstart.contains("min together"), "{quickstart}");
    let paper = stderr_until_then_interrupt(
        "paper",
        &["steps"],
        &outs.join("p"),
        "note: paper steps will take about",
    );
    assert!(paper.contains("--quick runs in seconds"), "{paper}");
    let blocked = outs.join("blocked");
    std::fs::create_dir_all(blocked.join("metrics.json")).unwrap();
    let stderr = stderr_of_a_failure(
        Command::new(binary("quickstart"))
            .args(["--epochs", "2", "--out"])
            .arg(&blocked),
    );
    assert!(
        stderr.contains("is in the way") && stderr.contains("kept the last good checkpoints"),
        "{stderr}"
    );
    assert!(blocked.join("path_energy/model.bpk").is_file());
}

/// A map that ends further from its target than it started is published with a warning
/// (probe 24: `--tau 1e-6` diverged to W₂ 167 from about 12 without a word).
#[test]
fn diotm_warns_about_a_map_that_diverged() {
    let outs = scratch("diotm-diverged");
    let stderr = stderr_of_a_success(
        Command::new(binary("diotm"))
            .args([
                "--benchmark",
                "g8g",
                "--method",
                "otm",
                "--iterations",
                "100",
            ])
            .args([
                "--eval-every",
                "100",
                "--test-size",
                "100",
                "--tau",
                "1e-6",
                "--out",
            ])
            .arg(outs.join("run")),
    );
    assert!(
        stderr.contains("warning: OTM on g8g, seed 0") && stderr.contains("diverged"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&outs);
}

/// A run into a folder holding an earlier run's other methods says that they stay beside its
/// own results (probe 29: a `lines` run published into an MNIST run's folder without a word;
/// probe 30: `paper` too, since every binary's publishing says it).
#[test]
fn a_run_beside_an_earlier_runs_methods_says_so() {
    let outs = scratch("earlier-methods");
    let run = |method: &str| {
        stderr_of_a_success(
            Command::new(binary("pole"))
                .args(["--quick", "--method", method, "--out"])
                .arg(outs.join("run")),
        )
    };
    let first = run("baseline");
    assert!(!first.contains("also holds"), "{first}");
    let second = run("vae");
    assert!(
        second.contains("also holds baseline/, which this run left as they were"),
        "{second}"
    );
    // The same method again replaces its folder: only the baseline's is named.
    let again = run("vae");
    assert!(again.contains("also holds baseline/, which"), "{again}");
    let _ = std::fs::remove_dir_all(&outs);
}

/// Runs `command`, asserts that it exits 1 (a clear error) and returns its stderr.
fn stderr_of_a_failure(command: &mut Command) -> String {
    let output = command.output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    stderr
}

/// Runs `command`, asserts that it exits 0 and returns its stderr.
fn stderr_of_a_success(command: &mut Command) -> String {
    let output = command.output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// `file`, created and locked (`flock`) as a live run holds its staging folder's lock.
fn held_lock(file: &Path) -> std::fs::File {
    use std::os::fd::AsRawFd;
    let held = std::fs::File::create(file).unwrap();
    // SAFETY: locking a file this test owns.
    let locked = unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    assert_eq!(locked, 0);
    held
}

/// A relative floor high enough to change every path's energy is warned about (probe 24:
/// `--floor 0.5` moved a translation's W₂² estimate from 568 to 351 with only a note).
#[test]
fn path_energy_warns_about_a_floor_that_changes_every_energy() {
    let dir = scratch("distorting-floor");
    let file = dir.join("squares.npy");
    write_npy(&file, &moving_squares()).unwrap();
    let stderr = stderr_of_a_success(
        Command::new(binary("path_energy"))
            .arg(&file)
            .args(["--floor", "0.5"]),
    );
    assert!(
        stderr.contains("warning: --floor 0.5")
            && stderr.contains("changes the energy of any path"),
        "{stderr}"
    );
    let quiet = stderr_of_a_success(Command::new(binary("path_energy")).arg(&file));
    assert!(!quiet.contains("--floor"), "{quiet}");
    let _ = std::fs::remove_dir_all(&dir);
}
