using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Saving;

public class H5WeightsTests
{
    private static void AssertSameWeights(Model a, Model b)
    {
        Assert.Equal(a.variables.Count, b.variables.Count);
        for (int i = 0; i < a.variables.Count; i++)
            Assert.Equal(a.variables[i].numpy().ToArray<float>(), b.variables[i].numpy().ToArray<float>());
    }

    [Fact]
    public void VGG16_save_then_load_is_bit_exact()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "vgg16.h5");
        keras.utils.set_random_seed(1);
        var a = keras.applications.VGG16(include_top: false, weights: null);
        a.save_weights(path);
        keras.utils.set_random_seed(2);
        var b = keras.applications.VGG16(include_top: false, weights: null);
        Assert.NotEqual(a.variables[0].numpy().ToArray<float>(), b.variables[0].numpy().ToArray<float>());
        b.load_weights(path);
        AssertSameWeights(a, b);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp-*"));
    }

    [Fact]
    public void A_VGG16_with_top_loads_by_name_into_one_without_and_not_by_topology()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "vgg16_top.h5");
        keras.utils.set_random_seed(3);
        var full = keras.applications.VGG16(include_top: true, weights: null, input_shape: (32, 32, 3), classes: 10);
        full.save_weights(path);
        var notop = keras.applications.VGG16(include_top: false, weights: null, input_shape: (64, 64, 3));
        notop.load_weights(path, by_name: true);
        foreach (var layer in notop.layers.Where(l => l.variables.Count > 0))
            Assert.Equal(full.get_layer(layer.name).get_weights()[0].ToArray<float>(), layer.get_weights()[0].ToArray<float>());
        var e = Assert.Throws<InvalidDataException>(() => notop.load_weights(path));
        Assert.Contains("layer count mismatch", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Mismatched_shapes_name_the_layer_and_both_shapes_and_skip_mismatch_skips()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "small.h5");
        var a = keras.Sequential([keras.layers.Conv2D(4, 3, input_shape: (8, 8, 3), name: "c"), keras.layers.Flatten(), keras.layers.Dense(2, name: "d")]);
        a.save_weights(path);
        var b = keras.Sequential([keras.layers.Conv2D(5, 3, input_shape: (8, 8, 3), name: "c"), keras.layers.Flatten(), keras.layers.Dense(2, name: "d")]);
        var e = Assert.Throws<InvalidDataException>(() => b.load_weights(path));
        Assert.Contains("'c'", e.Message);
        Assert.Contains("[3, 3, 3, 5]", e.Message);
        Assert.Contains("[3, 3, 3, 4]", e.Message);
        var before = b.get_layer("c").get_weights()[0].ToArray<float>();
        var eDense = Assert.Throws<InvalidDataException>(() => b.load_weights(path, by_name: true));
        Assert.Contains("'c'", eDense.Message);
        b.load_weights(path, by_name: true, skip_mismatch: true);   // c and d both mismatch: both skipped
        Assert.Equal(before, b.get_layer("c").get_weights()[0].ToArray<float>());
        Assert.Throws<ArgumentException>(() => b.load_weights(path, skip_mismatch: true));
    }

    [Fact]
    public void Batch_norm_moving_statistics_round_trip()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "mobilenet.h5");
        var a = keras.applications.MobileNet(input_shape: (32, 32, 3), alpha: 0.25, include_top: false, weights: null);
        using (new TensorScope())
        {
            // move the moving statistics away from their initial 0 / 1
            var bn = (KerasNet.Keras.Layers.BatchNormalization)a.get_layer("conv1_bn");
            bn.moving_mean.assign(Tensor.FromArray(Enumerable.Range(0, 8).Select(i => i * 0.5f).ToArray(), 8));
        }
        a.save_weights(path);
        var b = keras.applications.MobileNet(input_shape: (32, 32, 3), alpha: 0.25, include_top: false, weights: null);
        b.load_weights(path);
        AssertSameWeights(a, b);
        Assert.Equal(3.5f, ((KerasNet.Keras.Layers.BatchNormalization)b.get_layer("conv1_bn")).moving_mean.numpy().ToArray<float>()[7]);
    }

    [Fact]
    public void Truncated_and_non_HDF5_files_are_clear_errors_naming_the_file()
    {
        using var dir = new Fixtures.TempDir();
        var good = Path.Combine(dir.Path, "good.h5");
        var model = keras.Sequential([keras.layers.Dense(64, input_shape: 32, name: "d")]);
        model.save_weights(good);
        var truncated = Path.Combine(dir.Path, "truncated.h5");
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e1 = Assert.Throws<InvalidDataException>(() => model.load_weights(truncated));
        Assert.Contains(truncated, e1.Message);
        var text = Path.Combine(dir.Path, "notes.h5");
        File.WriteAllText(text, "these are not weights");
        var e2 = Assert.Throws<InvalidDataException>(() => model.load_weights(text));
        Assert.Contains(text, e2.Message);
        Assert.Contains("not an HDF5 file", e2.Message);
        Assert.Throws<FileNotFoundException>(() => model.load_weights(Path.Combine(dir.Path, "missing.h5")));
    }

    [RequiresPythonModuleFact("h5py")]
    public void Our_files_have_the_layout_Keras_reads_checked_with_h5py()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "m.h5");
        var model = keras.Sequential(
        [
            keras.layers.Conv2D(4, (3, 2), input_shape: (8, 8, 3), name: "conv"),
            keras.layers.BatchNormalization(name: "bn"),
            keras.layers.Flatten(name: "flat"),
            keras.layers.Dense(2, name: "dense"),
        ]);
        model.save_weights(path);
        const string script = """
            import sys, h5py
            f = h5py.File(sys.argv[1], 'r')
            names = [n.decode() for n in f.attrs['layer_names']]
            print('layers', names, f.attrs['backend'].decode() if hasattr(f.attrs['backend'], 'decode') else f.attrs['backend'])
            for n in names:
                w = [x.decode() for x in f[n].attrs['weight_names']]
                print(n, [(x, f[n][x].shape, str(f[n][x].dtype)) for x in w])
            """;
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", script, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        Assert.Contains("layers ['conv', 'bn', 'flat', 'dense'] tensorflow", output);
        Assert.Contains("conv [('conv/kernel:0', (3, 2, 3, 4), 'float32'), ('conv/bias:0', (4,), 'float32')]", output);
        Assert.Contains("bn [('bn/gamma:0', (4,), 'float32'), ('bn/beta:0', (4,), 'float32'), ('bn/moving_mean:0', (4,), 'float32'), ('bn/moving_variance:0', (4,), 'float32')]", output);
        Assert.Contains("flat []", output);
        Assert.Contains("dense [('dense/kernel:0', (168, 2), 'float32')", output);
    }
}
