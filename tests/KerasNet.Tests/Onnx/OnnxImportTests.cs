using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Onnx;
using Xunit.Abstractions;
using static KerasNet.KerasApi;
using static KerasNet.Tests.Onnx.OnnxBuilder;

namespace KerasNet.Tests.Onnx;

/// <summary>OnnxImporter: hand-built graphs in older and newer opset forms against ONNX Runtime, our own exports back in, and bad files.</summary>
public class OnnxImportTests(ITestOutputHelper output)
{
    /// <summary>Imported model's predictions on NHWC images against ONNX Runtime on the same images as NCHW.</summary>
    private double CompareWithOrt(string path, long[] nchw, int seed = 1)
    {
        using var scope = new TensorScope();
        var model = OnnxImporter.Import(path);
        var x = Fixtures.RandomTensor([nchw[0], nchw[2], nchw[3], nchw[1]], seed, scale: 2);
        var ours = model.predict(x, batch_size: (int)nchw[0], verbose: 0);
        var (reference, shape) = OrtReference.Run(path, OrtReference.Nchw(x), nchw.Select(d => (int)d).ToArray());
        var oursFlat = ours.Shape.Length == 4 ? OrtReference.Nchw(ours) : ours.ToArray<float>();
        Assert.Equal(reference.Length, oursFlat.Length);
        var diff = OrtReference.MaxAbsDiff(oursFlat, reference);
        output.WriteLine($"{Path.GetFileName(path)}: {model.layers.Count} layers, max |ours - ONNX Runtime| = {diff:E2}, outputs in [{reference.Min():G3}, {reference.Max():G3}]");
        Assert.True(reference.Max() - reference.Min() > 1e-3, "the outputs do not vary");
        return diff;
    }

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(13)]
    public void Cnn_ops_in_each_opset_form_match_onnx_runtime(int opset)
    {
        using var dir = new Fixtures.TempDir();
        var b = new OnnxBuilder(opset);
        var x = b.Input("image", 2, 3, 11, 11);
        // conv with CNTK-style asymmetric pads (extra pixel first), BN, clip (ReLU6)
        var c1 = b.Node("Conv", [x, b.Const([6, 3, 3, 3]), b.Const([6])], A("kernel_shape", 3, 3), A("strides", 2, 2), A("pads", 1, 1, 0, 0));
        var bn = b.Node("BatchNormalization", [c1, b.Const([6], scale: 1), b.Const([6]), b.Const([6], scale: 0.1), b.Const([6], Enumerable.Range(1, 6).Select(i => i * 0.3f).ToArray())], F("epsilon", 1e-5f));
        var r6 = opset < 11 ? b.Node("Clip", [bn], F("min", 0), F("max", 6)) : b.Node("Clip", [bn, b.Const([], [0]), b.Const([], [6])]);
        // depthwise (group = channels, multiplier 2) with dilation, symmetric pads
        var dw = b.Node("Conv", [r6, b.Const([12, 1, 3, 3])], A("kernel_shape", 3, 3), I("group", 6), A("pads", 2, 2, 2, 2), A("dilations", 2, 2));
        var relu = b.Node("Relu", [dw]);
        var mp = b.Node("MaxPool", [relu], A("kernel_shape", 3, 3), A("strides", 1, 1), A("pads", 1, 1, 1, 1));
        var ap = b.Node("AveragePool", [mp], A("kernel_shape", 2, 2), A("strides", 1, 1), A("pads", 1, 0, 0, 1), I("count_include_pad", 1));
        var pad = opset < 11 ? b.Node("Pad", [ap], A("pads", 0, 0, 1, 0, 0, 0, 0, 2)) : b.Node("Pad", [ap, b.Ints(0, 0, 1, 0, 0, 0, 0, 2)]);
        var sub = b.Node("Sub", [pad, b.Const([12, 1, 1])]);  // a per-channel constant
        var mul = b.Node("Mul", [sub, b.Const([], [0.75f])]);
        var sig = b.Node("Sigmoid", [mul]);
        var cat = b.Node("Concat", [sig, b.Node("LeakyRelu", [mul], F("alpha", 0.1f))], I("axis", 1));
        var added = b.Node("Add", [cat, b.Node("Identity", [cat])]);
        var flat = b.Node("Flatten", [added]);  // 24 channels × 6 × 7: ONNX's channel-first order
        var drop = opset < 12 ? b.Node("Dropout", [flat], F("ratio", 0.3f)) : b.Node("Dropout", [flat]);
        var mm = b.Node("MatMul", [drop, b.Const([24 * 6 * 7, 10], scale: 0.05)]);
        var biased = b.Node("Add", [mm, b.Const([10])]);
        var tanh = b.Node("Tanh", [biased]);
        var gemm = b.Node("Gemm", [tanh, b.Const([4, 10]), b.Const([4])], I("transB", 1), F("alpha", 0.5f), F("beta", 2f));
        var sm = b.Node("Softmax", [gemm], I("axis", 1));
        var path = b.Save(Path.Combine(dir.Path, $"cnn-opset{opset}.onnx"), sm);
        Assert.True(CompareWithOrt(path, [2, 3, 11, 11]) < 1e-5);
    }

    [Fact]
    public void Reshape_transposed_input_global_pooling_and_a_channel_split_reorder_match_onnx_runtime()
    {
        using var dir = new Fixtures.TempDir();
        var b = new OnnxBuilder(13);
        var x = b.Input("nhwc", 2, 8, 8, 3);  // NHWC in, transposed at once (tf2onnx style)
        var t = b.Node("Transpose", [x], A("perm", 0, 3, 1, 2));
        var parts = b.Nodes("Split", [t, b.Ints(1, 1, 1)], 3, I("axis", 1));
        var bgr = b.Node("Concat", [parts[2], parts[1], parts[0]], I("axis", 1));
        var c = b.Node("Conv", [bgr, b.Const([4, 3, 1, 1])], A("kernel_shape", 1, 1));
        var g = b.Node("GlobalAveragePool", [c]);
        var gm = b.Node("GlobalMaxPool", [c]);
        var both = b.Node("Sum", [g, gm]);
        var flat = b.Node("Reshape", [both, b.Ints(0, -1)]);
        var r = b.Node("Reshape", [flat, b.Ints(-1, 2, 2)]);
        var back = b.Node("Reshape", [r, b.Ints(0, 4)]);
        var path = b.Save(Path.Combine(dir.Path, "misc.onnx"), back);
        using var scope = new TensorScope();
        var model = OnnxImporter.Import(path);
        Assert.Equal("(None, 8, 8, 3)", model.inputs[0].shape.ToString());  // NHWC as the file has it
        var xs = Fixtures.RandomTensor([2, 8, 8, 3], 3);
        var ours = model.predict(xs, batch_size: 2, verbose: 0);
        var (reference, _) = OrtReference.Run(path, xs.ToArray<float>(), [2, 8, 8, 3]);
        Assert.True(OrtReference.MaxAbsDiff(ours.ToArray<float>(), reference) < 1e-5);
    }

    [Theory]
    [InlineData("sequential-cnn")]
    [InlineData("functional-add-concat")]
    [InlineData("batchnorm")]
    [InlineData("depthwise")]
    [InlineData("bottleneck-mlp")]
    [InlineData("mobilenet-finetuned")]
    public void Our_exports_import_back_to_the_same_predictions(string kind)
    {
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        var model = OnnxExportTests.Build(kind);
        var path = Path.Combine(dir.Path, kind + ".onnx");
        model.export(path);
        var imported = OnnxImporter.Import(path);
        var x = OnnxExportTests.InputFor(model, 4, seed: 8);
        var a = model.predict(x, batch_size: 4, verbose: 0);
        var b = imported.predict(x, batch_size: 4, verbose: 0);
        double diff = OrtReference.MaxAbsDiff(a.ToArray<float>(), b.ToArray<float>());
        output.WriteLine($"{kind}: exported, imported: max |diff| = {diff:E2}");
        Assert.True(diff < 1e-5);
        // an imported model is an ordinary one: it trains, freezes and saves
        imported.layers[1].trainable = false;
        imported.save(Path.Combine(dir.Path, kind + ".keras"));
        using var loaded = keras.models.load_model(Path.Combine(dir.Path, kind + ".keras"));
        Assert.Equal(b.ToArray<float>(), loaded.predict(x, batch_size: 4, verbose: 0).ToArray<float>());
        Assert.False(loaded.layers[1].trainable);
    }

    [Fact]
    public void A_truncated_file_is_refused_with_its_name()
    {
        using var dir = new Fixtures.TempDir();
        using var model = OnnxExportTests.Build("sequential-cnn");
        var full = Path.Combine(dir.Path, "full.onnx");
        model.export(full);
        var bytes = File.ReadAllBytes(full);
        foreach (var fraction in new[] { 0.1, 0.5, 0.9, 0.999 })
        {
            var cut = Path.Combine(dir.Path, $"cut{fraction}.onnx");
            File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * fraction)]);
            var e = Assert.Throws<InvalidDataException>(() => OnnxImporter.Import(cut));
            Assert.Contains(cut, e.Message);
            output.WriteLine(e.Message);
        }
        var notOnnx = Path.Combine(dir.Path, "weights.h5");
        File.WriteAllBytes(notOnnx, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
        Assert.Contains(notOnnx, Assert.Throws<InvalidDataException>(() => OnnxImporter.Import(notOnnx)).Message);
    }

    [Fact]
    public void An_unsupported_op_or_attribute_names_the_op_the_node_the_opset_and_the_file()
    {
        using var dir = new Fixtures.TempDir();
        var b = new OnnxBuilder(11);
        var x = b.Input("x", 1, 3, 8, 8);
        var lrn = b.Node("LRN", [b.Node("Relu", [x])], I("size", 3));
        var path = b.Save(Path.Combine(dir.Path, "lrn.onnx"), lrn);
        var e = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(path));
        Assert.Contains("LRN", e.Message);
        Assert.Contains("node 'LRN_", e.Message);
        Assert.Contains("opset 11", e.Message);
        Assert.Contains(path, e.Message);

        var b2 = new OnnxBuilder(11);
        var x2 = b2.Input("x", 1, 3, 8, 8);
        var grouped = b2.Node("Conv", [x2, b2.Const([6, 1, 3, 3])], A("kernel_shape", 3, 3), I("group", 3));  // group 3, 2 outputs each: fine
        var odd = b2.Node("MaxPool", [b2.Node("Sub", [grouped, b2.Const([], [1])])], A("kernel_shape", 2, 2), A("pads", 1, 1, 0, 0));
        var path2 = b2.Save(Path.Combine(dir.Path, "pool.onnx"), odd);
        var e2 = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(path2));
        Assert.Contains("MaxPool", e2.Message);
        Assert.Contains("possibly negative", e2.Message);

        var b3 = new OnnxBuilder(18);
        var x3 = b3.Input("x", 1, 3, 8, 8);
        var path3 = b3.Save(Path.Combine(dir.Path, "opset18.onnx"), b3.Node("Relu", [x3]));
        Assert.Contains("opset 18", Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(path3)).Message);
    }

    [Fact]
    public void A_model_with_two_inputs_imports_as_two_inputs_and_single_input_uses_say_so()
    {
        using var dir = new Fixtures.TempDir();
        var b = new OnnxBuilder(13);
        var a = b.Input("left", 1, 4);
        var c = b.Input("right", 1, 4);
        var path = b.Save(Path.Combine(dir.Path, "two.onnx"), b.Node("Add", [a, c]));
        using var model = OnnxImporter.Import(path);
        Assert.Equal(["left", "right"], model.inputs.Select(i => i.node.layer.name));
        using var x = Fixtures.RandomTensor([2, 4]);
        var e = Assert.ThrowsAny<Exception>(() => model.predict(x, verbose: 0));
        Assert.Contains("2 inputs", e.Message);
        // the deployed-model runner (predict, catsdogs-evaluate) feeds one image tensor
        var e3 = Assert.Throws<InvalidDataException>(() => new KerasNet.Harness.OnnxRuntimeModel(path));
        Assert.Contains("2 inputs (left, right)", e3.Message);
        Assert.Contains(path, e3.Message);
        // where one model input is expected, as in keras.applications.ResNet18's backbone use
        var e2 = Assert.Throws<ArgumentException>(() => KerasNet.Onnx.OnnxImporter.ImportGraph(path, [keras.Input(4)]));
        Assert.Contains("2 inputs", e2.Message);
    }
}
