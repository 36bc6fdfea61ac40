using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Initializers;

/// <summary>
/// Keras's VarianceScaling: scale / n with n = fan_in, fan_out or their mean. "uniform" draws from
/// ±sqrt(3·scale/n); "normal" is a normal truncated at two standard deviations with
/// stddev sqrt(scale/n)/0.8796 (Keras's correction for the truncation).
/// </summary>
public class VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal",
    string className = "VarianceScaling")
    : Initializer
{
    public override string ClassName => className;

    /// <summary>The named forms (GlorotUniform, HeNormal...) have only a seed; VarianceScaling spells its arguments.</summary>
    public override JsonObject get_config() => ClassName == "VarianceScaling"
        ? new JsonObject { ["scale"] = Scale, ["mode"] = Mode, ["distribution"] = Distribution, ["seed"] = null }
        : new JsonObject { ["seed"] = null };

    public double Scale { get; } = scale;
    public string Mode { get; } = mode;
    public string Distribution { get; } = distribution;

    public override Tensor Call(long[] shape)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        double n = Mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            "fan_avg" => (fanIn + fanOut) / 2,
            _ => throw new ArgumentException($"Unknown VarianceScaling mode '{Mode}'."),
        };
        double s = Scale / Math.Max(1.0, n);
        if (Distribution == "uniform")
        {
            double limit = Math.Sqrt(3 * s);
            return Tensor.RandomUniform(shape, -limit, limit);
        }
        if (Distribution == "untruncated_normal") return Tensor.RandomNormal(shape, 0, Math.Sqrt(s));
        // "normal" (Keras 2.0-2.1's name) and "truncated_normal" are the same truncated draw
        double stddev = Math.Sqrt(s) / 0.87962566103423978;
        return TruncatedNormal(shape, stddev);
    }

    /// <summary>N(0, stddev²) with draws beyond ±2·stddev redrawn, as TensorFlow's truncated_normal.</summary>
    internal static Tensor TruncatedNormal(long[] shape, double stddev)
    {
        using var scope = new TensorScope();
        var t = Tensor.RandomNormal(shape, 0, 1);
        // Redraw out-of-range values: keep in-range draws, replace the rest with fresh draws, a few rounds
        // (each round leaves ~4.6% out of range), then clamp the negligible remainder.
        for (int round = 0; round < 8; round++)
        {
            var fresh = Tensor.RandomNormal(shape, 0, 1);
            var outside = t.Abs().Gt(2.0).AsType(DType.Float32);
            t = t * (1.0 - outside) + fresh * outside;
        }
        return (t.Clamp(-2, 2) * stddev).MoveToOuterScope();
    }
}

/// <summary>Keras's default kernel initializer: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)).</summary>
public sealed class GlorotUniform() : VarianceScaling(1.0, "fan_avg", "uniform", "GlorotUniform");
