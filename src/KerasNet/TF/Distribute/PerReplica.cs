namespace KerasNet.TF.Distribute;

/// <summary>
/// What <see cref="Strategy.run{T}"/> returns: one value per replica of this process, in replica order,
/// with the rows of the global batch each replica held (tf.distribute's PerReplica values).
/// </summary>
public sealed class PerReplica<T>
{
    internal PerReplica(IReadOnlyList<T> values, IReadOnlyList<(long Start, long Rows)> shards, long globalBatch)
    {
        Values = values;
        Shards = shards;
        GlobalBatchSize = globalBatch;
    }

    /// <summary>The local replicas' values (strategy.experimental_local_results).</summary>
    public IReadOnlyList<T> Values { get; }

    /// <summary>Each local replica's first row and row count in the global batch (0 rows: an empty replica).</summary>
    public IReadOnlyList<(long Start, long Rows)> Shards { get; }

    public long GlobalBatchSize { get; }

    public PerReplica<TOut> Select<TOut>(Func<T, TOut> f) => new(Values.Select(f).ToList(), Shards, GlobalBatchSize);
}

/// <summary>tf.distribute.ReduceOp.</summary>
public enum ReduceOp
{
    SUM,
    MEAN,
}
