using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Keras's Rescaling preprocessing layer: x·scale + offset (e.g. 1/255, or 1/127.5 with offset -1).</summary>
public sealed class Rescaling(double scale, double offset = 0.0, string? name = null) : Layer(name)
{
    public double scale { get; } = scale;
    public double offset { get; } = offset;

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.DType is DType.Float32 or DType.BFloat16 ? inputs : inputs.AsType(DType.Float32);
        var y = x * scale;
        return offset == 0 ? y : y + offset;
    }

    public override Shape ComputeOutputShape(Shape s) => s;

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["scale"] = scale;
        c["offset"] = offset;
        return c;
    }

    internal static Rescaling FromConfig(ConfigReader c)
    {
        var s = c.Take("scale");
        if (s is JsonArray)
            throw new NotSupportedException($"{c.Where}: a per-channel scale {Json.Short(s)} is not supported; use one number.");
        return new Rescaling(s?.GetValue<double>() ?? 1.0, c.Double("offset", 0), c.Name);
    }
}
