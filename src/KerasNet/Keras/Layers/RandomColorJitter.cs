using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomColorJitter (torchvision's ColorJitter), in training, in this order: brightness (× a factor drawn
/// from [1 - b, 1 + b]), contrast (towards the image's mean grey level, factor from [1 - c, 1 + c]) and saturation
/// (towards each pixel's grey level, 0.299 R + 0.587 G + 0.114 B, factor from [1 - s, 1 + s]), each clipped to
/// value_range (0-255), then hue as <see cref="RandomHue"/> turns it (hue_factor f: ± up to f / 2 of the colour circle,
/// f in [0, 1]). A factor of 0 leaves that property alone (ColorJitter() with no arguments is the identity).
/// </summary>
public sealed class RandomColorJitter : ImagePreprocessingLayer
{
    public RandomColorJitter(double brightness_factor = 0, double contrast_factor = 0, double saturation_factor = 0, double hue_factor = 0,
        double value_min = 0, double value_max = 255, int? seed = null, string? name = null) : base(seed, name)
    {
        if (brightness_factor < 0 || contrast_factor < 0 || saturation_factor < 0)
            throw new ArgumentException("RandomColorJitter: brightness, contrast and saturation factors must be ≥ 0.");
        if (hue_factor is < 0 or > 1) throw new ArgumentException($"RandomColorJitter: hue_factor must be in [0, 1], got {hue_factor}.");
        this.hue_factor = hue_factor;
        this.brightness_factor = brightness_factor;
        this.contrast_factor = contrast_factor;
        this.saturation_factor = saturation_factor;
        value_range = (value_min, value_max);
    }

    public double brightness_factor { get; }
    public double contrast_factor { get; }
    public double saturation_factor { get; }
    public double hue_factor { get; }
    public (double Min, double Max) value_range { get; }

    private static Tensor Grey(Tensor image)
    {
        var weights = Tensor.FromArray([0.299f, 0.587f, 0.114f], 1, 1, 3);
        return (image * weights).Sum(2, keepDims: true);
    }

    protected override Tensor TransformImage(Tensor image)
    {
        if (image.Shape[2] != 3) throw new ArgumentException($"Layer '{name}' (RandomColorJitter) needs RGB images, not {image.Shape[2]} channel(s).");
        var x = image;
        if (brightness_factor > 0) x = (x * Uniform(Math.Max(0, 1 - brightness_factor), 1 + brightness_factor)).Clamp(value_range.Min, value_range.Max);
        if (contrast_factor > 0)
        {
            double c = Uniform(Math.Max(0, 1 - contrast_factor), 1 + contrast_factor);
            var mean = Grey(x).Mean(0, 1, 2).Reshape(1, 1, 1);
            x = ((x - mean) * c + mean).Clamp(value_range.Min, value_range.Max);
        }
        if (saturation_factor > 0)
        {
            double s = Uniform(Math.Max(0, 1 - saturation_factor), 1 + saturation_factor);
            var grey = Grey(x);
            x = ((x - grey) * s + grey).Clamp(value_range.Min, value_range.Max);
        }
        if (hue_factor > 0) x = RandomHue.Turn(x, RandomHue.Delta((0, hue_factor), Uniform), value_range, name);
        return x;
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["brightness_factor"] = brightness_factor;
        c["contrast_factor"] = contrast_factor;
        c["saturation_factor"] = saturation_factor;
        c["hue_factor"] = hue_factor;
        c["value_range"] = new JsonArray(value_range.Min, value_range.Max);
        return c;
    }

    internal static RandomColorJitter FromConfig(ConfigReader c)
    {
        var range = ReadValueRange(c);
        return new RandomColorJitter(c.Double("brightness_factor", 0), c.Double("contrast_factor", 0), c.Double("saturation_factor", 0),
            c.Double("hue_factor", 0), range.Min, range.Max, c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
