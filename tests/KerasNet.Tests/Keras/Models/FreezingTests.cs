using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Models;

public class FreezingTests
{
    [Fact]
    public void A_frozen_layer_keeps_its_weights_and_summary_counts_change()
    {
        using var scope = new TensorScope();
        var model = keras.Sequential(
        [
            keras.layers.Dense(8, activation: "relu", input_shape: 4, name: "body"),
            keras.layers.Dense(1, activation: "sigmoid", name: "head"),
        ]);
        var body = model.get_layer("body");
        body.trainable = false;
        model.compile(optimizer: keras.optimizers.SGD(0.5), loss: "binary_crossentropy");
        var before = body.get_weights().Select(w => w.ToArray<float>()).ToList();
        var headBefore = model.get_layer("head").get_weights()[0].ToArray<float>();

        var x = Fixtures.RandomTensor([32, 4]);
        var y = Tensor.Ones([32, 1]);
        model.fit(x, y, batch_size: 8, epochs: 2, verbose: 0);

        var after = body.get_weights().Select(w => w.ToArray<float>()).ToList();
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[1]);
        Assert.NotEqual(headBefore, model.get_layer("head").get_weights()[0].ToArray<float>());

        string text = "";
        model.summary(print_fn: s => text = s);
        Assert.Contains("Trainable params: 9", text);
        Assert.Contains("Non-trainable params: 40", text);

        // as in Keras, unfreezing after compile takes effect only when compile() is called again
        body.trainable = true;
        model.fit(x, y, batch_size: 8, epochs: 1, verbose: 0);
        Assert.Equal(before[0], body.get_weights()[0].ToArray<float>());
        model.compile(optimizer: keras.optimizers.SGD(0.5), loss: "binary_crossentropy");
        model.fit(x, y, batch_size: 8, epochs: 1, verbose: 0);
        Assert.NotEqual(before[0], body.get_weights()[0].ToArray<float>());
    }

    [Fact]
    public void Freezing_after_compile_takes_effect_at_the_next_compile_as_in_Keras()
    {
        using var scope = new TensorScope();
        var model = keras.Sequential(
        [
            keras.layers.Dense(4, input_shape: 3, name: "body"),
            keras.layers.Dense(1, name: "head"),
        ]);
        model.compile(optimizer: keras.optimizers.SGD(0.1), loss: "mse");
        var x = Fixtures.RandomTensor([16, 3]);
        var y = Tensor.Ones([16, 1]);
        var body = model.get_layer("body");
        var frozen = body.get_weights()[0].ToArray<float>();
        body.trainable = false;                      // after compile: the compiled step still trains it
        model.fit(x, y, batch_size: 8, epochs: 1, verbose: 0);
        var stillTrained = body.get_weights()[0].ToArray<float>();
        Assert.NotEqual(frozen, stillTrained);
        model.compile(optimizer: keras.optimizers.SGD(0.1), loss: "mse");
        model.fit(x, y, batch_size: 8, epochs: 1, verbose: 0);
        Assert.Equal(stillTrained, body.get_weights()[0].ToArray<float>());
    }

    [Fact]
    public void Freezing_a_whole_model_freezes_every_layer_and_nested_models()
    {
        var inner = keras.Sequential([keras.layers.Dense(3, input_shape: 2), keras.layers.Dense(2)], name: "inner");
        var inputs = keras.Input(new KerasNet.Keras.Shape(2));
        var outputs = keras.layers.Dense(1).Apply(inner.Apply(inputs));
        var outer = keras.Model(inputs, outputs);
        Assert.Equal(9 + 8 + 3, outer.trainable_weights.Sum(w => w.NumElements));
        inner.trainable = false;
        Assert.Equal(3, outer.trainable_weights.Sum(w => w.NumElements));
        Assert.Equal(17, outer.non_trainable_weights.Sum(w => w.NumElements));
        outer.trainable = false;
        Assert.Empty(outer.trainable_weights);
        Assert.All(outer.layers, l => Assert.False(l.trainable));
    }
}
