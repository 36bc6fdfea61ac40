using System.Text.Json;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Experiments;

public class Cifar10ResNet18Tests
{
    [Fact]
    public void Validation_transform_resizes_the_shorter_side_to_256_then_crops_the_centre_224()
    {
        using var scope = new TensorScope();
        // a 100 × 50 image whose columns count up: the shorter side (50) → 256, the longer 512; the crop keeps the middle columns
        var cols = Enumerable.Range(0, 100 * 50 * 3).Select(i => (float)(i / 3 % 50)).ToArray();
        var image = Tensor.FromArray(cols, 100, 50, 3);
        var y = Cifar10ResNet18.ValidationTransform(image);
        Assert.Equal([224L, 224, 3], y.Shape);
        var row = y.Narrow(0, 0, 1).Narrow(2, 0, 1).Reshape(224).ToArray<float>();
        // column j of the crop is column (j + 16) of the 256-wide image: source x = (j + 16 + 0.5) · 50/256 - 0.5
        foreach (int j in new[] { 0, 100, 223 })
            Assert.Equal(Math.Clamp((j + 16 + 0.5) * 50 / 256 - 0.5, 0, 49), row[j], 3);
        var tall = Cifar10ResNet18.ValidationTransform(Tensor.Zeros([300, 200, 3]));
        Assert.Equal([224L, 224, 3], tall.Shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_runs_end_to_end_on_class_folders_with_the_scripts_epoch_line(bool finetune)
    {
        using var dir = new Fixtures.TempDir();
        var data = ImageFoldersTests.WriteClassFolders(Path.Combine(dir.Path, "data"), ["bird", "cat", "ship"], 3, (40, 30));
        var run = Path.Combine(dir.Path, "run");
        var said = new StringWriter();
        Experiment experiment = finetune ? new Cifar10ResNet18Finetune() : new Cifar10ResNet18Features();
        Assert.Equal(0, Runner.Run(experiment, new ExperimentOptions
        {
            DataDir = data, Backbone = "mobilenet", Weights = null, Epochs = 2, StepsPerEpoch = 1, Output = run, Verbose = 0,
        }, said));
        var text = said.ToString();
        Assert.Contains("9 training, 9 validation images of 3 classes", text);
        Assert.Contains(finetune ? "trainable: every layer" : "trainable: the new fc layer only", text);
        Assert.Matches(@"Epoch: 002, Training: Loss: \d+\.\d{4}, Accuracy: \d+\.\d{4}%, \n\t\tValidation: Loss: \d+\.\d{4}, Accuracy: \d+\.\d{4}%, Time: \d+\.\d{4}s", text);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "training_log.csv")).Length);
        Assert.Equal(["bird", "cat", "ship"], File.ReadAllLines(Path.Combine(run, "labels.txt")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.True(metrics.RootElement.TryGetProperty("best_val_accuracy", out _));
        // the saved model: the base and a 3-way fc layer, logits
        var model = keras.models.load_model(Path.Combine(run, "model.keras"));
        Assert.Equal("fc", model.layers[^1].name);
        using var scope = new TensorScope();
        Assert.Equal([2L, 3], model.predict(Tensor.Zeros([2, 224, 224, 3]), verbose: 0).Shape);
        // feature extraction trains the fc layer only; fine-tuning the base as well
        int trainable = model.trainable_weights.Count;
        Assert.True(finetune ? trainable > 2 : trainable == 2, $"{trainable} trainable weights");
    }

    [Fact]
    public void The_finetune_transform_ends_at_224_from_any_size_and_draws_anew_each_call()
    {
        using var scope = new TensorScope();
        var layers = new Cifar10ResNet18Finetune().TrainTransform(7);
        var image = Fixtures.RandomTensor([57, 80, 3], seed: 5, scale: 0.5) + 0.5;
        var y = layers.Aggregate(image, (x, l) => l.Apply(x, training: true));
        Assert.Equal([224L, 224, 3], y.Shape);
        var y2 = layers.Aggregate(image, (x, l) => l.Apply(x, training: true));
        Assert.NotEqual(y.ToArray<float>(), y2.ToArray<float>());  // random crops, rotation and flips draw anew
    }
}
