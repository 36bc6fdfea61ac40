namespace KerasNet.TF.Data;

/// <summary>
/// tf.data.experimental.AutoShardPolicy: how a dataset is split among the workers of a MultiWorkerMirroredStrategy.
/// <list type="bullet">
/// <item>AUTO (default): every worker trains on the same global batches as one process would, its own rows of each, and
/// decodes only those: the batch (or map_and_batch) applies its map to this worker's rows and leaves the others'
/// elements undecoded (TensorFlow's DATA result at FILE's cost; TensorFlow's AUTO picks FILE for file sources).</item>
/// <item>FILE: the files of list_files are dealt out to the workers (file i to worker i mod N); each worker batches its
/// own files into its share of the global batch, so the global batches differ from one process's. A pipeline that reads
/// no files, or has fewer files than workers, is refused.</item>
/// <item>DATA: every worker runs the whole pipeline and keeps its rows of each global batch (decodes everything).</item>
/// <item>OFF: no sharding: every worker reads and decodes every element. (TensorFlow then trains every worker on the same
/// rows; here the replicas still divide each global batch, as under DATA.)</item>
/// </list>
/// </summary>
public enum AutoShardPolicy
{
    OFF = -1,
    AUTO = 0,
    FILE = 1,
    DATA = 2,
}

/// <summary>tf.data.Options: set on a dataset with <c>with_options</c>; read back with <c>options()</c>.</summary>
public sealed class Options
{
    public DistributeOptions experimental_distribute { get; } = new();
}

/// <summary>tf.data.experimental.DistributeOptions.</summary>
public sealed class DistributeOptions
{
    public AutoShardPolicy auto_shard_policy { get; set; } = AutoShardPolicy.AUTO;
}

/// <summary>Which worker a pipeline is rewritten for, and how (<see cref="AutoShardPolicy"/>).</summary>
internal sealed record WorkerShard(AutoShardPolicy Policy, int Workers, int Index)
{
    /// <summary>This worker's rows of a global batch of <paramref name="rows"/>: contiguous, as the strategy divides it.</summary>
    public (long Start, long Length) Rows(long rows) => Distribute.Strategy.Share(rows, Workers, Index);
}

/// <summary>A pass-through node that carries options (<c>dataset.with_options(options)</c>).</summary>
internal sealed class OptionsDataset<T>(Dataset<T> input, Options set) : Dataset<T>
{
    public override long cardinality() => input.cardinality();

    public override long? EpochLength => input.EpochLength;

    internal override Options? EffectiveOptions => set;

    internal override IEnumerable<Outcome<T>> Produce(int pass) => input.Produce(pass);

    internal override Dataset<T>? ForWorker(WorkerShard s) => input.ForWorker(s) is { } i ? new OptionsDataset<T>(i, set) : null;

    internal override Dataset<T>? DeferringUnneeded(Func<long, bool> needed) =>
        input.DeferringUnneeded(needed) is { } i ? new OptionsDataset<T>(i, set) : null;
}
