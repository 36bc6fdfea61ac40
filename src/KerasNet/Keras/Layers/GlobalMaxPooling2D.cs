using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>Maximum over height and width: (N, H, W, C) → (N, C).</summary>
public sealed class GlobalMaxPooling2D : Layer
{
    public GlobalMaxPooling2D(string? name = null) : base(name) { }

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != 4)
            throw new ArgumentException($"Input 0 of layer \"{name}\" is incompatible with the layer: expected ndim=4, found ndim={s.Rank}. Full shape received: {s}");
    }

    protected override Tensor Call(Tensor inputs, bool training) => inputs.Max(1, 2);

    public override Shape ComputeOutputShape(Shape s) => new(s[0], s[3]);
}
