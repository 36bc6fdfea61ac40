using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Base of the layers that combine several tensors of one shape element-wise (Add, Multiply, Average,
/// Subtract, Maximum, Minimum): called on a list, as Keras's merge layers are.
/// </summary>
public abstract class Merge : Layer
{
    protected Merge(string? name) : base(name) { }

    /// <summary>Combines the inputs (two or more, of one shape).</summary>
    protected abstract Tensor Combine(IReadOnlyList<Tensor> inputs);

    protected virtual int MinInputs => 2;

    protected virtual int? MaxInputs => null;

    internal override IReadOnlyList<Shape> NodeOutputShapes(IReadOnlyList<Shape> inputShapes, bool build)
    {
        if (inputShapes.Count < MinInputs || inputShapes.Count > (MaxInputs ?? int.MaxValue))
            throw new ArgumentException(
                $"Layer '{name}' ({ClassName}) should be called on a list of {(MaxInputs == MinInputs ? $"exactly {MinInputs}" : $"at least {MinInputs}")} inputs; " +
                $"received {inputShapes.Count}: {string.Join(", ", inputShapes)}.");
        var first = inputShapes[0];
        var dims = first.Dims.ToArray();
        foreach (var s in inputShapes.Skip(1))
        {
            bool ok = s.Rank == first.Rank;
            for (int i = 1; ok && i < s.Rank; i++)
            {
                if (dims[i] is { } a && s[i] is { } b && a != b) ok = false;
                dims[i] ??= s[i];
            }
            if (!ok)
                throw new ArgumentException(
                    $"Layer '{name}' ({ClassName}): inputs must have the same shape; got {string.Join(", ", inputShapes)}.");
        }
        built = true;
        var output = new Shape(dims);
        SetBuildShapes(first, output);
        return [output];
    }

    internal override IReadOnlyList<Tensor> CallNode(IReadOnlyList<Tensor> inputs, bool training)
    {
        try
        {
            return [Combine(inputs)];
        }
        catch (TensorOpException e)
        {
            throw e.WithContext($"Layer '{name}' ({ClassName}) on {string.Join(", ", inputs.Select(t => Tensor.FormatShape(t.Shape)))}");
        }
    }

    protected override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"Layer '{name}' ({ClassName}) should be called on a list of inputs, not on one tensor.");

    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
}

/// <summary>Element-wise sum of its inputs (residual connections).</summary>
public sealed class Add(string? name = null) : Merge(name)
{
    protected override Tensor Combine(IReadOnlyList<Tensor> inputs) => inputs.Skip(1).Aggregate(inputs[0], (a, b) => a + b);
}

/// <summary>Element-wise product of its inputs.</summary>
public sealed class Multiply(string? name = null) : Merge(name)
{
    protected override Tensor Combine(IReadOnlyList<Tensor> inputs) => inputs.Skip(1).Aggregate(inputs[0], (a, b) => a * b);
}

/// <summary>Element-wise mean of its inputs.</summary>
public sealed class Average(string? name = null) : Merge(name)
{
    protected override Tensor Combine(IReadOnlyList<Tensor> inputs) =>
        inputs.Skip(1).Aggregate(inputs[0], (a, b) => a + b) * (1.0 / inputs.Count);
}

/// <summary>The first input minus the second (exactly two inputs).</summary>
public sealed class Subtract(string? name = null) : Merge(name)
{
    protected override int? MaxInputs => 2;

    protected override Tensor Combine(IReadOnlyList<Tensor> inputs) => inputs[0] - inputs[1];
}

/// <summary>Element-wise maximum of its inputs.</summary>
public sealed class Maximum(string? name = null) : Merge(name)
{
    protected override Tensor Combine(IReadOnlyList<Tensor> inputs) => inputs.Skip(1).Aggregate(inputs[0], (a, b) => a.Maximum(b));
}

/// <summary>Element-wise minimum of its inputs.</summary>
public sealed class Minimum(string? name = null) : Merge(name)
{
    protected override Tensor Combine(IReadOnlyList<Tensor> inputs) => inputs.Skip(1).Aggregate(inputs[0], (a, b) => a.Minimum(b));
}
