using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomBrightness: in training, adds to each image a delta drawn from factor (a number f: [-f, f]) times the
/// width of value_range (default 0-255), then clips to value_range.
/// </summary>
public sealed class RandomBrightness : ImagePreprocessingLayer
{
    public RandomBrightness(double factor, double? factor_upper = null, double value_min = 0, double value_max = 255, int? seed = null, string? name = null)
        : base(seed, name)
    {
        this.factor = Factor(factor, factor_upper);
        if (this.factor.Lower < -1 || this.factor.Upper > 1) throw new ArgumentException($"RandomBrightness: factor must be in [-1, 1], got {this.factor}.");
        value_range = (value_min, value_max);
    }

    public (double Lower, double Upper) factor { get; }
    public (double Min, double Max) value_range { get; }

    protected override Tensor TransformImage(Tensor image)
    {
        double delta = Uniform(factor.Lower, factor.Upper) * (value_range.Max - value_range.Min);
        return (image + delta).Clamp(value_range.Min, value_range.Max);
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["factor"] = FactorNode(factor.Lower, factor.Upper);
        c["value_range"] = new JsonArray(value_range.Min, value_range.Max);
        return c;
    }

    internal static RandomBrightness FromConfig(ConfigReader c)
    {
        var (lo, hi) = ReadFactor(c, "factor", 0);
        var range = ReadValueRange(c);
        c.Ignore("data_format");
        return new RandomBrightness(lo, hi, range.Min, range.Max, c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
