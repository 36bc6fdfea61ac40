using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomRotation: in training, rotates each image about its centre by factor × 2π drawn from (lower, upper)
/// (a number f: (-f, f)); positive angles turn it counter-clockwise. Bilinear, fill_mode reflect by default.
/// </summary>
public sealed class RandomRotation(double factor, double? factor_upper = null, string fill_mode = "reflect", double fill_value = 0,
    int? seed = null, string? name = null) : ImagePreprocessingLayer(seed, name)
{
    public (double Lower, double Upper) factor { get; } = Factor(factor, factor_upper);
    public string fill_mode { get; } = CheckedFillMode(fill_mode);
    public double fill_value { get; } = fill_value;

    protected override Tensor TransformImage(Tensor image)
    {
        double theta = Uniform(factor.Lower, factor.Upper) * 2 * Math.PI;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        // output (row, col) → input: rotating the content counter-clockwise (rows point down)
        return AffineAboutCentre(image, new[,] { { cos, sin }, { -sin, cos } }, (0, 0), fill_mode, fill_value);
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["factor"] = FactorNode(factor.Lower, factor.Upper);
        c["fill_mode"] = fill_mode;
        c["fill_value"] = fill_value;
        c["interpolation"] = "bilinear";
        return c;
    }

    internal static RandomRotation FromConfig(ConfigReader c)
    {
        var (lo, hi) = ReadFactor(c, "factor", 0);
        c.Unsupported("interpolation", "bilinear");
        c.Ignore("value_range", "data_format");
        return new RandomRotation(lo, hi, c.String("fill_mode", "reflect")!, c.Double("fill_value", 0), c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
