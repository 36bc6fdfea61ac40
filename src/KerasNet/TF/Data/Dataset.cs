using KerasNet.Engine;

namespace KerasNet.TF.Data;

/// <summary>
/// A tf.data-style input pipeline over elements of type <typeparamref name="T"/> (a path string, a
/// tensor, a tuple of tensors). Each enumeration is a fresh pass (shuffles draw anew); the consumer owns
/// the elements it receives and disposes them (fit, evaluate and predict do). An element that failed
/// upstream (an unreadable file in a parallel map) throws when it is reached, in order, unless
/// <see cref="ignore_errors"/> drops it.
/// </summary>
public abstract class Dataset<T> : IEnumerable<T>
{
    /// <summary>tf.data.INFINITE_CARDINALITY and UNKNOWN_CARDINALITY.</summary>
    public const long InfiniteCardinality = -1, UnknownCardinality = -2;

    /// <summary>Produces one pass. <paramref name="pass"/> counts enumerations, so shuffles differ per pass.</summary>
    internal abstract IEnumerable<Outcome<T>> Produce(int pass);

    /// <summary>Elements per pass when known, else <see cref="InfiniteCardinality"/> or <see cref="UnknownCardinality"/>.</summary>
    public virtual long cardinality() => UnknownCardinality;

    /// <summary>
    /// For endless datasets that still have a natural epoch (Keras's ImageDataGenerator iterators): the
    /// number of batches fit uses per epoch when steps_per_epoch is not given.
    /// </summary>
    public virtual long? EpochLength => null;

    private int _passes;

    public IEnumerator<T> GetEnumerator()
    {
        int pass = Interlocked.Increment(ref _passes) - 1;
        foreach (var o in Produce(pass))
        {
            if (o.Failed) throw Rethrow(o.Error!);
            yield return o.Value;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private static Exception Rethrow(Exception e) =>
        e is InvalidDataException or IOException or ArgumentException or InvalidOperationException
            ? e
            : new InvalidOperationException("input pipeline element failed: " + e.Message, e);

    // ---- options and sharding (tf.data.Options; the strategy's auto-shard rewrite)

    /// <summary>The options set on this dataset or the nearest upstream one (with_options), else null.</summary>
    internal virtual Options? EffectiveOptions => null;

    /// <summary>dataset.options(): the options in effect (defaults when none were set).</summary>
    public Options options() => EffectiveOptions ?? new Options();

    /// <summary>dataset.with_options(options): the same elements, with these options for what reads the dataset.</summary>
    public Dataset<T> with_options(Options options) => new OptionsDataset<T>(this, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>
    /// This pipeline rewritten for one worker of a multi-worker strategy, or null when the policy changes nothing here
    /// (sources other than list_files; nodes whose input is unchanged).
    /// </summary>
    internal virtual Dataset<T>? ForWorker(WorkerShard shard) => null;

    /// <summary>
    /// This pipeline with its last map deferring the elements at positions (within a pass) that <paramref name="needed"/>
    /// rejects: they travel as deferred outcomes that the consumer forces or drops. Null when there is no such map directly
    /// upstream (only pass-through nodes such as prefetch may sit between).
    /// </summary>
    internal virtual Dataset<T>? DeferringUnneeded(Func<long, bool> needed) => null;

    // ---- transformations (tf.data spelling)

    /// <summary>
    /// Applies <paramref name="map_func"/> to every element. <paramref name="num_parallel_calls"/>: null runs
    /// it inline, n (or <see cref="TensorFlowApi.Autotune"/> = cores) runs n at a time on worker threads;
    /// with <paramref name="deterministic"/> the output keeps the input order.
    /// </summary>
    public Dataset<U> map<U>(Func<T, U> map_func, int? num_parallel_calls = null, bool deterministic = true) =>
        new MapDataset<T, U>(this, map_func, num_parallel_calls, deterministic);

    /// <summary>A shuffle buffer of <paramref name="buffer_size"/> elements, as tf.data's: uniform among the buffered ones.</summary>
    public Dataset<T> shuffle(int buffer_size, int? seed = null, bool reshuffle_each_iteration = true) =>
        new ShuffleDataset<T>(this, buffer_size, seed, reshuffle_each_iteration);

    /// <summary>Repeats the dataset <paramref name="count"/> times (null or -1: forever).</summary>
    public Dataset<T> repeat(int? count = null) => new RepeatDataset<T>(this, count is null or -1 ? null : count);

    /// <summary>Produces up to <paramref name="buffer_size"/> elements ahead on a background thread (AUTOTUNE: 2).</summary>
    public Dataset<T> prefetch(int buffer_size) => new PrefetchDataset<T>(this, buffer_size);

    /// <summary>
    /// Keeps the first complete pass: in memory (filename "") or in a file (later passes and later runs read
    /// the file). Elements are tensors or tuples of tensors.
    /// </summary>
    public Dataset<T> cache(string filename = "") => new CacheDataset<T>(this, filename);

    public Dataset<T> take(long count) => new TakeDataset<T>(this, count);

    public Dataset<T> skip(long count) => new SkipDataset<T>(this, count);

    /// <summary>Drops elements whose production failed, counting them in <see cref="IgnoreErrorsDataset{T}.Ignored"/>.</summary>
    public IgnoreErrorsDataset<T> ignore_errors(bool log_warning = true) => new(this, log_warning);

    /// <summary>tf.contrib.data.shuffle_and_repeat: shuffle(buffer, seed) then repeat(count), reshuffling every pass.</summary>
    public Dataset<T> shuffle_and_repeat(int buffer_size, int? count = null, int? seed = null) =>
        shuffle(buffer_size, seed).repeat(count);
}

/// <summary>Transformations that need to know the element type (batching stacks tensors).</summary>
public static class DatasetExtensions
{
    /// <summary>Stacks consecutive elements into batches (the last one smaller unless drop_remainder).</summary>
    public static Dataset<Tensor> batch(this Dataset<Tensor> ds, int batch_size, bool drop_remainder = false) =>
        new BatchDataset<Tensor>(ds, batch_size, drop_remainder, parts => Stack(parts));

    public static Dataset<(Tensor, Tensor)> batch(this Dataset<(Tensor, Tensor)> ds, int batch_size, bool drop_remainder = false) =>
        new BatchDataset<(Tensor, Tensor)>(ds, batch_size, drop_remainder,
            parts => (Stack(parts.Select(p => p.Item1).ToList()), Stack(parts.Select(p => p.Item2).ToList())));

    /// <summary>tf.contrib.data.map_and_batch: a parallel map followed by batch.</summary>
    public static Dataset<(Tensor, Tensor)> map_and_batch<T>(this Dataset<T> ds, Func<T, (Tensor, Tensor)> map_func, int batch_size,
        int? num_parallel_calls = null, bool drop_remainder = false) =>
        ds.map(map_func, num_parallel_calls ?? TensorFlowApi.Autotune).batch(batch_size, drop_remainder);

    public static Dataset<Tensor> map_and_batch<T>(this Dataset<T> ds, Func<T, Tensor> map_func, int batch_size,
        int? num_parallel_calls = null, bool drop_remainder = false) =>
        ds.map(map_func, num_parallel_calls ?? TensorFlowApi.Autotune).batch(batch_size, drop_remainder);

    internal static Tensor Stack(IReadOnlyList<Tensor> parts)
    {
        var first = parts[0].Shape;
        for (int i = 1; i < parts.Count; i++)
            if (!parts[i].Shape.SequenceEqual(first))
                throw new InvalidOperationException(
                    $"batch: element {i} has shape {Tensor.FormatShape(parts[i].Shape)}, element 0 has {Tensor.FormatShape(first)}; " +
                    "elements of one batch must have the same shape (resize images first).");
        using var scope = new TensorScope();
        var rows = parts.Select(p => p.Reshape([1, .. p.Shape])).ToList();
        return Tensor.Concat(rows, 0).Unscoped();  // the batch's consumer disposes it
    }
}
