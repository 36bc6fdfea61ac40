namespace KerasNet.Keras;

/// <summary>
/// A Keras shape: dimensions that may be unknown (None), usually the batch. Printed as Keras prints
/// it: (None, 26, 26, 32). Converts from ints and tuples, so <c>input_shape: (28, 28, 1)</c> works.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    public Shape(params int?[] dims) => Dims = dims;

    public Shape(params int[] dims) => Dims = dims.Select(d => (int?)d).ToArray();

    public int?[] Dims { get; }

    public int Rank => Dims.Length;

    public int? this[int i] => Dims[i < 0 ? Dims.Length + i : i];

    /// <summary>This shape with an unknown batch dimension in front.</summary>
    public Shape WithBatch(int? batch = null) => new(new[] { batch }.Concat(Dims).ToArray());

    /// <summary>This shape without its first (batch) dimension.</summary>
    public Shape WithoutBatch() => new(Dims.Skip(1).ToArray());

    public static Shape Of(long[] tensorShape) => new(tensorShape.Select(d => (int?)checked((int)d)).ToArray());

    /// <summary>Number of elements, when every dimension is known.</summary>
    public long? NumElements => Dims.All(d => d.HasValue) ? Dims.Aggregate(1L, (a, d) => a * d!.Value) : null;

    public static implicit operator Shape(int d) => new(d);
    public static implicit operator Shape((int, int) t) => new(t.Item1, t.Item2);
    public static implicit operator Shape((int, int, int) t) => new(t.Item1, t.Item2, t.Item3);
    public static implicit operator Shape((int, int, int, int) t) => new(t.Item1, t.Item2, t.Item3, t.Item4);
    public static implicit operator Shape(int[] dims) => new(dims);

    public bool Equals(Shape? other) => other is not null && Dims.SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode() => Dims.Aggregate(17, (h, d) => h * 31 + (d ?? -1));

    public override string ToString() =>
        Dims.Length == 1 ? $"({Fmt(Dims[0])},)" : "(" + string.Join(", ", Dims.Select(Fmt)) + ")";

    private static string Fmt(int? d) => d?.ToString() ?? "None";
}
