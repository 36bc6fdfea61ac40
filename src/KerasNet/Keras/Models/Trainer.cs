using KerasNet.Engine;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Metrics;
using KerasNet.Keras.Optimizers;
using KerasNet.Keras.Utils;

namespace KerasNet.Keras.Models;

/// <summary>
/// The loops behind fit, evaluate and predict. Every batch runs inside its own TensorScope, so all
/// of a step's intermediates (activations, gradients, temporaries) are freed when the step ends.
/// </summary>
internal sealed class Trainer(Model model)
{
    public History Fit(Tensor x, Tensor y, int batchSize, int epochs, int verbose, IEnumerable<Callback>? callbacks,
        double validationSplit, (Tensor x, Tensor y)? validationData, bool shuffle, int initialEpoch, int? stepsPerEpoch)
    {
        var (lossFn, optimizer) = RequireCompiled("fit");
        CheckData(x, y, "fit");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be positive.");
        if (epochs < 0 || initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(epochs), "epochs and initial_epoch must be ≥ 0.");
        if (validationSplit is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validation_split must be in [0, 1).");

        using var fitScope = new TensorScope();
        Tensor trainX = x, trainY = y;
        Tensor? valX = null, valY = null;
        if (validationData is { } vd)
        {
            CheckData(vd.x, vd.y, "fit (validation_data)");
            (valX, valY) = (vd.x, vd.y);
        }
        else if (validationSplit > 0)
        {
            // Keras takes the last fraction of the samples, before any shuffling.
            long total = x.Shape[0];
            long split = (long)(total * (1.0 - validationSplit));
            if (split == 0 || split == total)
                throw new ArgumentException($"validation_split={validationSplit} leaves no training or no validation samples out of {total}.");
            trainX = x.Narrow(0, 0, split);
            trainY = y.Narrow(0, 0, split);
            valX = x.Narrow(0, split, total - split);
            valY = y.Narrow(0, split, total - split);
        }

        EnsureBuilt(trainX);
        long n = trainX.Shape[0];
        int steps = stepsPerEpoch ?? (int)((n + batchSize - 1) / batchSize);
        var metrics = ResolveMetrics(lossFn, trainX, trainY);
        var lossTracker = new Mean("loss");

        var history = new History();
        var list = new List<Callback>();
        if (verbose != 0) list.Add(new ProgbarLogger(verbose));
        list.AddRange(callbacks ?? []);
        list.Add(history);
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        cbs.SetParams(new Dictionary<string, object> { ["epochs"] = epochs, ["steps"] = steps, ["verbose"] = verbose });

        model.stop_training = false;
        cbs.OnTrainBegin();
        IDictionary<string, double> epochLogs = new Dictionary<string, double>();
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            lossTracker.reset_state();
            metrics.ForEach(m => m.reset_state());
            cbs.OnEpochBegin(epoch);
            var logs = new Dictionary<string, double>();
            using (new TensorScope())
            {
                var order = shuffle ? Tensor.RandPerm(n) : null;
                for (int step = 0; step < steps; step++)
                {
                    long start = step * (long)batchSize % n;
                    long len = Math.Min(batchSize, n - start);
                    cbs.OnTrainBatchBegin(step);
                    using (new TensorScope())
                    {
                        var (xb, yb) = Slice(trainX, trainY, order, start, len);
                        TrainStep(xb, yb, lossFn, optimizer, metrics, lossTracker);
                    }
                    logs = Logs(lossTracker, metrics);
                    cbs.OnTrainBatchEnd(step, logs);
                    if (model.stop_training) break;
                }
            }
            epochLogs = new Dictionary<string, double>(logs);
            if (valX is not null)
            {
                var val = EvaluateLoop(valX, valY!, batchSize, lossFn, bar: null, cbs: null);
                foreach (var (k, v) in val) epochLogs["val_" + k] = v;
            }
            cbs.OnEpochEnd(epoch, epochLogs);
            if (model.stop_training) break;
        }
        cbs.OnTrainEnd(epochLogs);
        return history;
    }

    public Dictionary<string, double> TrainOnBatch(Tensor x, Tensor y)
    {
        var (lossFn, optimizer) = RequireCompiled("train_on_batch");
        CheckData(x, y, "train_on_batch");
        EnsureBuilt(x);
        var metrics = ResolveMetrics(lossFn, x, y);
        var lossTracker = new Mean("loss");
        using (new TensorScope())
            TrainStep(AsFloat(x), y, lossFn, optimizer, metrics, lossTracker);
        return Logs(lossTracker, metrics);
    }

    private void TrainStep(Tensor xb, Tensor yb, Loss lossFn, Optimizer optimizer, List<Metric> metrics, Mean lossTracker)
    {
        var trainable = model.trainable_weights;
        SyncRequiresGrad(trainable);
        var pred = model.Apply(xb, training: true);
        var loss = lossFn.Compute(yb, pred);
        if (trainable.Count > 0)
        {
            var grads = Autograd.Grad(loss, trainable.Select(v => v.Value).ToList());
            optimizer.apply_gradients(grads.Zip(trainable));
        }
        lossTracker.update_state(loss.Item(), xb.Shape[0]);
        foreach (var m in metrics) m.update_state(yb, pred);
    }

    private void SyncRequiresGrad(IReadOnlyList<Variable> trainable)
    {
        var set = new HashSet<Variable>(trainable, ReferenceEqualityComparer.Instance);
        foreach (var v in model.variables) v.SetRequiresGrad(set.Contains(v));
    }

    public Dictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize, int verbose, IEnumerable<Callback>? callbacks)
    {
        var (lossFn, _) = RequireCompiled("evaluate");
        CheckData(x, y, "evaluate");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be positive.");
        EnsureBuilt(x);
        var cbs = new CallbackList(callbacks ?? []);
        cbs.SetModel(model);
        int steps = (int)((x.Shape[0] + batchSize - 1) / batchSize);
        var bar = verbose != 0 ? new Progbar(steps, verbose) : null;
        cbs.OnTestBegin();
        var logs = EvaluateLoop(x, y, batchSize, lossFn, bar, cbs);
        cbs.OnTestEnd(logs);
        return logs;
    }

    private Dictionary<string, double> EvaluateLoop(Tensor x, Tensor y, int batchSize, Loss lossFn, Progbar? bar, CallbackList? cbs)
    {
        var metrics = ResolveMetrics(lossFn, x, y);
        var lossTracker = new Mean("loss");
        long n = x.Shape[0];
        int steps = (int)((n + batchSize - 1) / batchSize);
        var logs = new Dictionary<string, double>();
        using var noGrad = Autograd.NoGrad();
        for (int step = 0; step < steps; step++)
        {
            long start = step * (long)batchSize;
            long len = Math.Min(batchSize, n - start);
            cbs?.OnTestBatchBegin(step);
            using (new TensorScope())
            {
                var (xb, yb) = Slice(x, y, null, start, len);
                var pred = model.Apply(xb, training: false);
                lossTracker.update_state(lossFn.Compute(yb, pred).Item(), len);
                foreach (var m in metrics) m.update_state(yb, pred);
            }
            logs = Logs(lossTracker, metrics);
            cbs?.OnTestBatchEnd(step, logs);
            bar?.update(step + 1, logs);
        }
        return logs;
    }

    public Tensor Predict(Tensor x, int batchSize, int verbose, IEnumerable<Callback>? callbacks)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be positive.");
        if (x.NDim == 0 || x.Shape[0] == 0) throw new ArgumentException($"predict: x of shape {Tensor.FormatShape(x.Shape)} has no samples.");
        EnsureBuilt(x);
        var cbs = new CallbackList(callbacks ?? []);
        cbs.SetModel(model);
        long n = x.Shape[0];
        int steps = (int)((n + batchSize - 1) / batchSize);
        var bar = verbose != 0 ? new Progbar(steps, verbose) : null;
        cbs.OnPredictBegin();
        Tensor result;
        using (var outer = new TensorScope())
        using (Autograd.NoGrad())
        {
            var parts = new List<Tensor>(steps);
            for (int step = 0; step < steps; step++)
            {
                long start = step * (long)batchSize;
                cbs.OnPredictBatchBegin(step);
                using (new TensorScope())
                {
                    var xb = AsFloat(x.Narrow(0, start, Math.Min(batchSize, n - start)));
                    parts.Add(model.Apply(xb, training: false).MoveToOuterScope());
                }
                cbs.OnPredictBatchEnd(step);
                bar?.update(step + 1);
            }
            result = (parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0)).MoveToOuterScope();
        }
        cbs.OnPredictEnd();
        return result;
    }

    // ---- helpers

    private (Loss, Optimizer) RequireCompiled(string what)
    {
        if (model.loss is null || model.optimizer is null)
            throw new InvalidOperationException(
                $"You must call compile() before {what}() on model '{model.name}' (optimizer and loss are needed).");
        return (model.loss, model.optimizer);
    }

    private static void CheckData(Tensor x, Tensor y, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.NDim == 0 || y.NDim == 0)
            throw new ArgumentException($"{what}: x {Tensor.FormatShape(x.Shape)} and y {Tensor.FormatShape(y.Shape)} need a batch dimension.");
        if (x.Shape[0] != y.Shape[0])
            throw new ArgumentException(
                $"{what}: data cardinality is ambiguous: x has {x.Shape[0]} samples {Tensor.FormatShape(x.Shape)}, y has {y.Shape[0]} samples {Tensor.FormatShape(y.Shape)}. Make sure all arrays contain the same number of samples.");
        if (x.Shape[0] == 0) throw new ArgumentException($"{what}: x has no samples.");
    }

    private void EnsureBuilt(Tensor x) => model.EnsureBuilt(Shape.Of(x.Shape).WithoutBatch().WithBatch());

    private List<Metric> ResolveMetrics(Loss lossFn, Tensor x, Tensor y)
    {
        if (model.MetricNames.Count == 0) return [];
        var predShape = model.ComputeOutputShape(Shape.Of(x.Shape).WithoutBatch().WithBatch(1))
            .Dims.Select(d => (long)(d ?? 1)).ToArray();
        return model.MetricNames.Select(m => MetricResolver.Resolve(m, lossFn, y.Shape, predShape)).ToList();
    }

    private static (Tensor x, Tensor y) Slice(Tensor x, Tensor y, Tensor? order, long start, long len)
    {
        if (order is null) return (AsFloat(x.Narrow(0, start, len)), y.Narrow(0, start, len));
        var idx = order.Narrow(0, start, len);
        return (AsFloat(x.IndexSelect(0, idx)), y.IndexSelect(0, idx));
    }

    // Keras feeds models float32 whatever the array's dtype (uint8 images, float64 arrays).
    private static Tensor AsFloat(Tensor t) => t.DType == DType.Float32 ? t : t.AsType(DType.Float32);

    private static Dictionary<string, double> Logs(Mean loss, List<Metric> metrics)
    {
        var logs = new Dictionary<string, double> { ["loss"] = loss.result() };
        foreach (var m in metrics) logs[m.name] = m.result();
        return logs;
    }
}
