using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using KerasNet.Keras;
using KerasNet.Tests.Keras.Applications;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Experiments;

/// <summary>--backbone resnet18: ML.NET's ResNet18 with its preprocessing inside the model, and the experiments built on it.</summary>
public class BackbonesTests
{
    [Fact]
    public void ResNet18_backbone_takes_0_1_images_at_224_and_equals_preprocess_input_then_ResNet18()
    {
        using var scope = new TensorScope();
        using var backbone = Backbones.Build("resnet18");
        Assert.Equal(224, Backbones.ImageSize("resnet18"));
        Assert.Equal(150, Backbones.ImageSize("mobilenet"));
        Assert.Equal("(None, 224, 224, 3)", backbone.input_shape!.ToString());
        Assert.Equal("(None, 512)", backbone.output_shape!.ToString());
        Assert.NotNull(backbone.get_layer("bgr"));
        Assert.NotNull(backbone.get_layer("mean_image"));
        var pixels = ResNet18Tests.Pixels(2);
        var viaLayers = backbone.predict(pixels / 255.0, batch_size: 2, verbose: 0).ToArray<float>();
        using var plain = keras.applications.ResNet18(pooling: "avg");
        var viaFunction = plain.predict(keras.applications.resnet18.preprocess_input(pixels), batch_size: 2, verbose: 0).ToArray<float>();
        // x/255·255 is not always x in float32: a last-bit difference in some pixels
        Assert.True(viaLayers.Zip(viaFunction).Max(t => Math.Abs(t.First - t.Second)) < 1e-3);
    }

    [Fact]
    public void ResNet18_fine_tuning_starts_at_its_last_stage()
    {
        using var backbone = Backbones.Build("resnet18", weights: null);
        var first = Backbones.FirstFineTuned("resnet18", backbone);
        Assert.StartsWith("conv5_block1_", first);
        CatsDogsModels.TrainableFrom(backbone, first);
        var trainable = backbone.layers.Where(l => l.trainable && l.trainable_weights.Count > 0).Select(l => l.name).ToList();
        Assert.All(trainable, n => Assert.StartsWith("conv5_", n));
        Assert.Contains("conv5_block1_0_conv", trainable);  // the projection shortcut too
        Assert.Contains("conv5_block3_2_bn", trainable);
        Assert.False(backbone.get_layer("conv4_block2_2_conv").trainable);
    }

    [Fact]
    public void Bottleneck_with_resnet18_runs_at_224_and_saves_a_model_predict_reads()
    {
        using var dir = new Fixtures.TempDir();
        var data = Path.Combine(dir.Path, "data");
        var rng = new Random(4);
        foreach (var (split, n) in new[] { ("training_data", 3), ("validation_data", 2) })
        {
            Directory.CreateDirectory(Path.Combine(data, split));
            for (int i = 0; i < n; i++)
                foreach (var (name, level) in new[] { ("cat", 60.0), ("dog", 190.0) })
                {
                    using var img = Tensor.FromArray(Enumerable.Range(0, 40 * 30 * 3).Select(_ => (float)(level + rng.Next(-40, 40))).ToArray(), 40, 30, 3);
                    keras.utils.save_img(Path.Combine(data, split, $"{name}.{i}.jpg"), img);
                }
        }
        var run = Path.Combine(dir.Path, "run");
        var previous = KerasConfig.DataDir;
        try
        {
            Assert.Equal(0, Runner.Run(new CatsDogsBottleneck(),
                new ExperimentOptions { DataDir = data, Backbone = "resnet18", Epochs = 1, Output = run, Verbose = 0 }, TextWriter.Null));
        }
        finally
        {
            KerasConfig.DataDir = previous;
        }
        Assert.Contains("\"target_size\": [224, 224]", File.ReadAllText(Path.Combine(run, "preprocessing.json")));
        using var saved = keras.models.load_model(Path.Combine(run, "model.keras"), compile: false);
        Assert.Equal("(None, 224, 224, 3)", saved.input_shape!.ToString());
        var results = new Predictor(run).Run(Predictor.Images([Path.Combine(data, "validation_data")]), top: 1, TextWriter.Null);
        Assert.Equal(4, results.Count);
    }
}
