using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using Spectre.Console;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// The speed suite: five workloads, each timed in C# (this process), in the Python twin (bench/python/twin.py, PyTorch with
/// our glibc settings) and in the TorchSharp twin (bench/torchsharp, TorchSharp 0.107 / libtorch 2.10) tuned like us and as
/// it runs by default. Each side builds and warms up once per workload; then every round times each side's steps in slices
/// (0.25 s by default, --slice), the sides taking turns (so the machine's drift falls on all of them alike: with 1 s slices
/// MobileNet's ratios had spread 19-24% across rounds, with 0.25 s 3-13%); medians of the rounds are
/// reported with the spread across rounds ((max - min) / median) of the rates and of the round-by-round ratios.
/// mixed_bfloat16 rows compare with the Python twin only (TorchSharp has no autocast here). Random weights, the same models, init, batch and threads everywhere. A sixth workload, ML.NET's featurizer network
/// (its package's ResNet18), runs in C# (the same ONNX files imported) and in ML.NET's DnnFeaturizeImage (ONNX Runtime). For the
/// VGG16 and ResNet18 workloads the FLOP rate is set against the machine's fp32 peak, measured with an FMA loop on every core.
/// </summary>
internal static class Suite
{
    private sealed record Workload(string Name, string Label, int Batch, int Warmup, int Steps, Func<(Func<double> Step, double Flops)> Make)
    {
        /// <summary>The sides that run it (indices into <see cref="Sides"/>): C#, the Python and TorchSharp twins, or C# and ML.NET.</summary>
        public int[] SideSet { get; init; } = [0, 1, 2, 3];

        /// <summary>Seconds of steps each side times per round at least, unless --side-seconds says otherwise.</summary>
        public double SideSeconds { get; init; } = 15;
    }

    private static readonly Workload[] Workloads =
    [
        new("fashion-step", "Fashion CNN train step (b512)", 512, 5, 100, () => (TrainStep(FashionMnistExperiment.BuildModel(), "adam",
            "sparse_categorical_crossentropy", [512, 28, 28, 1], classes: 10), 0)),
        new("catsdogs-step", "cats-vs-dogs baseline train step (b30, 150²)", 30, 3, 40, () => (TrainStep(CatsDogsModels.Baseline(),
            "rmsprop", "binary_crossentropy", [30, 150, 150, 3], classes: 2), 0)),
        new("vgg16-features", "VGG16 features forward (b32, 150²)", 32, 2, 20, () =>
        {
            var vgg = keras.applications.VGG16(include_top: false, weights: null, input_shape: (150, 150, 3));
            return (Forward(vgg, [32, 150, 150, 3]), 32 * ForwardFlops(vgg.layers, _ => true));
        }),
        new("vgg16-finetune", "VGG16 block4/5 fine-tune step (b32, 150²)", 32, 2, 20, () => FineTune()),
        new("mobilenet-features", "MobileNet α0.25 features forward (b32, 150²)", 32, 10, 250, () => (Forward(
            keras.applications.MobileNet(input_shape: (150, 150, 3), alpha: 0.25, include_top: false, weights: null), [32, 150, 150, 3]), 0))
        {
            // its short memory-bound steps feel the VM's neighbours, and not alike on every side: slice rates correlated over
            // ~20 slices (~15 s; --slices-csv, 2026-12-03), so a 15 s round holds only a few independent samples and its
            // round-by-round ratios spread 12-19 %; 45 s rounds gave 9.8 and 12.8 %, 90 s rounds 7.4 % (5 rounds each)
            SideSeconds = 90,
        },
        // ML.NET's featurizer network (its package's ResNet18, imported here from the same ONNX files), preprocessing included
        new("resnet18-features", "ResNet18 features forward (b32, 224², ML.NET's model)", 32, 2, 20, () =>
        {
            var rn = Backbones.Build("resnet18");
            return (Forward(rn, [32, 224, 224, 3], scale: 255), 32 * ForwardFlops(rn.layers, _ => true));
        }) { SideSet = [0, 4] },
    ];

    private static readonly string[] Sides = ["C#", "Python", "TorchSharp tuned", "TorchSharp default", "ML.NET"];

    /// <summary>
    /// A slice (the steps one side runs before the next side's turn) lasts about <paramref name="sliceSeconds"/>; each side
    /// times at least the workload's steps per round and at least <paramref name="sideSeconds"/> of them.
    /// </summary>
    public static int Run(string? only, string precisions, int rounds, string? sides = null, double sliceSeconds = 0.25, double? sideSeconds = null,
                          string? slicesCsv = null)
    {
        if (rounds < 1) throw new ArgumentException("--rounds must be at least 1.");
        if (!(sliceSeconds > 0)) throw new ArgumentException($"--slice must be above 0 seconds, not {sliceSeconds}.");
        if (sideSeconds is { } ss && !(ss >= 0)) throw new ArgumentException($"--side-seconds must be 0 or more, not {sideSeconds}.");
        var chosen = ParseSides(sides);
        using var slicesLog = slicesCsv is null ? null : new StreamWriter(slicesCsv);
        slicesLog?.WriteLine("workload,policy,round,side,steps,seconds,start");
        var started = Stopwatch.StartNew();
        var policies = precisions == "both" ? new[] { "float32", "mixed_bfloat16" } : [precisions];
        int threads = Runtime.NumThreads;
        AnsiConsole.MarkupLine(Markup.Escape($"{threads} threads; {rounds} rounds, the sides interleaved in slices of about {sliceSeconds:G3} s " +
                                             "(the order reversed every other slice), each warmed up first"));
        var rows = new List<(Workload W, string Policy, double[][] Rates, double Flops)>();
        foreach (var w in Workloads.Where(w => only is null || only.Split(',').Contains(w.Name)))
        foreach (var policy in policies)
        {
            bool peers = policy == "float32";
            var order = w.SideSet.Where(s => (peers || s < 2) && chosen.Contains(s)).ToArray();
            var rates = Sides.Select(_ => new List<double>()).ToArray();
            keras.mixed_precision.set_global_policy(policy);
            var sessions = new Dictionary<int, SideSession>();
            double flops;
            try
            {
                keras.utils.set_random_seed(0);
                var made = w.Make();
                flops = made.Flops;
                foreach (int side in order) sessions[side] = Open(side, w, made.Step, policy, threads);
                // seconds per step, once each side runs steadily (one step alone is too noisy to size a round by)
                var perStep = new Dictionary<int, double>();
                foreach (int side in order)
                {
                    // untuned TorchSharp's rate falls over its first minute (MobileNet: 468 img/s in its first 30 s of slices, then
                    // 330-400; the round-1 C#/TS default ratio 4.67 against 5.09-5.31 after) while 1 s chunks still agree within 3 %
                    double runFirst = side == 3 ? UntunedWarmupSeconds : 0;
                    var (t, settled) = Settle(sessions[side], runFirst);
                    perStep[side] = t;
                    AnsiConsole.MarkupLine(Markup.Escape($"  {w.Label} ({policy}) {Sides[side]}: steady after {settled:F1} s more, " +
                                                         $"{w.Batch / t:F1} img/s" + (settled >= runFirst + MaxSettleSeconds ? " (not steady: cap reached)" : "")));
                }
                // every side times at least the workload's steps (untuned TorchSharp a quarter: each takes several times longer)
                // and at least sideSeconds of them per round: within-round fluctuations that hit the sides unequally then
                // average out (Fashion's 100 steps lasted ~4.5 s and its C#/TS tuned ratio spread 7-12% across rounds)
                var steps = order.ToDictionary(s => s, s => Math.Max(s == 3 ? Math.Max(3, w.Steps / 4) : w.Steps,
                                                                     (int)Math.Ceiling((sideSeconds ?? w.SideSeconds) / perStep[s])));
                var slice = order.ToDictionary(s => s, s => Math.Clamp((int)Math.Round(sliceSeconds / perStep[s]), 1, steps[s]));
                AnsiConsole.MarkupLine(Markup.Escape($"  {w.Label} ({policy}): steps per round " +
                                                     string.Join(", ", order.Select(s => $"{Sides[s]} {steps[s]}"))));
                for (int r = 0; r < rounds; r++)
                {
                    var seconds = Interleave(order, steps, slice, sessions, r, slicesLog is null ? null : (side, n, t) =>
                        slicesLog.WriteLine($"{w.Name},{policy},{r + 1},{SideKeys[side]},{n},{t:R},{started.Elapsed.TotalSeconds - t:F3}"));
                    foreach (int side in order)
                    {
                        double rate = w.Batch * steps[side] / seconds[side];
                        rates[side].Add(rate);
                        AnsiConsole.MarkupLine(Markup.Escape($"  round {r + 1}: {w.Label} ({policy}) {Sides[side]}: {rate:F1} img/s"));
                    }
                }
            }
            finally
            {
                foreach (var session in sessions.Values) session.Dispose();
                keras.mixed_precision.set_global_policy("float32");
            }
            rows.Add((w, policy, rates.Select(l => l.ToArray()).ToArray(), flops));
            // at once, so that a run stopped later (a time limit, a crash in a later workload) keeps this one's figures
            var (m, _, rs) = Stats(rows[^1].Rates);
            AnsiConsole.MarkupLine(Markup.Escape($"  {w.Label} ({policy}): medians " +
                string.Join(", ", order.Select(s => $"{Sides[s]} {m[s]:F1}")) + "; C#/" +
                string.Join(", C#/", order.Where(s => s > 0).Select(s => $"{Sides[s]} {m[0] / m[s]:F2}")) + $"; ratio spread {rs:P1}"));
            GC.Collect();
        }

        var peak = PeakFlops();  // after the workloads: an all-core AVX-512 burst can slow the clock of what runs next
        AnsiConsole.MarkupLine(Markup.Escape($"fp32 peak {peak.Flops / 1e9:F0} GFLOP/s ({peak.How})"));
        Console.WriteLine($"RESULT suite peak gflops={peak.Flops / 1e9:F1}");
        var table = new Table().AddColumns("workload", "precision", "C# img/s", "Python", "TorchSharp tuned", "TorchSharp default", "ML.NET",
            "C#/Python", "C#/TS tuned", "C#/TS default", "C#/ML.NET", "spread", "ratio spread", "GFLOP/s (of peak)");
        bool unstable = false, ratiosUnstable = false;
        foreach (var r in rows)
        {
            var (med, spread, ratioSpread) = Stats(r.Rates);
            unstable |= spread > 0.10;
            ratiosUnstable |= ratioSpread > 0.10;
            string Rate(int i) => double.IsNaN(med[i]) ? "–" : $"{med[i]:F1}";
            string Ratio(int i) => double.IsNaN(med[i]) ? "–" : $"{med[0] / med[i]:F2}";
            string flops = r.Flops > 0 ? $"{r.Flops * med[0] / r.W.Batch / 1e9:F0} ({r.Flops * med[0] / r.W.Batch / peak.Flops:P0})" : "";
            table.AddRow(Markup.Escape(r.W.Label), r.Policy, Rate(0), Rate(1), Rate(2), Rate(3), Rate(4), Ratio(1), Ratio(2), Ratio(3), Ratio(4), $"{spread:P0}", $"{ratioSpread:P0}", flops);
            Console.WriteLine($"RESULT suite {r.W.Name} {r.Policy} csharp={med[0]:F1} python={med[1]:F1} torchsharp_tuned={med[2]:F1} " +
                              $"torchsharp_default={med[3]:F1} mlnet={med[4]:F1} ratio_python={med[0] / med[1]:F3} ratio_ts_tuned={med[0] / med[2]:F3} " +
                              $"ratio_ts_default={med[0] / med[3]:F3} ratio_mlnet={med[0] / med[4]:F3} spread={spread:F3} ratio_spread={ratioSpread:F3}" +
                              (r.Flops > 0 ? $" gflops={r.Flops * med[0] / r.W.Batch / 1e9:F1} of_peak={r.Flops * med[0] / r.W.Batch / peak.Flops:F3}" : ""));
        }
        AnsiConsole.Write(table);
        // spread: of each side's rates across rounds (the machine's own drift included); ratio spread: of the round-by-round
        // ratios to C#, whose slices interleave, so a drift common to all sides cancels
        if (ratiosUnstable)
            AnsiConsole.MarkupLine("[yellow]The round-by-round ratios spread above 10% for at least one row: the comparison is not stable; run more rounds or on a quieter machine.[/]");
        if (unstable)
            AnsiConsole.MarkupLine("[yellow]The rates spread above 10% across rounds for at least one row: the machine's speed drifted" +
                                   (ratiosUnstable ? "." : "; the ratios, measured in interleaved slices, held within 10%.") + "[/]");
        return 0;
    }

    /// <summary>Each side's median rate, the largest spread of a side's rates across rounds, and of the round-by-round ratios to C#.</summary>
    private static (double[] Medians, double Spread, double RatioSpread) Stats(double[][] rates)
    {
        double[] med = rates.Select(a => a.Length > 0 ? Median(a) : double.NaN).ToArray();
        double spread = rates.Where(a => a.Length > 0).Max(a => (a.Max() - a.Min()) / Median(a));
        // the ratios round by round (their slices interleaved), whose spread leaves out the machine's own drift
        double ratioSpread = Enumerable.Range(1, rates.Length - 1).Where(i => rates[i].Length == rates[0].Length && rates[i].Length > 0)
            .Select(i => rates[0].Zip(rates[i], (a, b) => a / b).ToArray())
            .Select(q => (q.Max() - q.Min()) / Median(q)).DefaultIfEmpty(0).Max();
        return (med, spread, ratioSpread);
    }

    private static readonly string[] SideKeys = ["csharp", "python", "ts-tuned", "ts-default", "mlnet"];

    /// <summary>The sides to time (--sides csharp,python,ts-tuned,ts-default,mlnet; default all).</summary>
    private static HashSet<int> ParseSides(string? sides)
    {
        if (sides is null) return [.. Enumerable.Range(0, Sides.Length)];
        var set = new HashSet<int>();
        foreach (var key in sides.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int i = Array.IndexOf(SideKeys, key.ToLowerInvariant());
            if (i < 0) throw new ArgumentException($"--sides: unknown side '{key}'. Known: {string.Join(", ", SideKeys)}.");
            set.Add(i);
        }
        return set;
    }

    /// <summary>A side with the workload built and warmed up: C# and ML.NET in this process, the twins in theirs.</summary>
    private static SideSession Open(int side, Workload w, Func<double> step, string policy, int threads) => side switch
    {
        0 => new SideSession.InProcess(() => step(), w.Warmup),
        1 => PythonTwin.Serve($"{w.Name} --batch {w.Batch} --warmup {w.Warmup} --threads {threads}" + (policy == "mixed_bfloat16" ? " --bf16" : ""),
            sameAllocator: true),
        2 => TorchSharpTwin.Serve(w.Name, w.Batch, w.Warmup, threads, tuned: true),
        3 => TorchSharpTwin.Serve(w.Name, w.Batch, Math.Max(1, w.Warmup / 2), threads, tuned: false),
        _ => MlNetFeaturizer.Session(w.Batch, w.Warmup),
    };

    /// <summary>
    /// One round: every side runs its steps in slices, the slices of all sides spread evenly over the round and taken in turn
    /// (the order reversed every other turn), so slow drift of the machine's speed falls on every side alike. Seconds per side.
    /// </summary>
    private static Dictionary<int, double> Interleave(int[] order, Dictionary<int, int> steps, Dictionary<int, int> slice,
                                                      Dictionary<int, SideSession> sessions, int round,
                                                      Action<int, int, double>? log = null)
    {
        var slices = order.ToDictionary(s => s, s => (steps[s] + slice[s] - 1) / slice[s]);
        int turns = slices.Values.Max();
        var seconds = order.ToDictionary(s => s, _ => 0.0);
        var left = new Dictionary<int, int>(steps);
        for (int t = 0; t < turns; t++)
        {
            var turn = (t + round) % 2 == 0 ? order : order.Reverse().ToArray();
            foreach (int side in turn)
            {
                // side s runs slices[s] of the round's turns, evenly spaced
                if ((t + 1) * slices[side] / turns == t * slices[side] / turns) continue;
                int n = Math.Min(slice[side], left[side]);
                double took = sessions[side].Time(n);
                seconds[side] += took;
                log?.Invoke(side, n, took);
                left[side] -= n;
            }
        }
        return seconds;
    }

    /// <summary>
    /// Seconds per step once the side runs steadily: chunks of about a second until two in a row agree within
    /// <see cref="SteadyTolerance"/> (at most <see cref="MaxSettleSeconds"/>). The fixed warm-up is not always enough: after
    /// its 5 s the TorchSharp twin still ran Fashion's step at about 60% of its later speed, which showed as
    /// a first round 5-8% off the others in the C#/TorchSharp ratio.
    /// </summary>
    /// <param name="runFirst">seconds of chunks to run before any of them may count as steady (the cap counts from there)</param>
    internal static (double PerStep, double Settled) Settle(SideSession session, double runFirst = 0)
    {
        var clock = Stopwatch.StartNew();
        double perStep = session.Time(1), previous = double.NaN;
        while (true)
        {
            int n = Math.Clamp((int)Math.Round(1.0 / perStep), 1, 10_000);
            perStep = session.Time(n) / n;
            double elapsed = clock.Elapsed.TotalSeconds;
            if (elapsed >= runFirst && (Math.Abs(perStep - previous) <= SteadyTolerance * previous || elapsed >= runFirst + MaxSettleSeconds))
                return (perStep, elapsed);
            previous = perStep;
        }
    }

    /// <summary>Untuned TorchSharp runs this long before its chunks count towards settling (see where it is used).</summary>
    internal const double UntunedWarmupSeconds = 60;

    /// <summary>Two consecutive 1 s chunks whose step times differ by at most this fraction count as steady.</summary>
    internal const double SteadyTolerance = 0.03;
    internal const double MaxSettleSeconds = 30;

    private static double Median(double[] values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>Multiply-adds × 2 of one image's forward pass through the Conv2D and Dense layers <paramref name="which"/> selects.</summary>
    internal static double ForwardFlops(IEnumerable<Layer> layers, Func<Layer, bool> which)
    {
        double flops = 0;
        foreach (var l in layers.Where(which))
            switch (l)
            {
                case Conv2D c:
                    var k = c.kernel.shape;  // (kh, kw, cin, cout)
                    flops += 2.0 * c.output_shape![1]!.Value * c.output_shape[2]!.Value * k[0] * k[1] * k[2] * k[3];
                    break;
                case Dense d:
                    flops += 2.0 * d.kernel.shape[0] * d.kernel.shape[1];
                    break;
            }
        return flops;
    }

    /// <summary>
    /// The fp32 peak, measured: every core runs independent vector FMAs (AVX-512 where the CPU has it, else AVX2 + FMA) on
    /// registers only, 12 accumulators deep so latency never limits; FLOPs = FMAs × lanes × 2. This is what the cores
    /// sustain at the clock they actually run (turbo included), so it is the ceiling a GEMM-bound workload can reach.
    /// </summary>
    private static (double Flops, string How) PeakFlops()
    {
        var info = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        string model = info.Split('\n').FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim() ?? "?";
        int cores = Environment.ProcessorCount;
        bool wide = System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
        if (!wide && !System.Runtime.Intrinsics.X86.Fma.IsSupported) return (double.NaN, $"{model}: no FMA, peak not measured");
        int lanes = wide ? 16 : 8;
        const long iterations = 20_000_000;
        double best = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var threads = new Thread[cores];
            using var start = new Barrier(cores + 1);
            for (int t = 0; t < cores; t++)
            {
                threads[t] = new Thread(() => { start.SignalAndWait(); FmaLoop(wide, iterations); });
                threads[t].Start();
            }
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            foreach (var th in threads) th.Join();
            best = Math.Max(best, cores * iterations * 12.0 * lanes * 2 / clock.Elapsed.TotalSeconds);
        }
        return (best, $"{model}: measured, {cores} cores × {(wide ? "AVX-512" : "AVX2")} FMA, best of 5");
    }

    private static float FmaLoop(bool wide, long iterations)
    {
        if (wide)
        {
            var m = System.Runtime.Intrinsics.Vector512.Create(0.9999f);
            var a = System.Runtime.Intrinsics.Vector512.Create(1e-3f);
            System.Runtime.Intrinsics.Vector512<float> x0 = a, x1 = a, x2 = a, x3 = a, x4 = a, x5 = a, x6 = a, x7 = a, x8 = a, x9 = a, x10 = a, x11 = a;
            for (long i = 0; i < iterations; i++)
            {
                x0 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x0, m, a); x1 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x1, m, a);
                x2 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x2, m, a); x3 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x3, m, a);
                x4 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x4, m, a); x5 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x5, m, a);
                x6 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x6, m, a); x7 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x7, m, a);
                x8 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x8, m, a); x9 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x9, m, a);
                x10 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x10, m, a); x11 = System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(x11, m, a);
            }
            return (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11)[0];
        }
        var m8 = System.Runtime.Intrinsics.Vector256.Create(0.9999f);
        var a8 = System.Runtime.Intrinsics.Vector256.Create(1e-3f);
        System.Runtime.Intrinsics.Vector256<float> y0 = a8, y1 = a8, y2 = a8, y3 = a8, y4 = a8, y5 = a8, y6 = a8, y7 = a8, y8 = a8, y9 = a8, y10 = a8, y11 = a8;
        for (long i = 0; i < iterations; i++)
        {
            y0 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y0, m8, a8); y1 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y1, m8, a8);
            y2 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y2, m8, a8); y3 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y3, m8, a8);
            y4 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y4, m8, a8); y5 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y5, m8, a8);
            y6 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y6, m8, a8); y7 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y7, m8, a8);
            y8 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y8, m8, a8); y9 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y9, m8, a8);
            y10 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y10, m8, a8); y11 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(y11, m8, a8);
        }
        return (y0 + y1 + y2 + y3 + y4 + y5 + y6 + y7 + y8 + y9 + y10 + y11)[0];
    }

    private static Func<double> TrainStep(Model model, string optimizer, string loss, long[] shape, int classes)
    {
        model.compile(optimizer: optimizer, loss: loss);
        var x = Tensor.RandomUniform(shape);
        var y = classes == 2
            ? (Tensor.RandomUniform([shape[0], 1]) * 2).Floor()
            : (Tensor.RandomUniform([shape[0]]) * classes).Floor().AsType(DType.Int64);
        return () => model.train_on_batch(x, y)["loss"];
    }

    private static Func<double> Forward(Model model, long[] shape, double scale = 1)
    {
        var x = Tensor.RandomUniform(shape, 0, scale);
        return () =>
        {
            using var scope = new TensorScope();
            using var noGrad = Autograd.NoGrad();
            return model.Apply(x).AsType(DType.Float32).Sum().Item();
        };
    }

    /// <summary>
    /// The fine-tune step and its FLOPs per batch: the forward pass through everything, then for the trained layers
    /// (block4, block5, the head) the weight gradients and the input gradients (each as much as their forward), less the
    /// input gradient of block4_conv1, whose input needs none.
    /// </summary>
    private static (Func<double>, double) FineTune()
    {
        var convBase = keras.applications.VGG16(include_top: false, weights: null, input_shape: (150, 150, 3));
        CatsDogsModels.TrainableFrom(convBase, "block4_conv1");
        var model = CatsDogsModels.OnBase(convBase);
        model.compile(optimizer: keras.optimizers.RMSprop(1e-5), loss: "binary_crossentropy");
        var x = Tensor.RandomUniform([32, 150, 150, 3]);
        var y = (Tensor.RandomUniform([32, 1]) * 2).Floor();
        var all = convBase.layers.Concat(model.layers.Skip(1)).ToList();
        double forward = ForwardFlops(all, _ => true), trained = ForwardFlops(all, l => l.trainable);
        double first = ForwardFlops(all, l => l.name == "block4_conv1");
        return (() => model.train_on_batch(x, y)["loss"], 32 * (forward + 2 * trained - first));
    }
}
