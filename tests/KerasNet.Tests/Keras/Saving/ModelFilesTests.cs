using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Saving;

/// <summary>model.save → keras.models.load_model round trips, .h5 and .keras alike, on generated models.</summary>
public class ModelFilesTests
{
    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var kind in new[] { "sequential", "functional", "nested", "mobilenet" })
            foreach (var ext in new[] { ".h5", ".keras" })
                d.Add(kind, ext);
        return d;
    }

    internal static Model Build(string kind)
    {
        switch (kind)
        {
            case "sequential":
                return keras.Sequential(
                [
                    keras.layers.Conv2D(4, 3, activation: "relu", input_shape: (8, 8, 3), kernel_regularizer: keras.regularizers.L2(0.01)),
                    keras.layers.BatchNormalization(),
                    keras.layers.MaxPooling2D(),
                    keras.layers.Flatten(),
                    keras.layers.Dropout(0.0),
                    keras.layers.Dense(3, activation: "softmax"),
                ]);
            case "functional":
            {
                var inputs = keras.Input((8, 8, 3));
                var a = keras.layers.Conv2D(4, 3, padding: "same").Apply(inputs);
                var b = keras.layers.SeparableConv2D(4, 3, padding: "same").Apply(inputs);
                var added = keras.layers.add([a, b]);
                var joined = keras.layers.Concatenate().Apply([added, keras.layers.LeakyReLU(0.1).Apply(a)]);
                var x = keras.layers.GlobalAveragePooling2D().Apply(joined);
                x = keras.layers.Rescaling(2.0, offset: 0.5).Apply(x);
                var outputs = keras.layers.Dense(3, activation: "softmax").Apply(x);
                return keras.Model(inputs, outputs);
            }
            case "nested":
            {
                var inner = keras.Sequential([keras.layers.Conv2D(4, 3, input_shape: (8, 8, 3)), keras.layers.BatchNormalization(),
                    keras.layers.ReLU()], name: "inner_block");
                var inputs = keras.Input((8, 8, 3));
                var x = inner.Apply(inputs);
                x = keras.layers.GlobalMaxPooling2D().Apply(x);
                var outputs = keras.layers.Dense(3, activation: "softmax").Apply(x);
                return keras.Model(inputs, outputs, name: "outer");
            }
            case "mobilenet":
            {
                var convBase = keras.applications.MobileNet(input_shape: (32, 32, 3), alpha: 0.25, include_top: false, weights: null);
                convBase.trainable = false;
                return keras.Sequential([convBase, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation: "softmax")]);
            }
            default: throw new ArgumentException(kind);
        }
    }

    private static (Tensor X, Tensor Y) Data(Model m, int n = 24)
    {
        var s = m.input_shape!;
        var x = Fixtures.RandomTensor([n, s[1]!.Value, s[2]!.Value, s[3]!.Value], seed: 5);
        var labels = Enumerable.Range(0, n).Select(i => (float)(i % 3)).ToArray();
        return (x, Tensor.FromArray(labels, [n]).OneHot(3));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Save_then_load_gives_identical_predictions_and_identical_continued_training(string kind, string ext)
    {
        keras.backend.clear_session();
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        keras.utils.set_random_seed(42);
        using var model = Build(kind);
        model.compile(keras.optimizers.Adam(learning_rate: 0.01), "categorical_crossentropy", ["accuracy"]);
        var (x, y) = Data(model);
        model.fit(x, y, batch_size: 8, epochs: 1, verbose: 0, shuffle: false);

        var path = Path.Combine(dir.Path, "model" + ext);
        model.save(path);
        using var loaded = keras.models.load_model(path);

        Assert.Equal(model.GetType(), loaded.GetType());
        Assert.Equal(model.layers.Select(l => (l.name, l.ClassName, l.trainable)), loaded.layers.Select(l => (l.name, l.ClassName, l.trainable)));
        Assert.Equal(model.count_params(), loaded.count_params());
        Assert.Equal(model.trainable_weights.Sum(w => w.NumElements), loaded.trainable_weights.Sum(w => w.NumElements));
        Assert.Equal(model.predict(x).ToArray<float>(), loaded.predict(x).ToArray<float>());

        // compiled state and optimizer state came back: one more epoch each gives the same weights
        Assert.NotNull(loaded.optimizer);
        Assert.Equal(model.optimizer!.iterations, loaded.optimizer!.iterations);
        Assert.Equal(0.01, loaded.optimizer.learning_rate, 12);
        var h1 = model.fit(x, y, batch_size: 8, epochs: 1, verbose: 0, shuffle: false);
        var h2 = loaded.fit(x, y, batch_size: 8, epochs: 1, verbose: 0, shuffle: false);
        Assert.Equal(h1.history["loss"][0], h2.history["loss"][0], 6);
        var w1 = model.variables.Select(v => v.numpy().ToArray<float>()).ToList();
        var w2 = loaded.variables.Select(v => v.numpy().ToArray<float>()).ToList();
        Assert.Equal(w1.Count, w2.Count);
        double max = 0;
        for (int i = 0; i < w1.Count; i++)
            for (int j = 0; j < w1[i].Length; j++) max = Math.Max(max, Math.Abs(w1[i][j] - w2[i][j]));
        Assert.True(max < 1e-6, $"{kind}{ext}: weights after one more epoch differ by {max}");
    }

    [Fact]
    public void Json_round_trip_rebuilds_the_same_architecture_and_config()
    {
        keras.backend.clear_session();
        using var scope = new TensorScope();
        foreach (var kind in new[] { "sequential", "functional", "nested", "mobilenet" })
        {
            using var model = Build(kind);
            var json = model.to_json();
            using var again = keras.models.model_from_json(json);
            Assert.Equal(json, again.to_json());
            Assert.Equal(model.count_params(), again.count_params());
        }
    }

    [Fact]
    public void Loading_without_compile_leaves_the_model_uncompiled()
    {
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        using var model = Build("sequential");
        model.compile("adam", "categorical_crossentropy");
        var path = Path.Combine(dir.Path, "m.h5");
        model.save(path);
        using var loaded = keras.models.load_model(path, compile: false);
        Assert.Null(loaded.optimizer);
        Assert.Null(loaded.loss);
    }

    [RequiresPythonModuleFact("h5py")]
    public void H5py_reads_our_files_with_the_keras_layout()
    {
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        using var model = Build("nested");
        model.compile(keras.optimizers.Adam(), "categorical_crossentropy", ["accuracy"]);
        var (x, y) = Data(model);
        model.fit(x, y, batch_size: 8, epochs: 1, verbose: 0);
        var h5 = Path.Combine(dir.Path, "m.h5");
        var archive = Path.Combine(dir.Path, "m.keras");
        model.save(h5);
        model.save(archive);
        const string script = """
            import sys, json, zipfile, io, h5py
            f = h5py.File(sys.argv[1], 'r')
            cfg = json.loads(f.attrs['model_config'])
            print('class', cfg['class_name'], [l['class_name'] for l in cfg['config']['layers']])
            tc = json.loads(f.attrs['training_config'])
            print('optimizer', tc['optimizer_config']['class_name'], tc['loss'], tc['metrics'])
            g = f['model_weights']
            names = [n.decode() for n in g.attrs['layer_names']]
            print('layers', names)
            inner = [w.decode() for w in g['inner_block'].attrs['weight_names']]
            print('inner', inner)
            print('shapes', [g['inner_block'][w].shape for w in inner])
            print('opt', len(f['optimizer_weights'].attrs['weight_names']))
            z = zipfile.ZipFile(sys.argv[2])
            print('zip', sorted(z.namelist()))
            c = json.loads(z.read('config.json'))
            print('k3', c['module'], c['class_name'], c['config']['layers'][0]['config']['batch_shape'])
            w = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')
            inner = w['layers/inner_block/layers']
            print('vars', sorted(len(inner[n]['vars']) for n in inner), w['layers/' + sys.argv[3] + '/vars/0'].shape)
            """;
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", script, h5, archive, model.layers[^1].name]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        var innerConv = ((Model)model.get_layer("inner_block")).layers[0].name;
        Assert.Contains("class Functional ['InputLayer', 'Sequential', 'GlobalMaxPooling2D', 'Dense']", output);
        Assert.Contains("optimizer Adam categorical_crossentropy ['accuracy']", output);
        Assert.Contains($"layers ['{model.layers[0].name}', 'inner_block', '{model.layers[2].name}', '{model.layers[3].name}']", output);
        // a nested model's group: all its trainable weights first, then the batch-norm statistics
        var bn = ((Model)model.get_layer("inner_block")).layers[1].name;
        Assert.Contains($"inner ['{innerConv}/kernel:0', '{innerConv}/bias:0', '{bn}/gamma:0', '{bn}/beta:0', " +
                        $"'{bn}/moving_mean:0', '{bn}/moving_variance:0']", output);
        Assert.Contains("shapes [(3, 3, 3, 4), (4,), (4,), (4,), (4,), (4,)]", output);
        Assert.Contains("zip ['config.json', 'metadata.json', 'model.weights.h5']", output);
        Assert.Contains("k3 keras Functional [None, 8, 8, 3]", output);
        Assert.Contains("vars [0, 2, 4] (4, 3)", output);
    }
}
