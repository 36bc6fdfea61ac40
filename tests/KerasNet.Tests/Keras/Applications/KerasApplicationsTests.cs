using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Applications;

/// <summary>VGG19, ResNet50, MobileNetV2, Xception and InceptionV3: Keras's parameter counts, layer names, and that they run and round-trip.</summary>
public class KerasApplicationsTests
{
    public static TheoryData<string, bool, long, int> Counts => new()
    {
        // Keras's published figures (keras.io/api/applications and the models' summaries), and its layer counts
        { "VGG19", true, 143_667_240, 26 }, { "VGG19", false, 20_024_384, 22 },
        { "ResNet50", true, 25_636_712, 177 }, { "ResNet50", false, 23_587_712, 175 },
        { "MobileNetV2", true, 3_538_984, 156 }, { "MobileNetV2", false, 2_257_984, 154 },
        { "Xception", true, 22_910_480, 134 }, { "Xception", false, 20_861_480, 132 },
        { "InceptionV3", true, 23_851_784, 313 }, { "InceptionV3", false, 21_802_784, 311 },
    };

    private static Functional Build(string name, bool top, Shape? shape = null, string? pooling = null) => name switch
    {
        "VGG19" => keras.applications.VGG19(include_top: top, weights: null, input_shape: shape, pooling: pooling),
        "ResNet50" => keras.applications.ResNet50(include_top: top, weights: null, input_shape: shape, pooling: pooling),
        "MobileNetV2" => keras.applications.MobileNetV2(include_top: top, weights: null, input_shape: shape, pooling: pooling),
        "Xception" => keras.applications.Xception(include_top: top, weights: null, input_shape: shape, pooling: pooling),
        "InceptionV3" => keras.applications.InceptionV3(include_top: top, weights: null, input_shape: shape, pooling: pooling),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Parameter_and_layer_counts_equal_Kerass(string name, bool top, long parameters, int layers)
    {
        using var model = Build(name, top);
        Assert.Equal(parameters, model.count_params());
        Assert.Equal(layers, model.layers.Count);
    }

    [Fact]
    public void Layer_names_are_Kerass()
    {
        using (var m = Build("ResNet50", false))
            foreach (var n in new[] { "conv1_pad", "conv1_conv", "pool1_pool", "conv2_block1_0_conv", "conv4_block6_3_bn", "conv5_block3_out" })
                Assert.Equal(n, m.get_layer(n).name);
        using (var m = Build("MobileNetV2", true))
        {
            foreach (var n in new[] { "Conv1", "bn_Conv1", "expanded_conv_depthwise", "block_1_pad", "block_2_add", "block_16_project_BN", "Conv_1_bn", "out_relu", "predictions" })
                Assert.Equal(n, m.get_layer(n).name);
            Assert.Equal("mobilenetv2_1.00_224", m.name);
        }
        using (var m = Build("Xception", false))
            foreach (var n in new[] { "block1_conv1", "block2_pool", "block12_sepconv3_bn", "block14_sepconv2_act" })
                Assert.Equal(n, m.get_layer(n).name);
        using (var m = Build("InceptionV3", false))
            foreach (var n in new[] { "mixed0", "mixed7", "mixed9_0", "mixed9_1", "mixed10" })
                Assert.Equal(n, m.get_layer(n).name);
        using (var m = Build("VGG19", false)) Assert.Equal("block5_conv4", m.get_layer("block5_conv4").name);
    }

    [Theory]
    [InlineData("VGG19", 64, 512)]
    [InlineData("ResNet50", 64, 2048)]
    [InlineData("MobileNetV2", 96, 1280)]
    [InlineData("Xception", 71, 2048)]
    [InlineData("InceptionV3", 75, 2048)]
    public void Each_predicts_pooled_features_and_round_trips_its_weights(string name, int size, int features)
    {
        using var dir = new Fixtures.TempDir();
        keras.utils.set_random_seed(4);
        using var model = Build(name, false, new Shape(size, size, 3), pooling: "avg");
        using var x = Fixtures.RandomTensor([2, size, size, 3], seed: 6);
        using var y = model.predict(x, verbose: 0);
        Assert.Equal(new long[] { 2, features }, y.Shape);
        var path = Path.Combine(dir.Path, "w.h5");
        model.save_weights(path);
        keras.utils.set_random_seed(9);
        using var other = Build(name, false, new Shape(size, size, 3), pooling: "avg");
        other.load_weights(path);
        using var y2 = other.predict(x, verbose: 0);
        Assert.Equal(y.ToArray<float>(), y2.ToArray<float>());
    }

    [Fact]
    public void Too_small_inputs_and_wrong_arguments_are_refused()
    {
        Assert.Contains("classes should be 1000", Assert.Throws<ArgumentException>(() => keras.applications.ResNet50(classes: 10)).Message);
        Assert.Contains("pooling must be", Assert.Throws<ArgumentException>(() => keras.applications.Xception(include_top: false, weights: null, pooling: "sum")).Message);
        Assert.Throws<ArgumentException>(() => keras.applications.InceptionV3(include_top: false, weights: null, input_shape: new Shape(60, 60, 3)));
        Assert.Contains("alpha must be one of", Assert.Throws<ArgumentException>(() => keras.applications.MobileNetV2(alpha: 0.6)).Message);
        Assert.Equal(8, KerasNet.Keras.Applications.MobileNetV2.MakeDivisible(32 * 0.35 * 0.5));
        Assert.Equal(16, KerasNet.Keras.Applications.MobileNetV2.MakeDivisible(16 * 0.75));  // 12 → 16 (8 would be more than 10 % below)
    }
}
