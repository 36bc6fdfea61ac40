using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Initializers;

/// <summary>U(minval, maxval); Keras's defaults are -0.05 and 0.05.</summary>
public sealed class RandomUniform(double minval = -0.05, double maxval = 0.05) : Initializer
{
    public override Tensor Call(long[] shape) => Tensor.RandomUniform(shape, minval, maxval);

    public override string ClassName => "RandomUniform";

    public override JsonObject get_config() => new() { ["minval"] = minval, ["maxval"] = maxval, ["seed"] = null };
}
