using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>Average pooling over NHWC images; with 'same' padding only real cells are averaged, as in TensorFlow.</summary>
public sealed class AveragePooling2D : Pooling2D
{
    public AveragePooling2D(IntPair? pool_size = null, IntPair? strides = null, string padding = "valid", string? name = null)
        : base(pool_size, strides, padding, name) { }

    protected override Tensor Pool(Tensor x, (int, int, int, int) pads) =>
        NN.AvgPool2D(x, (pool_size.H, pool_size.W), (strides.H, strides.W), pads);

    internal static AveragePooling2D FromConfig(Saving.ConfigReader c)
    {
        var (pool, strides, padding) = ReadConfig(c);
        return new AveragePooling2D(pool, strides, padding, c.Name);
    }
}
