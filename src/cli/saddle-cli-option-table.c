/* saddle-cli-option-table.c — what each saddle-cli option means, which commands take it, and
 * what each command writes: the text of --help */
#include "config.h"

#include "saddle-cli-options-private.h"

const SaddleCliOptionSpec saddle_cli_option_specs[] = {
  { "task", FOR_ALL_MODEL, FALSE,
    "Task: image (classify IDX images), function (fit a 1-D function) or autoencoder (a "
    "20-4-20 linear autoencoder on the images' first 20 principal components, whose critical "
    "points are known in closed form: critical checks each point found against them and "
    "writes ground-truth.csv; its preset: --hidden 4 --activation identity --lr 0.003 --batch 100 "
    "--epochs 10 --descent-steps 0 --newton dense --newton-steps 300 --tolerance 1e-10 "
    "--grad-tolerance 1e-8, 20 critical runs). Default: image; critical and hessian: function",
    "image|function|autoencoder" },
  { "data", FOR_ALL_MODEL | FOR_BENCH, FALSE,
    "Training data. Image task: an IDX folder, an IDX images file, or a CSV file of labelled "
    "rows label,feature,… (a name ending in .csv, or any text file). Function task: a CSV file "
    "of x,y rows. Default: the bundled Fashion-MNIST subset, or the generated --function",
    "PATH" },
  { "label-column", FOR_ALL_MODEL, FALSE,
    "(CSV classification) The header name of the label column; naming it says the first row is "
    "a header. Default: a column called label, else the first. Implies --task image", "NAME" },
  { "standardize", FOR_ALL_MODEL, TRUE,
    "(CSV classification) Rescale each feature to mean 0 and standard deviation 1 over the "
    "samples used. Default: off, the values as written (a network trained elsewhere saw "
    "those). Implies --task image", NULL },
  { "function", FOR_ALL_MODEL, FALSE,
    "Function to fit when there is no --data: sinc = sin(5πx)/(5πx) or sign = sign(sin(5πx)) "
    "on [0, 1]. Default: sinc", "sinc|sign" },
  { "samples", FOR_ALL_MODEL, FALSE,
    "Training samples: the first N images (or CSV rows) or N function points, 1–1000000. "
    "Default: 1000", "N" },
  { "hidden", FOR_ALL_MODEL, FALSE,
    "Hidden layer widths, comma-separated (\"\" = none, a linear model), up to 8 of 1–100000. "
    "Default: 20,20 (image), 363 (function), 31,31 (critical and hessian)", "W,W,…" },
  { "activation", FOR_ALL_MODEL, FALSE,
    "Hidden activation: relu, tanh, sigmoid or identity. Default: relu",
    "relu|tanh|sigmoid|identity" },
  { "optimizer", FOR_ALL_MODEL, FALSE,
    "Optimizer: sgd, momentum (μ = 0.9) or adam. Default: adam", "sgd|momentum|adam" },
  { "lr", FOR_ALL_MODEL, FALSE,
    "Learning rate, in (0, 10]. Default: 0.003 (image), 0.01 (function)", "X" },
  { "batch", FOR_ALL_MODEL, FALSE,
    "Minibatch size, 1–1000000 (clamped to the samples). Default: 200 (image), 20 (function)",
    "N" },
  { "epochs", FOR_ALL_MODEL, FALSE,
    "Training epochs per run, 1–100000; critical --task autoencoder: run r trains "
    "1 + (r − 1) mod N epochs, so the runs stop at different stages. "
    "Default: 30 (image), 200 (function), 10 (autoencoder)", "N" },
  { "seed", FOR_ALL_MODEL | FOR_BENCH, FALSE,
    "Seed of every random draw: the same seed gives the same numbers. Default: 1", "N" },
  { "runs", FOR_ALL_MODEL, FALSE,
    "Training runs from different seeds, 1–10000. Default: 8; critical: 100", "N" },
  { "first-run", FOR_ALL_MODEL, FALSE,
    "Number of the first run, to split one study across machines: runs first-run … "
    "first-run+runs−1 give the same numbers as in one big study (runs count from 1 in every "
    "output). Default: 1",
    "N" },
  { "threads", FOR_ALL_MODEL | FOR_BENCH, FALSE,
    "BLAS threads, 0–256; 0 = one per run in the studies, and one for their PCA and loss "
    "surface (parallelism comes from --jobs), OpenBLAS's default (all cores) in hessian and "
    "bench. Default: 0", "N" },
  { "tolerance", FOR_ALL_MODEL, FALSE,
    "Eigenvalue zero band: |λ| ≤ X·max|λ| counts as zero, X in (0, 1). Default: 1e-6", "X" },
  { "grad-tolerance", FOR_ALL_MODEL, FALSE,
    "Stop the ‖∇L‖² descent once ‖∇L‖ ≤ X, X in (0, 1). Default: 1e-4", "X" },
  { "descent-steps", FOR_ALL_MODEL, FALSE,
    "Cap on ‖∇L‖² descent steps before the Hessian, 0–1000000. "
    "Default: 1000; hessian: 0 (analyse the weights as given)", "N" },
  { "newton-steps", FOR_ALL_MODEL, FALSE,
    "Newton refinement after the descent, to bring ‖∇L‖ towards rounding level before the "
    "spectrum is classified: at most N Hessians built (dense and dense lm; each may serve "
    "several steps) or solves (MINRES, or lm's CG beyond 4,096 parameters), 0–1000. "
    "Default: 20; hessian: 0", "N" },
  { "newton", FOR_ALL_MODEL, FALSE,
    "How a Newton step is solved: dense (pseudo-inverse through the full eigendecomposition), "
    "minres (Newton-MR: MINRES on H·δ = −∇L with Hessian-vector products, no n × n matrix), "
    "lm (Levenberg–Marquardt: (H² + μI)·δ = −H·∇L, μ adapted to how well each step was "
    "predicted; dense up to 4,096 parameters, else CG with Hessian-vector products) or auto "
    "(minres for ReLU nets; else lm up to 4,096 parameters if it fits). Default: auto",
    "auto|dense|minres|lm" },
  { "jobs", FOR_STUDY, FALSE,
    "Runs trained at once on worker threads, 0–256; 0 = one per processor (at most the runs), "
    "1 = one after another. Each run's BLAS calls use one thread (unless --threads is given), so "
    "the numbers are the same for every job count. Default: 0", "N" },
  { "certify-tolerance", FOR_ALL_MODEL, FALSE,
    "A point is certified stationary, and only then called a minimum, saddle or degenerate, "
    "when ‖∇L‖ ≤ X or, for ReLU nets, its Clarke distance is; X in (0, 1). Default: 1e-8", "X" },
  { "clarke-epsilon", FOR_ALL_MODEL, FALSE,
    "ReLU kinks (sample, unit) within this parameter distance of the point enter its Clarke "
    "subdifferential, in [0, 1). Default: 1e-9", "X" },
  { "still-steps", FOR_ALL_MODEL, FALSE,
    "Still-descending test: L-BFGS steps on the loss from each analysed point, 0–100000 "
    "(0: no test). Default: 500", "N" },
  { "still-factor", FOR_ALL_MODEL, FALSE,
    "An uncertified point whose loss falls by more than this factor in that test is "
    "unconverged training, in (1, 1e6]. Default: 1.1", "X" },
  { "descent-lr", FOR_ALL_MODEL, FALSE,
    "Adam learning rate of the ‖∇L‖² descent, in (0, 10]. Default: 0.001", "X" },
  { "snapshot-every", FOR_TRAJECTORIES_ONLY, FALSE,
    "Iterations between parameter snapshots for the trajectories; 0 = at every epoch end. "
    "Default: 0", "N" },
  { "layer", FOR_TRAJECTORIES_ONLY, FALSE,
    "Weight layer of the per-layer trajectory, counted from 1 (1 = the first weight matrix, "
    "input to first hidden layer). Default: 1", "N" },
  { "surface", FOR_TRAJECTORIES_ONLY, FALSE,
    "Nodes per axis of the loss surface over the PCA plane, drawn behind the paths: 0 (none) "
    "or 2–401; it costs N² losses on the whole training set. Default: 41", "N" },
  { "out", FOR_ALL_MODEL | FOR_BENCH | FOR_MERGE, FALSE,
    "Folder for the CSV, SVG and JSON outputs (created if needed). Default: ./results", "DIR" },
  { "save-weights", FOR_ALL_MODEL, FALSE,
    "Write each run's final parameters (a critical study: its critical point; hessian: the "
    "analysed point): FILE itself for one run, FILE-runN.EXT for run N of several; "
    "safetensors, .npz or .npy (float64 tensors as torch.nn.Sequential's state_dict, with the "
    "activation and widths) by the extension, else text, one number a line", "FILE" },
  { "ratio", FOR_CRITICAL_ONLY | FOR_MERGE, FALSE,
    "Ratio on the y axis of critical.svg and in the fitted trend: minimal (#λ>0 / n, the zero "
    "band counted in n) or nonzero (#λ>0 / (#λ>0 + #λ<0)). Default: minimal", "minimal|nonzero" },
  { "pb-fit", FOR_CRITICAL_ONLY | FOR_MERGE, TRUE,
    "Fit the Pennington–Bahri law index ≈ a·(loss − loss_c)^{3/2} to index = 1 − ratio, print "
    "loss_c, a and the RMS residual and draw the fit on critical.svg", NULL },
  { "ratio-axis-full", FOR_CRITICAL_ONLY | FOR_MERGE, TRUE,
    "Draw critical.svg's ratio axis over 0–1, as in the homework; by default it fits the "
    "points with a margin", NULL },
  { "slice-run", FOR_CRITICAL_ONLY, FALSE,
    "Loss slice at run N's critical point along its bottom and top Hessian eigenvectors: "
    "slice-runN.csv and slice-runN.svg. Default: none", "N" },
  { "method", FOR_HESSIAN, FALSE,
    "How to find the spectrum: dense (the full Hessian, every eigenvalue, counts and label), "
    "lanczos (the --k lowest and highest eigenvalues from Hessian-vector products only) or slq "
    "(the eigenvalue density by stochastic Lanczos quadrature). Lanczos and slq never build the "
    "n × n matrix: use them when it does not fit in memory. Default: dense", "dense|lanczos|slq" },
  { "eigensolver", FOR_HESSIAN, FALSE,
    "(dense) Who finds the eigenvalues: elpa (ELPA's two-stage solver) or scalapack (ScaLAPACK "
    "pdsyevd) over the ranks of an mpirun, the Hessian built in ScaLAPACK's block-cyclic layout "
    "with each rank holding its blocks; or lapack, in one process. Default under mpirun: elpa "
    "for the eigenvalues alone, scalapack when eigenvectors come back (--eigenvectors, --slice, "
    "or up to 4,096 parameters), the faster of the two measured here; lapack without mpirun",
    "elpa|scalapack|lapack" },
  { "memory-per-rank", FOR_HESSIAN, FALSE,
    "(dense, under mpirun) Bytes each rank may use for the Hessian, its eigensolver and the "
    "eigenvectors (suffixes KiB, MiB, GiB, TiB, kB, MB, GB, TB): a smaller node emulated; the "
    "Hessian is refused before any work when it does not fit. Default: this machine's available "
    "memory shared by its ranks", "BYTES" },
  { "eigenvectors", FOR_HESSIAN, FALSE,
    "(dense, under mpirun) Also the unit eigenvectors of the K smallest and the K largest "
    "eigenvalues, brought back to rank 0: eigenvectors.csv, and the directions of --slice", "K" },
  { "k", FOR_HESSIAN, FALSE,
    "(lanczos) Distinct extreme eigenvalues to find at each end, 1–100000 (at most the parameter "
    "count). Default: 10", "N" },
  { "iterations", FOR_HESSIAN, FALSE,
    "(lanczos) Cap on Lanczos steps, 1–1000000, capped at the parameter count; default 1000. "
    "(slq) Lanczos steps per probe vector; default 90", "N" },
  { "probes", FOR_HESSIAN, FALSE,
    "(slq) Random probe vectors averaged into the density, 1–10000. Default: 10", "N" },
  { "slice", FOR_HESSIAN, TRUE,
    "Also the loss along the bottom and top Hessian eigenvectors, loss(θ + α·v) for α in "
    "[−R, R]: slice.csv and slice.svg", NULL },
  { "slice-range", FOR_HESSIAN | FOR_CRITICAL_ONLY, FALSE,
    "Half-width R of the slice in parameter space (v is a unit vector), a finite number > 0. "
    "Default: 1", "R" },
  { "slice-points", FOR_HESSIAN | FOR_CRITICAL_ONLY, FALSE,
    "Points along each slice, 2–100001. Default: 101", "M" },
  { "spectra", FOR_CRITICAL_ONLY | FOR_MERGE, FALSE,
    "Spectrum charts to write: first (the first analysed run) or all. Default: first",
    "first|all" },
  { "weights", FOR_HESSIAN, FALSE,
    "The parameters to analyse (required): text, safetensors, .npy or .npz, told apart by "
    "content; a PyTorch state_dict of nn.Linear layers, or a --save-weights file", "FILE" },
  { "large", FOR_BENCH, TRUE,
    "Also time the full Hessian of the 16,330-parameter image model (minutes; a 2.1 GB matrix)",
    NULL },
  { "mpi", FOR_BENCH, TRUE,
    "Only time critical --runs 20 --jobs 1 as one process and on 2 MPI ranks (mpirun -np 2), "
    "twice each: the parallel efficiency, and that both wrote the same critical.csv (minutes)",
    NULL },
  { "hessian", FOR_BENCH, TRUE,
    "With --mpi: time hessian --method dense of the 16,330-parameter image model instead, by "
    "LAPACK in one process and by ELPA and ScaLAPACK pdsyevd on 1 and 2 MPI ranks (tens of "
    "minutes; about 12 GB on one rank)", NULL },
  { "quick", FOR_BENCH, TRUE,
    "Check the benchmark itself at tiny sizes (2 runs of 2 epochs, 200 function points, a short "
    "critical run): the times are not comparable with the references", NULL },
  { "smooth", FOR_GRADNORM_ONLY, TRUE,
    "On gradnorm.svg, fade the per-step curves and draw each run's running mean on top "
    "(geometric on the log axes), its window half the smallest at which the residual stops "
    "being anti-correlated: sized to the noise", NULL },
  { "quiet", FOR_ALL_MODEL | FOR_BENCH, TRUE,
    "No progress on stderr", NULL },
};

const char *const saddle_cli_command_names[] = {
  [SADDLE_CLI_TRAJECTORIES] = "trajectories",
  [SADDLE_CLI_GRADNORM] = "gradnorm",
  [SADDLE_CLI_CRITICAL] = "critical",
  [SADDLE_CLI_HESSIAN] = "hessian",
  [SADDLE_CLI_BENCH] = "bench",
  [SADDLE_CLI_MERGE] = "merge",
};

const char *const saddle_cli_command_summaries[] = {
  [SADDLE_CLI_TRAJECTORIES] =
    "Train several runs, project their weight snapshots to one PCA plane",
  [SADDLE_CLI_GRADNORM] =
    "Loss and gradient norm at every iteration",
  [SADDLE_CLI_CRITICAL] =
    "Train, minimise ‖∇L‖², classify the exact Hessian spectrum at each point found",
  [SADDLE_CLI_HESSIAN] =
    "Hessian spectrum of saved weights: dense, Lanczos extremes or SLQ density",
  [SADDLE_CLI_BENCH] =
    "Time training, Hessian-vector products, full Hessians and a critical run",
  [SADDLE_CLI_MERGE] =
    "Merge critical studies split with --first-run (DIR … as folders) into one",
};

const char *const saddle_cli_command_outputs[] = {
  [SADDLE_CLI_TRAJECTORIES] =
    "Writes to --out: trajectories.csv, trajectories-layer.csv (run,epoch,iteration,loss,"
    "accuracy,pc1,pc2,plane_distance,surface_loss), surface.csv (pc1,pc2,loss), "
    "trajectories.svg (over the loss surface), trajectories-layer.svg, history.csv, epochs.csv, "
    "summary.json (the settings and each plane's share of variance).",
  [SADDLE_CLI_GRADNORM] =
    "Writes to --out: history.csv (run,iteration,epoch,loss,grad_norm), epochs.csv "
    "(run,epoch,iteration,loss,accuracy,grad_norm: the whole training set), gradnorm.svg, "
    "summary.json (the settings).",
  [SADDLE_CLI_CRITICAL] =
    "Writes to --out: critical.csv (one row per analysed run), eigenvalues.csv "
    "(run,index,eigenvalue), critical.svg (ratio against loss, fitted trend, Spearman's rho "
    "with a bootstrap interval and a permutation p-value; with --pb-fit the Pennington–Bahri "
    "fit), trend.csv (name,value: the trend and its test for the certified points and for all, "
    "and the fit), spectrum-runN.svg, summary.json, history.csv, epochs.csv; "
    "with --slice-run N also slice-runN.csv (alpha,loss_bottom,loss_top) and slice-runN.svg.",
  [SADDLE_CLI_HESSIAN] =
    "Writes to --out: --method dense: eigenvalues.csv (index,eigenvalue ascending), "
    "spectrum.svg; --method lanczos: extremes.csv (end,rank,eigenvalue,residual_norm); "
    "--method slq: density.csv (x,density), density.svg (with the exact spectrum overlaid up to "
    "4,096 parameters); with --slice: slice.csv (alpha,loss_bottom,loss_top), slice.svg; always "
    "summary.json. The model options must describe the network the weights came from; those "
    "the file gives (its widths, activation and recorded options) need not be repeated.",
  [SADDLE_CLI_BENCH] =
    "Writes to --out: bench.json. Each printed line states the problem size and the time.",
  [SADDLE_CLI_MERGE] =
    "Each DIR is the --out of a critical study "
    "(its critical.csv and eigenvalues.csv) over other runs with the same settings, e.g. "
    "--first-run 1 --runs 50 and --first-run 51 --runs 50 on two machines. Writes to --out: "
    "critical.csv and eigenvalues.csv (every point, by run), critical.svg, trend.csv and "
    "spectrum-runN.svg, as the critical study over all the runs would.",
};

const gsize saddle_cli_n_option_specs = G_N_ELEMENTS (saddle_cli_option_specs);

guint
saddle_cli_command_mask (SaddleCliCommand command)
{
  switch (command)
    {
    case SADDLE_CLI_CRITICAL:
      return FOR_STUDY | FOR_CRITICAL_ONLY;
    case SADDLE_CLI_TRAJECTORIES:
      return FOR_STUDY | FOR_TRAJECTORIES_ONLY;
    case SADDLE_CLI_GRADNORM:
      return FOR_STUDY | FOR_GRADNORM_ONLY;
    case SADDLE_CLI_HESSIAN:
      return FOR_HESSIAN;
    case SADDLE_CLI_MERGE:
      return FOR_MERGE;
    case SADDLE_CLI_BENCH:
    default:
      return FOR_BENCH;
    }
}

