using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using Spectre.Console;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// Article 1's Fashion CNN training step (Adam, batch 512), C# and the Python twin back to back,
/// alternating for several rounds so drift on the machine hits both sides alike.
/// </summary>
internal static class FashionStep
{
    public static int Run(int batch, int steps, int warmup, int rounds, bool noTwin = false)
    {
        int threads = Runtime.NumThreads;
        AnsiConsole.MarkupLine($"[bold]fashion-step[/]: batch {batch}, {steps} timed steps after {warmup} warm-up, {rounds} rounds, {threads} threads");
        var cs = new List<double>();
        var py = new List<double>();
        var pyTuned = new List<double>();
        var twinArgs = $"fashion-step --batch {batch} --steps {steps} --warmup {warmup} --threads {threads}";
        for (int r = 0; r < rounds; r++)
        {
            cs.Add(CSharpImagesPerSecond(batch, steps, warmup));
            if (noTwin)
            {
                AnsiConsole.MarkupLine($"  round {r + 1}: C# {cs[^1]:F0} img/s");
                continue;
            }
            py.Add(PythonTwin.Run(twinArgs).GetProperty("images_per_second").GetDouble());
            pyTuned.Add(PythonTwin.Run(twinArgs, sameAllocator: true).GetProperty("images_per_second").GetDouble());
            AnsiConsole.MarkupLine($"  round {r + 1}: C# {cs[^1]:F0} img/s, Python {py[^1]:F0} img/s, Python with our allocator settings {pyTuned[^1]:F0} img/s");
        }
        if (noTwin)
        {
            Console.WriteLine($"RESULT fashion-step csharp={Median(cs):F1}");
            return 0;
        }
        double csMed = Median(cs), pyMed = Median(py), tunedMed = Median(pyTuned);
        var table = new Table().AddColumns("benchmark", "twin", "C# img/s", "Python img/s", "C#/Python");
        var name = "fashion CNN train step (b" + batch + ")";
        table.AddRow(name, "PyTorch defaults", $"{csMed:F0}", $"{pyMed:F0}", $"{csMed / pyMed:F3}");
        table.AddRow(name, "same glibc malloc settings", $"{csMed:F0}", $"{tunedMed:F0}", $"{csMed / tunedMed:F3}");
        AnsiConsole.Write(table);
        Console.WriteLine($"RESULT fashion-step csharp={csMed:F1} python={pyMed:F1} ratio={csMed / pyMed:F3} " +
                          $"python_same_malloc={tunedMed:F1} ratio_same_malloc={csMed / tunedMed:F3} (goal >= 1.05)");
        return 0;
    }

    private static double CSharpImagesPerSecond(int batch, int steps, int warmup)
    {
        keras.utils.set_random_seed(0);
        var model = FashionMnistExperiment.BuildModel();
        model.compile(optimizer: keras.optimizers.Adam(0.001), loss: "sparse_categorical_crossentropy");
        using var x = Tensor.RandomUniform([batch, 28, 28, 1]);
        using var y = (Tensor.RandomUniform([batch]) * 10).Floor().AsType(DType.Int64);
        for (int i = 0; i < warmup; i++) model.train_on_batch(x, y);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) model.train_on_batch(x, y);
        return batch * steps / clock.Elapsed.TotalSeconds;
    }

    internal static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
