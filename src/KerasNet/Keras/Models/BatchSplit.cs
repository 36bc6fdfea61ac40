using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Native;

namespace KerasNet.Keras.Models;

/// <summary>
/// Inference with the batch split across the cores: each core runs its share of the rows through the whole model on one
/// thread, instead of every core taking part in every op. Where a model's ops are small (MobileNet α0.25 at 150²,
/// b32), libgomp's threads spend much of a forward pass waiting for each other at the end of every op (perf: 45 % of
/// two cores' time in its spin loops); split, they meet once, at the end. Big ops share out well inside each op and
/// lose from the split (VGG16 features 24 vs 31 img/s; ResNet18 about even; MobileNet 2,100-2,400 vs 1,900; AMD EPYC,
/// 2 threads). So a model times both ways on its first calls for each input shape, alternating (2 calls each to warm
/// up, then at least 5 timed each and 0.25 s of them, at most 50), and keeps the split only where its best time is at
/// least 5 % below the best whole-batch time, as cuDNN's benchmark mode picks an algorithm. The parts run on the
/// caller's OpenMP team (the threads that run its kernels anyway): on a thread of our own the split lost, as the team's
/// idle thread kept spinning on the core the part needed.
/// <para>Used only where it cannot change what comes out beyond rounding: no gradients recorded, training false, at
/// least two rows per core, and every layer one of ours, each of which treats rows independently in inference (a
/// user's own layer might not, so a model holding one is never split).</para>
/// </summary>
internal sealed class BatchSplit
{
    private const int WarmUpCallsEach = 2, TimedCallsEach = 5, MostTimedCallsEach = 50;
    private const double TimedSecondsEach = 0.25;  // small models: more calls, so that one quiet moment is among them
    private const double Margin = 0.95;

    private readonly Model _model;
    private readonly Dictionary<string, Tuning> _tunings = new();

    internal BatchSplit(Model model) => _model = model;

    /// <summary>KERASNET_BATCH_SPLIT: <c>auto</c> (the default: timed), <c>1</c> (always, where allowed) or <c>0</c> (never), for A/B measurements.</summary>
    private static readonly Lazy<bool?> Setting = new(() => Environment.GetEnvironmentVariable("KERASNET_BATCH_SPLIT") switch
    {
        null or "" or "auto" => null,
        "1" => true,
        "0" => false,
        var other => throw new InvalidOperationException($"KERASNET_BATCH_SPLIT must be auto, 1 or 0, got '{other}'."),
    });

    /// <summary>Tests: split this model's eligible calls always (true) or never (false) instead of timing them.</summary>
    internal bool? Forced { get; set; }

    private sealed class Tuning
    {
        public int Whole, Split;
        public double BestWhole = double.PositiveInfinity, BestSplit = double.PositiveInfinity, SecondsWhole, SecondsSplit;

        public bool? Decided;

        public static bool Done(int calls, double seconds) =>
            calls >= WarmUpCallsEach + MostTimedCallsEach || (calls >= WarmUpCallsEach + TimedCallsEach && seconds >= TimedSecondsEach);
    }

    /// <summary>Whether the calls of this model on <paramref name="shape"/> now run split (false until decided, and where it was not faster).</summary>
    internal bool? DecidedFor(long[] shape, int threads)
    {
        lock (_tunings) return _tunings.TryGetValue(Key(shape, threads), out var t) ? t.Decided : null;
    }

    /// <summary>Runs <paramref name="call"/> (the model's inference call) on <paramref name="x"/>, whole or split.</summary>
    internal Tensor Run(Tensor x, Func<Tensor, Tensor> call)
    {
        int threads = NativeMethods.knt_get_num_threads();  // this thread's: a replica or a split part has fewer
        // layers are checked on every call: a Sequential model may have gained one since the last
        if (threads < 2 || x.Shape.Length == 0 || x.Shape[0] < 2 * threads || Autograd.IsGradEnabled || !AllOurs(_model))
            return call(x);
        if ((Forced ?? Setting.Value) is { } always) return always ? RunSplit(x, threads, call) : call(x);
        Tuning t;
        lock (_tunings)
        {
            var key = Key(x.Shape, threads);
            if (!_tunings.TryGetValue(key, out t!)) _tunings[key] = t = new Tuning();
        }
        bool? decided;
        bool split;
        lock (t)
        {
            decided = t.Decided;
            split = decided ?? t.Split < t.Whole;  // alternate, the whole batch first (it builds what the parts then reuse)
        }
        if (decided is not null) return split ? RunSplit(x, threads, call) : call(x);
        var clock = Stopwatch.StartNew();
        var y = split ? RunSplit(x, threads, call) : call(x);
        double seconds = clock.Elapsed.TotalSeconds;
        lock (t)
        {
            if (split && ++t.Split > WarmUpCallsEach)
            {
                t.BestSplit = Math.Min(t.BestSplit, seconds);
                t.SecondsSplit += seconds;
            }
            if (!split && ++t.Whole > WarmUpCallsEach)
            {
                t.BestWhole = Math.Min(t.BestWhole, seconds);
                t.SecondsWhole += seconds;
            }
            if (t.Decided is null && Tuning.Done(t.Whole, t.SecondsWhole) && Tuning.Done(t.Split, t.SecondsSplit))
                t.Decided = t.BestSplit < Margin * t.BestWhole;
        }
        return y;
    }

    private static string Key(long[] shape, int threads) => string.Join(",", shape) + "@" + threads;

    private static bool AllOurs(Model model)
    {
        foreach (var layer in model.layers)
        {
            if (layer is Model inner)
            {
                if (!AllOurs(inner)) return false;
            }
            else if (layer.GetType().Assembly != typeof(Layer).Assembly) return false;
        }
        return true;
    }

    private static long _splitCalls;

    /// <summary>Calls run split so far, in this process (tests).</summary>
    internal static long SplitCalls => Interlocked.Read(ref _splitCalls);

    // One split call: its input, the model's call, and what each part made or threw.
    private sealed class Parts(Tensor x, int count, Func<Tensor, Tensor> call)
    {
        public readonly (Tensor Y, Tensor? Logits)?[] Outputs = new (Tensor, Tensor?)?[count];
        public readonly Exception?[] Errors = new Exception?[count];

        public void Run(int i)
        {
            long rows = x.Shape[0], start = rows * i / count, end = rows * (i + 1) / count;
            try
            {
                using var noGrad = Autograd.NoGrad();  // grad mode is a thread's own
                using var scope = new TensorScope();
                var y = call(x.Narrow(0, start, end - start));
                var logits = y.KerasLogits;
                Outputs[i] = (y.ReleaseFromScope(), logits?.ReleaseFromScope());
            }
            catch (Exception e)
            {
                Errors[i] = e;
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RunPart(int index, IntPtr ctx) => ((Parts)GCHandle.FromIntPtr(ctx).Target!).Run(index);

    // The parts run on the caller's OpenMP team, the threads that run its kernels anyway: no third thread competes
    // with a team thread still spinning after the last kernel.
    private static unsafe Tensor RunSplit(Tensor x, int count, Func<Tensor, Tensor> call)
    {
        Interlocked.Increment(ref _splitCalls);
        var parts = new Parts(x, count, call);
        var handle = GCHandle.Alloc(parts);
        try
        {
            NativeMethods.knt_run_parts(count, &RunPart, GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        try
        {
            if (parts.Errors.FirstOrDefault(e => e is not null) is { } first) ExceptionDispatchInfo.Capture(first).Throw();
            var y = Tensor.Concat(parts.Outputs.Select(o => o!.Value.Y).ToList());
            if (parts.Outputs.All(o => o!.Value.Logits is not null))
                y.KerasLogits = Tensor.Concat(parts.Outputs.Select(o => o!.Value.Logits!).ToList());
            return y;
        }
        finally
        {
            foreach (var o in parts.Outputs)
            {
                o?.Y.Dispose();
                o?.Logits?.Dispose();
            }
        }
    }
}
