using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Models;

/// <summary>
/// A model defined by the functional API: <c>keras.Model(inputs, outputs)</c> over the graph of layer calls
/// (<see cref="Node"/>s) from one or more Inputs to one or more outputs. Layers may be shared (called more than
/// once) and models nest as layers. <c>model.layers</c> is in Keras's order: by depth from the inputs.
/// </summary>
public sealed class Functional : Model
{
    private List<KerasTensor> _inputs = null!, _outputs = null!;
    private List<Node> _nodes = null!;            // this model's nodes in an executable (topological) order
    private List<Layer> _layers = null!;
    private HashSet<Node> _nodeSet = null!;
    private Dictionary<KerasTensor, int> _reads = null!;  // how many nodes of this model read each tensor
    private Dictionary<Node, Node> _poolAfter = null!;    // a node whose output only this node reads, the pair run fused (LayerFusion)

    public Functional(KerasTensor inputs, KerasTensor outputs, string? name = null) : this([inputs], [outputs], name) { }

    public Functional(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null)
        : this(inputs, outputs, name, null) { }

    internal Functional(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name, IReadOnlyList<Layer>? layerOrder)
        : base(name)
    {
        Init(inputs, outputs, layerOrder);
        built = true;
    }

    private void Init(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, IReadOnlyList<Layer>? layerOrder)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0 || outputs.Count == 0) throw new ArgumentException("keras.Model needs at least one input and one output.");
        foreach (var i in inputs)
            if (i is null || i.SourceLayer is not InputLayer)
                throw new ArgumentException(
                    $"keras.Model inputs must come from keras.Input(...); got {i?.ToString() ?? "null"}. " +
                    "To start from a layer inside another model, use that model's input, e.g. keras.Model(base.input, base.layers[^1].output).");
        if (inputs.Distinct(ReferenceEqualityComparer.Instance).Count() != inputs.Count)
            throw new ArgumentException("keras.Model: the same input tensor is listed twice.");
        var inputSet = new HashSet<KerasTensor>(inputs, ReferenceEqualityComparer.Instance);

        // post-order walk from the outputs: each node after the nodes that produce its inputs
        var order = new List<Node>();
        var state = new Dictionary<Node, bool>(ReferenceEqualityComparer.Instance);  // false: in progress, true: done
        var firstSeen = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        void Visit(KerasTensor t)
        {
            if (inputSet.Contains(t))
            {
                if (!state.ContainsKey(t.node)) { state[t.node] = true; order.Add(t.node); }
                firstSeen.TryAdd(t.node.layer, firstSeen.Count);
                return;
            }
            var node = t.node;
            if (state.TryGetValue(node, out var done))
            {
                if (!done) throw new ArgumentException($"keras.Model: the graph has a cycle through layer '{node.layer.name}'.");
                return;
            }
            if (node.is_input)
                throw new ArgumentException(
                    $"Graph disconnected: cannot obtain value for tensor {t} at layer \"{node.layer.name}\". " +
                    $"The following previous layers were accessed without issue: {string.Join(", ", order.Select(n => n.layer.name).Distinct())}. " +
                    $"The model's inputs are: {string.Join(", ", inputs.Select(i => i.name))}.");
            firstSeen.TryAdd(node.layer, firstSeen.Count);
            state[node] = false;
            foreach (var i in node.input_tensors) Visit(i);
            state[node] = true;
            order.Add(node);
        }
        foreach (var o in outputs) Visit(o ?? throw new ArgumentNullException(nameof(outputs)));
        foreach (var i in inputs)
            if (!state.ContainsKey(i.node))
            {
                state[i.node] = true;
                order.Insert(0, i.node);  // an input no output depends on (Keras allows it)
                firstSeen.TryAdd(i.node.layer, firstSeen.Count);
            }

        _inputs = inputs.ToList();
        _outputs = outputs.ToList();
        _nodes = order;
        _nodeSet = new HashSet<Node>(order, ReferenceEqualityComparer.Instance);
        _reads = new Dictionary<KerasTensor, int>(ReferenceEqualityComparer.Instance);
        foreach (var n in order)
            foreach (var i in n.input_tensors)  // an Input's node reads nothing
                _reads[i] = _reads.GetValueOrDefault(i) + 1;
        _poolAfter = new Dictionary<Node, Node>(ReferenceEqualityComparer.Instance);
        var outputs0 = new HashSet<KerasTensor>(_outputs, ReferenceEqualityComparer.Instance);
        foreach (var reader in order)
            if (reader.input_tensors is [var only] && only.node is { } producer && _nodeSet.Contains(producer)
                && producer.output_tensors.Count == 1 && _reads.GetValueOrDefault(only) == 1 && !outputs0.Contains(only)
                && LayerFusion.Applies(producer.layer, reader.layer))
                _poolAfter[producer] = reader;

        if (layerOrder is not null)
        {
            _layers = layerOrder.ToList();
        }
        else
        {
            // Keras's order: by node depth from the outputs (deepest first), ties by first visit from the outputs
            var nodeDepth = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
            var layerDepth = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
            for (int k = order.Count - 1; k >= 0; k--)
            {
                var n = order[k];
                int depth = Math.Max(nodeDepth.GetValueOrDefault(n), layerDepth.GetValueOrDefault(n.layer));
                layerDepth[n.layer] = depth;
                nodeDepth[n] = depth;
                if (inputSet.Contains(n.output_tensors[0])) continue;
                foreach (var p in n.parent_nodes)
                    nodeDepth[p] = Math.Max(depth + 1, nodeDepth.GetValueOrDefault(p));
            }
            // inputs first, as Keras lists them
            int maxDepth = layerDepth.Values.Max();
            foreach (var i in inputs) layerDepth[i.node.layer] = maxDepth + 1;
            _layers = layerDepth.Keys.OrderByDescending(l => layerDepth[l]).ThenBy(l => firstSeen.GetValueOrDefault(l, int.MaxValue)).ToList();
        }
        if (_inputs.Count == 1 && _outputs.Count == 1) SetBuildShapes(_inputs[0].shape);
    }

    protected override string DefaultNamePrefix => "model";

    public override string ClassName => "Functional";

    /// <summary>The model's input tensors (Keras's model.inputs).</summary>
    public override IReadOnlyList<KerasTensor> inputs => _inputs;

    /// <summary>The model's output tensors (Keras's model.outputs).</summary>
    public override IReadOnlyList<KerasTensor> outputs => _outputs;

    protected override IReadOnlyList<Layer> LayerItems => _layers;

    internal IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>Whether a node belongs to this model's graph.</summary>
    internal bool Contains(Node n) => _nodeSet.Contains(n);

    /// <summary>Keras 2's model.layers.pop(): drops the last layer; the model's output becomes the previous layer's output.</summary>
    protected override Layer PopLayer()
    {
        if (_layers.Count <= _inputs.Count) throw new InvalidOperationException($"Model '{name}' has no layer left to pop.");
        var last = _layers[^1];
        var rest = _layers.Take(_layers.Count - 1).ToList();
        var prev = rest[^1];
        var prevNodes = prev.inbound_nodes.Where(Contains).ToList();
        if (prevNodes.Count != 1 || prevNodes[0].output_tensors.Count != 1)
            throw new InvalidOperationException(
                $"Model '{name}': cannot pop '{last.name}': the layer before it ('{prev.name}') has {prevNodes.Count} calls in this model, so the new output is ambiguous. " +
                "Build the new model explicitly: keras.Model(model.input, model.get_layer(\"...\").output).");
        Init(_inputs, [prevNodes[0].output_tensors[0]], rest);
        return last;
    }

    // ---- running

    protected override Tensor Call(Tensor x, bool training)
    {
        if (_inputs.Count != 1 || _outputs.Count != 1)
            throw new InvalidOperationException(
                $"Model '{name}' has {_inputs.Count} inputs and {_outputs.Count} outputs; call it with ApplyAll([...]).");
        return Run([x], training)[0];
    }

    internal override IReadOnlyList<Tensor> CallNode(IReadOnlyList<Tensor> inputs, bool training) => Run(inputs, training);

    /// <summary>Runs the graph on data: one tensor per model input, one per output.</summary>
    internal IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count != _inputs.Count)
            throw new ArgumentException($"Model '{name}' expects {_inputs.Count} input(s), but it received {inputs.Count}.");
        var values = new Dictionary<KerasTensor, Tensor>(ReferenceEqualityComparer.Instance);
        // a value may be shared by several symbolic tensors (identity layers): count the reads per value object
        var pending = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var keep = new HashSet<Tensor>(inputs, ReferenceEqualityComparer.Instance);
        void Bind(KerasTensor k, Tensor v)
        {
            values[k] = v;
            pending[v] = pending.GetValueOrDefault(v) + _reads.GetValueOrDefault(k);
        }
        for (int i = 0; i < inputs.Count; i++) Bind(_inputs[i], inputs[i]);
        var outputSet = new HashSet<KerasTensor>(_outputs, ReferenceEqualityComparer.Instance);
        foreach (var node in _nodes)
        {
            if (node.is_input || values.ContainsKey(node.output_tensors[0])) continue;
            var args = node.input_tensors.Select(t => values.TryGetValue(t, out var v) ? v
                : throw new InvalidOperationException($"Model '{name}': the value of {t} is missing (graph disconnected).")).ToList();
            IReadOnlyList<Tensor> ys;
            IReadOnlyList<KerasTensor> bound;
            if (_poolAfter.TryGetValue(node, out var pool) && LayerFusion.Applies(node.layer, pool.layer) && !values.ContainsKey(pool.output_tensors[0]))
            {
                // a pair run as one (e.g. Conv2D(relu) read only by a MaxPooling2D); the second node is then skipped
                ys = [LayerFusion.Run(node.layer, node.training ?? training, pool.layer, pool.training ?? training, args[0])];
                bound = pool.output_tensors;
            }
            else
            {
                ys = node.layer.CallNode(args, node.training ?? training);
                bound = node.output_tensors;
            }
            if (ys.Count != bound.Count)
                throw new InvalidOperationException($"Layer '{node.layer.name}' returned {ys.Count} outputs, its node expects {node.output_tensors.Count}.");
            for (int i = 0; i < ys.Count; i++)
            {
                Bind(bound[i], ys[i]);
                if (outputSet.Contains(bound[i])) keep.Add(ys[i]);
            }
            // free an activation after its last reader, unless the caller owns it, it is an output, or a logits link holds it
            foreach (var a in args)
            {
                int left = pending[a] - 1;
                pending[a] = left;
                if (left == 0 && !keep.Contains(a) && !a.KeptByObserver && !ys.Any(y => ReferenceEquals(y.KerasLogits, a) || ReferenceEquals(y, a)))
                    a.Dispose();
            }
        }
        return _outputs.Select(o => values[o]).ToList();
    }

    internal override IReadOnlyList<Shape> NodeOutputShapes(IReadOnlyList<Shape> inputShapes, bool build)
    {
        if (inputShapes.Count != _inputs.Count)
            throw new ArgumentException(
                $"Model '{name}' expects {_inputs.Count} input(s), but it was called on {inputShapes.Count}: {string.Join(", ", inputShapes)}.");
        var shapes = new Dictionary<KerasTensor, Shape>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputShapes.Count; i++)
        {
            CheckInput(_inputs[i].shape, inputShapes[i], i);
            shapes[_inputs[i]] = inputShapes[i];
        }
        foreach (var node in _nodes)
        {
            if (node.is_input || shapes.ContainsKey(node.output_tensors[0])) continue;
            var outs = node.layer.NodeOutputShapes(node.input_tensors.Select(t => shapes[t]).ToList(), build: false);
            for (int i = 0; i < outs.Count; i++) shapes[node.output_tensors[i]] = outs[i];
        }
        return _outputs.Select(o => shapes[o]).ToList();
    }

    private void CheckInput(Shape expected, Shape got, int index)
    {
        bool ok = expected.Rank == got.Rank;
        for (int i = 1; ok && i < expected.Rank; i++)
            if (expected[i] is { } e && got[i] is { } g && e != g) ok = false;
        if (!ok)
            throw new ArgumentException(
                $"Input {index} of layer \"{name}\" is incompatible with the layer: expected shape={expected}, found shape={got}");
    }

    public override Shape ComputeOutputShape(Shape inputShape) => NodeOutputShapes([inputShape], build: false)[0];

    // ---- config

    /// <summary>Keras's functional config: layers with their inbound nodes, input_layers, output_layers.</summary>
    public override JsonObject get_config()
    {
        var layersJson = new JsonArray();
        foreach (var layer in _layers)
        {
            var entry = LayerConfig.Serialize(layer);
            entry["name"] = layer.name;
            var nodes = new JsonArray();
            if (layer is not InputLayer)
                foreach (var node in layer.inbound_nodes.Where(Contains))
                    nodes.Add(new JsonArray(node.input_tensors.Select(t =>
                    {
                        var h = History(t);
                        JsonObject kwargs = node.training is { } tr ? new() { ["training"] = tr } : new();
                        return (JsonNode)new JsonArray(h.Name, h.Node, h.Tensor, kwargs);
                    }).ToArray()));
            entry["inbound_nodes"] = nodes;
            layersJson.Add(entry);
        }
        return new JsonObject
        {
            ["name"] = name,
            ["trainable"] = trainable,
            ["layers"] = layersJson,
            ["input_layers"] = new JsonArray(_inputs.Select(t => (JsonNode)HistoryJson(t)).ToArray()),
            ["output_layers"] = new JsonArray(_outputs.Select(t => (JsonNode)HistoryJson(t)).ToArray()),
        };
    }

    private JsonArray HistoryJson(KerasTensor t)
    {
        var h = History(t);
        return new JsonArray(h.Name, h.Node, h.Tensor);
    }

    /// <summary>(layer name, node index among this model's calls of that layer, tensor index).</summary>
    private (string Name, int Node, int Tensor) History(KerasTensor t)
    {
        var layer = t.node.layer;
        int index = layer.inbound_nodes.Where(Contains).ToList().IndexOf(t.node);
        return (layer.name, Math.Max(index, 0), t.tensor_index);
    }

    /// <summary>
    /// Rebuilds a functional model from its config, in every dialect Keras wrote: Keras 2's node lists
    /// [[name, node, tensor, kwargs], ...] (Keras 1's without kwargs), Keras 3's {"args": [...], "kwargs": {...}} with
    /// __keras_tensor__ entries; input_layers/output_layers nested or flat.
    /// </summary>
    public static Functional from_config(JsonObject config, string? source = null)
    {
        string where = source ?? "config";
        var layersJson = config["layers"] as JsonArray ?? throw new FormatException($"{where}: functional config without 'layers'.");
        var names = new HashSet<string>();
        var order = new List<(string Name, Layer Layer)>();
        var nodesOf = new Dictionary<string, List<Node>>();
        var pending = new Dictionary<string, Queue<JsonNode?>>();
        foreach (var entry in layersJson)
        {
            var layer = LayerConfig.Deserialize(entry, source);
            var name = entry!["name"]?.GetValue<string>() ?? layer.name;
            if (!names.Add(name))
                throw new FormatException($"{where}: two layers are named '{name}'.");
            order.Add((name, layer));
            nodesOf[name] = layer is InputLayer input ? [input.Output.node] : [];
            var inbound = entry["inbound_nodes"] as JsonArray ?? new JsonArray();
            pending[name] = new Queue<JsonNode?>(layer is InputLayer ? [] : inbound.Select(n => n?.DeepClone()));
        }

        KerasTensor? Resolve(JsonNode? history)
        {
            var (lname, ni, ti) = ParseHistory(history, where);
            if (!nodesOf.TryGetValue(lname, out var nodes))
                throw new FormatException($"{where}: a node refers to layer '{lname}', which the config does not define.");
            if (ni >= nodes.Count) return null;  // not created yet
            var outs = nodes[ni].output_tensors;
            if (ti >= outs.Count) throw new FormatException($"{where}: layer '{lname}' node {ni} has {outs.Count} output(s); tensor {ti} was asked for.");
            return outs[ti];
        }

        bool progress = true;
        while (progress && pending.Values.Any(q => q.Count > 0))
        {
            progress = false;
            foreach (var (name, layer) in order)
            {
                var queue = pending[name];
                while (queue.Count > 0)
                {
                    var (histories, training) = ParseNode(queue.Peek(), where, name);
                    var args = histories.Select(Resolve).ToList();
                    if (args.Any(a => a is null)) break;
                    queue.Dequeue();
                    var outs = layer.ApplyAll(args!, training);
                    nodesOf[name].Add(outs[0].node);
                    progress = true;
                }
            }
        }
        var stuck = pending.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key).ToList();
        if (stuck.Count > 0)
            throw new FormatException($"{where}: the graph cannot be rebuilt: the inputs of layer(s) {string.Join(", ", stuck)} are never produced.");

        List<KerasTensor> Ends(string key)
        {
            var node = config[key] ?? throw new FormatException($"{where}: functional config without '{key}'.");
            var list = node is JsonArray { Count: > 0 } a && a[0] is JsonValue ? new JsonArray(a.DeepClone()) : (JsonArray)node;
            return list.Select(h => Resolve(h) ?? throw new FormatException($"{where}: {key} refers to a node that does not exist: {Json.Short(h)}.")).ToList();
        }
        var model = new Functional(Ends("input_layers"), Ends("output_layers"), config["name"]?.GetValue<string>(), order.Select(o => o.Layer).ToList());
        if (config["trainable"] is { } t && !t.GetValue<bool>()) model.trainable = false;
        return model;
    }

    private static (string Name, int Node, int Tensor) ParseHistory(JsonNode? h, string where)
    {
        if (h is JsonObject o)  // Keras 3: {"class_name": "__keras_tensor__", "config": {"keras_history": [...]}}
            h = (o["config"] as JsonObject)?["keras_history"] ?? throw new FormatException($"{where}: a node argument without keras_history: {Json.Short(o)}.");
        if (h is JsonArray { Count: >= 3 } a)
            return (a[0]!.GetValue<string>(), a[1]!.GetValue<int>(), a[2]!.GetValue<int>());
        throw new FormatException($"{where}: cannot read the tensor reference {Json.Short(h)}.");
    }

    private static (List<JsonNode?> Histories, bool? Training) ParseNode(JsonNode? node, string where, string layer)
    {
        bool? training = null;
        void Kwargs(JsonNode? k)
        {
            if (k is not JsonObject kw) return;
            foreach (var (key, value) in kw)
            {
                if (key == "training" && value is JsonValue) training = value.GetValue<bool>();
                else if (key is "mask" && value is null) { }
                else throw new NotSupportedException($"{where}: layer '{layer}' is called with the argument '{key}' = {Json.Short(value)}, which KerasNet does not support.");
            }
        }
        if (node is JsonObject o)  // Keras 3
        {
            var args = o["args"] as JsonArray ?? new JsonArray();
            Kwargs(o["kwargs"]);
            var list = new List<JsonNode?>();
            foreach (var arg in args)
                if (arg is JsonArray many) list.AddRange(many);
                else list.Add(arg);
            return (list, training);
        }
        if (node is JsonArray entries)  // Keras 1/2: [[name, node, tensor, kwargs], ...]
        {
            var list = new List<JsonNode?>();
            foreach (var e in entries)
            {
                if (e is JsonArray { Count: 4 } four) Kwargs(four[3]);
                list.Add(e);
            }
            return (list, training);
        }
        throw new FormatException($"{where}: layer '{layer}' has an unreadable inbound node {Json.Short(node)}.");
    }
}
