using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Keras.Preprocessing;
using KerasNet.TF.Data;
using Spectre.Console;
using static KerasNet.KerasApi;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Bench;

/// <summary>
/// The image input pipeline: decode + resize to 150×150 (load_img) + the cats-vs-dogs augmentation
/// (ImageDataGenerator) per image, in C# and in the Python twin (bench/python/augment_twin.py, PIL +
/// SciPy as Keras does it, 2 worker processes); and how long training waits for that pipeline.
/// </summary>
internal static class ImagePipeline
{
    /// <summary>The article's augmentation: zoom 0.3, rotation 50, shifts 0.2, shear 0.2, horizontal flip, fill nearest.</summary>
    internal static ImageDataGenerator ArticleAugmentation() => new(rescale: 1.0 / 255, zoom_range: 0.3, rotation_range: 50,
        width_shift_range: 0.2, height_shift_range: 0.2, shear_range: 0.2, horizontal_flip: true, fill_mode: "nearest");

    /// <summary>files → (augmented image, label from the Kaggle name: cat 0, dog 1), in parallel, batched.</summary>
    internal static Dataset<(Tensor, Tensor)> Pipeline(IReadOnlyList<string> files, ImageDataGenerator g, int batch, int seed)
    {
        return tf.data.Dataset.from_tensor_slices(files.Select((f, i) => (f, i)).ToList())
            .shuffle(files.Count, seed)  // the files are sorted by name: cats first
            .map(item =>
            {
                using var scope = new TensorScope();
                var img = keras.utils.img_to_array(keras.utils.load_img(item.f, target_size: (150, 150)));
                var x = g.standardize(g.random_transform(img, new Random(HashCode.Combine(seed, item.i))));
                var y = Tensor.Scalar(Path.GetFileName(item.f).StartsWith("dog") ? 1 : 0);
                return (x.MoveToOuterScope(), y.MoveToOuterScope());
            }, num_parallel_calls: tf.data.AUTOTUNE)
            .batch(batch);
    }

    public static int Augment(string folder, int limit, int rounds)
    {
        var files = Directory.GetFiles(folder, "*.jpg").Order(StringComparer.Ordinal).Take(limit > 0 ? limit : int.MaxValue).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"No .jpg files in {folder}.");
        AnsiConsole.MarkupLine($"[bold]pipeline-augment[/]: {files.Count} images, decode + resize 150×150 + augmentation, {rounds} rounds");
        var g = ArticleAugmentation();
        var cs = new List<double>();
        var py = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            long n = 0;
            foreach (var (x, y) in Pipeline(files, g, 30, r))
            {
                n += x.Shape[0];
                x.Dispose();
                y.Dispose();
            }
            cs.Add(n / clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  GCs gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, cpu {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2}s over {clock.Elapsed.TotalSeconds:F2}s");
            var twin = PythonTwin.RunScript("augment_twin.py", $"\"{Path.GetFullPath(folder)}\" --limit {files.Count} --workers {Environment.ProcessorCount}");
            py.Add(twin.GetProperty("images_per_second").GetDouble());
            AnsiConsole.MarkupLine($"  round {r + 1}: C# {cs[^1]:F0} img/s, Python {py[^1]:F0} img/s");
        }
        double c = FashionStep.Median(cs), p = FashionStep.Median(py);
        var table = new Table().AddColumns("benchmark", "C# img/s", "Python img/s", "C#/Python");
        table.AddRow("decode + resize + augment", $"{c:F0}", $"{p:F0}", $"{c / p:F2}");
        AnsiConsole.Write(table);
        Console.WriteLine($"RESULT pipeline-augment images={files.Count} csharp={c:F1} python={p:F1} ratio={c / p:F2} (goal >= 2)");
        return 0;
    }

    /// <summary>Trains the article's dropout CNN on the augmenting file pipeline (prefetched) and reports the input wait share.</summary>
    public static int Train(string folder, int steps, int epochs)
    {
        var files = Directory.GetFiles(folder, "*.jpg").Order(StringComparer.Ordinal).ToList();
        var g = ArticleAugmentation();
        var data = Pipeline(files, g, 30, 1).repeat().prefetch(tf.data.AUTOTUNE);
        var model = KerasNet.Experiments.Experiments.CatsDogsModels.Dropout();
        model.compile(optimizer: keras.optimizers.RMSprop(1e-4), loss: "binary_crossentropy", metrics: ["accuracy"]);
        var h = model.fit(data, epochs: epochs, steps_per_epoch: steps, verbose: 2);
        double share = h.InputWaitSeconds / h.StepSeconds;
        Console.WriteLine($"RESULT pipeline-train steps={steps * epochs} batch=30 step_seconds={h.StepSeconds / (steps * epochs):F3} " +
                          $"input_wait_seconds={h.InputWaitSeconds:F2} of {h.StepSeconds:F1} = {share:P1} (goal < 5%)");
        return share < 0.05 ? 0 : 1;
    }
}
