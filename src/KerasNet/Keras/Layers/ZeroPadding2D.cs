using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Pads height and width with zeros: <c>1</c>, <c>(1, 2)</c> (symmetric h, w) or <c>((top, bottom), (left, right))</c>.</summary>
public sealed class ZeroPadding2D : Layer
{
    public ZeroPadding2D(Padding2D? padding = null, string? name = null) : base(name) => this.padding = padding ?? 1;

    public Padding2D padding { get; }

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != 4)
            throw new ArgumentException($"Input 0 of layer \"{name}\" is incompatible with the layer: expected ndim=4, found ndim={s.Rank}. Full shape received: {s}");
    }

    protected override Tensor Call(Tensor inputs, bool training) =>
        NN.Pad2D(inputs, (padding.Top, padding.Bottom, padding.Left, padding.Right));

    public override Shape ComputeOutputShape(Shape s) =>
        new(s[0], s[1] + padding.Top + padding.Bottom, s[2] + padding.Left + padding.Right, s[3]);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["padding"] = new JsonArray(Json.Pair(padding.Top, padding.Bottom), Json.Pair(padding.Left, padding.Right));
        c["data_format"] = "channels_last";
        return c;
    }

    /// <summary>padding as an int, [h, w] or [[top, bottom], [left, right]].</summary>
    internal static ZeroPadding2D FromConfig(ConfigReader c)
    {
        c.ChannelsLast();
        var p = c.Take("padding");
        Padding2D padding = p switch
        {
            null => 1,
            JsonArray { Count: 2 } a when a[0] is JsonArray h && a[1] is JsonArray w =>
                ((h[0]!.GetValue<int>(), h[1]!.GetValue<int>()), (w[0]!.GetValue<int>(), w[1]!.GetValue<int>())),
            JsonArray { Count: 2 } a => (a[0]!.GetValue<int>(), a[1]!.GetValue<int>()),
            _ => p.GetValue<int>(),
        };
        return new ZeroPadding2D(padding, c.Name);
    }
}

/// <summary>ZeroPadding2D's padding argument in any of Keras's three spellings.</summary>
public readonly record struct Padding2D(int Top, int Bottom, int Left, int Right)
{
    public static implicit operator Padding2D(int p) => new(p, p, p, p);
    public static implicit operator Padding2D((int H, int W) p) => new(p.H, p.H, p.W, p.W);
    public static implicit operator Padding2D(((int, int) H, (int, int) W) p) => new(p.H.Item1, p.H.Item2, p.W.Item1, p.W.Item2);
}
