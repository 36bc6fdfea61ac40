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
    private readonly Dictionary<KerasTensor, int> _lastUse = new(ReferenceEqualityComparer.Instance);

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
        // the position of each node's last reader, so its value can be freed right after
        for (int i = 0; i < _nodes.Count; i++)
            foreach (var input in _nodes[i].Inputs)
                _lastUse[input] = i;
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
        for (int i = 0; i < _nodes.Count; i++)
        {
            var node = _nodes[i];
            if (node.Inputs.Count == 0) continue;
            var input = node.Inputs[0];
            var y = node.SourceLayer.Apply(values[input], training);
            values[node] = y;
            // free an activation after its last reader, unless it is the caller's input or the output
            if (!ReferenceEquals(input, inputs) && !ReferenceEquals(input, outputs) && _lastUse[input] == i)
                Tensor.Release(values[input], y);
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
