using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// torchvision's RandomResizedCrop as a layer (the ResNet18 seed script's training transform; Keras 3 has no such layer):
/// in training, a window of a random area fraction in <c>scale</c> (0.08-1) and aspect ratio in <c>ratio</c> (3/4-4/3,
/// drawn log-uniformly), at a random place, resized bilinearly to height × width — 10 tries, then the centred window of
/// the ratio clamped to the range. At inference the largest centred window of the target aspect ratio, resized.
/// </summary>
public sealed class RandomResizedCrop : ImagePreprocessingLayer
{
    public RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null, int? seed = null,
        string? name = null) : base(seed, name)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"RandomResizedCrop: height and width must be positive, got {height}×{width}.");
        this.height = height;
        this.width = width;
        this.scale = scale ?? (0.08, 1.0);
        this.ratio = ratio ?? (3.0 / 4, 4.0 / 3);
        if (this.scale.Min <= 0 || this.scale.Min > this.scale.Max || this.scale.Max > 1)
            throw new ArgumentException($"RandomResizedCrop: scale must be 0 < min ≤ max ≤ 1, got {this.scale}.");
        if (this.ratio.Min <= 0 || this.ratio.Min > this.ratio.Max) throw new ArgumentException($"RandomResizedCrop: ratio must be 0 < min ≤ max, got {this.ratio}.");
    }

    internal override bool IdentityAtInference => false;

    public int height { get; }
    public int width { get; }
    public (double Min, double Max) scale { get; }
    public (double Min, double Max) ratio { get; }

    private bool _training;

    protected override bool Active(bool training)
    {
        _training = training;
        return true;
    }

    protected override Tensor TransformImage(Tensor image)
    {
        if (!_training) return Resizing.Resize(image, height, width, "bilinear", cropToAspect: true);
        var (top, left, h, w) = Window(image.Shape[0], image.Shape[1]);
        return Resizing.Resize(image.Narrow(0, top, h).Narrow(1, left, w), height, width, "bilinear", cropToAspect: false);
    }

    /// <summary>torchvision's get_params: the window (top, left, height, width) of an H × W image.</summary>
    internal (long Top, long Left, long Height, long Width) Window(long H, long W)
    {
        double area = H * W;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * Uniform(scale.Min, scale.Max);
            double aspect = Math.Exp(Uniform(Math.Log(ratio.Min), Math.Log(ratio.Max)));
            long w = (long)Math.Round(Math.Sqrt(target * aspect)), h = (long)Math.Round(Math.Sqrt(target / aspect));
            if (w > 0 && h > 0 && w <= W && h <= H)
            {
                long top = Math.Min(H - h, (long)Math.Floor(Uniform(0, H - h + 1)));
                long left = Math.Min(W - w, (long)Math.Floor(Uniform(0, W - w + 1)));
                return (top, left, h, w);
            }
        }
        // fallback: the centred window, its ratio clamped to the range
        double inRatio = (double)W / H;
        long cw, ch;
        if (inRatio < ratio.Min) { cw = W; ch = (long)Math.Round(cw / ratio.Min); }
        else if (inRatio > ratio.Max) { ch = H; cw = (long)Math.Round(ch * ratio.Max); }
        else { cw = W; ch = H; }
        return ((H - ch) / 2, (W - cw) / 2, ch, cw);
    }

    public override Shape ComputeOutputShape(Shape s) => Sized(s, height, width);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["height"] = height;
        c["width"] = width;
        c["scale"] = new JsonArray(scale.Min, scale.Max);
        c["ratio"] = new JsonArray(ratio.Min, ratio.Max);
        return c;
    }

    internal static RandomResizedCrop FromConfig(ConfigReader c)
    {
        (double, double)? Pair(string k) => c.Take(k) is JsonArray a && a.Count == 2 ? (a[0]!.GetValue<double>(), a[1]!.GetValue<double>()) : null;
        return new RandomResizedCrop(c.Int("height", 0), c.Int("width", 0), Pair("scale"), Pair("ratio"), c.Take("seed")?.GetValue<int?>(), c.Name);
    }
}
