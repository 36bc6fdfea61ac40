namespace KerasNet.TF.Data;

internal sealed class BatchDataset<T>(Dataset<T> input, int batchSize, bool dropRemainder, Func<IReadOnlyList<T>, T> stack)
    : Dataset<T>
{
    private readonly int _size = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be positive.");

    public override long cardinality()
    {
        long c = input.cardinality();
        if (c < 0) return c;
        return dropRemainder ? c / _size : (c + _size - 1) / _size;
    }

    public override long? EpochLength => input.EpochLength is { } e ? (e + _size - 1) / _size : null;

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        var parts = new List<T>(_size);
        Exception? error = null;  // a failed element fails its whole batch, in order
        int consumed = 0;
        try
        {
            foreach (var o in input.Produce(pass))
            {
                if (o.Failed) error ??= o.Error;
                else parts.Add(o.Value);
                if (++consumed < _size) continue;
                var batch = Emit(parts, error);
                parts = new List<T>(_size);
                error = null;
                consumed = 0;
                yield return batch;
            }
            if (consumed == 0) yield break;
            if (dropRemainder && error is null) Elements.Dispose(parts);
            else
            {
                var last = Emit(parts, error);
                parts = new List<T>();
                yield return last;
            }
        }
        finally
        {
            Elements.Dispose(parts);  // elements of a batch the consumer never asked for
        }
    }

    private Outcome<T> Emit(List<T> parts, Exception? error)
    {
        if (error is not null)
        {
            Elements.Dispose(parts);
            return Outcome<T>.Fail(error);
        }
        try
        {
            // single-threaded: multi-threaded kernels here would leave OpenMP threads spinning beside the workers
            var batch = Engine.Runtime.SingleThreaded(() => stack(parts));
            Elements.Dispose(parts);
            return Outcome<T>.Ok(batch);
        }
        catch (Exception e)
        {
            Elements.Dispose(parts);
            return Outcome<T>.Fail(e);
        }
    }
}
