using KerasNet.Engine;

namespace KerasNet.Keras.Initializers;

/// <summary>Creates a layer weight's initial value. Draws come from the engine's seeded generator.</summary>
public abstract class Initializer
{
    public abstract Tensor Call(long[] shape);

    /// <summary>Keras's fan computation: dense (in, out); conv (kh, kw, in, out) with the receptive field folded in.</summary>
    public static (double FanIn, double FanOut) ComputeFans(long[] shape)
    {
        if (shape.Length == 0) return (1, 1);
        if (shape.Length == 1) return (shape[0], shape[0]);
        if (shape.Length == 2) return (shape[0], shape[1]);
        double receptive = 1;
        for (int i = 0; i < shape.Length - 2; i++) receptive *= shape[i];
        return (shape[^2] * receptive, shape[^1] * receptive);
    }

    /// <summary>Resolves Keras's string identifiers ("glorot_uniform", "zeros", "he_normal", ...).</summary>
    public static Initializer Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "glorot_uniform" or "glorotuniform" => new GlorotUniform(),
        "glorot_normal" or "glorotnormal" => new VarianceScaling(1.0, "fan_avg", "normal"),
        "he_uniform" or "heuniform" => new VarianceScaling(2.0, "fan_in", "uniform"),
        "he_normal" or "henormal" => new VarianceScaling(2.0, "fan_in", "normal"),
        "lecun_uniform" => new VarianceScaling(1.0, "fan_in", "uniform"),
        "lecun_normal" => new VarianceScaling(1.0, "fan_in", "normal"),
        "zeros" or "zero" => new Constant(0),
        "ones" or "one" => new Constant(1),
        "random_uniform" => new RandomUniform(),
        "random_normal" => new RandomNormal(),
        _ => throw new ArgumentException($"Unknown initializer '{identifier}'."),
    };

    public static implicit operator Initializer(string identifier) => Get(identifier);
}
