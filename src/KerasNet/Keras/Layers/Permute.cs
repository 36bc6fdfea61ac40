using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras's Permute: reorders the axes of each sample. <c>dims</c> is a permutation of 1..rank (the batch
/// axis, 0, stays first): Permute((2, 1)) swaps the two axes of (batch, a, b).
/// </summary>
public sealed class Permute : Layer
{
    public Permute(int[] dims, string? name = null) : base(name)
    {
        if (dims.Length == 0 || !dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new ArgumentException($"Permute '{this.name}': dims must be a permutation of 1..{dims.Length} (the batch axis is not permuted), got ({string.Join(", ", dims)}).");
        this.dims = dims;
    }

    public int[] dims { get; }

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != dims.Length + 1)
            throw new ArgumentException($"Layer \"{name}\": dims ({string.Join(", ", dims)}) permute {dims.Length} axes, but the input {s} has {s.Rank - 1} besides the batch.");
    }

    protected override Tensor Call(Tensor inputs, bool training) =>
        inputs.Permute([0, .. dims.Select(d => (long)d)]);

    public override Shape ComputeOutputShape(Shape s) => new([s[0], .. dims.Select(d => s[d])]);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["dims"] = new JsonArray(dims.Select(d => (JsonNode)d).ToArray());
        return c;
    }

    internal static Permute FromConfig(ConfigReader c)
    {
        var d = c.Take("dims") as JsonArray ?? throw new InvalidDataException($"{c.Where}: dims must be a list.");
        return new Permute(d.Select(v => v!.GetValue<int>()).ToArray(), c.Name);
    }
}
