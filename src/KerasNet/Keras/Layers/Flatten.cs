using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Flattens all but the batch dimension, in NHWC order (channels fastest), as Keras does.</summary>
public sealed class Flatten : Layer
{
    public Flatten(Shape? input_shape = null, string? name = null) : base(name, input_shape) { }

    protected override Tensor Call(Tensor inputs, bool training) => inputs.Reshape(inputs.Shape[0], -1);

    public override Shape ComputeOutputShape(Shape s)
    {
        int? n = 1;
        for (int i = 1; i < s.Rank; i++) n = n is { } a && s[i] is { } b ? a * b : null;
        return new Shape(s[0], n);
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["data_format"] = "channels_last";
        return c;
    }

    internal static Flatten FromConfig(ConfigReader c)
    {
        c.ChannelsLast();
        return new Flatten(name: c.Name);
    }
}
