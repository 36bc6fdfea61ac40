using KerasNet.Engine;
using KerasNet.TF.Data;

namespace KerasNet.Keras.Models;

/// <summary>
/// What fit, evaluate and predict read, whatever the user passed (Keras 3's data adapters): arrays sliced
/// into batches, or a dataset's elements. Each epoch is an iterator of (x, y) batches (y null for predict);
/// the loop disposes every batch once its step is done.
/// </summary>
internal abstract class DataAdapter : IDisposable
{
    /// <summary>Steps per epoch: a number, or null for "until the data ends".</summary>
    public abstract int? Steps { get; }

    /// <summary>Steps the progress bar shows (0 when unknown).</summary>
    public virtual int ProgressSteps => Steps ?? 0;

    /// <summary>Whether every epoch reads on from one iterator (steps_per_epoch over a dataset, as Keras does).</summary>
    public virtual bool Persistent => false;

    public abstract IEnumerator<(Tensor X, Tensor? Y)> OpenEpoch(int epoch);

    public virtual void Dispose() { }

    // steps_per_epoch / validation_steps / steps: a positive count, or none (a step count of 0 would train
    // or evaluate nothing and still report a complete run)
    internal static void CheckSteps(int? steps, string what)
    {
        if (steps is <= 0)
            throw new ArgumentOutOfRangeException(what, steps, $"{what} must be a positive number of steps, got {steps}.");
    }

    // Keras feeds models float32 whatever the array's dtype (uint8 images, float64 arrays); the
    // original is disposed when a converted copy replaces it, also when the conversion fails.
    internal static Tensor AsFloat(Tensor t)
    {
        if (t.DType == DType.Float32) return t;
        try
        {
            return TF.Distribute.WorkerRows.Carry(t, t.AsType(DType.Float32));
        }
        finally
        {
            t.Dispose();
        }
    }
}

/// <summary>Arrays in batches of batch_size rows: in order, or reshuffled every epoch.</summary>
internal sealed class ArrayDataAdapter : DataAdapter
{
    private readonly Tensor _x;
    private readonly Tensor? _y;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly int? _steps;

    private readonly TF.Distribute.Strategy? _workers;

    /// <param name="steps">steps_per_epoch: more than one pass starts over at the first row; null is one pass</param>
    /// <param name="workers">a multi-worker strategy: each batch holds only this worker's rows (marked with the global batch's size)</param>
    public ArrayDataAdapter(Tensor x, Tensor? y, int batchSize, bool shuffle, int? steps, TF.Distribute.Strategy? workers = null)
    {
        _workers = workers is { WorkerCount: > 1 } ? workers : null;
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be positive.");
        CheckSteps(steps, "steps_per_epoch");
        _x = x;
        _y = y;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _steps = steps;
        Rows = x.Shape[0];
    }

    public long Rows { get; }

    public override int? Steps => _steps ?? (int)((Rows + _batchSize - 1) / _batchSize);

    public override IEnumerator<(Tensor X, Tensor? Y)> OpenEpoch(int epoch)
    {
        var order = _shuffle ? Tensor.RandPerm(Rows) : null;
        try
        {
            int steps = Steps!.Value;
            long start = 0;
            for (int step = 0; step < steps; step++, start += _batchSize)
            {
                if (start >= Rows) start = 0;
                long len = Math.Min(_batchSize, Rows - start);
                // a worker of several gathers only its rows of the global batch (one stand-in row when it has none)
                var (from, rows) = _workers is { } w ? TF.Distribute.Strategy.Share(len, w.WorkerCount, w.WorkerIndex) : (0, len);
                long take = Math.Max(rows, 1);
                Tensor bx;
                Tensor? by;
                if (order is null)
                {
                    (bx, by) = (AsFloat(_x.Narrow(0, start + from, take)), _y?.Narrow(0, start + from, take));
                }
                else
                {
                    using var idx = order.Narrow(0, start + from, take);
                    (bx, by) = (AsFloat(_x.IndexSelect(0, idx)), _y?.IndexSelect(0, idx));
                }
                if (_workers is not null) TF.Distribute.WorkerRows.Mark(bx, len);
                InputStatistics.AddRows(take);
                yield return (bx, by);
            }
        }
        finally
        {
            order?.Dispose();
        }
    }
}

/// <summary>A dataset of (x, y) batches. With steps (steps_per_epoch) every epoch reads on from one iterator.</summary>
internal sealed class DatasetDataAdapter : DataAdapter
{
    private readonly Dataset<(Tensor, Tensor)> _data;
    private readonly int? _steps;
    private readonly bool _persistent;
    private IEnumerator<(Tensor, Tensor)>? _shared;

    /// <param name="workers">a multi-worker strategy that trains on this data: the pipeline is rewritten for this worker
    /// by its auto_shard_policy (<see cref="AutoShardPolicy"/>)</param>
    public DatasetDataAdapter(Dataset<(Tensor, Tensor)> data, int? steps, string what, bool persistent, TF.Distribute.Strategy? workers = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (workers is { WorkerCount: > 1 } w)
            data = data.ForWorker(new WorkerShard(data.options().experimental_distribute.auto_shard_policy, w.WorkerCount, w.WorkerIndex)) ?? data;
        CheckSteps(steps, $"{what}: {(persistent ? "steps_per_epoch" : "steps")}");
        _data = data;
        _steps = steps ?? (int?)data.EpochLength;
        if (_steps is null && data.cardinality() == Dataset<int>.InfiniteCardinality)
            throw new ArgumentException($"{what}: the dataset repeats forever; pass {(persistent ? "steps_per_epoch" : "steps")} (as Keras requires).");
        _persistent = persistent && _steps is not null;
    }

    public override int? Steps => _steps;

    public override int ProgressSteps => _steps ?? (_data.cardinality() >= 0 ? (int)_data.cardinality() : 0);

    public override bool Persistent => _persistent;

    public override IEnumerator<(Tensor X, Tensor? Y)> OpenEpoch(int epoch)
    {
        if (_persistent) return Adapt(_shared ??= _data.GetEnumerator(), dispose: false);
        return Adapt(_data.GetEnumerator(), dispose: true);
    }

    private static IEnumerator<(Tensor X, Tensor? Y)> Adapt(IEnumerator<(Tensor, Tensor)> it, bool dispose)
    {
        try
        {
            while (it.MoveNext())
            {
                var (x, y) = it.Current;
                Tensor xf;
                try
                {
                    xf = AsFloat(x);
                }
                catch
                {
                    y.Dispose();
                    throw;
                }
                yield return (xf, y);
            }
        }
        finally
        {
            if (dispose) it.Dispose();
        }
    }

    public override void Dispose()
    {
        _shared?.Dispose();
        _shared = null;
    }
}

/// <summary>A dataset of x batches (predict).</summary>
internal sealed class InputDatasetDataAdapter : DataAdapter
{
    private readonly Dataset<Tensor> _data;
    private readonly int? _steps;

    public InputDatasetDataAdapter(Dataset<Tensor> data, int? steps)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckSteps(steps, "predict: steps");
        _data = data;
        _steps = steps ?? (int?)data.EpochLength;
        if (_steps is null && data.cardinality() == Dataset<int>.InfiniteCardinality)
            throw new ArgumentException("predict: the dataset repeats forever; pass steps.");
    }

    public override int? Steps => _steps;

    public override int ProgressSteps => _steps ?? (int)Math.Max(0, _data.cardinality());

    public override IEnumerator<(Tensor X, Tensor? Y)> OpenEpoch(int epoch)
    {
        using var it = _data.GetEnumerator();
        while (it.MoveNext())
        {
            yield return (AsFloat(it.Current), null);
        }
    }
}
