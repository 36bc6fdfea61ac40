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

    /// <summary>The model's layers in call order (a functional model lists its InputLayer first, as Keras does).</summary>
    public abstract IReadOnlyList<Layer> layers { get; }

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

    /// <summary>Writes every weight to a Keras-layout HDF5 file (readable by Python Keras's load_weights).</summary>
    public void save_weights(string filepath) => Saving.H5Weights.Save(this, filepath);

    /// <summary>
    /// Reads Keras HDF5 weights: in topological order (default), or by layer name; with skip_mismatch,
    /// by-name loading skips layers whose weights do not fit.
    /// </summary>
    public void load_weights(string filepath, bool by_name = false, bool skip_mismatch = false) =>
        Saving.H5Weights.Load(this, filepath, by_name, skip_mismatch);

    /// <summary>Builds the model for inputs of this shape (without batch) when it was not built yet.</summary>
    public void build(Shape input_shape) => EnsureBuilt(input_shape.WithBatch());
}
