namespace KerasNet.TF.Distribute;

/// <summary>tf.distribute: <c>tf.distribute.MirroredStrategy(...)</c>, <c>tf.distribute.MultiWorkerMirroredStrategy()</c>.</summary>
public sealed class DistributeApi
{
    public MirroredStrategy MirroredStrategy(IEnumerable<string>? devices = null) => new(devices);

    public MultiWorkerMirroredStrategy MultiWorkerMirroredStrategy(ClusterSpec? cluster_resolver = null, TimeSpan? timeout = null) =>
        new(cluster_resolver, timeout);

    /// <summary>The strategy whose scope is open, else tf.distribute's default strategy (one replica), as TensorFlow returns.</summary>
    public Strategy get_strategy() => Strategy.Current ?? Strategy.Default;

    /// <summary>The replica context of the calling thread inside strategy.run, else null (the cross-replica context).</summary>
    public ReplicaContext? get_replica_context() => ReplicaContext.Current;
}
