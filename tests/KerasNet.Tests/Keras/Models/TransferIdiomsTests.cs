using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Models;

/// <summary>The seed scripts' transfer idioms on loaded models, and graphs with several inputs, outputs and shared layers.</summary>
public class TransferIdiomsTests
{
    private static Model Loaded(string kind, Fixtures.TempDir dir)
    {
        using var model = Saving.ModelFilesTests.Build(kind);
        var path = Path.Combine(dir.Path, kind + ".keras");
        model.save(path);
        return keras.models.load_model(path);
    }

    [Fact]
    public void Slicing_popping_and_cutting_a_loaded_model_keep_its_weights()
    {
        keras.backend.clear_session();
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        var x = Fixtures.RandomTensor([4, 8, 8, 3], seed: 9);

        // keras.Model(base.input, base.layers[^2].output) on a loaded Sequential
        var seq = Loaded("sequential", dir);
        var cut = keras.Model(seq.input, seq.layers[^2].output);

        // keras.Sequential(model.layers[0..^1]) — the classifier dropped, the rest shared (each layer now has a
        // call in both models, so layer.output is ill-defined afterwards, as in Keras)
        var headless = keras.Sequential(seq.layers[0..^1]);
        Assert.Equal(seq.layers.Count - 1, headless.layers.Count);
        Assert.Equal(new[] { 4L, 36 }, headless.predict(x).Shape);  // Flatten of (3, 3, 4), through Dropout
        Assert.Throws<InvalidOperationException>(() => seq.layers[^2].output);
        Assert.Equal(headless.predict(x).ToArray<float>(), cut.predict(x).ToArray<float>());

        // model.layers.pop(), Keras 2 style: the model now ends at the layer before
        var popped = seq.layers.pop();
        Assert.IsType<Dense>(popped);
        Assert.Equal(headless.predict(x).ToArray<float>(), seq.predict(x).ToArray<float>());

        // on a loaded functional model too
        var fn = Loaded("functional", dir);
        int before = fn.layers.Count;
        fn.layers.pop();
        Assert.Equal(before - 1, fn.layers.Count);
        Assert.Equal(new[] { 4L, 8 }, fn.predict(x).Shape);  // the Rescaling output: 4 + 4 channels pooled

        // freezing by slice and by name
        var mob = Loaded("mobilenet", dir);
        var convBase = (Model)mob.layers[0];
        convBase.trainable = true;
        foreach (var l in convBase.layers[..^4]) l.trainable = false;
        Assert.All(convBase.layers[..^4], l => Assert.False(l.trainable));
        convBase.get_layer(convBase.layers[^1].name).trainable = false;
        Assert.False(convBase.layers[^1].trainable);

        // a new head on a loaded base, trained with the base frozen
        var inputs = keras.Input((32, 32, 3));
        convBase.trainable = false;
        var features = convBase.Apply(inputs, training: false);
        var head = keras.layers.Dense(2, activation: "softmax").Apply(keras.layers.GlobalAveragePooling2D().Apply(features));
        var transfer = keras.Model(inputs, head);
        Assert.Equal(2 * (convBase.output.shape[3]!.Value + 1), transfer.trainable_weights.Sum(w => w.NumElements));
        transfer.compile("adam", "categorical_crossentropy");
        var before0 = convBase.variables[0].numpy().ToArray<float>();
        transfer.fit(Fixtures.RandomTensor([6, 32, 32, 3]), Tensor.FromArray(new float[] { 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1 }, [6, 2]),
            epochs: 1, verbose: 0);
        Assert.Equal(before0, convBase.variables[0].numpy().ToArray<float>());
        foreach (var m in new Model[] { headless, cut, seq, fn, mob, transfer }) m.Dispose();
    }

    [Fact]
    public void Graphs_with_two_inputs_two_outputs_and_a_shared_layer_compute_and_round_trip()
    {
        keras.backend.clear_session();
        using var scope = new TensorScope();
        var a = keras.Input(4, name: "a");
        var b = keras.Input(4, name: "b");
        var shared = keras.layers.Dense(3, name: "shared");
        var ya = shared.Apply(a);
        var yb = shared.Apply(b);
        var sum = keras.layers.Add().Apply([ya, yb]);
        var prod = keras.layers.Multiply().Apply([ya, yb]);
        var model = keras.Model([a, b], [sum, prod]);
        Assert.Equal(2, shared.inbound_nodes.Count);
        Assert.Throws<InvalidOperationException>(() => shared.output);  // two calls: ill-defined, as in Keras
        Assert.Same(ya, shared.get_output_at(0));

        var xa = Fixtures.RandomTensor([5, 4], seed: 1);
        var xb = Fixtures.RandomTensor([5, 4], seed: 2);
        var outs = model.ApplyAll([xa, xb]);
        var pa = shared.Apply(xa).ToArray<float>();
        var pb = shared.Apply(xb).ToArray<float>();
        var s = outs[0].ToArray<float>();
        var p = outs[1].ToArray<float>();
        for (int i = 0; i < s.Length; i++)
        {
            Assert.Equal(pa[i] + pb[i], s[i], 5);
            Assert.Equal(pa[i] * pb[i], p[i], 5);
        }
        using var again = keras.models.model_from_json(model.to_json());
        again.set_weights(model.get_weights());
        var outs2 = again.ApplyAll([xa, xb]);
        Assert.Equal(s, outs2[0].ToArray<float>());
        Assert.Equal(p, outs2[1].ToArray<float>());
        Assert.Equal(model.to_json(), again.to_json());
        Assert.Throws<InvalidOperationException>(() => model.Apply(xa));  // two inputs: say so
    }

    [Fact]
    public void Merge_layers_check_their_inputs()
    {
        using var scope = new TensorScope();
        var a = keras.Input((4, 4, 2));
        var b = keras.Input((4, 4, 3));
        var e = Assert.Throws<ArgumentException>(() => keras.layers.Add().Apply([a, b]));
        Assert.Contains("same shape", e.Message);
        Assert.Throws<ArgumentException>(() => keras.layers.Add().Apply([a]));
        Assert.Equal(new Shape(null, 4, 4, 5), keras.layers.Concatenate().Apply([a, b]).shape);
        Assert.Throws<ArgumentException>(() => keras.layers.Concatenate(axis: 1).Apply([a, b]));
        Assert.Throws<ArgumentException>(() => keras.layers.Add().Apply(Fixtures.RandomTensor([2, 3])));
    }
}
