using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Initializers;

/// <summary>Every element equal to <paramref name="value"/> ("zeros", "ones").</summary>
public sealed class Constant(double value = 0) : Initializer
{
    public double Value { get; } = value;

    public override Tensor Call(long[] shape) => Tensor.Full(shape, Value);

    public override string ClassName => Value == 0 ? "Zeros" : Value == 1 ? "Ones" : "Constant";

    public override JsonObject get_config() => ClassName == "Constant" ? new JsonObject { ["value"] = Value } : new JsonObject();
}
