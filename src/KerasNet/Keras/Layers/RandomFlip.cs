using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Keras 3's RandomFlip: in training, flips each image left-right and/or up-down with probability ½ ("horizontal", "vertical", "horizontal_and_vertical").</summary>
public sealed class RandomFlip : ImagePreprocessingLayer
{
    public RandomFlip(string mode = "horizontal_and_vertical", int? seed = null, string? name = null) : base(seed, name)
    {
        if (mode is not ("horizontal" or "vertical" or "horizontal_and_vertical"))
            throw new ArgumentException($"RandomFlip: mode must be horizontal, vertical or horizontal_and_vertical, got '{mode}'.");
        this.mode = mode;
    }

    public string mode { get; }

    protected override Tensor TransformImage(Tensor image)
    {
        var x = image;
        if (mode != "vertical" && Uniform(0, 1) < 0.5) x = x.IndexSelect(1, Tensor.ReversedRange(x.Shape[1]));
        if (mode != "horizontal" && Uniform(0, 1) < 0.5) x = x.IndexSelect(0, Tensor.ReversedRange(x.Shape[0]));
        return x;
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["mode"] = mode;
        return c;
    }

    internal static RandomFlip FromConfig(ConfigReader c) => new(c.String("mode", "horizontal_and_vertical")!, c.Has("seed") ? c.Take("seed")?.GetValue<int?>() : null, c.Name);
}
