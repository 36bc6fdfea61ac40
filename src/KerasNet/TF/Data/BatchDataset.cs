using KerasNet.Engine;
using KerasNet.TF.Distribute;

namespace KerasNet.TF.Data;

/// <summary>
/// batch(): consecutive elements stacked. Rewritten for one worker of a multi-worker strategy (<see cref="ForWorker"/>), it
/// still counts the global batches but stacks only this worker's rows of each, marked with the global batch's size
/// (<see cref="WorkerRows"/>): under AUTO the map before it leaves the other workers' elements undecoded; under FILE its
/// input is this worker's files and each batch is this worker's share.
/// </summary>
internal sealed class BatchDataset<T>(Dataset<T> input, int batchSize, bool dropRemainder, Func<IReadOnlyList<T>, T> stack,
    WorkerShard? shard = null, int globalSize = 0) : Dataset<T>
{
    private readonly int _size = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be positive.");

    public override long cardinality()
    {
        long c = input.cardinality();
        if (c < 0) return c;
        return dropRemainder ? c / _size : (c + _size - 1) / _size;
    }

    public override long? EpochLength => input.EpochLength is { } e ? (e + _size - 1) / _size : null;

    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<T>? ForWorker(WorkerShard s)
    {
        if (shard is not null) return null;  // rewritten already
        switch (s.Policy)
        {
            case AutoShardPolicy.AUTO:
                // which rows a position falls on: batches of _size, the last one shorter when the pass's length is known
                long n = input.cardinality();
                long RowsOfBatchAt(long position) => n >= 0 ? Math.Min(_size, n - position / _size * _size) : _size;
                var deferring = input.DeferringUnneeded(position => Keeps(s, RowsOfBatchAt(position), position % _size));
                return new BatchDataset<T>(deferring ?? input, _size, dropRemainder, stack, s);  // no deferring map: decoded, then dropped
            case AutoShardPolicy.FILE:
                var files = input.ForWorker(s) ?? throw new InvalidOperationException(
                    "AutoShardPolicy.FILE: this pipeline reads no files (list_files) to deal out to the workers; use AutoShardPolicy.AUTO or DATA.");
                return new BatchDataset<T>(files, (int)Math.Max(1, s.Rows(_size).Length), dropRemainder, stack, s, globalSize: _size);
            default:
                return null;  // DATA, OFF: every element of every batch, the strategy keeps this worker's rows
        }
    }

    /// <summary>Whether row <paramref name="row"/> of a global batch of <paramref name="rows"/> is this worker's (or, when it has none, row 0 as its weightless stand-in).</summary>
    private static bool Keeps(WorkerShard s, long rows, long row)
    {
        var (start, length) = s.Rows(rows);
        return length == 0 ? row == 0 : row >= start && row < start + length;
    }

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        var parts = new List<Outcome<T>>(_size);
        try
        {
            foreach (var o in input.Produce(pass))
            {
                parts.Add(o);
                if (parts.Count < _size) continue;
                var batch = Emit(parts);
                parts = new List<Outcome<T>>(_size);
                yield return batch;
            }
            if (parts.Count == 0) yield break;
            if (dropRemainder && !parts.Any(p => p.Failed)) Discard(parts);
            else
            {
                var last = Emit(parts);
                parts = new List<Outcome<T>>();
                yield return last;
            }
        }
        finally
        {
            Discard(parts);  // elements of a batch the consumer never asked for
        }
    }

    private static void Discard(List<Outcome<T>> parts)
    {
        foreach (var p in parts) p.Discard();
        parts.Clear();
    }

    private Outcome<T> Emit(List<Outcome<T>> parts)
    {
        // AUTO: this worker's rows of the global batch (its size known now, also for a short last batch); others dropped
        var keep = new List<T>(parts.Count);
        Exception? error = null;  // a failed element fails its whole batch, in order
        bool rowsOnly = shard is { Policy: AutoShardPolicy.AUTO };
        for (int r = 0; r < parts.Count; r++)
        {
            if (rowsOnly && !Keeps(shard!, parts.Count, r))
            {
                parts[r].Discard();
                continue;
            }
            var o = parts[r].Forced();
            if (o.Failed) error ??= o.Error;
            else keep.Add(o.Value);
        }
        int global = shard switch
        {
            { Policy: AutoShardPolicy.AUTO } => parts.Count,
            { Policy: AutoShardPolicy.FILE } => FileGlobalRows(shard, parts.Count),
            _ => -1,
        };
        parts.Clear();
        if (error is not null)
        {
            Elements.Dispose(keep);
            return Outcome<T>.Fail(error);
        }
        try
        {
            // single-threaded: multi-threaded kernels here would leave OpenMP threads spinning beside the workers
            var batch = Runtime.SingleThreaded(() => stack(keep));
            InputStatistics.AddRows(keep.Count);
            Elements.Dispose(keep);
            if (global > 0 && Elements.Tensors(batch).FirstOrDefault() is { } x) WorkerRows.Mark(x, global);
            return Outcome<T>.Ok(batch);
        }
        catch (Exception e)
        {
            Elements.Dispose(keep);
            return Outcome<T>.Fail(e);
        }
    }

    /// <summary>FILE: the global batch this worker's batch of <paramref name="rows"/> belongs to; a short one cannot be placed.</summary>
    private int FileGlobalRows(WorkerShard s, int rows)
    {
        if (rows != _size)
            throw new InvalidOperationException(
                $"AutoShardPolicy.FILE: worker {s.Index}'s files ran out in the middle of a global batch ({rows} of its {_size} rows); " +
                "repeat() the dataset and pass steps_per_epoch, or use AutoShardPolicy.AUTO.");
        return globalSize;
    }
}
