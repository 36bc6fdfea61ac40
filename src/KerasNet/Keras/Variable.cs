using KerasNet.Engine;

namespace KerasNet.Keras;

/// <summary>
/// A layer weight (Keras's Variable): a float tensor that lives until its layer is gone, in Keras's
/// layout (Conv2D kernels HWIO, Dense kernels (in, out)).
/// </summary>
public sealed class Variable
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

    /// <summary>Overwrites the value; the shapes must match.</summary>
    public void assign(Tensor value)
    {
        if (!value.Shape.SequenceEqual(Value.Shape))
            throw new ArgumentException(
                $"Cannot assign a value of shape {Tensor.FormatShape(value.Shape)} to variable '{path}' of shape {Tensor.FormatShape(Value.Shape)}.");
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

    public override string ToString() => $"<Variable '{path}' shape={Tensor.FormatShape(shape)}>";
}
