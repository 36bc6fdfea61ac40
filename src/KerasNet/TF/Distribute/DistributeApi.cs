namespace KerasNet.TF.Distribute;

/// <summary>tf.distribute: <c>tf.distribute.MirroredStrategy(...)</c>, <c>tf.distribute.MultiWorkerMirroredStrategy()</c>.</summary>
public sealed class DistributeApi
{
    public MirroredStrategy MirroredStrategy(IEnumerable<string>? devices = null) => new(devices);

    public MultiWorkerMirroredStrategy MultiWorkerMirroredStrategy(ClusterSpec? cluster_resolver = null, TimeSpan? timeout = null) =>
        new(cluster_resolver, timeout);

    /// <summary>The strategy whose scope is open, or null (TensorFlow returns its default strategy).</summary>
    public Strategy? get_strategy() => Strategy.Current;
}
