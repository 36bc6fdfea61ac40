using KerasNet.Engine;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Utils;
using KerasNet.TF.Data;

namespace KerasNet.Keras.Models;

/// <summary>
/// The loops behind fit, evaluate and predict, one each, over a <see cref="DataAdapter"/> (arrays and
/// datasets alike). Each step is the model's own train_step / test_step / predict_step, run inside its own
/// TensorScope, so all of a step's intermediates are freed when it ends; every batch is disposed after its step.
/// </summary>
internal sealed class Trainer(Model model)
{
    // ---- fit

    public History Fit(Tensor x, Tensor y, int batchSize, int epochs, int verbose, IEnumerable<Callback>? callbacks,
        double validationSplit, (Tensor x, Tensor y)? validationData, bool shuffle, int initialEpoch, int? stepsPerEpoch)
    {
        model.RequireCompiled("fit");
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
        using var train = new ArrayDataAdapter(trainX, trainY, batchSize, shuffle, stepsPerEpoch, model.distribute_strategy);
        Func<Dictionary<string, double>>? validate = valX is null ? null
            : () =>
            {
                using var val = new ArrayDataAdapter(valX, valY, batchSize, shuffle: false, steps: null);
                return EvaluateLoop(val, null, null);
            };
        return RunFit(train, epochs, initialEpoch, verbose, callbacks, validate);
    }

    public History Fit(Dataset<(Tensor, Tensor)> data, int epochs, int verbose, IEnumerable<Callback>? callbacks,
        Dataset<(Tensor, Tensor)>? validationData, int? stepsPerEpoch, int? validationSteps, int initialEpoch)
    {
        model.RequireCompiled("fit");
        using var train = new DatasetDataAdapter(data, stepsPerEpoch, "fit", persistent: true, model.distribute_strategy);
        if (validationData is not null && validationSteps is null && validationData.EpochLength is null &&
            validationData.cardinality() == Dataset<int>.InfiniteCardinality)
            throw new ArgumentException("fit: the validation dataset repeats forever; pass validation_steps.");
        Func<Dictionary<string, double>>? validate = validationData is null ? null : () =>
        {
            using var val = new DatasetDataAdapter(validationData, validationSteps, "fit (validation_data)", persistent: false);
            return EvaluateLoop(val, null, null);
        };
        return RunFit(train, epochs, initialEpoch, verbose, callbacks, validate);
    }

    /// <summary>The epoch loop: callbacks, one scope per step, validation, early stop.</summary>
    private History RunFit(DataAdapter data, int epochs, int initialEpoch, int verbose, IEnumerable<Callback>? callbacks,
        Func<Dictionary<string, double>>? validate)
    {
        if (epochs < 0 || initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(epochs), "epochs and initial_epoch must be ≥ 0.");
        var history = new History();
        var list = new List<Callback>();
        if (verbose != 0) list.Add(new ProgbarLogger(verbose));
        list.AddRange(callbacks ?? []);
        list.Add(history);
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        cbs.SetParams(new Dictionary<string, object> { ["epochs"] = epochs, ["steps"] = data.ProgressSteps, ["verbose"] = verbose });

        model.stop_training = false;
        model.history = history;
        model.ResumeAtEpoch = null;
        model.FitInitialEpoch = initialEpoch;
        bool synced = false;  // weights made equal on every worker before this fit's first step
        cbs.OnTrainBegin();
        if (model.ResumeAtEpoch is { } resume) initialEpoch = Math.Max(initialEpoch, resume);
        IDictionary<string, double> epochLogs = new Dictionary<string, double>();
        var clock = new System.Diagnostics.Stopwatch();
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            model.reset_metrics();
            cbs.OnEpochBegin(epoch);
            var logs = new Dictionary<string, double>();
            using (new TensorScope())
            {
                var batches = data.OpenEpoch(epoch);
                try
                {
                    for (int step = 0; data.Steps is null || step < data.Steps; step++)
                    {
                        clock.Restart();
                        bool more = batches.MoveNext();
                        history.InputWaitSeconds += clock.Elapsed.TotalSeconds;
                        if (!more)
                        {
                            if (data.Persistent)
                            {
                                Console.Error.WriteLine(
                                    $"WARNING: Your input ran out of data; interrupting training. Make sure that your dataset can generate at least steps_per_epoch * epochs batches ({data.Steps * (epochs - initialEpoch)} here); use repeat().");
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
                                EnsureBuilt(xb);
                                if (!synced)
                                {
                                    model.distribute_strategy?.BroadcastFromChief(model.variables.Select(v => v.Value).ToList());
                                    synced = true;
                                }
                                logs = model.train_step(xb, yb!);
                            }
                        }
                        finally
                        {
                            xb.Dispose();
                            yb?.Dispose();
                        }
                        history.StepSeconds += clock.Elapsed.TotalSeconds;
                        cbs.OnTrainBatchEnd(step, logs);
                        if (model.stop_training) break;
                    }
                }
                finally
                {
                    if (!data.Persistent) batches.Dispose();
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

    public Dictionary<string, double> TrainOnBatch(Tensor x, Tensor y)
    {
        model.RequireCompiled("train_on_batch");
        CheckData(x, y, "train_on_batch");
        model.reset_metrics();
        using (new TensorScope())
        {
            var xf = DataAdapter.AsFloat(x.Narrow(0, 0, x.Shape[0]));
            EnsureBuilt(xf);
            return model.train_step(xf, y);
        }
    }

    // ---- evaluate

    public Dictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize, int verbose, IEnumerable<Callback>? callbacks)
    {
        model.RequireCompiled("evaluate");
        CheckData(x, y, "evaluate");
        using var data = new ArrayDataAdapter(x, y, batchSize, shuffle: false, steps: null);
        return EvaluateWithCallbacks(data, verbose, callbacks);
    }

    public Dictionary<string, double> Evaluate(Dataset<(Tensor, Tensor)> data, int? steps, int verbose, IEnumerable<Callback>? callbacks)
    {
        model.RequireCompiled("evaluate");
        using var adapter = new DatasetDataAdapter(data, steps, "evaluate", persistent: false);
        return EvaluateWithCallbacks(adapter, verbose, callbacks);
    }

    private Dictionary<string, double> EvaluateWithCallbacks(DataAdapter data, int verbose, IEnumerable<Callback>? callbacks)
    {
        var cbs = new CallbackList(callbacks ?? []);
        cbs.SetModel(model);
        var bar = verbose != 0 ? new Progbar(data.ProgressSteps, verbose) : null;
        cbs.OnTestBegin();
        var logs = EvaluateLoop(data, bar, cbs);
        bar?.update(data.ProgressSteps > 0 ? data.ProgressSteps : 0, logs, finalize: true);
        cbs.OnTestEnd(logs);
        return logs;
    }

    /// <summary>test_step over every batch of one pass; metrics reset first, as Keras's evaluate does.</summary>
    private Dictionary<string, double> EvaluateLoop(DataAdapter data, Progbar? bar, CallbackList? cbs)
    {
        model.reset_metrics();
        var logs = new Dictionary<string, double>();
        using var noGrad = Autograd.NoGrad();
        int step = 0;
        using var it = data.OpenEpoch(0);
        while ((data.Steps is null || step < data.Steps) && it.MoveNext())
        {
            var (xb, yb) = it.Current;
            cbs?.OnTestBatchBegin(step);
            try
            {
                using (new TensorScope())
                {
                    EnsureBuilt(xb);
                    logs = model.test_step(xb, yb!);
                }
            }
            finally
            {
                xb.Dispose();
                yb?.Dispose();
            }
            cbs?.OnTestBatchEnd(step, logs);
            step++;
            if (bar is not null && (data.Steps is null || step < data.Steps)) bar.update(step, logs);
        }
        return logs;
    }

    // ---- predict

    public Tensor Predict(Tensor x, int batchSize, int verbose, IEnumerable<Callback>? callbacks)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.NDim == 0 || x.Shape[0] == 0) throw new ArgumentException($"predict: x of shape {Tensor.FormatShape(x.Shape)} has no samples.");
        using var data = new ArrayDataAdapter(x, null, batchSize, shuffle: false, steps: null);
        return PredictLoop(data, verbose, callbacks);
    }

    public Tensor Predict(Dataset<Tensor> data, int? steps, int verbose)
    {
        using var adapter = new InputDatasetDataAdapter(data, steps);
        return PredictLoop(adapter, verbose, null);
    }

    /// <summary>predict_step over every batch; the outputs concatenated, as float32.</summary>
    private Tensor PredictLoop(DataAdapter data, int verbose, IEnumerable<Callback>? callbacks)
    {
        var cbs = new CallbackList(callbacks ?? []);
        cbs.SetModel(model);
        var bar = verbose != 0 ? new Progbar(data.ProgressSteps, verbose) : null;
        cbs.OnPredictBegin();
        Tensor result;
        using (new TensorScope())
        using (Autograd.NoGrad())
        {
            var parts = new List<Tensor>();
            using var it = data.OpenEpoch(0);
            while ((data.Steps is null || parts.Count < data.Steps) && it.MoveNext())
            {
                var (xb, _) = it.Current;
                int step = parts.Count;
                cbs.OnPredictBatchBegin(step);
                try
                {
                    using (new TensorScope())
                    {
                        EnsureBuilt(xb);
                        parts.Add(model.predict_step(xb).MoveToOuterScope());
                    }
                }
                finally
                {
                    xb.Dispose();
                }
                cbs.OnPredictBatchEnd(step);
                bar?.update(parts.Count);
            }
            if (parts.Count == 0) throw new ArgumentException("predict: the data produced no batches.");
            result = MixedPrecision.Policy.Cast(parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0), DType.Float32).MoveToOuterScope();
        }
        cbs.OnPredictEnd();
        return result;
    }

    // ---- helpers

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
}
