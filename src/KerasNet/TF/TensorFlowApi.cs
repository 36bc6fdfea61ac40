using KerasNet.Engine;
using KerasNet.TF.Data;

namespace KerasNet.TF;

/// <summary>
/// The <c>tf</c> entry point for input pipelines, spelled as TensorFlow.NET spells it:
/// <c>using static KerasNet.TF.TensorFlowApi;</c> then <c>tf.data.Dataset.from_tensor_slices(x, y)</c>,
/// <c>tf.io.read_file(path)</c>, <c>tf.image.decode_jpeg(bytes, channels: 3)</c>, ...
/// </summary>
public static class TensorFlowApi
{
    /// <summary>tf.data.AUTOTUNE: as many parallel calls as cores; prefetch 2.</summary>
    public const int Autotune = -1;

    public static TF tf { get; } = new();
}

/// <summary>The <c>tf</c> namespace object.</summary>
public sealed class TF
{
    public DataApi data { get; } = new();
    public IoApi io { get; } = new();
    public ImageApi image { get; } = new();
    public LookupApi lookup { get; } = new();
    public StringsApi strings { get; } = new();
    public Distribute.DistributeApi distribute { get; } = new();

    public DType float32 => DType.Float32;
    public DType uint8 => DType.UInt8;
    public DType int64 => DType.Int64;

    /// <summary>One-hot float32 vectors of length <paramref name="depth"/>; an index outside [0, depth) is an error.</summary>
    public Tensor one_hot(Tensor indices, int depth)
    {
        using var scope = new TensorScope();
        var idx = indices.AsType(DType.Int64);
        if (idx.NumElements > 0 && (idx.Min().Item() < 0 || idx.Max().Item() >= depth))
            throw new ArgumentOutOfRangeException(nameof(indices),
                $"one_hot: indices must be in [0, {depth}); got values from {idx.Min().Item()} to {idx.Max().Item()}.");
        return idx.OneHot(depth).MoveToOuterScope();
    }

    public Tensor one_hot(long index, int depth)
    {
        using var scope = new TensorScope();
        return one_hot(Tensor.Scalar(index, DType.Int64), depth).MoveToOuterScope();
    }

    /// <summary>A 0-d constant.</summary>
    public Tensor constant(float value) => Tensor.Scalar(value);

    public Tensor cast(Tensor x, DType dtype) => x.AsType(dtype);
}

/// <summary>tf.data</summary>
public sealed class DataApi
{
    public DatasetFactory Dataset { get; } = new();

    public int AUTOTUNE => TensorFlowApi.Autotune;

    public ExperimentalApi experimental { get; } = new();

    /// <summary>tf.data.Options(): set with dataset.with_options (auto_shard_policy under experimental_distribute).</summary>
    public Options Options() => new();

    public sealed class ExperimentalApi
    {
        public int AUTOTUNE => TensorFlowApi.Autotune;

        /// <summary>tf.data.experimental.AutoShardPolicy.AUTO / FILE / DATA / OFF.</summary>
        public AutoShardPolicies AutoShardPolicy { get; } = new();
    }

    public sealed class AutoShardPolicies
    {
        public AutoShardPolicy AUTO => Data.AutoShardPolicy.AUTO;
        public AutoShardPolicy FILE => Data.AutoShardPolicy.FILE;
        public AutoShardPolicy DATA => Data.AutoShardPolicy.DATA;
        public AutoShardPolicy OFF => Data.AutoShardPolicy.OFF;
    }
}

/// <summary>tf.data.Dataset's constructors.</summary>
public sealed class DatasetFactory
{
    /// <summary>One element per row of <paramref name="x"/>.</summary>
    public Dataset<Tensor> from_tensor_slices(Tensor x) => new SliceDataset<Tensor>([x], p => p[0]);

    /// <summary>One (x[i], y[i]) pair per row.</summary>
    public Dataset<(Tensor, Tensor)> from_tensor_slices(Tensor x, Tensor y) => new SliceDataset<(Tensor, Tensor)>([x, y], p => (p[0], p[1]));

    /// <summary>One element per value (file names, labels).</summary>
    public Dataset<T> from_tensor_slices<T>(IReadOnlyList<T> values) => new ListDataset<T>(values);

    /// <summary>The elements a generator yields, calling it afresh for every pass.</summary>
    public Dataset<T> from_generator<T>(Func<IEnumerable<T>> generator) => new GeneratorDataset<T>(generator);

    /// <summary>
    /// The files matching a glob (<c>*</c>, <c>?</c>, <c>[..]</c>, and <c>**</c> for any depth), in a new
    /// random order each pass unless shuffle is false (then sorted). No match is an error.
    /// </summary>
    public Dataset<string> list_files(string file_pattern, bool shuffle = true, int? seed = null) =>
        new ListFilesDataset(file_pattern, shuffle, seed);

    public Dataset<(A, B)> zip<A, B>(Dataset<A> a, Dataset<B> b) => new ZipDataset<A, B>(a, b);
}
