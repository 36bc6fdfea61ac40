using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Maximum over height and width: (N, H, W, C) → (N, C).</summary>
public sealed class GlobalMaxPooling2D : Layer
{
    public GlobalMaxPooling2D(bool keepdims = false, string? name = null) : base(name) => this.keepdims = keepdims;

    public bool keepdims { get; }

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != 4)
            throw new ArgumentException($"Input 0 of layer \"{name}\" is incompatible with the layer: expected ndim=4, found ndim={s.Rank}. Full shape received: {s}");
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var m = inputs.Max(1, 2);
        return keepdims ? m.Reshape(inputs.Shape[0], 1, 1, inputs.Shape[3]) : m;
    }

    public override Shape ComputeOutputShape(Shape s) => keepdims ? new(s[0], 1, 1, s[3]) : new(s[0], s[3]);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["data_format"] = "channels_last";
        c["keepdims"] = keepdims;
        return c;
    }

    internal static GlobalMaxPooling2D FromConfig(ConfigReader c)
    {
        c.ChannelsLast();
        return new GlobalMaxPooling2D(c.Bool("keepdims", false), c.Name);
    }
}
