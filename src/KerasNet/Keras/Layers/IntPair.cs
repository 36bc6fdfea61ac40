namespace KerasNet.Keras.Layers;

/// <summary>A (height, width) argument such as kernel_size or strides: accepts <c>3</c> or <c>(3, 3)</c>.</summary>
public readonly record struct IntPair(int H, int W)
{
    public static implicit operator IntPair(int v) => new(v, v);
    public static implicit operator IntPair((int, int) t) => new(t.Item1, t.Item2);

    public override string ToString() => $"({H}, {W})";

    /// <summary>This pair when both parts are ≥ 1, else an ArgumentException naming the layer and the argument.</summary>
    internal IntPair Positive(Layer layer, string argument) => H >= 1 && W >= 1 ? this
        : throw new ArgumentException($"Layer '{layer.name}' ({layer.ClassName}): {argument} must be positive, got {this}.", argument);
}
