using System.Text.Json;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using KerasNet.Tests.Harness;

namespace KerasNet.Tests.Experiments;

public class CatsDogsGapTests
{
    [Fact]
    public void Both_phases_run_into_one_history_with_the_test_set_after_each()
    {
        using var dir = new Fixtures.TempDir();
        var data = RunFolderTests.WriteData(dir.Path);
        // a test_data folder like the others
        var test = Path.Combine(data, "test_data");
        Directory.CreateDirectory(test);
        foreach (var f in Directory.GetFiles(Path.Combine(data, "validation_data"))) File.Copy(f, Path.Combine(test, Path.GetFileName(f)));
        var run = Path.Combine(dir.Path, "gap");
        var said = new StringWriter();
        Assert.Equal(0, Runner.Run(new CatsDogsGap(), new ExperimentOptions
        {
            DataDir = data, Backbone = "mobilenet", Weights = null, Epochs = 2, StepsPerEpoch = 1, Output = run, Verbose = 0,
        }, said));
        // phase 1: 2 epochs; phase 2: 2 · 10 / 12 → 1 epoch, from initial_epoch 2
        var log = File.ReadAllLines(Path.Combine(run, "training_log.csv"));
        Assert.Equal(["0", "1", "2"], log.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "history.csv")).Length - 1);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        foreach (var key in new[] { "phase1_test_accuracy", "phase2_test_accuracy", "phase1_final_val_accuracy", "phase2_final_val_accuracy", "test_accuracy" })
            Assert.True(metrics.RootElement.TryGetProperty(key, out _), key);
        // phase 2 trains the head and the base's last 3 layers only
        Assert.Contains("fine-tuning the last 3 layers of the base (conv_pw_13, conv_pw_13_bn, conv_pw_13_relu)", said.ToString());
        Assert.True(File.Exists(Path.Combine(run, "model.keras")));
    }
}
