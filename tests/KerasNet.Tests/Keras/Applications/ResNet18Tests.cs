using KerasNet.Engine;
using KerasNet.Keras.Applications;
using KerasNet.Tests.Onnx;
using Xunit.Abstractions;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Applications;

/// <summary>ResNet18 imported from ML.NET's featurizer package against ONNX Runtime running the same files.</summary>
public class ResNet18Tests(ITestOutputHelper output)
{
    /// <summary>Images 0-255 RGB (N, 224, 224, 3): smooth gradients with noise, like photographs in range and texture.</summary>
    internal static Tensor Pixels(int n, int seed = 5)
    {
        var rng = new Random(seed);
        var data = new float[n * 224 * 224 * 3];
        for (int i = 0, k = 0; i < n; i++)
            for (int y = 0; y < 224; y++)
                for (int x = 0; x < 224; x++)
                    for (int c = 0; c < 3; c++)
                        data[k++] = MathF.Round(Math.Clamp(128 + 90 * MathF.Sin((x * (c + 1) + y * (i + 1)) / 37f) + (float)rng.NextDouble() * 40 - 20, 0, 255));
        return Tensor.FromArray(data, n, 224, 224, 3);
    }

    [Fact]
    public void Preprocess_input_equals_ResNetPreprocess_onnx_in_onnx_runtime_exactly()
    {
        using var scope = new TensorScope();
        var x = Pixels(2);
        var ours = keras.applications.resnet18.preprocess_input(x);
        var (reference, shape) = OrtReference.Run(ResNet18.FilePath(ResNet18.PreprocessFile), OrtReference.Nchw(x), [2, 3, 224, 224]);
        Assert.Equal([1, 3, 224, 224], shape);
        Assert.Equal(0, OrtReference.MaxAbsDiff(OrtReference.Nchw(ours), reference));
    }

    [Fact]
    public void Imported_features_equal_onnx_runtime_and_layers_have_keras_names()
    {
        using var scope = new TensorScope();
        using var model = keras.applications.ResNet18(weights: "imagenet", pooling: "avg");
        // every value of the file's 110 initializers, once: 15,908,800 (CNTK's ResNet18 has 3 blocks in its last stage);
        // torchvision's has 11,176,512 parameters without its fc, and the extra block adds 2 convs (2·512·512·9) and 2 BNs (2·2·512)
        Assert.Equal(15_908_800, model.count_params());
        long movingStats = model.layers.OfType<KerasNet.Keras.Layers.BatchNormalization>().Sum(l => l.non_trainable_weights.Sum(w => w.Value.NumElements));
        Assert.Equal(11_176_512 + 2 * 512 * 512 * 9 + 2 * 2 * 512, model.count_params() - movingStats);
        foreach (var n in new[] { "conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool", "conv2_block1_1_conv",
                     "conv2_block2_out", "conv3_block1_0_conv", "conv3_block1_0_bn", "conv3_block1_1_pad", "conv5_block1_1_conv", "conv5_block2_add", "conv5_block3_out", "avg_pool" })
            Assert.NotNull(model.get_layer(n));
        Assert.Equal("(None, 512)", model.output_shape!.ToString());

        var x = Pixels(3);
        var pre = keras.applications.resnet18.preprocess_input(x);
        var ours = model.predict(pre, batch_size: 3, verbose: 0);
        var (reference, shape) = OrtReference.Run(ResNet18.FilePath(ResNet18.ModelFile), OrtReference.Nchw(pre), [3, 3, 224, 224]);
        Assert.Equal([1, 512, 1, 1], shape);  // the file's batch is fixed at 1: run image by image
        double diff = OrtReference.MaxAbsDiff(ours.ToArray<float>(), reference);
        output.WriteLine($"max |ours - ONNX Runtime| = {diff:E2} over {reference.Length} features (max feature {reference.Max():F3})");
        Assert.True(diff < 1e-4, $"max abs difference {diff}");
    }
}
