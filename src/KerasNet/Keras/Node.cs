using KerasNet.Keras.Layers;

namespace KerasNet.Keras;

/// <summary>
/// One call of a layer in the functional API (Keras's Node): the symbolic tensors it consumed and the
/// ones it produced. A layer called n times has n inbound nodes; a shared layer is one layer with several.
/// </summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputs, IReadOnlyList<Shape> outputShapes,
        IReadOnlyList<Engine.DType>? dtypes = null, bool? training = null)
    {
        this.layer = layer;
        this.training = training;
        input_tensors = inputs;
        var outs = new KerasTensor[outputShapes.Count];
        for (int i = 0; i < outs.Length; i++)
            outs[i] = new KerasTensor(outputShapes[i], this, i, dtypes?[i] ?? Engine.DType.Float32);
        output_tensors = outs;
        layer.InboundNodesList.Add(this);
    }

    public Layer layer { get; }

    /// <summary>The tensors this call consumed (none for an InputLayer's node).</summary>
    public IReadOnlyList<KerasTensor> input_tensors { get; }

    /// <summary>The tensors this call produced, in order (most layers produce one).</summary>
    public IReadOnlyList<KerasTensor> output_tensors { get; }

    /// <summary>The nodes that produced this node's inputs.</summary>
    public IEnumerable<Node> parent_nodes => input_tensors.Select(t => t.node);

    public bool is_input => input_tensors.Count == 0;

    /// <summary>
    /// The training flag fixed at this call (<c>base_model.Apply(x, training: false)</c> keeps BatchNormalization in
    /// inference mode while fine-tuning); null follows the mode the model runs in.
    /// </summary>
    public bool? training { get; }
}
