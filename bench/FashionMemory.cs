using KerasNet.Engine;
using KerasNet.Keras.Callbacks;
using Spectre.Console;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// Resident memory across epochs of the Fashion CNN on the real 60k images: the process's RSS at the
/// end of every epoch. Goal: growth below 50 MB from the first epoch's end to the last's.
/// </summary>
internal static class FashionMemory
{
    public static int Run(int epochs)
    {
        var ((xr, yr), _) = keras.datasets.fashion_mnist.load_data();
        var x = (xr.AsType(DType.Float32) / 255).Reshape(xr.Shape[0], 28, 28, 1);
        var y = keras.utils.to_categorical(yr, 10);
        var model = keras.Sequential();
        model.add(keras.layers.Conv2D(32, (3, 3), activation: "relu", input_shape: (28, 28, 1)));
        model.add(keras.layers.MaxPooling2D((2, 2), strides: 2));
        model.add(keras.layers.Conv2D(64, (3, 3), activation: "relu"));
        model.add(keras.layers.MaxPooling2D((2, 2), strides: 2));
        model.add(keras.layers.Conv2D(64, (3, 3), activation: "relu"));
        model.add(keras.layers.Flatten());
        model.add(keras.layers.Dense(64, activation: "relu"));
        model.add(keras.layers.Dense(10, activation: "softmax"));
        model.compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var rss = new RssRecorder();
        model.fit(x, y, batch_size: 512, epochs: epochs, verbose: 2, callbacks: [rss], validation_split: 0.1);

        var table = new Table().AddColumns("epoch", "RSS MB", "managed heap MB", "gen0/gen2 GCs", "live tensors");
        for (int i = 0; i < rss.Mb.Count; i++)
            table.AddRow($"{i + 1}", $"{rss.Mb[i]:F1}", $"{rss.Managed[i]:F1}", rss.Gcs[i], $"{rss.Live[i]}");
        AnsiConsole.Write(table);
        double growth = rss.Mb[^1] - rss.Mb[0];
        Console.WriteLine($"RESULT fashion-memory epochs={epochs} rss_first={rss.Mb[0]:F1}MB rss_last={rss.Mb[^1]:F1}MB growth={growth:F1}MB (goal < 50) live_tensors_first={rss.Live[0]} last={rss.Live[^1]}");
        return growth < 50 ? 0 : 1;
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
