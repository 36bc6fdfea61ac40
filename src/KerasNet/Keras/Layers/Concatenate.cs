using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>Joins its inputs along <c>axis</c> (default -1, the channels); the other dimensions must agree.</summary>
public sealed class Concatenate : Layer
{
    public Concatenate(int axis = -1, string? name = null) : base(name) => this.axis = axis;

    public int axis { get; }

    private int Axis(int rank)
    {
        int a = axis < 0 ? rank + axis : axis;
        if (a <= 0 || a >= rank)
            throw new ArgumentException($"Layer '{name}' (Concatenate): axis {axis} is out of range for inputs of rank {rank} (the batch axis 0 cannot be joined).");
        return a;
    }

    internal override IReadOnlyList<Shape> NodeOutputShapes(IReadOnlyList<Shape> inputShapes, bool build)
    {
        if (inputShapes.Count < 1)
            throw new ArgumentException($"Layer '{name}' (Concatenate) should be called on a list of inputs.");
        int rank = inputShapes[0].Rank;
        int a = Axis(rank);
        var dims = inputShapes[0].Dims.ToArray();
        foreach (var s in inputShapes.Skip(1))
        {
            bool ok = s.Rank == rank;
            for (int i = 1; ok && i < rank; i++)
                if (i != a && dims[i] is { } x && s[i] is { } y && x != y) ok = false;
            if (!ok)
                throw new ArgumentException(
                    $"A Concatenate layer ('{name}') requires inputs with matching shapes except for the concatenation axis {axis}. " +
                    $"Received: input_shape={string.Join(", ", inputShapes)}");
            dims[a] = dims[a] is { } p && s[a] is { } q ? p + q : null;
        }
        built = true;
        var output = new Shape(dims);
        SetBuildShapes(inputShapes[0], output);
        return [output];
    }

    internal override IReadOnlyList<Tensor> CallNode(IReadOnlyList<Tensor> inputs, bool training)
    {
        try
        {
            return [Tensor.Concat(inputs.ToArray(), Axis(inputs[0].Shape.Length))];
        }
        catch (TensorOpException e)
        {
            throw e.WithContext($"Layer '{name}' (Concatenate) on {string.Join(", ", inputs.Select(t => Tensor.FormatShape(t.Shape)))}");
        }
    }

    protected override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"Layer '{name}' (Concatenate) should be called on a list of inputs, not on one tensor.");

    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["axis"] = axis;
        return c;
    }

    internal static Concatenate FromConfig(ConfigReader c) => new(c.Int("axis", -1), c.Name);
}
