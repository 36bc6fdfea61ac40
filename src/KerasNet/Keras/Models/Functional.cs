using KerasNet.Engine;
using KerasNet.Keras.Layers;

namespace KerasNet.Keras.Models;

/// <summary>
/// A model defined by the functional API: <c>keras.Model(inputs, outputs)</c> over the graph of layer
/// calls from an Input to an output tensor.
/// </summary>
public sealed class Functional : Model
{
    private readonly List<KerasTensor> _nodes;   // topological order, inputs first
    private readonly List<Layer> _layers;

    public Functional(KerasTensor inputs, KerasTensor outputs, string? name = null) : base(name)
    {
        this.inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        this.outputs = outputs ?? throw new ArgumentNullException(nameof(outputs));
        if (inputs.SourceLayer is not InputLayer)
            throw new ArgumentException("keras.Model inputs must come from keras.Input(...).");
        _nodes = new List<KerasTensor>();
        var seen = new HashSet<KerasTensor>(ReferenceEqualityComparer.Instance);
        Visit(outputs, seen);
        if (!seen.Contains(inputs))
            throw new ArgumentException(
                $"Graph disconnected: the output {outputs} cannot be computed from the input '{inputs.name}'.");
        _layers = _nodes.Select(n => n.SourceLayer).Distinct().ToList();
        built = true;
        SetBuildShapes(inputs.shape);
    }

    protected override string DefaultNamePrefix => "model";

    public override string ClassName => "Functional";

    public KerasTensor inputs { get; }

    public KerasTensor outputs { get; }

    public override IReadOnlyList<Layer> layers => _layers;

    internal IReadOnlyList<KerasTensor> Nodes => _nodes;

    private void Visit(KerasTensor t, HashSet<KerasTensor> seen)
    {
        if (!seen.Add(t)) return;
        foreach (var i in t.Inputs) Visit(i, seen);
        if (t.Inputs.Count == 0 && !ReferenceEquals(t, inputs))
            throw new ArgumentException($"Graph disconnected: tensor from '{t.name}' is not the model input '{inputs.name}'.");
        _nodes.Add(t);
    }

    protected override Tensor Call(Tensor x, bool training)
    {
        var values = new Dictionary<KerasTensor, Tensor>(ReferenceEqualityComparer.Instance) { [inputs] = x };
        foreach (var node in _nodes)
        {
            if (node.Inputs.Count == 0) continue;
            values[node] = node.SourceLayer.Apply(values[node.Inputs[0]], training);
        }
        return values[outputs];
    }

    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var shapes = new Dictionary<KerasTensor, Shape>(ReferenceEqualityComparer.Instance) { [inputs] = inputShape };
        foreach (var node in _nodes)
        {
            if (node.Inputs.Count == 0) continue;
            shapes[node] = node.SourceLayer.ComputeOutputShape(shapes[node.Inputs[0]]);
        }
        return shapes[outputs];
    }
}
