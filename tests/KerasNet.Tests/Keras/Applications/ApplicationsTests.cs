using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Applications;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Saving;
using KerasNet.Keras.Utils;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Applications;

public class ApplicationsTests
{
    [Fact]
    public void VGG16_parameter_counts_equal_Keras()
    {
        Assert.Equal(14_714_688, keras.applications.VGG16(include_top: false, weights: null).count_params());
        Assert.Equal(138_357_544, keras.applications.VGG16(include_top: true, weights: null).count_params());
    }

    [Fact]
    public void VGG16_has_Keras_layer_names_so_scripts_find_their_layers()
    {
        var vgg = keras.applications.VGG16(include_top: false, weights: null, input_shape: (150, 150, 3));
        var names = vgg.layers.Select(l => l.name).ToList();
        Assert.IsType<InputLayer>(vgg.layers[0]);
        Assert.Equal(new[] { "block1_conv1", "block1_conv2", "block1_pool", "block2_conv1" }, names.Skip(1).Take(4));
        Assert.Equal(new[] { "block5_conv1", "block5_conv2", "block5_conv3", "block5_pool" }, names.TakeLast(4));
        Assert.Equal(19, vgg.layers.Count);
        Assert.IsType<Conv2D>(vgg.get_layer("block4_conv1"));
        Assert.Equal(new Shape(null, 4, 4, 512), vgg.output_shape);
        Assert.Equal("vgg16", vgg.name);
        // the fine-tuning script's set_trainable from block4_conv1 on
        bool trainable = false;
        foreach (var l in vgg.layers)
        {
            if (l.name == "block4_conv1") trainable = true;
            l.trainable = trainable;
        }
        Assert.Equal(5_899_776 + 7_079_424, vgg.trainable_weights.Sum(w => w.NumElements));  // blocks 4 and 5
        var top = keras.applications.VGG16(include_top: true, weights: null, input_shape: (32, 32, 3), classes: 10);
        Assert.Equal(new[] { "flatten", "fc1", "fc2", "predictions" }, top.layers.TakeLast(4).Select(l => l.name));
    }

    [Fact]
    public void MobileNet_quarter_width_matches_Keras_count_names_and_feature_shape()
    {
        var m = keras.applications.MobileNet(input_shape: (224, 224, 3), alpha: 0.25, include_top: false, weights: null);
        Assert.Equal(218_544, m.count_params());
        Assert.Equal("mobilenet_0.25_224", m.name);
        Assert.Equal(new[] { "conv1", "conv1_bn", "conv1_relu", "conv_dw_1", "conv_dw_1_bn", "conv_dw_1_relu", "conv_pw_1" },
            m.layers.Skip(1).Take(7).Select(l => l.name));
        Assert.IsType<ZeroPadding2D>(m.get_layer("conv_pad_2"));
        Assert.IsType<DepthwiseConv2D>(m.get_layer("conv_dw_13"));
        var at150 = keras.applications.MobileNet(input_shape: (150, 150, 3), alpha: 0.25, include_top: false, weights: null);
        Assert.Equal(new Shape(null, 4, 4, 256), at150.output_shape);
        var pooled = keras.applications.MobileNet(input_shape: (128, 128, 3), alpha: 0.5, include_top: false, weights: null, pooling: "avg");
        Assert.Equal(new Shape(null, 512), pooled.output_shape);
    }

    [RequiresSharedFileFact(SharedData.MobileNetWeights)]
    public void Real_MobileNet_weights_load_with_every_weight_assigned()
    {
        var path = SharedData.Find(SharedData.MobileNetWeights)!;
        var m = keras.applications.MobileNet(input_shape: (150, 150, 3), alpha: 0.25, include_top: false, weights: path);
        using var f = H5File.Open(path);
        int checkedWeights = 0;
        foreach (var layer in m.layers.Where(l => l.variables.Count > 0))
        {
            var names = f.ReadStrings("/" + layer.name, "weight_names")!;
            var weights = layer.trainable_weights.Concat(layer.non_trainable_weights).ToList();
            Assert.Equal(names.Length, weights.Count);
            for (int i = 0; i < names.Length; i++)
            {
                var expected = f.ReadFloats($"/{layer.name}/{names[i]}", weights[i].NumElements);
                Assert.Equal(expected, weights[i].numpy().ToArray<float>());
                checkedWeights++;
            }
        }
        Assert.Equal(m.variables.Count, checkedWeights);
        Assert.Equal(1 + 4 + 13 * 10, checkedWeights);  // conv1, conv1_bn, then 13 × (dw kernel, 4 BN, pw kernel, 4 BN)
    }

    [RequiresSharedFileFact(SharedData.MobileNetWeights)]
    public void Imagenet_weights_resolve_from_the_data_dir_with_the_published_hash()
    {
        var keep = KerasConfig.DataDir;
        // --data-dir ../shared/data: weights in its keras/models folder, as in ~/.keras/models
        KerasConfig.DataDir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(SharedData.Find(SharedData.MobileNetWeights))!, "..", ".."));
        try
        {
            var m = keras.applications.MobileNet(input_shape: (224, 224, 3), alpha: 0.25, include_top: false, weights: "imagenet");
            Assert.Equal(218_544, m.count_params());
        }
        finally
        {
            KerasConfig.DataDir = keep;
        }
    }

    [Fact]
    public void Imagenet_weights_offline_give_a_clear_error_naming_file_url_and_place()
    {
        using var home = new Fixtures.TempDir();
        var keepHome = Environment.GetEnvironmentVariable("KERAS_HOME");
        var keepHttp = GetFile.Http;
        Environment.SetEnvironmentVariable("KERAS_HOME", home.Path);
        GetFile.Http = new HttpClient(new OfflineHandler());
        try
        {
            var e = Assert.Throws<IOException>(() => keras.applications.VGG16(include_top: false, weights: "imagenet"));
            Assert.Contains(VGG16.WeightsFileNoTop, e.Message);
            Assert.Contains(VGG16.WeightsPathNoTop, e.Message);
            Assert.Contains(Path.Combine(home.Path, "models", VGG16.WeightsFileNoTop), e.Message);
            Assert.False(File.Exists(Path.Combine(home.Path, "models", VGG16.WeightsFileNoTop)));
        }
        finally
        {
            GetFile.Http = keepHttp;
            Environment.SetEnvironmentVariable("KERAS_HOME", keepHome);
        }
    }

    private sealed class OfflineHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage r, CancellationToken c) =>
            throw new HttpRequestException("Name or service not known (storage.googleapis.com:443)");

        protected override HttpResponseMessage Send(HttpRequestMessage r, CancellationToken c) =>
            throw new HttpRequestException("Name or service not known (storage.googleapis.com:443)");
    }

    [Fact]
    public void Weights_argument_must_be_imagenet_null_or_an_existing_file()
    {
        var e = Assert.Throws<ArgumentException>(() => keras.applications.VGG16(include_top: false, weights: "/no/such/file.h5"));
        Assert.Contains("/no/such/file.h5", e.Message);
        Assert.Throws<ArgumentException>(() => keras.applications.VGG16(include_top: true, weights: "imagenet", classes: 10));
    }

    [Fact]
    public void Preprocess_input_caffe_flips_to_BGR_and_subtracts_means_tf_scales_to_minus_one_one()
    {
        using var scope = new TensorScope();
        var rgb = Tensor.FromArray(new float[] { 10, 20, 30, 255, 0, 127.5f }, 1, 1, 2, 3);
        var caffe = keras.applications.vgg16.preprocess_input(rgb).ToArray<float>();
        Assert.Equal(new[] { 30 - 103.939f, 20 - 116.779f, 10 - 123.68f, 127.5f - 103.939f, 0 - 116.779f, 255 - 123.68f }, caffe);
        var tf = keras.applications.mobilenet.preprocess_input(rgb).ToArray<float>();
        Assert.Equal(new[] { 10 / 127.5f - 1, 20 / 127.5f - 1, 30 / 127.5f - 1, 1, -1, 0 }, tf);
    }

    [Fact]
    public void Decode_predictions_returns_the_top_classes_best_first()
    {
        using var dir = new Fixtures.TempDir();
        var index = Path.Combine(dir.Path, "imagenet_class_index.json");
        File.WriteAllText(index, "{" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"{i}\": [\"n{i:D8}\", \"class{i}\"]")) + "}");
        var names = ImagenetUtils.LoadClassIndex(index);
        Assert.Equal(("n00000007", "class7"), names[7]);
        using var scope = new TensorScope();
        var probs = new float[2000];
        probs[7] = 0.6f; probs[3] = 0.3f; probs[999] = 0.1f; probs[1000 + 42] = 1f;
        var keep = typeof(ImagenetUtils).GetField("_classIndex", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        keep.SetValue(null, names);
        try
        {
            var top = keras.applications.vgg16.decode_predictions(Tensor.FromArray(probs, 2, 1000), top: 3);
            Assert.Equal(("n00000007", "class7", 0.6f), (top[0][0].class_name, top[0][0].class_description, (float)top[0][0].score));
            Assert.Equal("class3", top[0][1].class_description);
            Assert.Equal("class999", top[0][2].class_description);
            Assert.Equal("class42", top[1][0].class_description);
        }
        finally
        {
            keep.SetValue(null, null);
        }
        Assert.Throws<ArgumentException>(() => keras.applications.vgg16.decode_predictions(Tensor.Zeros([2, 10])));
    }
}
