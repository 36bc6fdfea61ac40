using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Initializers;

/// <summary>N(mean, stddev²); Keras's defaults are 0 and 0.05.</summary>
public sealed class RandomNormal(double mean = 0.0, double stddev = 0.05) : Initializer
{
    public override Tensor Call(long[] shape) => Tensor.RandomNormal(shape, mean, stddev);

    public override string ClassName => "RandomNormal";

    public override JsonObject get_config() => new() { ["mean"] = mean, ["stddev"] = stddev, ["seed"] = null };
}
