using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Leaky ReLU: x for x ≥ 0, negative_slope·x below (Keras 2 calls the slope <c>alpha</c>); default 0.3.</summary>
public sealed class LeakyReLU : Layer
{
    public LeakyReLU(double negative_slope = 0.3, string? name = null) : base(name)
    {
        if (negative_slope < 0 || double.IsNaN(negative_slope))
            throw new ArgumentException($"LeakyReLU '{this.name}': negative_slope must be ≥ 0, got {negative_slope}.");
        this.negative_slope = negative_slope;
    }

    public double negative_slope { get; }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (negative_slope <= 1) return inputs.Maximum(inputs * negative_slope);
        return inputs.Minimum(inputs * negative_slope);
    }

    public override Shape ComputeOutputShape(Shape s) => s;

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["negative_slope"] = negative_slope;
        return c;
    }

    internal static LeakyReLU FromConfig(ConfigReader c) =>
        new(c.Has("alpha") ? c.Double("alpha", 0.3) : c.Double("negative_slope", 0.3), c.Name);
}
