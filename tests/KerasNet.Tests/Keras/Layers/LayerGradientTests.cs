using KerasNet.Engine;
using KerasNet.Keras.Layers;

namespace KerasNet.Tests.Keras.Layers;

/// <summary>Each layer's gradients (input and weights) against central finite differences.</summary>
public class LayerGradientTests
{
    private static void CheckLayer(Layer layer, long[] shape, float[]? input = null, bool training = false)
    {
        KerasNet.KerasApi.keras.utils.set_random_seed(11);  // weights independent of which tests ran before
        input ??= Fixtures.Random((int)shape.Aggregate(1L, (a, d) => a * d), seed: 5);
        using (new TensorScope()) layer.Apply(Tensor.FromArray(input, shape));  // build
        GradCheck.Check(x => layer.Apply(x, training), input, shape, layer.trainable_weights);
    }

    [Theory]
    [InlineData("valid", 1)]
    [InlineData("same", 1)]
    [InlineData("same", 2)]
    [InlineData("valid", 2)]
    public void Conv2D(string padding, int stride) =>
        CheckLayer(new Conv2D(3, (3, 2), strides: stride, padding: padding), [2, 6, 5, 2]);

    // Pre-activations stay in [0.23, 0.77] (|Σ w·x| ≤ 18 · 0.05 · 0.3 around the bias 0.5), so finite
    // differences never straddle relu's kink; relu's two branches are checked in Activation("relu").
    [Fact]
    public void Conv2D_relu() =>
        CheckLayer(new Conv2D(2, 3, activation: "relu", kernel_initializer: new KerasNet.Keras.Initializers.RandomUniform(-0.05, 0.05),
                bias_initializer: new KerasNet.Keras.Initializers.Constant(0.5)),
            [1, 5, 5, 2], GradCheck.DistinctValues(50).Select(v => v * 0.3f).ToArray());

    [Fact]
    public void Dense() => CheckLayer(new Dense(4, activation: "tanh"), [3, 5]);

    [Fact]
    public void Dense_softmax() => CheckLayer(new Dense(4, activation: "softmax"), [3, 5]);

    [Fact]
    public void Dense_sigmoid() => CheckLayer(new Dense(2, activation: "sigmoid"), [3, 4]);

    [Fact]
    public void MaxPooling2D_valid() => CheckLayer(new MaxPooling2D(2), [2, 4, 4, 3], GradCheck.DistinctValues(96));

    [Fact]
    public void MaxPooling2D_same() => CheckLayer(new MaxPooling2D(2, padding: "same"), [1, 5, 5, 2], GradCheck.DistinctValues(50));

    [Fact]
    public void AveragePooling2D_same() => CheckLayer(new AveragePooling2D(2, padding: "same"), [1, 5, 5, 2]);

    [Fact]
    public void Flatten() => CheckLayer(new Flatten(), [2, 3, 2, 2]);

    [Fact]
    public void GlobalAveragePooling2D() => CheckLayer(new GlobalAveragePooling2D(), [2, 3, 3, 4]);

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softmax")]
    [InlineData("linear")]
    public void Activation(string name) => CheckLayer(new Activation(name), [3, 4], GradCheck.DistinctValues(12));

    [Fact]
    public void Dropout_in_inference_is_the_identity_gradient() => CheckLayer(new Dropout(0.5), [3, 4], training: false);
}
