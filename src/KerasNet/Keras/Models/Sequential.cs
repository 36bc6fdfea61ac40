using KerasNet.Engine;
using KerasNet.Keras.Layers;

namespace KerasNet.Keras.Models;

/// <summary>
/// A plain stack of layers. When the first layer has an <c>input_shape</c> (or is an InputLayer),
/// each added layer is built at once, so summary() works before any data; otherwise the model is
/// built on its first call.
/// </summary>
public sealed class Sequential : Model
{
    private readonly List<Layer> _layers = new();
    private Shape? _inputShape;

    public Sequential(IEnumerable<Layer>? layers = null, string? name = null) : base(name)
    {
        foreach (var l in layers ?? []) add(l);
    }

    public override IReadOnlyList<Layer> layers => _layers;

    public void add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer input)
        {
            if (_layers.Count > 0 || _inputShape is not null)
                throw new ArgumentException("An InputLayer can only be the first layer of a Sequential model.");
            _inputShape = input.BatchInputShape;
            return;
        }
        if (_layers.Any(l => l.name == layer.name))
            throw new ArgumentException(
                $"All layers added to a Sequential model should have unique names. Name '{layer.name}' is already the name of a layer in this model.");
        // the input shape: the first layer's input_shape, or that of a built model added first (a pretrained base)
        if (_layers.Count == 0 && _inputShape is null)
            _inputShape = layer.BatchInputShape ?? (layer is Model { built: true } m ? m.input_shape : null);
        _layers.Add(layer);
        if (_inputShape is not null)
        {
            // Build eagerly through the whole stack, as Keras does once the input shape is known.
            var shape = _inputShape;
            foreach (var l in _layers)
            {
                l.EnsureBuilt(shape);
                shape = l.ComputeOutputShape(shape);
            }
            built = true;
            SetBuildShapes(_inputShape);
        }
    }

    public void pop()
    {
        if (_layers.Count == 0) throw new InvalidOperationException("There are no layers in the model.");
        _layers.RemoveAt(_layers.Count - 1);
    }

    protected override void Build(Shape inputShape)
    {
        if (_layers.Count == 0) throw new InvalidOperationException($"Sequential model '{name}' has no layers.");
        var shape = inputShape;
        foreach (var l in _layers)
        {
            l.EnsureBuilt(shape);
            shape = l.ComputeOutputShape(shape);
        }
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs;
        foreach (var l in _layers)
        {
            var y = l.Apply(x, training);
            if (!ReferenceEquals(x, inputs)) Tensor.Release(x, y);  // the activation has had its only reader
            x = y;
        }
        return x;
    }

    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var shape = inputShape;
        foreach (var l in _layers) shape = l.ComputeOutputShape(shape);
        return shape;
    }
}
