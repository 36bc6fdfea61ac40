using KerasNet.Engine;
using KerasNet.Keras.Layers;

namespace KerasNet.Keras;

/// <summary>
/// A symbolic tensor of the functional API: a shape (batch None) and the layer call (<see cref="Node"/>)
/// that produces it. <c>keras.Input</c> makes one; <c>layer.Apply(kerasTensor)</c> makes the next.
/// </summary>
public sealed class KerasTensor
{
    internal KerasTensor(Shape shape, Node node, int tensorIndex, DType dtype = DType.Float32)
    {
        this.shape = shape;
        this.node = node;
        tensor_index = tensorIndex;
        this.dtype = dtype;
    }

    public Shape shape { get; }

    public DType dtype { get; }

    /// <summary>The layer call that produced this tensor.</summary>
    public Node node { get; }

    /// <summary>Which of the node's outputs this is.</summary>
    public int tensor_index { get; }

    /// <summary>The layer whose call produced this tensor.</summary>
    public Layer SourceLayer => node.layer;

    /// <summary>The tensors that call consumed (empty for an Input).</summary>
    public IReadOnlyList<KerasTensor> Inputs => node.input_tensors;

    /// <summary>Keras's _keras_history: (layer, node index within the layer, tensor index).</summary>
    public (Layer Layer, int NodeIndex, int TensorIndex) keras_history =>
        (node.layer, node.layer.InboundNodesList.IndexOf(node), tensor_index);

    public string name => SourceLayer.name;

    public override string ToString() => $"<KerasTensor shape={shape} dtype={dtype.KerasName()} (created by layer '{name}')>";
}
