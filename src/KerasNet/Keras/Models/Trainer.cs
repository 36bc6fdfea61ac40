using KerasNet.Engine;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Metrics;
using KerasNet.Keras.Optimizers;
using KerasNet.Keras.Utils;
using KerasNet.TF.Data;

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
        Func<Dictionary<string, double>>? validate = valX is null ? null
            : () => EvaluateLoop(ArrayBatches(valX, valY!, batchSize, null, wrap: false), lossFn, ResolveMetrics(lossFn, valX, valY!), null, null, null);
        IEnumerator<(Tensor, Tensor)> OpenEpoch(int epoch) =>
            ArrayBatches(trainX, trainY, batchSize, shuffle ? Tensor.RandPerm(n) : null, wrap: true).GetEnumerator();
        return RunFit(lossFn, optimizer, metrics, OpenEpoch, steps, persistent: false, epochs, initialEpoch, verbose, callbacks,
            validate, stepsLimit: steps);
    }

    public History Fit(Dataset<(Tensor, Tensor)> data, int epochs, int verbose, IEnumerable<Callback>? callbacks,
        Dataset<(Tensor, Tensor)>? validationData, int? stepsPerEpoch, int? validationSteps, int initialEpoch)
    {
        var (lossFn, optimizer) = RequireCompiled("fit");
        ArgumentNullException.ThrowIfNull(data);
        int? steps = stepsPerEpoch ?? (int?)data.EpochLength;
        if (steps is null && data.cardinality() == Dataset<int>.InfiniteCardinality)
            throw new ArgumentException("fit: the dataset repeats forever; pass steps_per_epoch (as Keras requires).");
        if (validationData is not null && validationSteps is null && validationData.EpochLength is null &&
            validationData.cardinality() == Dataset<int>.InfiniteCardinality)
            throw new ArgumentException("fit: the validation dataset repeats forever; pass validation_steps.");

        // With steps_per_epoch, Keras draws every epoch's batches from one iterator; otherwise one pass per epoch.
        bool persistent = steps is not null;
        IEnumerator<(Tensor, Tensor)>? shared = null;
        IEnumerator<(Tensor, Tensor)> OpenEpoch(int epoch) => persistent ? shared ??= data.GetEnumerator() : data.GetEnumerator();
        int progressSteps = steps ?? (data.cardinality() >= 0 ? (int)data.cardinality() : 0);

        // build and resolve metrics from the first batch's shapes
        List<Metric>? metrics = null;
        Func<Dictionary<string, double>>? validate = validationData is null ? null : () =>
        {
            int? vSteps = validationSteps ?? (int?)validationData.EpochLength;
            return EvaluateLoop(validationData, lossFn, null, vSteps, null, null);
        };
        try
        {
            return RunFit(lossFn, optimizer, metrics, OpenEpoch, progressSteps, persistent, epochs, initialEpoch, verbose, callbacks,
                validate, stepsLimit: steps);
        }
        finally
        {
            shared?.Dispose();
        }
    }

    /// <summary>The epoch loop shared by arrays and datasets: callbacks, one scope per step, validation, stop.</summary>
    private History RunFit(Loss lossFn, Optimizer optimizer, List<Metric>? metrics, Func<int, IEnumerator<(Tensor, Tensor)>> openEpoch,
        int progressSteps, bool persistent, int epochs, int initialEpoch, int verbose, IEnumerable<Callback>? callbacks,
        Func<Dictionary<string, double>>? validate, int? stepsLimit = null)
    {
        if (epochs < 0 || initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(epochs), "epochs and initial_epoch must be ≥ 0.");
        var lossTracker = new Mean("loss");
        var history = new History();
        var list = new List<Callback>();
        if (verbose != 0) list.Add(new ProgbarLogger(verbose));
        list.AddRange(callbacks ?? []);
        list.Add(history);
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        cbs.SetParams(new Dictionary<string, object> { ["epochs"] = epochs, ["steps"] = progressSteps, ["verbose"] = verbose });

        model.stop_training = false;
        model.history = history;
        model.distribute_strategy?.OnFitBegin(model);
        model.ResumeAtEpoch = null;
        cbs.OnTrainBegin();
        if (model.ResumeAtEpoch is { } resume) initialEpoch = Math.Max(initialEpoch, resume);
        IDictionary<string, double> epochLogs = new Dictionary<string, double>();
        var clock = new System.Diagnostics.Stopwatch();
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            lossTracker.reset_state();
            metrics?.ForEach(m => m.reset_state());
            cbs.OnEpochBegin(epoch);
            var logs = new Dictionary<string, double>();
            using (new TensorScope())
            {
                var batches = openEpoch(epoch);
                try
                {
                    for (int step = 0; stepsLimit is null || step < stepsLimit; step++)
                    {
                        clock.Restart();
                        bool more = batches.MoveNext();
                        history.InputWaitSeconds += clock.Elapsed.TotalSeconds;
                        if (!more)
                        {
                            if (persistent)
                            {
                                Console.Error.WriteLine(
                                    $"WARNING: Your input ran out of data; interrupting training. Make sure that your dataset can generate at least steps_per_epoch * epochs batches ({stepsLimit * (epochs - initialEpoch)} here); use repeat().");
                                model.stop_training = true;
                            }
                            break;
                        }
                        var (xb, yb) = batches.Current;
                        cbs.OnTrainBatchBegin(step);
                        try
                        {
                            using (new TensorScope())
                            {
                                if (metrics is null)
                                {
                                    EnsureBuilt(xb);
                                    metrics = ResolveMetrics(lossFn, xb, yb);
                                }
                                TrainStep(AsFloat(xb), yb, lossFn, optimizer, metrics, lossTracker);
                            }
                        }
                        finally
                        {
                            xb.Dispose();
                            yb.Dispose();
                        }
                        history.StepSeconds += clock.Elapsed.TotalSeconds;
                        logs = Logs(lossTracker, metrics);
                        cbs.OnTrainBatchEnd(step, logs);
                        if (model.stop_training) break;
                    }
                }
                finally
                {
                    if (!persistent) batches.Dispose();
                }
            }
            epochLogs = new Dictionary<string, double>(logs);
            if (validate is not null)
                foreach (var (k, v) in validate()) epochLogs["val_" + k] = v;
            cbs.OnEpochEnd(epoch, epochLogs);
            if (model.stop_training) break;
        }
        cbs.OnTrainEnd(epochLogs);
        return history;
    }

    /// <summary>
    /// Batches of arrays: rows in order, or in <paramref name="order"/>; the caller owns each batch. With
    /// <paramref name="wrap"/> it starts over after the last row (steps_per_epoch beyond one pass).
    /// </summary>
    private static IEnumerable<(Tensor, Tensor)> ArrayBatches(Tensor x, Tensor y, int batchSize, Tensor? order, bool wrap)
    {
        long n = x.Shape[0];
        for (long start = 0; ; start += batchSize)
        {
            if (start >= n)
            {
                if (!wrap) yield break;
                start = 0;
            }
            yield return Slice(x, y, order, start, Math.Min(batchSize, n - start));
        }
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
        if (model.distribute_strategy is { } strategy)
        {
            strategy.TrainStep(model, xb, yb, lossFn, optimizer, metrics, lossTracker, trainable);
            return;
        }
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
        int steps = (int)((x.Shape[0] + batchSize - 1) / batchSize);
        return EvaluateWithCallbacks(ArrayBatches(x, y, batchSize, null, wrap: false), lossFn, ResolveMetrics(lossFn, x, y), null, steps,
            verbose, callbacks);
    }

    public Dictionary<string, double> Evaluate(Dataset<(Tensor, Tensor)> data, int? steps, int verbose, IEnumerable<Callback>? callbacks)
    {
        var (lossFn, _) = RequireCompiled("evaluate");
        steps ??= (int?)data.EpochLength;
        if (steps is null && data.cardinality() == Dataset<int>.InfiniteCardinality)
            throw new ArgumentException("evaluate: the dataset repeats forever; pass steps.");
        int progress = steps ?? (data.cardinality() >= 0 ? (int)data.cardinality() : 0);
        return EvaluateWithCallbacks(data, lossFn, null, steps, progress, verbose, callbacks);
    }

    private Dictionary<string, double> EvaluateWithCallbacks(IEnumerable<(Tensor, Tensor)> batches, Loss lossFn, List<Metric>? metrics,
        int? steps, int progressSteps, int verbose, IEnumerable<Callback>? callbacks)
    {
        var cbs = new CallbackList(callbacks ?? []);
        cbs.SetModel(model);
        var bar = verbose != 0 ? new Progbar(progressSteps, verbose) : null;
        cbs.OnTestBegin();
        var logs = EvaluateLoop(batches, lossFn, metrics, steps, bar, cbs);
        bar?.update(progressSteps > 0 ? progressSteps : 0, logs, finalize: true);
        cbs.OnTestEnd(logs);
        return logs;
    }

    /// <summary>Loss and metrics over batches (all of them, or the first <paramref name="steps"/>); disposes each batch.</summary>
    private Dictionary<string, double> EvaluateLoop(IEnumerable<(Tensor, Tensor)> batches, Loss lossFn, List<Metric>? metrics,
        int? steps, Progbar? bar, CallbackList? cbs)
    {
        var lossTracker = new Mean("loss");
        var logs = new Dictionary<string, double>();
        using var noGrad = Autograd.NoGrad();
        int step = 0;
        using var it = batches.GetEnumerator();
        while ((steps is null || step < steps) && it.MoveNext())
        {
            var (xb, yb) = it.Current;
            cbs?.OnTestBatchBegin(step);
            try
            {
                using (new TensorScope())
                {
                    if (metrics is null)
                    {
                        EnsureBuilt(xb);
                        metrics = ResolveMetrics(lossFn, xb, yb);
                    }
                    var pred = model.Apply(AsFloat(xb), training: false);
                    lossTracker.update_state(lossFn.Compute(yb, pred).Item(), xb.Shape[0]);
                    foreach (var m in metrics) m.update_state(yb, pred);
                }
            }
            finally
            {
                xb.Dispose();
                yb.Dispose();
            }
            logs = Logs(lossTracker, metrics);
            cbs?.OnTestBatchEnd(step, logs);
            step++;
            if (bar is not null && (steps is null || step < steps)) bar.update(step, logs);
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
            result = MixedPrecision.Policy.Cast(parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0), DType.Float32).MoveToOuterScope();
        }
        cbs.OnPredictEnd();
        return result;
    }

    public Tensor Predict(Dataset<Tensor> data, int? steps, int verbose)
    {
        steps ??= (int?)data.EpochLength;
        if (steps is null && data.cardinality() == Dataset<int>.InfiniteCardinality)
            throw new ArgumentException("predict: the dataset repeats forever; pass steps.");
        var bar = verbose != 0 ? new Progbar(steps ?? (int)Math.Max(0, data.cardinality()), verbose) : null;
        Tensor result;
        using (new TensorScope())
        using (Autograd.NoGrad())
        {
            var parts = new List<Tensor>();
            using var it = data.GetEnumerator();
            while ((steps is null || parts.Count < steps) && it.MoveNext())
            {
                var xb = it.Current;
                try
                {
                    using (new TensorScope())
                    {
                        EnsureBuilt(xb);
                        parts.Add(model.Apply(AsFloat(xb), training: false).MoveToOuterScope());
                    }
                }
                finally
                {
                    xb.Dispose();
                }
                bar?.update(parts.Count);
            }
            if (parts.Count == 0) throw new ArgumentException("predict: the dataset produced no batches.");
            result = MixedPrecision.Policy.Cast(parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0), DType.Float32).MoveToOuterScope();
        }
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
