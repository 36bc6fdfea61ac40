using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Initializers;

/// <summary>N(mean, stddev²) with draws beyond two standard deviations redrawn; Keras's defaults 0 and 0.05.</summary>
public sealed class TruncatedNormal(double mean = 0.0, double stddev = 0.05) : Initializer
{
    public override Tensor Call(long[] shape)
    {
        using var scope = new TensorScope();
        return (VarianceScaling.TruncatedNormal(shape, stddev) + mean).MoveToOuterScope();
    }

    public override string ClassName => "TruncatedNormal";

    public override JsonObject get_config() => new() { ["mean"] = mean, ["stddev"] = stddev, ["seed"] = null };
}
