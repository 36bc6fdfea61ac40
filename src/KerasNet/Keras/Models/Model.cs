using KerasNet.Engine;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Optimizers;
using KerasNet.TF.Data;

namespace KerasNet.Keras.Models;

/// <summary>
/// A model: a layer made of layers, with Keras's training API (compile, fit, evaluate, predict,
/// summary). Models nest: a model can be used as a layer of another model.
/// </summary>
public abstract class Model : Layer
{
    protected Model(string? name, Shape? input_shape = null) : base(name, input_shape) =>
        distribute_strategy = TF.Distribute.Strategy.Current;

    /// <summary>The tf.distribute strategy the model trains under: the one whose scope was open when it was created or compiled.</summary>
    public TF.Distribute.Strategy? distribute_strategy { get; private set; }

    protected override bool AutocastInputs => false;

    private BatchSplit? _split;

    /// <summary>An inference call: the whole batch at once, or split across the cores where that is faster (<see cref="BatchSplit"/>).</summary>
    internal Tensor Infer(Tensor x) => (_split ??= new BatchSplit(this)).Run(x, t => Call(t, false));

    /// <summary>Whether inference on <paramref name="shape"/> with <paramref name="threads"/> threads was found faster split (null: not decided yet).</summary>
    internal bool? SplitDecision(long[] shape, int threads) => _split?.DecidedFor(shape, threads);

    /// <summary>Tests: split this model's eligible inference calls always (true), never (false), or as timed (null).</summary>
    internal bool? ForceSplit
    {
        set => (_split ??= new BatchSplit(this)).Forced = value;
    }

    private LayerList? _layerList;

    /// <summary>
    /// The model's layers in call order (a functional model lists its InputLayer first, as Keras does). Supports
    /// ranges (<c>model.layers[..^1]</c>) and Keras 2's <c>model.layers.pop()</c>.
    /// </summary>
    public LayerList layers => _layerList ??= new LayerList(() => LayerItems, PopLayer);

    /// <summary>The layers, for <see cref="layers"/>.</summary>
    protected abstract IReadOnlyList<Layer> LayerItems { get; }

    /// <summary>Removes the last layer (model.layers.pop()).</summary>
    protected abstract Layer PopLayer();

    /// <summary>The model's symbolic inputs (empty while a Sequential model has no input shape).</summary>
    public abstract IReadOnlyList<KerasTensor> inputs { get; }

    /// <summary>The model's symbolic outputs.</summary>
    public abstract IReadOnlyList<KerasTensor> outputs { get; }

    /// <summary>The model's input tensor (Keras's model.input); a model with several inputs has a list: <see cref="inputs"/>.</summary>
    public override KerasTensor input => inputs switch
    {
        [var only] => only,
        [] => throw new InvalidOperationException($"Model '{name}' has no defined input yet: give its first layer an input_shape, or build it."),
        _ => throw new InvalidOperationException($"Model '{name}' has {inputs.Count} inputs; use model.inputs."),
    };

    /// <summary>The model's output tensor (Keras's model.output).</summary>
    public override KerasTensor output => outputs switch
    {
        [var only] => only,
        [] => throw new InvalidOperationException($"Model '{name}' has no defined output yet: give its first layer an input_shape, or build it."),
        _ => throw new InvalidOperationException($"Model '{name}' has {outputs.Count} outputs; use model.outputs."),
    };

    public Layer get_layer(string? name = null, int? index = null)
    {
        if (index is { } i)
        {
            if (i < 0 || i >= layers.Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"Model '{this.name}' has {layers.Count} layers; index {i} is out of range.");
            return layers[i];
        }
        return layers.FirstOrDefault(l => l.name == name)
               ?? throw new ArgumentException(
                   $"No such layer: '{name}'. Existing layers are: {string.Join(", ", layers.Select(l => l.name))}.");
    }

    /// <summary>Setting it sets every layer's trainable flag, as Keras does; a frozen model has no trainable variables.</summary>
    public override bool trainable
    {
        get => base.trainable;
        set
        {
            base.trainable = value;
            foreach (var l in layers) l.trainable = value;
        }
    }

    public override IReadOnlyList<Variable> variables => Distinct(layers.SelectMany(l => l.variables));

    public override IReadOnlyList<Variable> trainable_weights =>
        trainable ? Distinct(layers.SelectMany(l => l.trainable_weights)) : [];

    public override IReadOnlyList<Variable> non_trainable_weights =>
        trainable ? Distinct(layers.SelectMany(l => l.non_trainable_weights)) : variables;

    private static List<Variable> Distinct(IEnumerable<Variable> vs) => vs.Distinct(ReferenceEqualityComparer.Instance).Cast<Variable>().ToList();

    // ---- training configuration

    public Optimizer? optimizer { get; private set; }

    public Loss? loss { get; private set; }

    internal IReadOnlyList<string> MetricNames { get; private set; } = [];

    /// <summary>The History of the current (or last) fit, as Keras's model.history.</summary>
    public History? history { get; internal set; }

    /// <summary>Set by a callback in on_train_begin (BackupAndRestore) to start fit at a later epoch.</summary>
    public int? ResumeAtEpoch { get; set; }

    /// <summary>The initial_epoch the current fit was called with (callbacks that keep per-epoch files read it).</summary>
    internal int FitInitialEpoch { get; set; }

    /// <summary>Set by a callback to end fit() after the current batch.</summary>
    public bool stop_training { get; set; }

    /// <summary>Configures training. Optimizer and loss are objects or Keras names ("adam", "categorical_crossentropy").</summary>
    public void compile(Optimizer optimizer, Loss loss, string[]? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        // Fail on unknown metric names now, not at the first batch (shapes decide only what "accuracy" means).
        foreach (var m in metrics ?? [])
            Metrics.MetricResolver.Resolve(m, loss, [1, 1], [1, 1]);
        if (TF.Distribute.Strategy.Current is { } strategy)
        {
            if (distribute_strategy is not null && !ReferenceEquals(distribute_strategy, strategy))
                throw new InvalidOperationException(
                    $"Model '{name}' was created under another distribution strategy than the one whose scope is open at compile().");
            distribute_strategy = strategy;
        }
        this.optimizer = optimizer;
        this.loss = loss;
        MetricNames = metrics ?? [];
        _compiledMetrics = null;
        _lossTracker.reset_state();
        // As in Keras, compile() fixes which weights training updates: trainable flags changed afterwards
        // take effect at the next compile().
        CompiledTrainable = built ? trainable_weights : null;
    }

    // ---- compiled state: what train_step updates and reports

    /// <summary>The weights training updates, as they were trainable at compile() (null: fixed when the model is built).</summary>
    internal IReadOnlyList<Variable>? CompiledTrainable { get; private set; }

    private readonly Metrics.Mean _lossTracker = new("loss");
    private List<Metrics.Metric>? _compiledMetrics;
    private bool _warnedTrainableChanged;

    /// <summary>The weights the compiled training step updates.</summary>
    internal IReadOnlyList<Variable> TrainedWeights()
    {
        var now = trainable_weights;
        CompiledTrainable ??= now;
        if (!_warnedTrainableChanged && !CompiledTrainable.SequenceEqual(now))
        {
            _warnedTrainableChanged = true;
            Console.Error.WriteLine(
                $"WARNING: model '{name}': the trainable weights changed after compile() ({CompiledTrainable.Count} tensors compiled, {now.Count} now). " +
                "As in Keras, training keeps updating the weights that were trainable at compile(); call compile() again for the change to take effect.");
        }
        return CompiledTrainable;
    }

    /// <summary>The loss tracker and the compiled metrics (Keras's model.metrics), once the first batch has resolved them.</summary>
    public IReadOnlyList<Metrics.Metric> metrics => [_lossTracker, .. _compiledMetrics ?? []];

    /// <summary>Resets the loss tracker and every metric (fit does so at each epoch, evaluate when it starts).</summary>
    public void reset_metrics()
    {
        foreach (var m in metrics) m.reset_state();
    }

    /// <summary>
    /// The loss of a batch's predictions under the compiled loss, plus the layers' regularization penalties
    /// (<see cref="losses"/>), as Keras adds them.
    /// </summary>
    public Tensor compute_loss(Tensor y, Tensor y_pred)
    {
        var l = RequireCompiled("compute_loss").Loss.Compute(y, y_pred);
        foreach (var penalty in losses) l = l + penalty;
        return l;
    }

    /// <summary>Every layer's regularization penalties (Keras's model.losses).</summary>
    public override IReadOnlyList<Tensor> losses =>
        layers.Distinct(ReferenceEqualityComparer.Instance).Cast<Layer>().SelectMany(l => l.losses).ToList();

    /// <summary>Updates the loss tracker (by <paramref name="rows"/> samples) and the metrics; returns the results so far.</summary>
    public Dictionary<string, double> compute_metrics(Tensor y, Tensor y_pred, double lossValue, long rows)
    {
        _compiledMetrics ??= MetricNames.Select(m => Metrics.MetricResolver.Resolve(m, RequireCompiled("compute_metrics").Loss,
            y.Shape, y_pred.Shape)).ToList();
        _lossTracker.update_state(lossValue, rows);
        foreach (var m in _compiledMetrics) m.update_state(y, y_pred);
        return get_metrics_result();
    }

    /// <summary>Every metric's result so far, by name ("loss", "accuracy", ...).</summary>
    public Dictionary<string, double> get_metrics_result() => metrics.ToDictionary(m => m.name, m => m.result());

    internal (Loss Loss, Optimizer Optimizer) RequireCompiled(string what)
    {
        if (loss is null || optimizer is null)
            throw new InvalidOperationException(
                $"You must call compile() before {what}() on model '{name}' (optimizer and loss are needed).");
        return (loss, optimizer);
    }

    // ---- the steps (Keras 3's train_step / test_step / predict_step: public, overridable)

    /// <summary>
    /// One training step on one global batch: forward, loss, gradients of the compiled trainable weights,
    /// one optimizer update; returns the metrics so far. Under a distribution strategy the batch is split
    /// across its replicas (<see cref="TF.Distribute.Strategy.run{T}"/>), each replica's loss weighted by
    /// its share, and the gradients summed over the replicas (<see cref="TF.Distribute.Strategy.reduce"/>).
    /// </summary>
    public virtual Dictionary<string, double> train_step(Tensor x, Tensor y)
    {
        var (_, opt) = RequireCompiled("train_step");
        var weights = TrainedWeights();
        SyncRequiresGrad(weights);
        var values = weights.Select(v => v.Value).ToList();
        var strategy = distribute_strategy ?? TF.Distribute.Strategy.Default;
        var perReplica = strategy.run((xs, ys, replica) =>
        {
            var pred = Apply(xs, training: true);
            var l = compute_loss(ys!, pred);
            if (replica.num_replicas_in_sync > 1) l = l * replica.LossWeight;
            var grads = values.Count > 0 ? Autograd.Grad(l, values) : [];
            return (Loss: l, Grads: grads, Pred: pred);
        }, x, y);
        using var noGrad = Autograd.NoGrad();
        var reduced = strategy.reduce(TF.Distribute.ReduceOp.SUM, perReplica.Select(r => (Tensor[])[.. r.Grads, r.Loss]));
        if (values.Count > 0) opt.apply_gradients(reduced.Take(values.Count).Zip(weights));
        var globalPred = strategy.gather(perReplica.Select(r => r.Pred));
        // a worker that was given only its rows (input sharding) gathers the global batch's labels for the metrics
        if (strategy.WorkerCount > 1 && TF.Distribute.WorkerRows.GlobalRowsOf(x) is { } rows)
            return compute_metrics(strategy.GatherWorkerRows(y, rows), globalPred, reduced[^1].Item(), rows);
        return compute_metrics(y, globalPred, reduced[^1].Item(), x.Shape[0]);
    }

    /// <summary>One evaluation step: forward in inference mode, loss and metrics; returns the metrics so far.</summary>
    public virtual Dictionary<string, double> test_step(Tensor x, Tensor y)
    {
        var pred = Apply(x, training: false);
        return compute_metrics(y, pred, compute_loss(y, pred).Item(), x.Shape[0]);
    }

    /// <summary>One prediction step: the model's outputs in inference mode.</summary>
    public virtual Tensor predict_step(Tensor x) => Apply(x, training: false);

    // Autograd records gradients only for the weights being trained (frozen layers cost no weight gradients).
    private void SyncRequiresGrad(IReadOnlyList<Variable> trained)
    {
        var set = new HashSet<Variable>(trained, ReferenceEqualityComparer.Instance);
        foreach (var v in variables) v.SetRequiresGrad(set.Contains(v));
    }

    // ---- running

    /// <summary>Trains for a fixed number of epochs on arrays; returns the per-epoch history.</summary>
    public History fit(Tensor x, Tensor y, int batch_size = 32, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validation_split = 0.0,
        (Tensor x, Tensor y)? validation_data = null, bool shuffle = true, int initial_epoch = 0,
        int? steps_per_epoch = null) =>
        new Trainer(this).Fit(x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
            initial_epoch, steps_per_epoch);

    /// <summary>
    /// Trains on a dataset of (x, y) batches. Without steps_per_epoch each epoch is one pass (or, for an
    /// ImageDataGenerator iterator, its natural length); with it, every epoch draws that many batches from
    /// one iterator, as Keras does, and training stops with a warning if the data runs out.
    /// </summary>
    public History fit(Dataset<(Tensor, Tensor)> x, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        Dataset<(Tensor, Tensor)>? validation_data = null, int? steps_per_epoch = null, int? validation_steps = null,
        int initial_epoch = 0) =>
        new Trainer(this).Fit(x, epochs, verbose, callbacks, validation_data, steps_per_epoch, validation_steps, initial_epoch);

    public Dictionary<string, double> evaluate(Dataset<(Tensor, Tensor)> x, int? steps = null, int verbose = 1,
        IEnumerable<Callback>? callbacks = null) => new Trainer(this).Evaluate(x, steps, verbose, callbacks);

    public Tensor predict(Dataset<Tensor> x, int? steps = null, int verbose = 0) => new Trainer(this).Predict(x, steps, verbose);

    /// <summary>One gradient update on one batch; returns the batch's loss and metrics.</summary>
    public Dictionary<string, double> train_on_batch(Tensor x, Tensor y) => new Trainer(this).TrainOnBatch(x, y);

    /// <summary>Loss and metrics over the data, as a name → value dictionary ("loss", "accuracy", ...).</summary>
    public Dictionary<string, double> evaluate(Tensor x, Tensor y, int batch_size = 32, int verbose = 1,
        IEnumerable<Callback>? callbacks = null) =>
        new Trainer(this).Evaluate(x, y, batch_size, verbose, callbacks);

    /// <summary>Model outputs for the inputs, computed in inference mode batch by batch.</summary>
    public Tensor predict(Tensor x, int batch_size = 32, int verbose = 0, IEnumerable<Callback>? callbacks = null) =>
        new Trainer(this).Predict(x, batch_size, verbose, callbacks);

    /// <summary>Prints Keras's summary table: layers, output shapes, parameter counts.</summary>
    public void summary(int line_length = 65, Action<string>? print_fn = null) =>
        (print_fn ?? Console.WriteLine)(Summary.Render(this, line_length));

    /// <summary>
    /// Saves the whole model — architecture, weights, compiled state and optimizer state — as a Keras 3 archive
    /// ("m.keras") or a Keras HDF5 file ("m.h5"); keras.models.load_model reads either back.
    /// </summary>
    public void save(string filepath, bool include_optimizer = true) => Saving.ModelFiles.Save(this, filepath, include_optimizer);

    /// <summary>
    /// Keras 3's model.export for deployment: format "onnx" writes an ONNX model (opset 13; NHWC input named after
    /// the input layer, dynamic batch; inference semantics) that ONNX Runtime and ML.NET run as is.
    /// </summary>
    public void export(string filepath, string format = "onnx")
    {
        if (format != "onnx")
            throw new NotSupportedException($"model.export: format '{format}' is not available here; \"onnx\" is (TensorFlow SavedModel and TFLite need TensorFlow).");
        Onnx.OnnxExporter.Export(this, filepath);
    }

    /// <summary>The architecture as Keras's JSON ({"class_name", "config", "keras_version", "backend"}).</summary>
    public string to_json() => Saving.ModelFiles.ModelJson(this).ToJsonString();

    /// <summary>Writes every weight to a Keras-layout HDF5 file (readable by Python Keras's load_weights).</summary>
    public void save_weights(string filepath) => Saving.H5Weights.Save(this, filepath);

    /// <summary>
    /// Reads Keras HDF5 weights: in topological order (default), or by layer name; with skip_mismatch,
    /// by-name loading skips layers whose weights do not fit.
    /// </summary>
    public void load_weights(string filepath, bool by_name = false, bool skip_mismatch = false) =>
        Saving.H5Weights.Load(this, filepath, by_name, skip_mismatch);

    /// <summary>
    /// Frees every weight of every layer of this model (nested models included) and the optimizer's slots
    /// for them, at once. Layers shared with another model are freed too: dispose the model that owns them last.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        var all = variables;
        optimizer?.ReleaseSlots(all);
        foreach (var l in layers) l.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Builds the model for inputs of this shape (without batch) when it was not built yet.</summary>
    public void build(Shape input_shape) => EnsureBuilt(input_shape.WithBatch());
}
