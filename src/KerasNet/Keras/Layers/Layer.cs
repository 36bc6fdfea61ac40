using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Initializers;
using KerasNet.Keras.Regularizers;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Base of every layer. Constructors store configuration with Keras's defaults; <see cref="Build"/>
/// creates the weights once the input shape is known; <see cref="Call"/> computes;
/// <see cref="ComputeOutputShape"/> answers shape questions without running anything.
/// Disposing a layer frees its weights' native memory at once (a model frees every layer it holds).
/// </summary>
public abstract class Layer : IDisposable
{
    private readonly List<Variable> _weights = new();
    private readonly List<(Variable Weight, Regularizer Regularizer)> _regularized = new();
    private bool _trainable = true;

    protected Layer(string? name = null, Shape? input_shape = null)
    {
        this.name = name ?? Naming.Unique(DefaultNamePrefix);
        if (input_shape is not null) BatchInputShape = input_shape.WithBatch();
    }

    /// <summary>The prefix of automatic names: the class name in snake case (Conv2D → conv2d).</summary>
    protected virtual string DefaultNamePrefix => Naming.SnakeCase(GetType().Name);

    public string name { get; }

    /// <summary>
    /// The dtype policy (Keras's layer.dtype_policy), taken from the global policy when the layer is
    /// created. Under "mixed_bfloat16" floating inputs are cast to bfloat16 and weights are used in
    /// bfloat16 while their variables stay float32.
    /// </summary>
    public MixedPrecision.Policy dtype_policy { get; set; } = MixedPrecision.Policy.Global;

    /// <summary>A weight in the compute dtype (a cast autograd differentiates, so float32 variables get float32 gradients).</summary>
    protected Tensor Compute(Variable v) => MixedPrecision.Policy.Cast(v.Value, dtype_policy.compute_dtype);

    /// <summary>Layers that hold other layers do not cast; their layers do.</summary>
    protected virtual bool AutocastInputs => true;

    /// <summary>Keras's class name as shown by summary().</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>Whether the optimizer updates this layer's weights. Settable at any time, also after compile.</summary>
    public virtual bool trainable
    {
        get => _trainable;
        set => _trainable = value;
    }

    public bool built { get; protected set; }

    /// <summary>The (None, ...) input shape given by <c>input_shape:</c>, if any.</summary>
    public Shape? BatchInputShape { get; protected set; }

    /// <summary>The input shape of the last build (with batch None).</summary>
    public Shape? input_shape { get; private set; }

    /// <summary>The output shape for <see cref="input_shape"/> (with batch None).</summary>
    public Shape? output_shape { get; private set; }

    // ---- weights

    /// <summary>All of this layer's weights, trainable or not (Keras's <c>layer.weights</c>; a model adds its layers' weights).</summary>
    public virtual IReadOnlyList<Variable> variables => _weights;

    public virtual IReadOnlyList<Variable> trainable_weights =>
        trainable ? _weights.Where(w => w.trainable).ToList() : [];

    public virtual IReadOnlyList<Variable> non_trainable_weights =>
        trainable ? _weights.Where(w => !w.trainable).ToList() : _weights.ToList();

    public long count_params()
    {
        if (!built)
            throw new InvalidOperationException(
                $"You tried to call count_params on layer '{name}', but the layer isn't built. Build it by calling it on data first.");
        return variables.Sum(w => w.NumElements);
    }

    /// <summary>
    /// Creates a weight owned by this layer (Keras's add_weight). <paramref name="storageOrder"/> optionally
    /// lays the value out in memory in another dimension order while keeping Keras's shape (convolution
    /// kernels: HWIO shape, OHWI memory, which is the channels-last layout the engine's kernels read
    /// without a copy).
    /// </summary>
    protected Variable AddWeight(string weightName, long[] shape, Initializer initializer, bool trainable = true,
        long[]? storageOrder = null, Regularizer? regularizer = null)
    {
        using var scope = new TensorScope();
        var value = initializer.Call(shape);
        if (storageOrder is not null)
        {
            var inverse = new long[storageOrder.Length];
            for (int i = 0; i < storageOrder.Length; i++) inverse[storageOrder[i]] = i;
            value = value.Permute(storageOrder).Contiguous().Permute(inverse);
        }
        var v = new Variable(weightName, value, trainable) { path = $"{name}/{weightName}" };
        _weights.Add(v);
        if (regularizer is not null) _regularized.Add((v, regularizer));
        return v;
    }

    /// <summary>
    /// The layer's regularization penalties (Keras's layer.losses for weight regularizers), computed from the
    /// current weights; training adds their sum to the loss, as Keras does (also for frozen layers, as tf.keras 2).
    /// </summary>
    public virtual IReadOnlyList<Tensor> losses => _regularized.Select(r => r.Regularizer.Call(r.Weight.Value)).ToList();

    /// <summary>Copies of the current weight values, in the order of <see cref="variables"/>.</summary>
    public List<Tensor> get_weights() => variables.Select(w => w.numpy()).ToList();

    public void set_weights(IReadOnlyList<Tensor> values)
    {
        var ws = variables;
        if (values.Count != ws.Count)
            throw new ArgumentException(
                $"Layer '{name}' expects {ws.Count} weights, but set_weights received {values.Count}.");
        for (int i = 0; i < ws.Count; i++) ws[i].assign(values[i]);
    }

    // ---- building and calling

    /// <summary>Creates the variables for an input of this shape (batch None). Called once.</summary>
    protected virtual void Build(Shape inputShape) { }

    /// <summary>The computation, on a built layer.</summary>
    protected abstract Tensor Call(Tensor inputs, bool training);

    /// <summary>The output shape for an input shape, both with the batch dimension.</summary>
    public abstract Shape ComputeOutputShape(Shape inputShape);

    /// <summary>Checks an input shape against what the layer accepts; throws naming the layer and both shapes.</summary>
    protected virtual void CheckInputShape(Shape inputShape) { }

    internal void EnsureBuilt(Shape inputShape)
    {
        CheckInputShape(inputShape);
        if (built)
        {
            CheckCompatibleWithBuild(inputShape);
            return;
        }
        Build(inputShape);
        input_shape = inputShape.WithoutBatch().WithBatch();
        output_shape = ComputeOutputShape(input_shape);
        built = true;
    }

    /// <summary>
    /// Whether later calls must match the shape the layer was built for (Keras's input_spec from build). The image
    /// preprocessing layers take images of any size, batched or not, as Keras's do in a tf.data map.
    /// </summary>
    protected virtual bool KeepsBuildShape => true;

    private void CheckCompatibleWithBuild(Shape inputShape)
    {
        var expected = input_shape;
        if (expected is null || !KeepsBuildShape) return;
        bool ok = expected.Rank == inputShape.Rank;
        for (int i = 1; ok && i < expected.Rank; i++)
            if (expected[i] is { } e && inputShape[i] is { } g && e != g)
                ok = false;
        if (!ok)
            throw new ArgumentException(
                $"Input 0 of layer \"{name}\" is incompatible with the layer: expected shape={expected}, found shape={inputShape}");
    }

    // ---- the functional API: symbolic calls make nodes

    internal List<Node> InboundNodesList { get; } = new();

    /// <summary>Every recorded call of this layer on symbolic tensors, in order (Keras's _inbound_nodes).</summary>
    public IReadOnlyList<Node> inbound_nodes => InboundNodesList;

    /// <summary>Functional API: records this layer's call on a symbolic tensor and returns its output.</summary>
    public KerasTensor Apply(KerasTensor inputs, bool? training = null) => Single(ApplyAll([inputs], training));

    /// <summary>Functional API on several tensors (merge layers such as Add and Concatenate, multi-input models).</summary>
    public KerasTensor Apply(IReadOnlyList<KerasTensor> inputs, bool? training = null) => Single(ApplyAll(inputs, training));

    /// <summary>Records a call and returns every output tensor (a model with several outputs returns them all).</summary>
    public IReadOnlyList<KerasTensor> ApplyAll(IReadOnlyList<KerasTensor> inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0 || inputs.Any(i => i is null))
            throw new ArgumentException($"Layer '{name}' ({ClassName}) was called on an empty list or a null tensor.");
        if (disposed) throw new ObjectDisposedException(name, $"Layer '{name}' ({ClassName}) was disposed; its weights are gone.");
        var shapes = NodeOutputShapes(inputs.Select(i => i.shape).ToList(), build: true);
        return new Node(this, inputs.ToList(), shapes, NodeOutputDTypes(inputs), training).output_tensors;
    }

    private KerasTensor Single(IReadOnlyList<KerasTensor> outputs) => outputs.Count == 1 ? outputs[0]
        : throw new InvalidOperationException($"Layer '{name}' ({ClassName}) has {outputs.Count} outputs; use ApplyAll to get them all.");

    /// <summary>The dtypes of a node's outputs (float32 unless a layer says otherwise).</summary>
    internal virtual IReadOnlyList<DType>? NodeOutputDTypes(IReadOnlyList<KerasTensor> inputs) => null;

    /// <summary>
    /// The output shapes of a call on inputs of these shapes (with batch), building the layer first when
    /// <paramref name="build"/>. Layers taking one input use <see cref="ComputeOutputShape"/>; merge layers and
    /// models override this.
    /// </summary>
    internal virtual IReadOnlyList<Shape> NodeOutputShapes(IReadOnlyList<Shape> inputShapes, bool build)
    {
        if (inputShapes.Count != 1)
            throw new ArgumentException(
                $"Layer '{name}' ({ClassName}) takes one input, but it was called on {inputShapes.Count}: {string.Join(", ", inputShapes)}.");
        if (build) EnsureBuilt(inputShapes[0]);
        return [ComputeOutputShape(inputShapes[0])];
    }

    /// <summary>Runs one recorded call on data: the node's inputs in, its outputs out.</summary>
    internal virtual IReadOnlyList<Tensor> CallNode(IReadOnlyList<Tensor> inputs, bool training) => [Apply(inputs[0], training)];

    /// <summary>Eager call returning every output (models with several inputs or outputs).</summary>
    public IReadOnlyList<Tensor> ApplyAll(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (disposed) throw new ObjectDisposedException(name, $"Layer '{name}' ({ClassName}) was disposed; its weights are gone.");
        NodeOutputShapes(inputs.Select(t => Shape.Of(t.Shape).WithoutBatch().WithBatch()).ToList(), build: true);
        return CallNode(inputs, training);
    }

    /// <summary>Eager call on several tensors (merge layers: <c>add.Apply([a, b])</c>).</summary>
    public Tensor Apply(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (disposed) throw new ObjectDisposedException(name, $"Layer '{name}' ({ClassName}) was disposed; its weights are gone.");
        NodeOutputShapes(inputs.Select(t => Shape.Of(t.Shape).WithoutBatch().WithBatch()).ToList(), build: true);
        var outs = CallNode(inputs, training);
        return outs.Count == 1 ? outs[0]
            : throw new InvalidOperationException($"Layer '{name}' ({ClassName}) has {outs.Count} outputs.");
    }

    /// <summary>The input tensor of this layer's only call (Keras's layer.input).</summary>
    public virtual KerasTensor input => OnlyNode("input").input_tensors is [var t] ? t
        : throw new InvalidOperationException($"Layer '{name}' ({ClassName}) has several inputs; use get_input_at(0) on the node's list.");

    /// <summary>The output tensor of this layer's only call (Keras's layer.output).</summary>
    public virtual KerasTensor output => OnlyNode("output").output_tensors is [var t] ? t
        : throw new InvalidOperationException($"Layer '{name}' ({ClassName}) has several outputs.");

    public KerasTensor get_output_at(int node_index) => NodeAt(node_index).output_tensors[0];

    public KerasTensor get_input_at(int node_index) => NodeAt(node_index).input_tensors[0];

    private Node NodeAt(int i) => i >= 0 && i < InboundNodesList.Count ? InboundNodesList[i]
        : throw new ArgumentOutOfRangeException(nameof(i), $"Layer '{name}' has {InboundNodesList.Count} inbound node(s); node {i} does not exist.");

    private Node OnlyNode(string what)
    {
        if (InboundNodesList.Count == 0)
            throw new InvalidOperationException(
                $"Layer '{name}' ({ClassName}) has never been called on a symbolic tensor and thus has no defined {what}.");
        if (InboundNodesList.Count > 1 && this is not InputLayer)
            throw new InvalidOperationException(
                $"Layer '{name}' ({ClassName}) has multiple inbound nodes, hence the notion of \"layer {what}\" is ill-defined. Use get_{what}_at(node_index) instead.");
        return InboundNodesList[0];
    }

    // ---- configuration (get_config / from_config)

    /// <summary>
    /// Keras's layer config: the constructor arguments with Keras's keys ("name", "trainable", "dtype", then the
    /// layer's own). <see cref="Saving.LayerRegistry.FromConfig"/> rebuilds a layer from it.
    /// </summary>
    public virtual JsonObject get_config()
    {
        var c = new JsonObject { ["name"] = name, ["trainable"] = trainable, ["dtype"] = dtype_policy.name };
        if (BatchInputShape is not null && this is not Models.Model) c["batch_input_shape"] = Saving.Json.FromShape(BatchInputShape);
        return c;
    }

    /// <summary>Sets what every layer's config carries (trainable, dtype policy, input shape) after construction.</summary>
    internal void ApplyCommonConfig(bool trainable, MixedPrecision.Policy? policy, Shape? batchInputShape)
    {
        if (policy is not null) dtype_policy = policy;
        if (batchInputShape is not null && this is not InputLayer) BatchInputShape = batchInputShape;
        this.trainable = trainable;
    }

    /// <summary>
    /// Set on a thread to see (and replace) one layer's output wherever that layer runs, nested models included:
    /// Grad-CAM makes the target layer's output a leaf of the autograd graph to take the class score's gradient there.
    /// </summary>
    [ThreadStatic] internal static (Layer Layer, Func<Tensor, Tensor> Tap)? OutputTap;

    /// <summary>Eager call on data: builds on first use, then computes.</summary>
    public Tensor Apply(Tensor inputs, bool training = false)
    {
        if (disposed) throw new ObjectDisposedException(name, $"Layer '{name}' ({ClassName}) was disposed; its weights are gone.");
        EnsureBuilt(Shape.Of(inputs.Shape).WithoutBatch().WithBatch(checked((int)inputs.Shape[0])));
        try
        {
            if (AutocastInputs) inputs = MixedPrecision.Policy.Cast(inputs, dtype_policy.compute_dtype);
            var y = this is Models.Model model && !training && OutputTap is null ? model.Infer(inputs) : Call(inputs, training);
            return OutputTap is { } tap && ReferenceEquals(tap.Layer, this) ? tap.Tap(y) : y;
        }
        catch (TensorOpException e)
        {
            throw e.WithContext($"Layer '{name}' ({ClassName})");
        }
    }

    /// <summary>Records the shapes of a layer with several inputs (the first input's shape, the output's).</summary>
    protected void SetBuildShapes(Shape inputShape, Shape outputShape)
    {
        input_shape = inputShape;
        output_shape = outputShape;
    }

    /// <summary>Records the shapes of a layer that builds itself (models built from their graph).</summary>
    protected void SetBuildShapes(Shape inputShape)
    {
        input_shape = inputShape;
        output_shape = ComputeOutputShape(inputShape);
    }

    // ---- lifetime

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool disposed { get; private set; }

    /// <summary>Frees this layer's weights now (a model: every layer it holds, and their optimizer slots). Idempotent.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what the layer owns; a layer holding other layers overrides it to free them too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        foreach (var w in _weights) w.Dispose();
    }

    public override string ToString() => $"<{ClassName} name={name}, built={built}>";
}
