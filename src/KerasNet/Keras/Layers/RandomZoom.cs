using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomZoom: in training, scales each image about its centre by 1 + z, z drawn from height_factor (and
/// width_factor; without it the same z both ways); positive z zooms out (the content shrinks), negative zooms in.
/// </summary>
public sealed class RandomZoom(double height_factor, double? height_factor_upper = null, double? width_factor = null,
    double? width_factor_upper = null, string fill_mode = "reflect", double fill_value = 0, int? seed = null, string? name = null)
    : ImagePreprocessingLayer(seed, name)
{
    public (double Lower, double Upper) height_factor { get; } = Factor(height_factor, height_factor_upper);
    public (double Lower, double Upper)? width_factor { get; } = width_factor is { } w ? Factor(w, width_factor_upper) : null;
    public string fill_mode { get; } = CheckedFillMode(fill_mode);
    public double fill_value { get; } = fill_value;

    protected override Tensor TransformImage(Tensor image)
    {
        double zh = 1 + Uniform(height_factor.Lower, height_factor.Upper);
        double zw = width_factor is { } wf ? 1 + Uniform(wf.Lower, wf.Upper) : zh;
        return AffineAboutCentre(image, new[,] { { zh, 0 }, { 0, zw } }, (0, 0), fill_mode, fill_value);
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["height_factor"] = FactorNode(height_factor.Lower, height_factor.Upper);
        c["width_factor"] = width_factor is { } w ? FactorNode(w.Lower, w.Upper) : null;
        c["fill_mode"] = fill_mode;
        c["fill_value"] = fill_value;
        c["interpolation"] = "bilinear";
        return c;
    }

    internal static RandomZoom FromConfig(ConfigReader c)
    {
        var (hl, hu) = ReadFactor(c, "height_factor", 0);
        double? wl = null, wu = null;
        if (c.Has("width_factor") && c.Raw["width_factor"] is not null) (wl, wu) = ReadFactor(c, "width_factor", 0);
        else c.Take("width_factor");
        c.Unsupported("interpolation", "bilinear");
        c.Ignore("value_range", "data_format");
        return new RandomZoom(hl, hu, wl, wu, c.String("fill_mode", "reflect")!, c.Double("fill_value", 0), c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
