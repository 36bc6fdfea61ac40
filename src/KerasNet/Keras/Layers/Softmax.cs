using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Softmax over <c>axis</c> (default -1) as a layer.</summary>
public sealed class Softmax(int axis = -1, string? name = null) : Layer(name)
{
    public int axis { get; } = axis;

    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (axis == -1 || axis == inputs.Shape.Length - 1) return Activations.Apply("softmax", inputs);
        return NN.Softmax(MixedPrecision.Policy.Cast(inputs, DType.Float32), axis);
    }

    protected override void CheckInputShape(Shape s)
    {
        int a = axis < 0 ? s.Rank + axis : axis;
        if (a <= 0 || a >= s.Rank)
            throw new ArgumentException($"Layer '{name}' (Softmax): axis {axis} is out of range for an input of shape {s}.");
    }

    public override Shape ComputeOutputShape(Shape s) => s;

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["axis"] = axis;
        return c;
    }

    internal static Softmax FromConfig(ConfigReader c)
    {
        var a = c.Take("axis");
        int axis = a is JsonArray { Count: 1 } l ? l[0]!.GetValue<int>() : a?.GetValue<int>() ?? -1;
        return new Softmax(axis, c.Name);
    }
}
