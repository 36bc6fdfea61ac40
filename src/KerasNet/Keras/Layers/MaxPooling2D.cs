using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>Max pooling over NHWC images. strides default to pool_size, as in Keras.</summary>
public sealed class MaxPooling2D : Pooling2D
{
    public MaxPooling2D(IntPair? pool_size = null, IntPair? strides = null, string padding = "valid", string? name = null)
        : base(pool_size, strides, padding, name) { }

    protected override Tensor Pool(Tensor x, (int, int, int, int) pads) =>
        NN.MaxPool2D(x, (pool_size.H, pool_size.W), (strides.H, strides.W), pads, relu: LayerFusion.IsFusedConsumer(this));  // the ReLU of the Conv2D before it

    internal static MaxPooling2D FromConfig(Saving.ConfigReader c)
    {
        var (pool, strides, padding) = ReadConfig(c);
        return new MaxPooling2D(pool, strides, padding, c.Name);
    }
}
