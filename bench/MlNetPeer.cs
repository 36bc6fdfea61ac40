using System.Diagnostics;
using System.Text.Json;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Keras.Callbacks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// The ML.NET peer: ML.NET's image-classification recipe (LoadImages → ResizeImages 224 → ExtractPixels →
/// DnnFeaturizeImage with its ResNet18 → LbfgsLogisticRegression) against ours on the same
/// training/validation/test split, in one invocation: our catsdogs-bottleneck --backbone resnet18 (the same
/// ResNet18 imported, our preprocessing layers, the article's MLP, RMSprop(1e-4), 30 epochs, best epoch's
/// weights), and — from a finished run folder — catsdogs-finetune --backbone resnet18. Featurization is timed
/// end to end (decode, resize, network) on each side, one after the other on the same machine.
/// </summary>
internal static class MlNetPeer
{
    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";
        public bool Label { get; set; }
    }

    private sealed class FeatureRow
    {
        [VectorType(512)] public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed record Row(string Name, double FeaturizeImagesPerSecond, double FeaturizeSeconds, double TrainSeconds, double Validation, double Test, string Note);

    public static int Run(string data, string? finetuneRun, int epochs)
    {
        var splits = new[] { "training_data", "validation_data", "test_data" }.Select(s => Path.Combine(data, s)).ToArray();
        foreach (var s in splits)
            if (!Directory.Exists(s)) throw new DirectoryNotFoundException($"{s}: no such folder (--data should hold training_data, validation_data, test_data).");
        // ours first: ML.NET's pipeline leaves its ONNX Runtime session and garbage behind in this process
        var ours = Ours(splits, epochs);
        GC.Collect();
        var rows = new List<Row> { MlNet(splits), ours };
        if (finetuneRun is not null) rows.Add(FromRun(finetuneRun));

        var table = new Table().AddColumns("", "featurize img/s", "featurize s", "train s", "val acc", "test acc", "");
        foreach (var r in rows)
            table.AddRow(r.Name, double.IsNaN(r.FeaturizeImagesPerSecond) ? "-" : $"{r.FeaturizeImagesPerSecond:F1}", double.IsNaN(r.FeaturizeSeconds) ? "-" : $"{r.FeaturizeSeconds:F0}",
                $"{r.TrainSeconds:F0}", $"{r.Validation:F4}", double.IsNaN(r.Test) ? "-" : $"{r.Test:F4}", Markup.Escape(r.Note));
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;
        AnsiConsole.Write(table);
        var ml = rows[0];
        Console.WriteLine($"RESULT mlnet-peer mlnet_featurize_ips={ml.FeaturizeImagesPerSecond:F1} ours_featurize_ips={ours.FeaturizeImagesPerSecond:F1} " +
                          $"featurize_ratio={ours.FeaturizeImagesPerSecond / ml.FeaturizeImagesPerSecond:F2} mlnet_test={ml.Test:F4} bottleneck_test={ours.Test:F4}" +
                          (rows.Count > 2 ? $" finetune_test={rows[2].Test:F4}" : ""));
        return 0;
    }

    private static Row MlNet(string[] splits)
    {
        var ml = new MLContext(seed: 1);
        IDataView Rows(string dir) => ml.Data.LoadFromEnumerable(CatsDogsData.Files(dir).Select(f => new ImageRow { ImagePath = Path.GetFullPath(f), Label = CatsDogsData.Label(f) == 1 }));
        var featurizer = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", 224, 224, "Image"))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
            .Append(ml.Transforms.DnnFeaturizeImage("Features", m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels"));
        var views = splits.Select(Rows).ToArray();
        var fitted = featurizer.Fit(views[0]);
        var clock = Stopwatch.StartNew();
        int images = 0;
        var features = views.Select(v =>
        {
            var rows = ml.Data.CreateEnumerable<FeatureRow>(fitted.Transform(v), reuseRowObject: false).ToList();
            images += rows.Count;
            Console.Error.WriteLine($"ML.NET: featurized {rows.Count} images ({clock.Elapsed.TotalSeconds:F0} s)");
            return ml.Data.LoadFromEnumerable(rows);
        }).ToArray();
        double featurize = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(nameof(FeatureRow.Label), nameof(FeatureRow.Features)).Fit(features[0]);
        double train = clock.Elapsed.TotalSeconds;
        double Accuracy(IDataView v) => ml.BinaryClassification.Evaluate(model.Transform(v), nameof(FeatureRow.Label)).Accuracy;
        return new Row("ML.NET: DnnFeaturizeImage ResNet18 + LbfgsLogisticRegression", images / featurize, featurize, train, Accuracy(features[1]), Accuracy(features[2]),
            "ONNX Runtime, frozen featurizer");
    }

    private static Row Ours(string[] splits, int epochs)
    {
        using var scope = new TensorScope();
        using var backbone = Backbones.Build("resnet18");
        var clock = Stopwatch.StartNew();
        int images = 0;
        // streamed like ML.NET's IDataView: 256 images decoded, featurized, the next 256 (no 1.8 GB array of pixels)
        var sets = splits.Select(s =>
        {
            var files = CatsDogsData.Files(s);
            var parts = new List<Tensor>();
            for (int start = 0; start < files.Count; start += 256)
            {
                var (x, y, _) = CatsDogsData.Load(files.Skip(start).Take(256).ToList(), TextWriter.Null, 224);
                parts.Add(backbone.predict(x, batch_size: 32, verbose: 0));
                x.Dispose();
                y.Dispose();
            }
            var f = Tensor.Concat(parts);
            foreach (var p in parts) p.Dispose();
            images += (int)f.Shape[0];
            Console.Error.WriteLine($"KerasNet: featurized {f.Shape[0]} images ({clock.Elapsed.TotalSeconds:F0} s)");
            return (X: f, Y: Tensor.FromArray(files.Select(CatsDogsData.Label).ToArray(), files.Count));
        }).ToArray();
        double featurize = clock.Elapsed.TotalSeconds;
        var mlp = CatsDogsModels.BottleneckMlp(512);
        mlp.compile(optimizer: keras.optimizers.RMSprop(1e-4), loss: "binary_crossentropy", metrics: ["accuracy"]);
        var best = Path.Combine(Path.GetTempPath(), $"knt-mlnet-peer-{Environment.ProcessId}.weights.h5");
        clock.Restart();
        var history = mlp.fit(sets[0].X, sets[0].Y, batch_size: 30, epochs: epochs, validation_data: (sets[1].X, sets[1].Y), verbose: 0,
            callbacks: [new ModelCheckpoint(best, monitor: "val_accuracy", save_best_only: true)]);
        double train = clock.Elapsed.TotalSeconds;
        var val = history.history["val_accuracy"];
        mlp.load_weights(best);
        File.Delete(best);
        var p = mlp.predict(sets[2].X, batch_size: 30, verbose: 0).ToArray<float>();
        var truth = sets[2].Y.ToArray<float>();
        double test = p.Zip(truth).Count(t => (t.First > 0.5f ? 1f : 0f) == t.Second) / (double)truth.Length;
        return new Row("KerasNet: catsdogs-bottleneck --backbone resnet18", images / featurize, featurize, train, val.Max(), test,
            $"libtorch, same ResNet18, MLP {epochs} epochs, best of them");
    }

    /// <summary>A finished catsdogs-finetune --backbone resnet18 run (its metrics.json; test accuracy from catsdogs-evaluate).</summary>
    private static Row FromRun(string folder)
    {
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json"))).RootElement;
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json"))).RootElement;
        double Get(JsonElement e, string k) => e.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
        string experiment = config.TryGetProperty("experiment", out var ex) ? ex.GetString() ?? "" : "";
        var epochs = Get(config, "epochs");
        return new Row($"KerasNet: {experiment} --backbone {(config.TryGetProperty("backbone", out var b) ? b.GetString() : "?")} ({Path.GetFileName(folder)})",
            double.NaN, double.NaN, Get(metrics, "wall_seconds"), Get(metrics, "best_val_accuracy"), Get(metrics, "test_accuracy"),
            $"fine-tuned conv5 + MLP, {epochs} epochs, augmented (from the run folder)");
    }
}
