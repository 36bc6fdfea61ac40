using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>What MaxPooling2D and AveragePooling2D share: window geometry and TensorFlow's 'same' padding.</summary>
public abstract class Pooling2D : Layer
{
    protected Pooling2D(IntPair? pool_size, IntPair? strides, string padding, string? name) : base(name)
    {
        this.pool_size = pool_size ?? 2;
        this.strides = strides ?? this.pool_size;
        this.padding = ConvUtils.NormalizePadding(padding);
    }

    public IntPair pool_size { get; }
    public IntPair strides { get; }
    public string padding { get; }

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != 4)
            throw new ArgumentException(
                $"Input 0 of layer \"{name}\" is incompatible with the layer: expected ndim=4, found ndim={s.Rank}. Full shape received: {s}");
    }

    protected abstract Tensor Pool(Tensor x, (int Top, int Bottom, int Left, int Right) pads);

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var (top, bottom) = ConvUtils.Padding((int)inputs.Shape[1], pool_size.H, strides.H, padding);
        var (left, right) = ConvUtils.Padding((int)inputs.Shape[2], pool_size.W, strides.W, padding);
        return Pool(inputs, (top, bottom, left, right));
    }

    public override Shape ComputeOutputShape(Shape s) => new(
        s[0],
        ConvUtils.OutputLength(s[1], pool_size.H, strides.H, padding),
        ConvUtils.OutputLength(s[2], pool_size.W, strides.W, padding),
        s[3]);
}
