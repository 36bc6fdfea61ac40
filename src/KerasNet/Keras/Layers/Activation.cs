using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Applies a named activation ("relu", "softmax", ...).</summary>
public sealed class Activation : Layer
{
    public Activation(string activation, string? name = null) : base(name) =>
        this.activation = Activations.Validate(activation)!;

    public string activation { get; }

    protected override Tensor Call(Tensor inputs, bool training) => Activations.Apply(activation, inputs);

    public override Shape ComputeOutputShape(Shape s) => s;

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["activation"] = activation;
        return c;
    }

    internal static Activation FromConfig(ConfigReader c) => new(c.Activation("activation")!, c.Name);
}
