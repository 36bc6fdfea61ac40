using KerasNet.Engine;

namespace KerasNet.TF.Distribute;

/// <summary>
/// tf.distribute.ReplicaContext: what one replica sees while <see cref="Strategy.run{T}"/> runs its step
/// function — which replica it is, how many rows of the global batch it holds, and a place for the
/// assignments it makes to shared state (a layer's non-trainable variables, e.g. BatchNormalization's
/// moving statistics): replicas running at once never write the same tensor; the strategy assigns the
/// mean of the replicas' values once they have all finished (tf.distribute's ON_READ / MEAN aggregation).
/// </summary>
public sealed class ReplicaContext : IDisposable
{
    [ThreadStatic] private static ReplicaContext? _current;

    private readonly List<(Tensor Target, Tensor Value)> _assignments = new();

    internal ReplicaContext(int replicaId, int numReplicasInSync, long start, long rows, long globalBatch)
    {
        replica_id_in_sync_group = replicaId;
        num_replicas_in_sync = numReplicasInSync;
        Start = start;
        Rows = rows;
        GlobalBatchSize = globalBatch;
    }

    /// <summary>The replica this thread is running, or null outside <see cref="Strategy.run{T}"/> (tf.distribute.get_replica_context()).</summary>
    public static ReplicaContext? Current
    {
        get => _current;
        internal set => _current = value;
    }

    /// <summary>This replica's index among all replicas, across workers.</summary>
    public int replica_id_in_sync_group { get; }

    public int num_replicas_in_sync { get; }

    /// <summary>The first row of the global batch this replica holds.</summary>
    public long Start { get; }

    /// <summary>
    /// The rows this replica holds. 0 for a worker left without rows by a short last batch: it still runs
    /// the step (every collective needs it) on one row that counts for nothing.
    /// </summary>
    public long Rows { get; }

    public long GlobalBatchSize { get; }

    /// <summary>
    /// This replica's share of the global batch (rows / global batch; 0 for an empty replica): a loss
    /// averaged over the replica's rows and scaled by it sums, over the replicas, to the global batch's mean.
    /// </summary>
    public double LossWeight => (double)Rows / GlobalBatchSize;

    /// <summary>Records this replica's new value for <paramref name="target"/> (a copy is kept); the strategy assigns the replicas' mean.</summary>
    public void RecordAssign(Tensor target, Tensor value)
    {
        Tensor copy;
        using (Autograd.NoGrad())
        using (var detached = value.Detach())
        using (var asFloat = detached.AsType(DType.Float32))
            copy = asFloat.Clone().Unscoped();
        int i = _assignments.FindIndex(a => ReferenceEquals(a.Target, target));
        if (i >= 0)
        {
            _assignments[i].Value.Dispose();
            _assignments[i] = (target, copy);
        }
        else
        {
            _assignments.Add((target, copy));
        }
    }

    /// <summary>The assignments made, in the order their targets were first assigned.</summary>
    internal IReadOnlyList<(Tensor Target, Tensor Value)> Assignments => _assignments;

    public void Dispose()
    {
        foreach (var (_, v) in _assignments) v.Dispose();
        _assignments.Clear();
    }
}
