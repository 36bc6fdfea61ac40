using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Models;

public class FunctionalTests
{
    [Fact]
    public void Functional_model_lists_its_input_layer_first_and_computes_like_its_layers()
    {
        keras.backend.clear_session();
        using var scope = new TensorScope();
        var inputs = keras.Input(new Shape(8, 8, 1));
        var x = keras.layers.Conv2D(4, 3, activation: "relu").Apply(inputs);
        x = keras.layers.Flatten().Apply(x);
        var outputs = keras.layers.Dense(2, activation: "softmax").Apply(x);
        var model = keras.Model(inputs, outputs);

        Assert.IsType<InputLayer>(model.layers[0]);
        Assert.Equal(new[] { "input_1", "conv2d", "flatten", "dense" }, model.layers.Select(l => l.name));
        Assert.Same(model.layers[1], model.get_layer("conv2d"));
        Assert.Same(model.layers[^1], model.get_layer(index: -1 + model.layers.Count));
        Assert.Equal(new Shape(null, 2), outputs.shape);

        var data = Fixtures.RandomTensor([3, 8, 8, 1]);
        var direct = model.layers[3].Apply(model.layers[2].Apply(model.layers[1].Apply(data)));
        Assert.Equal(direct.ToArray<float>(), model.Apply(data).ToArray<float>());

        string text = "";
        model.summary(print_fn: s => text = s);
        Assert.Contains("input_1 (InputLayer)         [(None, 8, 8, 1)]         0", text);
        Assert.Contains("Total params: 330", text);
        keras.backend.clear_session();
    }

    [Fact]
    public void A_model_nests_as_a_layer_of_another_model()
    {
        using var scope = new TensorScope();
        var backbone = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape: (6, 6, 1)), keras.layers.GlobalAveragePooling2D()],
            name: "backbone");
        var inputs = keras.Input(new Shape(6, 6, 1));
        var outputs = keras.layers.Dense(1).Apply(backbone.Apply(inputs));
        var model = keras.Model(inputs, outputs);
        Assert.Contains(backbone, model.layers);
        Assert.Equal(20 + 3, model.count_params());
        Assert.Equal(new long[] { 5, 1 }, model.Apply(Tensor.Zeros([5, 6, 6, 1])).Shape);
        string text = "";
        model.summary(print_fn: s => text = s);
        Assert.Contains("backbone (Sequential)", text);
    }

    [Fact]
    public void A_sequential_model_starting_with_a_built_model_is_built_at_once()
    {
        var convBase = keras.applications.MobileNet(input_shape: (32, 32, 3), alpha: 0.25, include_top: false, weights: null);
        var model = keras.Sequential();
        model.add(convBase);
        model.add(keras.layers.Flatten());
        model.add(keras.layers.Dense(1, activation: "sigmoid"));
        Assert.True(model.built);
        Assert.Equal(218_544 + 256 + 1, model.count_params());  // α0.25 base (1×1×256 at 32²), then Dense(1)
    }

    [Fact]
    public void Unknown_layer_name_lists_the_existing_ones()
    {
        var model = keras.Sequential([keras.layers.Dense(1, input_shape: 2, name: "only")]);
        var e = Assert.Throws<ArgumentException>(() => model.get_layer("missing"));
        Assert.Contains("only", e.Message);
    }

    [Fact]
    public void A_graph_that_does_not_reach_the_input_is_rejected()
    {
        var a = keras.Input(new Shape(2));
        var b = keras.Input(new Shape(2));
        var y = keras.layers.Dense(1).Apply(b);
        Assert.Throws<ArgumentException>(() => keras.Model(a, y));
    }
}
