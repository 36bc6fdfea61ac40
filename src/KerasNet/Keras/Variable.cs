using KerasNet.Engine;

namespace KerasNet.Keras;

/// <summary>
/// A layer weight (Keras's Variable): a float tensor in Keras's layout (Conv2D kernels HWIO, Dense
/// kernels (in, out)). It lives until it is disposed — by its layer's or model's Dispose — or collected.
/// </summary>
public sealed class Variable : IDisposable
{
    internal Variable(string name, Tensor value, bool trainable)
    {
        this.name = name;
        Value = value.ReleaseFromScope();
        this.trainable = trainable;
        _requiresGrad = trainable;
        Value.RequiresGrad = trainable;
    }

    /// <summary>The weight's name within its layer, e.g. "kernel".</summary>
    public string name { get; }

    /// <summary>The layer-qualified name, e.g. "conv2d/kernel"; set when the weight is added to a layer.</summary>
    public string path { get; internal set; } = "";

    /// <summary>Whether an optimizer may update this weight (false for e.g. BatchNormalization's moving statistics).</summary>
    public bool trainable { get; }

    public Tensor Value { get; }

    private bool _requiresGrad;

    /// <summary>Records gradients for this weight only while its layer is trainable (frozen layers cost no weight gradients).</summary>
    internal void SetRequiresGrad(bool flag)
    {
        flag &= trainable;
        if (flag == _requiresGrad) return;
        Value.RequiresGrad = flag;
        _requiresGrad = flag;
    }

    public long[] shape => Value.Shape;

    public long NumElements => Value.NumElements;

    /// <summary>
    /// Overwrites the value; the shapes must match. Inside a replica of a distributed step
    /// (<see cref="TF.Distribute.Strategy.run{T}"/>) the value is recorded for the strategy, which assigns
    /// the mean over the replicas once they have all run, as tf.distribute aggregates such variables.
    /// </summary>
    public void assign(Tensor value)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!value.Shape.SequenceEqual(Value.Shape))
            throw new ArgumentException(
                $"Cannot assign a value of shape {Tensor.FormatShape(value.Shape)} to variable '{path}' of shape {Tensor.FormatShape(Value.Shape)}.");
        if (TF.Distribute.ReplicaContext.Current is { num_replicas_in_sync: > 1 } replica)
        {
            replica.RecordAssign(Value, value);
            return;
        }
        using (Autograd.NoGrad())
        {
            using var cast = value.DType == Value.DType ? null : value.AsType(Value.DType);
            Value.CopyFrom(cast ?? value);
        }
    }

    /// <summary>A detached copy of the current value.</summary>
    public Tensor numpy()
    {
        using var detached = Value.Detach();
        return detached.Clone();
    }

    public bool IsDisposed => Value.IsDisposed;

    /// <summary>Frees the weight's native memory now; using the variable afterwards is an ObjectDisposedException.</summary>
    public void Dispose() => Value.Dispose();

    public override string ToString() =>
        IsDisposed ? $"<Variable '{path}' (disposed)>" : $"<Variable '{path}' shape={Tensor.FormatShape(shape)}>";
}
