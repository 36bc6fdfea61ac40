using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomTranslation: in training, shifts each image by a fraction of its height (positive: down) and of its
/// width (positive: right), drawn from height_factor and width_factor. Fill mode reflect by default.
/// </summary>
public sealed class RandomTranslation(double height_factor, double width_factor, double? height_factor_upper = null,
    double? width_factor_upper = null, string fill_mode = "reflect", double fill_value = 0, int? seed = null, string? name = null)
    : ImagePreprocessingLayer(seed, name)
{
    public (double Lower, double Upper) height_factor { get; } = Factor(height_factor, height_factor_upper);
    public (double Lower, double Upper) width_factor { get; } = Factor(width_factor, width_factor_upper);
    public string fill_mode { get; } = CheckedFillMode(fill_mode);
    public double fill_value { get; } = fill_value;

    protected override Tensor TransformImage(Tensor image)
    {
        double dy = Uniform(height_factor.Lower, height_factor.Upper) * image.Shape[0];
        double dx = Uniform(width_factor.Lower, width_factor.Upper) * image.Shape[1];
        return AffineAboutCentre(image, new double[,] { { 1, 0 }, { 0, 1 } }, (-dy, -dx), fill_mode, fill_value);
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["height_factor"] = FactorNode(height_factor.Lower, height_factor.Upper);
        c["width_factor"] = FactorNode(width_factor.Lower, width_factor.Upper);
        c["fill_mode"] = fill_mode;
        c["fill_value"] = fill_value;
        c["interpolation"] = "bilinear";
        return c;
    }

    internal static RandomTranslation FromConfig(ConfigReader c)
    {
        var (hl, hu) = ReadFactor(c, "height_factor", 0);
        var (wl, wu) = ReadFactor(c, "width_factor", 0);
        c.Unsupported("interpolation", "bilinear");
        c.Ignore("value_range", "data_format");
        return new RandomTranslation(hl, wl, hu, wu, c.String("fill_mode", "reflect")!, c.Double("fill_value", 0), c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
