using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Harness;

public class RunFolderTests
{
    /// <summary>Tiny Kaggle-named images: cats dark, dogs bright.</summary>
    internal static string WriteData(string dir)
    {
        var data = Path.Combine(dir, "data");
        foreach (var (split, n, seed) in new[] { ("training_data", 6, 1), ("validation_data", 3, 2) })
        {
            var folder = Path.Combine(data, split);
            Directory.CreateDirectory(folder);
            var rng = new Random(seed);
            for (int i = 0; i < n; i++)
                foreach (var (name, level) in new[] { ("cat", 40.0), ("dog", 210.0) })
                {
                    var pixels = Enumerable.Range(0, 24 * 24 * 3).Select(_ => (float)(level + rng.Next(-30, 30))).ToArray();
                    using var img = Tensor.FromArray(pixels, 24, 24, 3);
                    keras.utils.save_img(Path.Combine(folder, $"{name}.{seed * 100 + i}.jpg"), img);
                }
        }
        return data;
    }

    private static float[] Weights(string h5)
    {
        var model = CatsDogsModels.Dropout();
        model.load_weights(h5);
        return model.variables.SelectMany(v => v.numpy().ToArray<float>()).ToArray();
    }

    [Fact]
    public void A_finished_run_is_not_retrained_and_more_epochs_continue_it_exactly()
    {
        using var dir = new Fixtures.TempDir();
        var data = WriteData(dir.Path);
        var run = Path.Combine(dir.Path, "run");
        ExperimentOptions Options(string output, int epochs) => new() { DataDir = data, Epochs = epochs, Output = output, Verbose = 0 };
        Assert.Equal(0, Runner.Run(new CatsDogsDropout(), Options(run, 1), TextWriter.Null));
        var log = File.ReadAllText(Path.Combine(run, "training_log.csv"));

        // the same command again: refused, nothing touched
        var again = Assert.Throws<RunFolderException>(() => Runner.Run(new CatsDogsDropout(), Options(run, 1), TextWriter.Null));
        Assert.Contains("is a finished catsdogs-dropout run (1 epochs", again.Message);
        Assert.Contains("--epochs N (more than 1)", again.Message);
        Assert.Contains("to start over, delete", again.Message);
        Assert.Equal(log, File.ReadAllText(Path.Combine(run, "training_log.csv")));
        Assert.Equal(CliErrors.BadInput, CliErrors.ExitCode(again));

        // another experiment on the folder: refused
        var other = Assert.Throws<RunFolderException>(() => Runner.Run(new CatsDogsBaseline(), Options(run, 1), TextWriter.Null));
        Assert.Contains("holds a catsdogs-dropout run, not catsdogs-baseline", other.Message);

        // --epochs 2 continues from the kept backup and ends as a 2-epoch run would have
        var said = new StringWriter();
        Assert.Equal(0, Runner.Run(new CatsDogsDropout(), Options(run, 2), said));
        Assert.Contains("continuing the finished run from epoch 1 to 2", said.ToString());
        var straight = Path.Combine(dir.Path, "straight");
        Assert.Equal(0, Runner.Run(new CatsDogsDropout(), Options(straight, 2), TextWriter.Null));
        foreach (var file in new[] { "history.csv", "training_log.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(straight, file)), File.ReadAllText(Path.Combine(run, file)));
        Assert.Equal(Weights(Path.Combine(straight, "best_weights.h5")), Weights(Path.Combine(run, "best_weights.h5")));
        Assert.Empty(Directory.GetFiles(run, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_run_killed_after_its_last_epoch_writes_its_final_records_without_training_again()
    {
        using var dir = new Fixtures.TempDir();
        var data = WriteData(dir.Path);
        var run = Path.Combine(dir.Path, "run");
        var options = new ExperimentOptions { DataDir = data, Epochs = 2, Output = run, Verbose = 0 };
        Assert.Equal(0, Runner.Run(new CatsDogsDropout(), options, TextWriter.Null));
        var history = File.ReadAllText(Path.Combine(run, "history.csv"));
        var log = File.ReadAllText(Path.Combine(run, "training_log.csv"));
        double Metric(string key) => System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty(key).GetDouble();
        double best = Metric("best_val_accuracy"), speed = Metric("train_images_per_second");
        // what a kill right after the last epoch's commit leaves: the backup of epoch 2, none of the final records
        foreach (var f in new[] { "metrics.json", "history.csv", "model.keras", "learning_curves.svg" }) File.Delete(Path.Combine(run, f));

        Assert.Equal(0, Runner.Run(new CatsDogsDropout(), options, TextWriter.Null));
        Assert.Equal(history, File.ReadAllText(Path.Combine(run, "history.csv")));
        Assert.Equal(log, File.ReadAllText(Path.Combine(run, "training_log.csv")));  // no epoch trained (or logged) twice
        Assert.Equal(best, Metric("best_val_accuracy"));
        Assert.Equal(speed, Metric("train_images_per_second"), 6);  // the step time comes back with the backup
        Assert.True(File.Exists(Path.Combine(run, "model.keras")));
    }

    [Fact]
    public void A_run_folder_takes_one_process_and_a_killed_owner_leaves_no_stale_lock()
    {
        using var dir = new Fixtures.TempDir();
        var run = Path.Combine(dir.Path, "run");
        var options = new ExperimentOptions { Output = run };
        using (var first = RunFolder.Open(run, new CatsDogsDropout(), options))
        {
            var busy = Assert.Throws<RunFolderException>(() => RunFolder.Open(run, new CatsDogsDropout(), options));
            Assert.Contains($"is in use by process {Environment.ProcessId}", busy.Message);
            Assert.Contains("one run folder takes one run at a time", busy.Message);
        }
        using (RunFolder.Open(run, new CatsDogsDropout(), options)) { }  // released by Dispose

        // a process killed with -9 while it holds the folder: the kernel drops its lock
        var data = WriteData(dir.Path);
        var killed = Path.Combine(dir.Path, "killed");
        var p = Fixtures.StartExperiments(Path.Combine(dir.Path, "killed.log"), null,
            "catsdogs-dropout", "--data-dir", data, "--epochs", "50", "--verbose", "0", "--output", killed);
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(killed, RunFolder.OwnerFile)) && clock.Elapsed < TimeSpan.FromMinutes(1) && !p.HasExited) Thread.Sleep(20);
        Assert.True(File.Exists(Path.Combine(killed, RunFolder.OwnerFile)), File.ReadAllText(Path.Combine(dir.Path, "killed.log")));
        Assert.Throws<RunFolderException>(() => RunFolder.Open(killed, new CatsDogsDropout(), options));
        p.Kill();
        p.WaitForExit();
        using (RunFolder.Open(killed, new CatsDogsDropout(), options)) { }
    }

    [Fact]
    public void Opening_a_folder_removes_temporaries_of_ended_processes_only()
    {
        using var dir = new Fixtures.TempDir();
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var dead = Path.Combine(dir.Path, "config.json.tmp-2147480000");
        var deadThread = Path.Combine(dir.Path, "best_weights.h5.tmp-2147480001-7");
        var live = Path.Combine(dir.Path, $"history.csv.tmp-{sleeper.Id}");
        foreach (var f in new[] { dead, deadThread, live }) File.WriteAllText(f, "partial");
        using (RunFolder.Open(dir.Path, new CatsDogsDropout(), new ExperimentOptions { Output = dir.Path })) { }
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(deadThread));
        Assert.True(File.Exists(live));  // its writer may still rename it
        sleeper.Kill();
    }
}
