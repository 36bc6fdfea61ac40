using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Reshapes each sample to <c>target_shape</c> (batch excluded); one dimension may be -1.</summary>
public sealed class Reshape : Layer
{
    public Reshape(Shape target_shape, string? name = null) : base(name)
    {
        if (target_shape.Dims.Any(d => d is null || d == 0 || d < -1) || target_shape.Dims.Count(d => d == -1) > 1)
            throw new ArgumentException($"Reshape '{this.name}': invalid target_shape {target_shape}.");
        this.target_shape = target_shape;
    }

    public Shape target_shape { get; }

    protected override void CheckInputShape(Shape s)
    {
        long? n = s.WithoutBatch().NumElements;
        long known = target_shape.Dims.Where(d => d != -1).Aggregate(1L, (a, d) => a * d!.Value);
        bool ok = n is null || (target_shape.Dims.Contains(-1) ? n % known == 0 : n == known);
        if (!ok)
            throw new ArgumentException($"Layer \"{name}\": total size of the input {s} ({n} per sample) cannot be reshaped to {target_shape}.");
    }

    protected override Tensor Call(Tensor inputs, bool training) =>
        inputs.Reshape([inputs.Shape[0], .. target_shape.Dims.Select(d => (long)d!.Value)]);

    public override Shape ComputeOutputShape(Shape s)
    {
        long? n = s.WithoutBatch().NumElements;
        long known = target_shape.Dims.Where(d => d != -1).Aggregate(1L, (a, d) => a * d!.Value);
        var dims = target_shape.Dims.Select(d => d == -1 ? (n is { } v ? (int?)(v / known) : null) : d);
        return new Shape(new[] { s[0] }.Concat(dims).ToArray());
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["target_shape"] = Json.FromShape(target_shape);
        return c;
    }

    internal static Reshape FromConfig(ConfigReader c) => new(Json.ToShape(c.Take("target_shape"), c.Where + ", target_shape"), c.Name);
}
