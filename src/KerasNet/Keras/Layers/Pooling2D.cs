using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>What MaxPooling2D and AveragePooling2D share: window geometry and TensorFlow's 'same' padding.</summary>
public abstract class Pooling2D : Layer
{
    protected Pooling2D(IntPair? pool_size, IntPair? strides, string padding, string? name) : base(name)
    {
        this.pool_size = (pool_size ?? 2).Positive(this, nameof(pool_size));
        this.strides = (strides ?? this.pool_size).Positive(this, nameof(strides));
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

    protected override Tensor Call(Tensor inputs, bool training) => Pool(inputs, ConvUtils.Pads(inputs.Shape, pool_size, strides, padding));

    public override Shape ComputeOutputShape(Shape s) => ConvUtils.OutputShape(s, pool_size, strides, padding, s[3]);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["pool_size"] = Json.Pair(pool_size.H, pool_size.W);
        c["padding"] = padding;
        c["strides"] = Json.Pair(strides.H, strides.W);
        c["data_format"] = "channels_last";
        return c;
    }

    internal static (IntPair Pool, IntPair? Strides, string Padding) ReadConfig(ConfigReader c)
    {
        c.ChannelsLast();
        var pool = c.Pair("pool_size", 2);
        IntPair? strides = c.Take("strides") is null ? null : c.Pair("strides", pool);
        return (pool, strides, c.String("padding", "valid")!);
    }
}
