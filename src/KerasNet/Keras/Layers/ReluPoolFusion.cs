using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>
/// A Conv2D(activation: "relu") whose only reader is a MaxPooling2D runs as convolution, pooling, then ReLU in place on
/// the pooled values. ReLU is monotonic, so max_pool(relu(x)) equals relu(max_pool(x)) exactly, and so do the gradients
/// (a window whose maximum is ≤ 0 passes no gradient either way; otherwise both pass it to the same, first, maximum).
/// With a 2×2 pool ReLU and its backward touch a quarter of the values, and no activation-sized tensor is written for it.
/// The model runners (Sequential, Functional) fuse only where nothing else reads the convolution's activation:
/// not a model output, not tapped (Grad-CAM), not read by a second layer.
/// </summary>
internal static class ReluPoolFusion
{
    [ThreadStatic] private static Layer? _convWithoutRelu;
    [ThreadStatic] private static Layer? _poolWithRelu;

    /// <summary>Whether <paramref name="producer"/> then <paramref name="consumer"/> (its only reader) can run fused.</summary>
    public static bool Applies(Layer producer, Layer consumer) =>
        producer is Conv2D { activation: "relu" } && consumer is MaxPooling2D
        && !(Layer.OutputTap is { } tap && ReferenceEquals(tap.Layer, producer));

    /// <summary>conv, then pool with the conv's ReLU applied after it; the convolution's pre-activation is freed.</summary>
    public static Tensor Run(Layer conv, bool convTraining, Layer pool, bool poolTraining, Tensor x)
    {
        Tensor pre;
        _convWithoutRelu = conv;
        try { pre = conv.Apply(x, convTraining); }
        finally { _convWithoutRelu = null; }
        Tensor pooled;
        _poolWithRelu = pool;
        try { pooled = pool.Apply(pre, poolTraining); }
        finally { _poolWithRelu = null; }
        Tensor.Release(pre, pooled);
        return pooled;
    }

    /// <summary>Asked by Conv2D: leave the ReLU to the pool that follows.</summary>
    internal static bool DefersRelu(Conv2D conv) => ReferenceEquals(_convWithoutRelu, conv);

    /// <summary>Asked by MaxPooling2D: apply the ReLU of the convolution before it.</summary>
    internal static bool AppliesRelu(MaxPooling2D pool) => ReferenceEquals(_poolWithRelu, pool);
}
