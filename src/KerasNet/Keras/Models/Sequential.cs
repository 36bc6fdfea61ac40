using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Models;

/// <summary>
/// A plain stack of layers. When the first layer has an <c>input_shape</c> (or is an InputLayer),
/// each added layer is built at once, so summary() works before any data, and the stack is also recorded as a
/// symbolic graph (as Keras does), so <c>model.input</c>, <c>layer.output</c> and
/// <c>keras.Model(model.input, model.layers[^2].output)</c> work; otherwise the model is built on its first call.
/// </summary>
public sealed class Sequential : Model
{
    private readonly List<Layer> _layers = new();
    private Shape? _inputShape;
    private string? _inputName;
    private KerasTensor? _graphInput;
    private KerasTensor? _graphOutput;
    private readonly List<Node> _graphNodes = new();

    public Sequential(IEnumerable<Layer>? layers = null, string? name = null) : base(name)
    {
        foreach (var l in layers ?? []) add(l);
    }

    protected override IReadOnlyList<Layer> LayerItems => _layers;

    public override IReadOnlyList<KerasTensor> inputs => _graphInput is null ? [] : [_graphInput];

    public override IReadOnlyList<KerasTensor> outputs => _graphOutput is null ? [] : [_graphOutput];

    public void add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer input)
        {
            if (_layers.Count > 0 || _inputShape is not null)
                throw new ArgumentException("An InputLayer can only be the first layer of a Sequential model.");
            _inputShape = input.BatchInputShape;
            _inputName = input.name;
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
            RebuildGraph();
        }
    }

    public void pop() => PopLayer();

    protected override Layer PopLayer()
    {
        if (_layers.Count == 0) throw new InvalidOperationException("There are no layers in the model.");
        var last = _layers[^1];
        _layers.RemoveAt(_layers.Count - 1);
        RebuildGraph();
        return last;
    }

    // The symbolic graph over the stack: replaced (its old nodes removed from the layers) whenever the stack changes.
    private void RebuildGraph()
    {
        foreach (var n in _graphNodes) n.layer.InboundNodesList.Remove(n);
        _graphNodes.Clear();
        _graphInput = _graphOutput = null;
        if (_inputShape is null || _layers.Count == 0) return;
        var input = new InputLayer(_inputShape.WithoutBatch(), _inputName ?? _layers[0].name + "_input");
        _inputName = input.name;
        var x = input.Output;
        _graphInput = x;
        foreach (var l in _layers)
        {
            var outs = l.ApplyAll([x]);
            if (outs.Count != 1)
                throw new ArgumentException($"Layer '{l.name}' has {outs.Count} outputs; all layers in a Sequential model should have a single output tensor.");
            _graphNodes.Add(outs[0].node);
            x = outs[0];
        }
        _graphOutput = x;
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
        _inputShape ??= inputShape.WithoutBatch().WithBatch();
        RebuildGraph();
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs;
        for (int i = 0; i < _layers.Count; i++)
        {
            var l = _layers[i];
            Tensor y;
            if (i + 1 < _layers.Count && LayerFusion.Applies(l, _layers[i + 1]))
                y = LayerFusion.Run(l, training, _layers[++i], training, x);  // e.g. Conv2D(relu) + MaxPooling2D: pool, then ReLU
            else
                y = l.Apply(x, training);
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

    // ---- config

    /// <summary>Keras's Sequential config: {"name", "layers": [InputLayer (when the input shape is known), ...]}.</summary>
    public override JsonObject get_config()
    {
        var layers = new JsonArray();
        var shape = _inputShape ?? (built ? input_shape : null);
        if (shape is not null)
            layers.Add(Json.Object("InputLayer", new JsonObject
            {
                ["batch_input_shape"] = Json.FromShape(shape),
                ["dtype"] = "float32",
                ["sparse"] = false,
                ["ragged"] = false,
                ["name"] = _inputName ?? (_layers.Count > 0 ? _layers[0].name + "_input" : "input_1"),
            }));
        foreach (var l in _layers) layers.Add(LayerConfig.Serialize(l));
        return new JsonObject { ["name"] = name, ["trainable"] = trainable, ["layers"] = layers };
    }

    /// <summary>
    /// Rebuilds a Sequential model from its config: a dict with "layers" (tf.keras, Keras 3) or the bare list of
    /// layers older Keras wrote; the input shape from an InputLayer entry or a first layer's batch_input_shape.
    /// </summary>
    public static Sequential from_config(JsonNode config, string? source = null)
    {
        string where = source ?? "config";
        JsonArray list;
        string? name = null;
        bool trainable = true;
        Shape? buildShape = null;
        switch (config)
        {
            case JsonArray bare:
                list = bare;
                break;
            case JsonObject o:
                list = o["layers"] as JsonArray ?? throw new FormatException($"{where}: Sequential config without 'layers'.");
                name = o["name"]?.GetValue<string>();
                trainable = o["trainable"]?.GetValue<bool>() ?? true;
                if (o["build_input_shape"] is JsonArray b) buildShape = Json.ToShape(b, where + ", build_input_shape");
                break;
            default:
                throw new FormatException($"{where}: a Sequential config must be an object or a list, got {Json.Short(config)}.");
        }
        var model = new Sequential(name: name);
        foreach (var entry in list) model.add(LayerConfig.Deserialize(entry, source));
        if (!model.built && buildShape is not null && model._layers.Count > 0) model.build(buildShape.WithoutBatch());
        if (!trainable) model.trainable = false;
        return model;
    }
}
