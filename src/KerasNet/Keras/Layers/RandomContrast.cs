using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomContrast: in training, each image's channels move away from (or towards) their mean by a factor drawn
/// from [1 - lower, 1 + upper] (a number f: [1 - f, 1 + f]): (x - mean) · c + mean, clipped to value_range (0-255).
/// </summary>
public sealed class RandomContrast : ImagePreprocessingLayer
{
    public RandomContrast(double factor, double? factor_upper = null, double value_min = 0, double value_max = 255, int? seed = null, string? name = null)
        : base(seed, name)
    {
        this.factor = (Math.Abs(factor), Math.Abs(factor_upper ?? factor));
        if (this.factor.Lower > 1) throw new ArgumentException($"RandomContrast: the lower factor must be in [0, 1], got {factor}.");
        value_range = (value_min, value_max);
    }

    public (double Lower, double Upper) factor { get; }
    public (double Min, double Max) value_range { get; }

    protected override Tensor TransformImage(Tensor image)
    {
        double c = Uniform(1 - factor.Lower, 1 + factor.Upper);
        var mean = image.Mean(0, 1).Reshape(1, 1, -1);
        return ((image - mean) * c + mean).Clamp(value_range.Min, value_range.Max);
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["factor"] = FactorNode(factor.Lower, factor.Upper);
        c["value_range"] = new JsonArray(value_range.Min, value_range.Max);
        return c;
    }

    internal static RandomContrast FromConfig(ConfigReader c)
    {
        var (lo, hi) = ReadFactor(c, "factor", 0);
        var range = ReadValueRange(c);
        c.Ignore("data_format");
        return new RandomContrast(lo, hi, range.Min, range.Max, c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
