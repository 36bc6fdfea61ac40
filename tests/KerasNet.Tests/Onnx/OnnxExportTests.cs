using KerasNet.Engine;
using KerasNet.Keras.Models;
using KerasNet.Onnx;
using KerasNet.Tests.Keras.Applications;
using Xunit.Abstractions;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Onnx;

/// <summary>model.export(format: "onnx") run in ONNX Runtime against our own predictions, on generated models.</summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    private static readonly string[] KindNames = ["sequential-cnn", "functional-add-concat", "batchnorm", "depthwise", "bottleneck-mlp", "mobilenet-finetuned", "every-layer"];

    public static TheoryData<string> Kinds() => new(KindNames);

    internal static Model Build(string kind)
    {
        // weights drawn from a seed of the kind's own, not from wherever the shared generator stands after other tests
        keras.utils.set_random_seed(2000 + Array.IndexOf(KindNames, kind));
        return BuildUnseeded(kind);
    }

    private static Model BuildUnseeded(string kind)
    {
        switch (kind)
        {
            case "sequential-cnn":
                return keras.Sequential(
                [
                    keras.layers.Conv2D(6, 3, padding: "same", activation: "relu", input_shape: (15, 13, 3)),
                    keras.layers.MaxPooling2D(2, padding: "same"),
                    keras.layers.Conv2D(8, (3, 2), strides: (2, 1), activation: "relu"),
                    keras.layers.AveragePooling2D(2, strides: 1, padding: "same"),
                    keras.layers.Flatten(),
                    keras.layers.Dropout(0.5),
                    keras.layers.Dense(5, activation: "softmax"),
                ]);
            case "functional-add-concat":
            {
                var inputs = keras.Input((12, 12, 3), name: "image");
                var a = keras.layers.Conv2D(4, 3, padding: "same", activation: "relu").Apply(inputs);
                var b = keras.layers.SeparableConv2D(4, 3, padding: "same", dilation_rate: 2).Apply(inputs);
                var s = keras.layers.Add().Apply([a, b]);
                var c = keras.layers.Concatenate().Apply([s, keras.layers.LeakyReLU(0.2).Apply(b)]);
                var p = keras.layers.ZeroPadding2D(new KerasNet.Keras.Layers.Padding2D(1, 0, 2, 1)).Apply(c);
                var g = keras.layers.GlobalAveragePooling2D().Apply(p);
                var o = keras.layers.Dense(1, activation: "sigmoid").Apply(g);
                return keras.Model(inputs, o);
            }
            case "batchnorm":
                return keras.Sequential(
                [
                    keras.layers.Conv2D(5, 3, use_bias: false, input_shape: (9, 9, 2)),
                    keras.layers.BatchNormalization(epsilon: 1e-3),
                    keras.layers.ReLU(),
                    keras.layers.Flatten(),
                    keras.layers.Dense(6),
                    keras.layers.BatchNormalization(),
                    keras.layers.Activation("tanh"),
                ]);
            case "depthwise":
                return keras.Sequential(
                [
                    keras.layers.InputLayer((11, 10, 3)),
                    keras.layers.DepthwiseConv2D(3, strides: 2, padding: "same", depth_multiplier: 2),
                    keras.layers.ReLU(6.0),
                    keras.layers.DepthwiseConv2D(3, use_bias: false),
                    keras.layers.GlobalMaxPooling2D(),
                    keras.layers.Dense(3, activation: "softmax"),
                ]);
            case "bottleneck-mlp":
                return keras.Sequential(
                [
                    keras.layers.Dense(32, activation: "relu", input_shape: 40),
                    keras.layers.Dropout(0.3),
                    keras.layers.Dense(1, activation: "sigmoid"),
                ]);
            case "mobilenet-finetuned":
            {
                var convBase = keras.applications.MobileNet(input_shape: (64, 64, 3), alpha: 0.25, include_top: false, weights: null);
                Calibrate(convBase, seed: 11);
                foreach (var l in convBase.layers.Take(convBase.layers.Count - 6)) l.trainable = false;
                var model = keras.Sequential([convBase, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(8, activation: "tanh"), keras.layers.Dense(1, activation: "sigmoid")]);
                model.compile(optimizer: keras.optimizers.RMSprop(1e-3), loss: "binary_crossentropy");
                using var x = Fixtures.RandomTensor([8, 64, 64, 3], seed: 4);
                using var y = Tensor.FromArray(new float[] { 0, 1, 0, 1, 1, 0, 1, 0 }, 8, 1);
                model.fit(x, y, batch_size: 4, epochs: 1, verbose: 0);  // moves the BN statistics and the trainable weights
                return model;
            }
            case "every-layer":
            {
                var inputs = keras.Input((6, 6, 4), name: "pixels");
                var r = keras.layers.Rescaling(1 / 127.5, offset: -1).Apply(inputs);
                var norm = keras.layers.Normalization(axis: [1, 2, 3]);
                using (var sample = Fixtures.RandomTensor([5, 6, 6, 4], seed: 9)) norm.adapt(sample);
                var n = norm.Apply(r);
                var n2 = keras.layers.Normalization(mean: [0.5f, -0.25f, 0, 1], variance: [4, 1, 0.25f, 2]).Apply(n);
                var t = keras.layers.ReLU(max_value: 1.5, negative_slope: 0.1, threshold: 0.2).Apply(n2);
                var m = keras.layers.Multiply().Apply([t, n]);
                var sub = keras.layers.Subtract().Apply([m, n2]);
                var mx = keras.layers.Maximum().Apply([sub, n]);
                var mn = keras.layers.Minimum().Apply([mx, t]);
                var av = keras.layers.Average().Apply([mn, sub, n]);
                var sm = keras.layers.Softmax(axis: 1).Apply(av);
                var d4 = keras.layers.Dense(3, activation: "elu").Apply(sm);  // Dense on the last axis of an image
                var pm = keras.layers.Permute([2, 1, 3]).Apply(d4);
                var rs = keras.layers.Reshape(new KerasNet.Keras.Shape(12, 9)).Apply(pm);
                var f = keras.layers.Flatten().Apply(rs);
                var act = keras.layers.Activation("swish").Apply(keras.layers.Dense(7, activation: "gelu").Apply(f));
                var gm = keras.layers.GlobalMaxPooling2D(keepdims: true).Apply(d4);
                var back = keras.layers.Reshape(new KerasNet.Keras.Shape(3)).Apply(gm);
                var cat = keras.layers.Concatenate().Apply([act, back, keras.layers.Activation("selu").Apply(back)]);
                var o = keras.layers.Dense(4, activation: "softmax").Apply(keras.layers.Activation("softplus").Apply(cat));
                return keras.Model(inputs, o);
            }
        }
        throw new ArgumentException(kind);
    }

    /// <summary>
    /// Sets every BatchNormalization's moving statistics to those of its input on random images, as training
    /// would: fresh ones (mean 0, variance 1) let 13 MobileNet blocks saturate every ReLU6, and a constant output
    /// compares nothing.
    /// </summary>
    private static void Calibrate(Functional convBase, int seed)
    {
        using var scope = new TensorScope();
        var x = InputFor(convBase, 8, seed);
        foreach (var bn in convBase.layers.OfType<KerasNet.Keras.Layers.BatchNormalization>())
        {
            var probe = keras.Model(convBase.inputs, [bn.input]);  // not disposed: it shares convBase's layers
            var a = probe.predict(x, batch_size: 8, verbose: 0);
            var mean = a.Mean(0, 1, 2);
            var variance = (a - mean.Reshape(1, 1, 1, -1)).Square().Mean(0, 1, 2);
            bn.moving_mean.assign(mean);
            bn.moving_variance.assign(variance);
        }
    }

    internal static Tensor InputFor(Model model, int batch, int seed)
    {
        var shape = model.inputs[0].shape.Dims.Skip(1).Select(d => (long)d!.Value).ToArray();
        return Fixtures.RandomTensor([batch, .. shape], seed, scale: 2);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Onnx_runtime_predictions_equal_ours(string kind)
    {
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        var model = Build(kind);
        var path = Path.Combine(dir.Path, kind + ".onnx");
        model.export(path, format: "onnx");
        foreach (int batch in new[] { 3, 5 })  // the batch dimension is dynamic
        {
            var x = InputFor(model, batch, seed: batch);
            var ours = model.predict(x, batch_size: batch, verbose: 0);
            var (reference, shape) = OrtReference.Run(path, x.ToArray<float>(), x.Shape.Select(d => (int)d).ToArray());
            Assert.Equal(ours.Shape.Select(d => (int)d).ToArray(), shape);
            double diff = OrtReference.MaxAbsDiff(ours.ToArray<float>(), reference);
            var o = ours.ToArray<float>();
            output.WriteLine($"{kind}, batch {batch}: max |ours - ONNX Runtime| = {diff:E2}, outputs in [{o.Min():G4}, {o.Max():G4}]");
            Assert.True(o.Max() - o.Min() > 1e-3, $"{kind}: the outputs do not vary ({o.Min()}..{o.Max()}): the comparison would prove little");
            Assert.True(diff < 1e-5, $"{kind}: max abs difference {diff}");
        }
    }

    [Fact]
    public void The_input_keeps_its_name_and_NHWC_shape_with_a_dynamic_batch_and_the_output_is_named_after_its_layer()
    {
        using var model = Build("functional-add-concat");
        var proto = OnnxExporter.Build(model);
        var input = Assert.Single(proto.Graph.Input);
        Assert.Equal("image", input.Name);
        var dims = input.Type.TensorType.Shape.Dim;
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal([12L, 12, 3], dims.Skip(1).Select(d => d.DimValue));
        Assert.Equal(model.layers[^1].name, Assert.Single(proto.Graph.Output).Name);
        Assert.Contains(proto.Graph.Node, n => n.OpType == "Sigmoid");  // the head exported as such
        Assert.Equal(13, proto.OpsetImport.Single().Version);
    }

    [Fact]
    public void Unsupported_formats_are_refused_by_name()
    {
        using var model = Build("bottleneck-mlp");
        var e = Assert.Throws<NotSupportedException>(() => model.export("x.pb", format: "tf_saved_model"));
        Assert.Contains("tf_saved_model", e.Message);
    }

    [Fact]
    public void Imported_ResNet18_with_its_preprocessing_exports_and_runs_in_onnx_runtime_within_1e_5()
    {
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        var inputs = keras.Input((224, 224, 3), name: "image");
        var x = KerasNet.Keras.Applications.ResNet18.ApplyPreprocessing(inputs);
        var features = keras.layers.GlobalAveragePooling2D(name: "avg_pool").Apply(KerasNet.Keras.Applications.ResNet18.Apply(x));
        using var model = keras.Model(inputs, features);
        var path = Path.Combine(dir.Path, "resnet18.onnx");
        model.export(path);
        var images = ResNet18Tests.Pixels(2) / 255.0;
        var ours = model.predict(images, batch_size: 2, verbose: 0);
        var (reference, _) = OrtReference.Run(path, images.ToArray<float>(), [2, 224, 224, 3]);
        double diff = OrtReference.MaxAbsDiff(ours.ToArray<float>(), reference);
        output.WriteLine($"ResNet18 imported, exported: max |ours - ONNX Runtime| = {diff:E2} (max feature {reference.Max():F3})");
        // 1e-5 of the features' scale (up to ~15): two convolution libraries summing 4,608 products in their own orders
        Assert.True(diff < 1e-5 * Math.Max(1, reference.Max(Math.Abs)), $"max abs difference {diff}");
    }
}
