using System.Collections;
using KerasNet.Keras.Layers;

namespace KerasNet.Keras.Models;

/// <summary>
/// A model's <c>layers</c>: read-only with C# ranges (<c>model.layers[..^1]</c>, <c>model.layers[^1]</c>), plus
/// Keras 2's <c>model.layers.pop()</c>, which removes the model's last layer (the model then ends at the layer
/// before it, as the classic "pop the classifier" scripts expect).
/// </summary>
public sealed class LayerList : IReadOnlyList<Layer>
{
    private readonly Func<IReadOnlyList<Layer>> _get;
    private readonly Func<Layer> _pop;

    internal LayerList(Func<IReadOnlyList<Layer>> get, Func<Layer> pop)
    {
        _get = get;
        _pop = pop;
    }

    public Layer this[int index] => _get()[index];

    public int Count => _get().Count;

    /// <summary>A copy of a range of the layers (C# range syntax: <c>layers[0..^1]</c>).</summary>
    public List<Layer> Slice(int start, int length) => _get().Skip(start).Take(length).ToList();

    /// <summary>Removes the model's last layer and returns it.</summary>
    public Layer pop() => _pop();

    public IEnumerator<Layer> GetEnumerator() => _get().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
