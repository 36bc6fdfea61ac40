using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

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

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["rate"] = rate;
        c["noise_shape"] = null;
        c["seed"] = null;
        return c;
    }

    internal static Dropout FromConfig(ConfigReader c)
    {
        c.Unsupported("noise_shape");
        c.Ignore("seed");
        return new Dropout(c.Double("rate", 0), c.Name);
    }
}
