using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>During training, zeroes a fraction <c>rate</c> of inputs and scales the rest by 1/(1-rate); identity otherwise.</summary>
public sealed class Dropout : Layer
{
    public Dropout(double rate, string? name = null) : base(name)
    {
        if (rate < 0 || rate >= 1) throw new ArgumentException($"Dropout rate must be in [0, 1), got {rate}.");
        this.rate = rate;
    }

    public double rate { get; }

    protected override Tensor Call(Tensor inputs, bool training) =>
        training && rate > 0 ? NN.Dropout(inputs, rate, true) : inputs;

    public override Shape ComputeOutputShape(Shape s) => s;
}
