using KerasNet.Engine;

namespace KerasNet.TF.Distribute;

/// <summary>
/// tf.distribute.MultiWorkerMirroredStrategy: synchronous training across processes (on one machine
/// or many) over libtorch's c10d — rendezvous through a TCPStore hosted at the first address of the
/// cluster, gradients all-reduced by ProcessGroupGloo. Every worker reads the same global batches and
/// computes its share of the rows (tf.data's DATA auto-sharding), so N workers train exactly as one
/// process would on those batches. Worker 0 is the chief: it alone writes checkpoints and logs. When
/// a worker dies, the others fail with <see cref="CollectiveException"/> at their next collective.
/// </summary>
public sealed class MultiWorkerMirroredStrategy : Strategy
{
    private readonly ProcessGroup _group;

    /// <summary>
    /// Joins the cluster in $TF_CONFIG (or <paramref name="cluster"/>); blocks until every worker has joined.
    /// The first worker hosts the rendezvous; its address may have port 0, and then it binds any free port
    /// and tells it to <paramref name="onListening"/> and, when $KERASNET_RENDEZVOUS_FILE is set, writes
    /// it to that file (atomically) for whoever starts the other workers.
    /// </summary>
    /// <param name="timeout">how long to wait for the others to join, and for any collective (default 5 minutes)</param>
    public MultiWorkerMirroredStrategy(ClusterSpec? cluster = null, TimeSpan? timeout = null, Action<int>? onListening = null)
    {
        Cluster = cluster ?? FromEnvironment();
        var (host, port) = Cluster.Store;
        if (port == 0 && Cluster.Rank != 0)
            throw new ArgumentException(
                $"MultiWorkerMirroredStrategy: worker {Cluster.Rank} needs the rendezvous port of worker 0 ({Cluster.Workers[0]} asks for any free port; give the port it bound).");
        var file = Environment.GetEnvironmentVariable(RendezvousFileVariable);
        _group = new ProcessGroup(host, port, Cluster.LocalHost, Cluster.Rank, Cluster.Workers.Count, timeout ?? TimeSpan.FromMinutes(5), p =>
        {
            if (!string.IsNullOrEmpty(file))
            {
                var tmp = file + ".tmp-" + Environment.ProcessId;
                File.WriteAllText(tmp, p.ToString());
                File.Move(tmp, file, overwrite: true);
            }
            onListening?.Invoke(p);
        });
    }

    /// <summary>The environment variable naming a file where worker 0 writes the rendezvous port it bound.</summary>
    public const string RendezvousFileVariable = "KERASNET_RENDEZVOUS_FILE";

    /// <summary>The rendezvous port (on worker 0, the one it bound).</summary>
    public int RendezvousPort => _group.StorePort;

    public ClusterSpec Cluster { get; }

    public override int LocalReplicas => 1;

    public override int WorkerCount => Cluster.Workers.Count;

    public override int WorkerIndex => Cluster.Rank;

    internal override ProcessGroup Group => _group;

    /// <summary>Waits for every worker (e.g. before the chief's results are read).</summary>
    public void barrier() => _group.Barrier();

    private static ClusterSpec FromEnvironment()
    {
        var json = Environment.GetEnvironmentVariable("TF_CONFIG");
        if (string.IsNullOrWhiteSpace(json))
            throw new ArgumentException(
                "MultiWorkerMirroredStrategy: TF_CONFIG is not set. Set it to {\"cluster\": {\"worker\": [\"host:port\", ...]}, \"task\": {\"type\": \"worker\", \"index\": i}} on every worker, or pass a ClusterSpec.");
        return ClusterSpec.FromTfConfig(json);
    }

    protected override void DisposeResources() => _group.Dispose();
}
