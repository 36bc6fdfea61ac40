using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomHue: in training, each RGB image goes to HSV (value_range scaled to [0, 1]), its hue turned by
/// ± f / 2 of the colour circle, f drawn from factor (a number f: [0, f]; factor bounds [0, 1]; the sign drawn with even
/// odds), and back to RGB, clipped. factor 0 changes nothing; 1 turns the hue by up to half the circle.
/// </summary>
public sealed class RandomHue : ImagePreprocessingLayer
{
    public RandomHue(double factor, double? factor_upper = null, double value_min = 0, double value_max = 255, int? seed = null, string? name = null)
        : base(seed, name)
    {
        this.factor = factor_upper is { } u ? (Math.Min(factor, u), Math.Max(factor, u)) : (0, factor);
        if (this.factor.Lower < 0 || this.factor.Upper > 1) throw new ArgumentException($"RandomHue: factor must be in [0, 1], got {this.factor}.");
        if (value_max <= value_min) throw new ArgumentException($"RandomHue: value_range must be (low, high) with low < high, got ({value_min}, {value_max}).");
        value_range = (value_min, value_max);
    }

    public (double Lower, double Upper) factor { get; }
    public (double Min, double Max) value_range { get; }

    protected override Tensor TransformImage(Tensor image) => Turn(image, Delta(factor, Uniform), value_range, name);

    /// <summary>Keras's draw: a sign with even odds times a factor from <paramref name="range"/>, halved (a fraction of the circle).</summary>
    internal static double Delta((double Lower, double Upper) range, Func<double, double, double> uniform)
    {
        double invert = uniform(0, 1) > 0.5 ? -1 : 1;
        return invert * uniform(range.Lower, range.Upper) * 0.5;
    }

    /// <summary>An (H, W, 3) image in value_range with its hue turned by <paramref name="delta"/> (a fraction of the circle).</summary>
    internal static Tensor Turn(Tensor image, double delta, (double Min, double Max) range, string layer)
    {
        if (image.Shape[^1] != 3) throw new ArgumentException($"Layer '{layer}' (hue) needs RGB images, not {image.Shape[^1]} channel(s).");
        if (delta == 0) return image;
        double width = range.Max - range.Min;
        var x = (image - range.Min) / width;
        var (h, s, v) = RgbToHsv(x);
        h = h + delta;
        h = h - h.Floor();  // back onto [0, 1)
        return (HsvToRgb(h, s, v).Clamp(0, 1) * width) + range.Min;
    }

    private static Tensor Channel(Tensor x, int c) => x.Narrow(x.NDim - 1, c, 1);

    private static Tensor Float(Tensor mask) => mask.AsType(DType.Float32);

    /// <summary>Hue, saturation and value in [0, 1] of an RGB image in [0, 1] (each (…, 1)), as colorsys computes them.</summary>
    internal static (Tensor H, Tensor S, Tensor V) RgbToHsv(Tensor x)
    {
        Tensor r = Channel(x, 0), g = Channel(x, 1), b = Channel(x, 2);
        var max = r.Maximum(g).Maximum(b);
        var min = r.Minimum(g).Minimum(b);
        var range = max - min;
        var some = Float(range.Gt(0));
        var safe = range + (1 - some);  // 1 where the pixel is grey: its hue is 0 whatever the quotient
        var isR = Float(max.Eq(r));
        var isG = Float(max.Eq(g)) * (1 - isR);
        var isB = (1 - isR) * (1 - isG);
        var hr = (g - b) / safe;
        hr = hr - (hr / 6).Floor() * 6;  // mod 6
        var h = (isR * hr + isG * ((b - r) / safe + 2) + isB * ((r - g) / safe + 4)) * some / 6;
        var s = range / (max + Float(max.Eq(0)));
        return (h, s, max);
    }

    /// <summary>The RGB image of hue, saturation and value in [0, 1]: channel n = v - v s clamp(min(k, 4 - k), 0, 1), k = (n + 6h) mod 6.</summary>
    internal static Tensor HsvToRgb(Tensor h, Tensor s, Tensor v)
    {
        Tensor Part(double n)
        {
            var k = h * 6 + n;
            k = k - (k / 6).Floor() * 6;
            return v - v * s * k.Minimum(4 - k).Clamp(0, 1);
        }
        return Tensor.Concat([Part(5), Part(3), Part(1)], h.NDim - 1);
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["factor"] = new JsonArray(factor.Lower, factor.Upper);
        c["value_range"] = new JsonArray(value_range.Min, value_range.Max);
        return c;
    }

    internal static RandomHue FromConfig(ConfigReader c)
    {
        var (lo, hi) = ReadFactor(c, "factor", 0);
        var range = ReadValueRange(c);
        c.Ignore("data_format");
        return new RandomHue(lo, hi, range.Min, range.Max, c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
