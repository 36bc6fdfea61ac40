using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Keras.Callbacks;
using Spectre.Console;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// Resident memory across epochs of the Fashion CNN on the real 60k images: the process's RSS at the
/// end of every epoch. Goal: growth below 50 MB over the measured epochs. The first (warm-up) epoch is
/// not counted: while glibc's heap settles, one activation-sized chunk (~44 MB) becomes resident at a
/// timing-dependent step of it; afterwards native memory is flat and what grows is managed garbage
/// awaiting its next gen0 collection.
/// </summary>
internal static class FashionMemory
{
    public static int Run(int epochs, int warmupEpochs)
    {
        var ((xr, yr), _) = keras.datasets.fashion_mnist.load_data();
        var x = (xr.AsType(DType.Float32) / 255).Reshape(xr.Shape[0], 28, 28, 1);
        var y = keras.utils.to_categorical(yr, 10);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long liveBefore = Runtime.LiveTensors;
        using var leaks = TensorTracker.Start();
        var model = FashionMnistExperiment.BuildModel();
        model.compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var rss = new RssRecorder();
        model.fit(x, y, batch_size: 512, epochs: warmupEpochs + epochs, verbose: 2, callbacks: [rss], validation_split: 0.1);
        int aliveWithModel = leaks.Count;
        model.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long liveAfter = Runtime.LiveTensors;

        var table = new Table().AddColumns("epoch", "RSS MB", "managed heap MB", "gen0/gen2 GCs", "live tensors");
        for (int i = 0; i < rss.Mb.Count; i++)
            table.AddRow(i < warmupEpochs ? $"{i + 1} (warm-up)" : $"{i + 1}", $"{rss.Mb[i]:F1}", $"{rss.Managed[i]:F1}", rss.Gcs[i], $"{rss.Live[i]}");
        AnsiConsole.Write(table);
        // Growth over the measured epochs: from the end of the warm-up to the end of the last epoch.
        int first = Math.Max(0, warmupEpochs - 1);
        double growth = rss.Mb[^1] - rss.Mb[first];
        double managed = rss.Managed[^1] - rss.Managed[first];
        Console.WriteLine($"RESULT fashion-memory epochs={epochs} warmup={warmupEpochs} rss_start={rss.Mb[first]:F1}MB rss_last={rss.Mb[^1]:F1}MB " +
                          $"growth={growth:F1}MB (goal < 50) of which managed={managed:F1}MB; whole run incl. warm-up {rss.Mb[^1] - rss.Mb[0]:F1}MB; " +
                          $"live_tensors first={rss.Live[0]} last={rss.Live[^1]}");
        Console.WriteLine($"RESULT fashion-memory dispose: tensors made since the model was built and alive before Dispose={aliveWithModel}, " +
                          $"after Dispose={leaks.Count} ({leaks.Summary()}); live native tensors before the model was built={liveBefore}, after Dispose={liveAfter}");
        return growth < 50 && leaks.Count == 0 && liveAfter == liveBefore ? 0 : 1;
    }

    private sealed class RssRecorder : Callback
    {
        public List<double> Mb { get; } = new();
        public List<long> Live { get; } = new();
        public List<double> Managed { get; } = new();
        public List<string> Gcs { get; } = new();

        public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
        {
            Mb.Add(ReadRssMb());
            Live.Add(Runtime.LiveTensors);
            Managed.Add(GC.GetTotalMemory(false) / 1048576.0);
            Gcs.Add($"{GC.CollectionCount(0)}/{GC.CollectionCount(2)}");
        }
    }

    internal static double ReadRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
