using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's CenterCrop: the centred height × width window of every image (offsets (H - height) / 2, (W - width) / 2,
/// rounded down); an image smaller than the target is first resized, as Keras does, from its largest centred window of
/// the target aspect ratio. Always active.
/// </summary>
public sealed class CenterCrop : ImagePreprocessingLayer
{
    public CenterCrop(int height, int width, string? name = null) : base(null, name)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"CenterCrop: height and width must be positive, got {height}×{width}.");
        this.height = height;
        this.width = width;
    }

    internal override bool IdentityAtInference => false;

    public int height { get; }
    public int width { get; }

    protected override bool Active(bool training) => true;

    protected override Tensor TransformImage(Tensor image) => Crop(image, height, width);

    internal static Tensor Crop(Tensor image, int height, int width)
    {
        long h = image.Shape[0], w = image.Shape[1];
        if (h < height || w < width) return Resizing.Resize(image, height, width, "bilinear", cropToAspect: true);
        return image.Narrow(0, (h - height) / 2, height).Narrow(1, (w - width) / 2, width);
    }

    public override Shape ComputeOutputShape(Shape s) => Sized(s, height, width);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c.Remove("seed");
        c["height"] = height;
        c["width"] = width;
        return c;
    }

    internal static CenterCrop FromConfig(ConfigReader c)
    {
        c.Ignore("data_format");
        return new CenterCrop(c.Int("height", 0), c.Int("width", 0), c.Name);
    }
}
