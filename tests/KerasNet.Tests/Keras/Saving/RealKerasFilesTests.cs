using System.Diagnostics;
using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using Xunit.Abstractions;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Saving;

/// <summary>
/// Real Keras files written by other people (../shared/data/keras-models, see its MANIFEST.md): each loads, its
/// parameter count equals the sum of the file's weight sizes, and its predictions on 16 inputs equal an
/// independent reference (bench/reference/keras_file_reference.py: h5py + PyTorch, no Keras) within 1e-4.
/// </summary>
public class RealKerasFilesTests(ITestOutputHelper output)
{
    private const string Dir = "keras-models";

    public static string Reference =>
        Path.GetFullPath(Path.Combine(Fixtures.RepositoryRoot, "bench", "reference", "keras_file_reference.py"));

    /// <summary>Runs the reference on (config, weights, x); returns its outputs and the parameter count it read from the weights.</summary>
    internal static (float[] Output, long Params) RunReference(string config, string weights, Tensor x, string dir)
    {
        var input = Path.Combine(dir, "x.f32");
        var outputPath = Path.Combine(dir, "y.f32");
        using (var s = File.Create(input))
            s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.ToArray<float>().AsSpan()));
        var psi = new ProcessStartInfo("/usr/bin/python3",
            [Reference, config, weights, input, .. x.Shape.Select(d => d.ToString()), outputPath])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        var info = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        var bytes = File.ReadAllBytes(outputPath);
        var y = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, y, 0, bytes.Length);
        return (y, info["params"]!.GetValue<long>());
    }

    private static Tensor Inputs(Model model, int n = 16, int? size = null)
    {
        var s = model.input_shape!;
        long[] shape = [n, s[1] ?? size ?? 32, s[2] ?? size ?? 32, s[3]!.Value];
        return Fixtures.RandomTensor(shape, seed: 1234);
    }

    private double Check(Model model, string config, string weights, Tensor x)
    {
        using var dir = new Fixtures.TempDir();
        var (expected, fileParams) = RunReference(config, weights, x, dir.Path);
        Assert.Equal(fileParams, model.count_params());
        var got = model.predict(x).ToArray<float>();
        Assert.Equal(expected.Length, got.Length);
        double max = 0;
        for (int i = 0; i < got.Length; i++) max = Math.Max(max, Math.Abs(got[i] - expected[i]));
        output.WriteLine($"{Path.GetFileName(config)}: {model.count_params():N0} params, max |diff| over {got.Length} outputs = {max:E2}");
        Assert.True(max <= 1e-4, $"max difference {max}");
        return max;
    }

    [RequiresSharedFileFact(Dir + "/fer2013_mini_xception_keras205.hdf5")]
    public void Mini_xception_from_standalone_keras_2_0_5_loads_and_predicts_like_the_reference()
    {
        using var scope = new TensorScope();
        var path = SharedData.Find(Dir + "/fer2013_mini_xception_keras205.hdf5")!;
        using var model = keras.models.load_model(path);
        Assert.IsType<Functional>(model);
        Assert.Equal(58_423, model.count_params());
        Assert.Equal(1_472, model.non_trainable_weights.Sum(w => w.NumElements));
        Assert.Equal(4, model.layers.Count(l => l is Add));
        Assert.Equal(8, model.layers.Count(l => l is SeparableConv2D));
        Assert.NotNull(model.optimizer);   // Adam from training_config, lr read from "lr"
        Assert.Equal(1e-4, model.optimizer!.learning_rate, 6);
        Assert.NotEmpty(model.losses);     // the two L1L2(l2=0.01) kernel regularizers
        if (File.Exists("/usr/bin/python3")) Check(model, path, path, Inputs(model));
    }

    [RequiresSharedFileFact(Dir + "/mnist_cnn_dlwp_keras231.h5")]
    public void Mnist_cnn_from_keras_2_3_1_loads_with_batch_input_shape_on_its_first_conv()
    {
        using var scope = new TensorScope();
        var path = SharedData.Find(Dir + "/mnist_cnn_dlwp_keras231.h5")!;
        using var model = keras.models.load_model(path);
        Assert.IsType<Sequential>(model);
        Assert.Equal(93_322, model.count_params());
        Assert.IsType<KerasNet.Keras.Optimizers.RMSprop>(model.optimizer);
        if (File.Exists("/usr/bin/python3")) Check(model, path, path, Inputs(model));
    }

    [RequiresSharedFileFact(Dir + "/cifar10_bn_gmp_tfkeras2150.h5")]
    public void Cifar_cnn_from_tf_keras_2_15_loads_uncompiled_because_adamax_is_missing()
    {
        using var scope = new TensorScope();
        var path = SharedData.Find(Dir + "/cifar10_bn_gmp_tfkeras2150.h5")!;
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        Model model;
        try { model = keras.models.load_model(path); }
        finally { Console.SetError(old); }
        using (model)
        {
            Assert.Contains("Adamax", err.ToString());
            Assert.Null(model.optimizer);
            Assert.Equal(179_418, model.count_params());
            Assert.Equal(864, model.non_trainable_weights.Sum(w => w.NumElements));
            if (File.Exists("/usr/bin/python3")) Check(model, path, path, Inputs(model));
        }
    }

    [RequiresSharedFileFact(Dir + "/mnist_cnn_weights_keras224.h5")]
    public void Weights_only_file_loads_into_the_model_from_its_to_json_architecture()
    {
        using var scope = new TensorScope();
        var arch = SharedData.Find(Dir + "/mnist_cnn_arch_keras224.json")!;
        var weights = SharedData.Find(Dir + "/mnist_cnn_weights_keras224.h5")!;
        using var model = keras.models.model_from_json(File.ReadAllText(arch));
        model.load_weights(weights);
        Assert.Equal(607_394, model.count_params());
        var e = Assert.Throws<InvalidDataException>(() => keras.models.load_model(weights));
        Assert.Contains("model_config", e.Message);
        if (File.Exists("/usr/bin/python3")) Check(model, arch, weights, Inputs(model));
    }

    [RequiresSharedFileFact(Dir + "/vgg16_adapted_gap_arch_keras204.json")]
    public void Vgg16_architecture_json_from_keras_2_0_4_builds_with_its_frozen_conv_base()
    {
        using var scope = new TensorScope();
        var arch = SharedData.Find(Dir + "/vgg16_adapted_gap_arch_keras204.json")!;
        using var model = keras.models.model_from_json(File.ReadAllText(arch));
        Assert.Equal(15_243_075, model.count_params());
        Assert.Equal(13, model.layers.Count(l => l is Conv2D { trainable: false }));
        Assert.Equal(1024 * 512 + 1024 + 1024 * 3 + 3, model.trainable_weights.Sum(w => w.NumElements));
        Assert.Equal([null, null, null, 3], model.input_shape!.Dims);
        if (!File.Exists("/usr/bin/python3")) return;
        // no weights come with it: save random ones (biases too, so no activation is trivially zero) in Keras's layout
        // and check the forward pass on 48×48 inputs
        int seed = 10;
        foreach (var v in model.variables.Where(v => v.name == "bias"))
            v.assign(Fixtures.RandomTensor(v.shape, seed++, scale: 0.5));
        var spread = model.predict(Inputs(model, size: 48)).ToArray<float>();
        Assert.True(spread.Max() - spread.Min() > 1e-3, "the outputs should not be uniform");
        using var dir = new Fixtures.TempDir();
        var w = Path.Combine(dir.Path, "w.h5");
        model.save_weights(w);
        Check(model, arch, w, Inputs(model, size: 48));
    }
}
