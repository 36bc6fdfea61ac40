using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's RandomCrop: in training, a height × width window at a random offset of each image; at inference (and for an
/// image smaller than the target), the largest centred window of the target aspect ratio, resized to height × width.
/// </summary>
public sealed class RandomCrop : ImagePreprocessingLayer
{
    public RandomCrop(int height, int width, int? seed = null, string? name = null) : base(seed, name)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"RandomCrop: height and width must be positive, got {height}×{width}.");
        this.height = height;
        this.width = width;
    }

    internal override bool IdentityAtInference => false;

    public int height { get; }
    public int width { get; }

    private bool _training;

    protected override bool Active(bool training)
    {
        _training = training;
        return true;  // at inference it still brings the images to height × width
    }

    protected override Tensor TransformImage(Tensor image)
    {
        long h = image.Shape[0], w = image.Shape[1];
        if (!_training || h < height || w < width) return Resizing.Resize(image, height, width, "bilinear", cropToAspect: true);
        long top = (long)Math.Floor(Uniform(0, h - height + 1)), left = (long)Math.Floor(Uniform(0, w - width + 1));
        return image.Narrow(0, Math.Min(top, h - height), height).Narrow(1, Math.Min(left, w - width), width);
    }

    public override Shape ComputeOutputShape(Shape s) => Sized(s, height, width);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["height"] = height;
        c["width"] = width;
        return c;
    }

    internal static RandomCrop FromConfig(ConfigReader c)
    {
        c.Ignore("data_format");
        return new RandomCrop(c.Int("height", 0), c.Int("width", 0), c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
