using KerasNet.Engine;

namespace KerasNet.Keras;

/// <summary>Keras activations by name: relu, sigmoid, softmax, tanh, linear (and a few more).</summary>
public static class Activations
{
    private static readonly string[] Known =
        ["linear", "relu", "sigmoid", "softmax", "tanh", "softplus", "elu", "selu", "swish", "silu", "gelu", "relu6"];

    /// <summary>Validates a name early (at layer construction), so typos fail where they are written.</summary>
    public static string? Validate(string? name)
    {
        if (name is null) return null;
        var n = name.ToLowerInvariant();
        if (!Known.Contains(n))
            throw new ArgumentException($"Unknown activation '{name}'. Known: {string.Join(", ", Known)}.");
        return n;
    }

    /// <summary>
    /// Applies the activation. softmax and sigmoid outputs keep x as their logits, so cross-entropy
    /// losses can use the exact, stable form, as TensorFlow's Keras does. (No in-place variants: an
    /// in-place op on the NHWC view of a convolution's output makes autograd rewrite the view's
    /// history, which measured 1.5x slower training.)
    /// </summary>
    public static Tensor Apply(string? name, Tensor x)
    {
        switch (name)
        {
            case null or "linear": return x;
            case "relu": return NN.Relu(x);
            case "sigmoid":
            {
                x = MixedPrecision.Policy.Cast(x, DType.Float32);  // probabilities (and their logits) in float32
                var y = NN.Sigmoid(x);
                y.KerasLogits = x;
                return y;
            }
            case "softmax":
            {
                x = MixedPrecision.Policy.Cast(x, DType.Float32);
                var y = NN.Softmax(x, -1);
                y.KerasLogits = x;
                return y;
            }
            case "tanh": return NN.Tanh(x);
            case "softplus": return NN.Softplus(x);
            case "elu": return NN.Elu(x);
            case "selu": return NN.Selu(x);
            case "swish" or "silu": return NN.Silu(x);
            case "gelu": return NN.Gelu(x);
            case "relu6": return NN.Relu6(x);
            default: throw new ArgumentException($"Unknown activation '{name}'.");
        }
    }
}
