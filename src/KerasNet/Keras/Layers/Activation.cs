using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>Applies a named activation ("relu", "softmax", ...).</summary>
public sealed class Activation : Layer
{
    public Activation(string activation, string? name = null) : base(name) =>
        this.activation = Activations.Validate(activation)!;

    public string activation { get; }

    protected override Tensor Call(Tensor inputs, bool training) => Activations.Apply(activation, inputs);

    public override Shape ComputeOutputShape(Shape s) => s;
}
