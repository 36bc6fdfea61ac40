using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's Resizing: every image to height × width, bilinear (half-pixel centres, no antialiasing) or nearest; with
/// crop_to_aspect_ratio, first the largest centred window of the target's aspect ratio (no distortion). Always active.
/// </summary>
public sealed class Resizing : ImagePreprocessingLayer
{
    public Resizing(int height, int width, string interpolation = "bilinear", bool crop_to_aspect_ratio = false, string? name = null) : base(null, name)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"Resizing: height and width must be positive, got {height}×{width}.");
        if (interpolation is not ("bilinear" or "nearest")) throw new ArgumentException($"Resizing: interpolation must be bilinear or nearest, got '{interpolation}'.");
        this.height = height;
        this.width = width;
        this.interpolation = interpolation;
        this.crop_to_aspect_ratio = crop_to_aspect_ratio;
    }

    internal override bool IdentityAtInference => false;

    public int height { get; }
    public int width { get; }
    public string interpolation { get; }
    public bool crop_to_aspect_ratio { get; }

    protected override bool Active(bool training) => true;

    protected override Tensor TransformImage(Tensor image) => Resize(image, height, width, interpolation, crop_to_aspect_ratio);

    /// <summary>One image resized, optionally from the largest centred window of the target aspect ratio.</summary>
    internal static Tensor Resize(Tensor image, int height, int width, string interpolation, bool cropToAspect)
    {
        var x = image;
        if (cropToAspect)
        {
            long h = x.Shape[0], w = x.Shape[1];
            long ch = Math.Min(h, (long)Math.Round(w * (double)height / width)), cw = Math.Min(w, (long)Math.Round(h * (double)width / height));
            x = x.Narrow(0, (h - ch) / 2, ch).Narrow(1, (w - cw) / 2, cw);
        }
        if (x.Shape[0] == height && x.Shape[1] == width) return x;
        return interpolation == "nearest" ? Image.ResizeNearestTF(x, height, width) : Image.ResizeBilinear(x, height, width);
    }

    public override Shape ComputeOutputShape(Shape s) => Sized(s, height, width);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c.Remove("seed");
        c["height"] = height;
        c["width"] = width;
        c["interpolation"] = interpolation;
        c["crop_to_aspect_ratio"] = crop_to_aspect_ratio;
        return c;
    }

    internal static Resizing FromConfig(ConfigReader c)
    {
        c.Ignore("data_format", "pad_to_aspect_ratio", "fill_mode", "fill_value", "antialias");
        return new Resizing(c.Int("height", 0), c.Int("width", 0), c.String("interpolation", "bilinear")!, c.Bool("crop_to_aspect_ratio", false), c.Name);
    }
}
