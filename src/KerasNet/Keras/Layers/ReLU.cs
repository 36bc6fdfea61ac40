using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras's ReLU layer: f(x) = min(max_value, x) for x ≥ threshold, negative_slope·(x - threshold) below it.
/// ReLU(6.0) is MobileNet's relu6.
/// </summary>
public sealed class ReLU : Layer
{
    public ReLU(double? max_value = null, double negative_slope = 0, double threshold = 0, string? name = null) : base(name)
    {
        if (max_value < 0) throw new ArgumentException($"max_value must be ≥ 0, got {max_value}.");
        if (negative_slope < 0) throw new ArgumentException($"negative_slope must be ≥ 0, got {negative_slope}.");
        this.max_value = max_value;
        this.negative_slope = negative_slope;
        this.threshold = threshold;
    }

    public double? max_value { get; }
    public double negative_slope { get; }
    public double threshold { get; }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (negative_slope == 0 && threshold == 0)
        {
            if (LayerFusion.IsFusedConsumer(this)) return inputs;  // the BatchNormalization before it clamped in its own pass
            return max_value is { } m ? inputs.Clamp(0, m) : NN.Relu(inputs);
        }
        // general form: above the threshold x (capped), below it negative_slope·(x - threshold)
        var above = inputs.Ge(threshold).AsType(DType.Float32);
        var high = max_value is { } cap ? inputs.Minimum(cap) : inputs;
        var low = (inputs - threshold) * negative_slope;
        return high * above + low * (1.0 - above);
    }

    public override Shape ComputeOutputShape(Shape s) => s;

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["max_value"] = max_value;
        c["negative_slope"] = negative_slope;
        c["threshold"] = threshold;
        return c;
    }

    internal static ReLU FromConfig(ConfigReader c) =>
        new(c.NullableDouble("max_value"), c.Double("negative_slope", 0), c.Double("threshold", 0), c.Name);
}
