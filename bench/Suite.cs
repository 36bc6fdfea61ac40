using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Keras.Models;
using Spectre.Console;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// The speed suite: five workloads, float32 and mixed_bfloat16, each timed in C# and in the Python twin
/// (bench/python/twin.py: the same models in PyTorch, torch.autocast for bf16) back to back, random weights.
/// </summary>
internal static class Suite
{
    private sealed record Workload(string Name, string Label, int Batch, int Warmup, int Steps, Func<Func<double>> Make);

    private static readonly Workload[] Workloads =
    [
        new("fashion-step", "Fashion CNN train step (b512)", 512, 3, 20, () => TrainStep(FashionMnistExperiment.BuildModel(), "adam",
            "sparse_categorical_crossentropy", [512, 28, 28, 1], classes: 10)),
        new("catsdogs-step", "cats-vs-dogs baseline train step (b30, 150²)", 30, 2, 10, () => TrainStep(CatsDogsModels.Baseline(),
            "rmsprop", "binary_crossentropy", [30, 150, 150, 3], classes: 2)),
        new("vgg16-features", "VGG16 features forward (b32, 150²)", 32, 1, 3, () => Forward(
            keras.applications.VGG16(include_top: false, weights: null, input_shape: (150, 150, 3)), [32, 150, 150, 3])),
        new("vgg16-finetune", "VGG16 block4/5 fine-tune step (b32, 150²)", 32, 1, 3, () => FineTune()),
        new("mobilenet-features", "MobileNet α0.25 features forward (b32, 150²)", 32, 2, 10, () => Forward(
            keras.applications.MobileNet(input_shape: (150, 150, 3), alpha: 0.25, include_top: false, weights: null), [32, 150, 150, 3])),
    ];

    public static int Run(string? only, string precisions)
    {
        var policies = precisions == "both" ? new[] { "float32", "mixed_bfloat16" } : [precisions];
        var rows = new List<(Workload W, string Policy, double Cs, double Py)>();
        int threads = Runtime.NumThreads;
        foreach (var w in Workloads.Where(w => only is null || only.Split(',').Contains(w.Name)))
        foreach (var policy in policies)
        {
            keras.mixed_precision.set_global_policy(policy);
            keras.utils.set_random_seed(0);
            double cs;
            try
            {
                var step = w.Make();
                for (int i = 0; i < w.Warmup; i++) step();
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < w.Steps; i++) step();
                cs = w.Batch * w.Steps / clock.Elapsed.TotalSeconds;
            }
            finally
            {
                keras.mixed_precision.set_global_policy("float32");
            }
            var twin = PythonTwin.Run($"{w.Name} --batch {w.Batch} --steps {w.Steps} --warmup {w.Warmup} --threads {threads}" +
                                      (policy == "mixed_bfloat16" ? " --bf16" : ""), sameAllocator: true);
            double py = twin.GetProperty("images_per_second").GetDouble();
            rows.Add((w, policy, cs, py));
            AnsiConsole.MarkupLine($"  {Markup.Escape(w.Label)} ({policy}): C# {cs:F1} img/s, Python {py:F1} img/s");
            GC.Collect();
        }

        var table = new Table().AddColumns("workload", "precision", "C# img/s", "Python img/s", "C#/Python", "bf16/fp32 (C#)", "bf16/fp32 (Python)");
        foreach (var r in rows)
        {
            var fp = rows.FirstOrDefault(o => o.W == r.W && o.Policy == "float32");
            string speed = r.Policy == "mixed_bfloat16" && fp.W is not null ? $"{r.Cs / fp.Cs:F2}×" : "";
            string speedPy = r.Policy == "mixed_bfloat16" && fp.W is not null ? $"{r.Py / fp.Py:F2}×" : "";
            table.AddRow(Markup.Escape(r.W.Label), r.Policy, $"{r.Cs:F1}", $"{r.Py:F1}", $"{r.Cs / r.Py:F2}", speed, speedPy);
            Console.WriteLine($"RESULT suite {r.W.Name} {r.Policy} csharp={r.Cs:F1} python={r.Py:F1} ratio={r.Cs / r.Py:F3}" +
                              (speed.Length > 0 ? $" bf16_speedup={r.Cs / fp.Cs:F2}" : ""));
        }
        AnsiConsole.Write(table);
        return 0;
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

    private static Func<double> Forward(Model model, long[] shape)
    {
        var x = Tensor.RandomUniform(shape);
        return () =>
        {
            using var scope = new TensorScope();
            using var noGrad = Autograd.NoGrad();
            return model.Apply(x).AsType(DType.Float32).Sum().Item();
        };
    }

    private static Func<double> FineTune()
    {
        var convBase = keras.applications.VGG16(include_top: false, weights: null, input_shape: (150, 150, 3));
        CatsDogsModels.TrainableFrom(convBase, "block4_conv1");
        var model = CatsDogsModels.OnBase(convBase);
        model.compile(optimizer: keras.optimizers.RMSprop(1e-5), loss: "binary_crossentropy");
        var x = Tensor.RandomUniform([32, 150, 150, 3]);
        var y = (Tensor.RandomUniform([32, 1]) * 2).Floor();
        return () => model.train_on_batch(x, y)["loss"];
    }
}
