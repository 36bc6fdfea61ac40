using KerasNet.Engine;
using KerasNet.TF;
using KerasNet.TF.Data;

namespace KerasNet.Keras.Preprocessing;

/// <summary>
/// What Keras's NumpyArrayIterator and DirectoryIterator share: an endless dataset of (x, y) batches
/// whose natural epoch is ⌈n / batch_size⌉ batches, reshuffled every epoch; each batch is built on a
/// worker (in parallel, in order), each image with its own random transform. With a seed, the batches
/// are the same every run.
/// </summary>
public abstract class ImageIterator : Dataset<(Tensor, Tensor)>
{
    protected ImageIterator(ImageDataGenerator generator, long n, int batchSize, bool shuffle, int? seed)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be positive.");
        Generator = generator;
        this.n = n;
        batch_size = batchSize;
        Shuffles = shuffle;
        this.seed = seed ?? Random.Shared.Next();
    }

    protected ImageDataGenerator Generator { get; }
    public long n { get; }
    public int batch_size { get; }
    public bool Shuffles { get; }
    public int seed { get; }

    /// <summary>Batches per epoch (Keras's len(iterator)).</summary>
    public long Length => (n + batch_size - 1) / batch_size;

    public override long cardinality() => InfiniteCardinality;

    public override long? EpochLength => Length;

    /// <summary>Sample i, transformed and standardised, and its label.</summary>
    protected abstract (Tensor X, Tensor? Y) Sample(long index, Random rng);

    internal override IEnumerable<Outcome<(Tensor, Tensor)>> Produce(int pass)
    {
        var batches = Batches(pass);
        var mapped = tf_map(batches);
        return mapped.Produce(pass);
    }

    private Dataset<(Tensor, Tensor)> tf_map(IEnumerable<(long[] Indices, int Seed)> batches) =>
        TensorFlowApi.tf.data.Dataset.from_generator(() => batches)
            .map(b => MakeBatch(b.Indices, b.Seed), num_parallel_calls: TensorFlowApi.Autotune);

    private IEnumerable<(long[] Indices, int Seed)> Batches(int pass)
    {
        for (int epoch = 0; ; epoch++)
        {
            var order = Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
            if (Shuffles) new Random(Engine.Seeds.Combine(seed, pass, epoch)).Shuffle(order);
            for (long b = 0; b < Length; b++)
            {
                long start = b * batch_size;
                yield return (order[(int)start..(int)Math.Min(n, start + batch_size)], Engine.Seeds.Combine(seed, pass, epoch, b));
            }
        }
    }

    private (Tensor, Tensor) MakeBatch(long[] indices, int batchSeed)
    {
        var rng = new Random(batchSeed);
        var xs = new List<Tensor>(indices.Length);
        var ys = new List<Tensor>(indices.Length);
        try
        {
            foreach (var i in indices)
            {
                var (x, y) = Sample(i, rng);
                xs.Add(x);
                if (y is not null) ys.Add(y);
            }
            var bx = DatasetExtensions.Stack(xs);
            var by = ys.Count > 0 ? DatasetExtensions.Stack(ys) : bx.Clone().Unscoped();
            return (bx, by);
        }
        finally
        {
            Elements.Dispose(xs);
            Elements.Dispose(ys);
        }
    }

    protected Tensor Augment(Tensor img, Random rng)
    {
        using var scope = new TensorScope();
        var x = Generator.random_transform(img, rng);
        return Generator.standardize(x).MoveToOuterScope();
    }
}

/// <summary>ImageDataGenerator.flow over in-memory arrays.</summary>
public sealed class NumpyArrayIterator : ImageIterator
{
    private readonly Tensor _x, _y;

    internal NumpyArrayIterator(ImageDataGenerator g, Tensor x, Tensor y, int batchSize, bool shuffle, int? seed)
        : base(g, x.Shape[0], batchSize, shuffle, seed)
    {
        if (x.NDim != 4) throw new ArgumentException($"flow: x must be (samples, height, width, channels), got {Tensor.FormatShape(x.Shape)}.");
        if (y.Shape[0] != x.Shape[0])
            throw new ArgumentException($"flow: x has {x.Shape[0]} samples, y has {y.Shape[0]}.");
        _x = x;
        _y = y;
    }

    protected override (Tensor X, Tensor? Y) Sample(long index, Random rng)
    {
        using var scope = new TensorScope();
        var img = _x.Narrow(0, index, 1).Reshape(_x.Shape[1..]);
        var y = _y.Narrow(0, index, 1).Reshape(_y.Shape[1..]).Clone();
        return (Augment(img, rng).MoveToOuterScope(), y.MoveToOuterScope());
    }
}
