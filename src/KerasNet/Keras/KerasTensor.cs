using KerasNet.Engine;
using KerasNet.Keras.Layers;

namespace KerasNet.Keras;

/// <summary>
/// A symbolic tensor of the functional API: a shape (batch None) and the layer call that produces it.
/// <c>keras.Input</c> makes one; <c>layer.Apply(kerasTensor)</c> makes the next.
/// </summary>
public sealed class KerasTensor
{
    internal KerasTensor(Shape shape, Layer sourceLayer, IReadOnlyList<KerasTensor> inputs, DType dtype = DType.Float32)
    {
        this.shape = shape;
        SourceLayer = sourceLayer;
        Inputs = inputs;
        this.dtype = dtype;
    }

    public Shape shape { get; }

    public DType dtype { get; }

    /// <summary>The layer whose call produced this tensor.</summary>
    public Layer SourceLayer { get; }

    /// <summary>The tensors that call consumed (empty for an Input).</summary>
    public IReadOnlyList<KerasTensor> Inputs { get; }

    public string name => SourceLayer.name;

    public override string ToString() => $"<KerasTensor shape={shape} dtype={dtype.KerasName()} (created by layer '{name}')>";
}
