using KerasNet.Engine;

namespace KerasNet.TF.Data;

/// <summary>from_tensor_slices: element i is row i of each array (a view of it).</summary>
internal sealed class SliceDataset<T>(IReadOnlyList<Tensor> arrays, Func<Tensor[], T> make) : Dataset<T>
{
    private readonly long _n = Count(arrays);

    private static long Count(IReadOnlyList<Tensor> arrays)
    {
        if (arrays.Count == 0 || arrays.Any(a => a.NDim == 0))
            throw new ArgumentException("from_tensor_slices needs arrays with a first (slicing) dimension.");
        long n = arrays[0].Shape[0];
        for (int i = 1; i < arrays.Count; i++)
            if (arrays[i].Shape[0] != n)
                throw new ArgumentException(
                    $"from_tensor_slices: all arrays must have the same first dimension; got {string.Join(" and ", arrays.Select(a => Tensor.FormatShape(a.Shape)))}.");
        return n;
    }

    public override long cardinality() => _n;

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        for (long i = 0; i < _n; i++)
        {
            var parts = new Tensor[arrays.Count];
            for (int k = 0; k < parts.Length; k++)
            {
                using var row = arrays[k].Narrow(0, i, 1);
                parts[k] = row.Reshape(arrays[k].Shape[1..]);
            }
            yield return Outcome<T>.Ok(make(parts));
        }
    }
}

/// <summary>from a list of values that own no tensors (file paths, labels).</summary>
internal sealed class ListDataset<T>(IReadOnlyList<T> items) : Dataset<T>
{
    public override long cardinality() => items.Count;

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        foreach (var item in items) yield return Outcome<T>.Ok(item);
    }
}

/// <summary>from_generator: each pass calls the generator again.</summary>
internal sealed class GeneratorDataset<T>(Func<IEnumerable<T>> generator) : Dataset<T>
{
    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        foreach (var item in generator()) yield return Outcome<T>.Ok(item);
    }
}

/// <summary>list_files: the files matching a glob (with ** for any depth), shuffled per pass unless asked not to.</summary>
internal sealed class ListFilesDataset : Dataset<string>
{
    private readonly string _pattern;
    private readonly string[] _files;
    private readonly bool _shuffle;
    private readonly int? _seed;

    public ListFilesDataset(string pattern, bool shuffle, int? seed)
    {
        _pattern = pattern;
        _files = Glob.Match(pattern).Order(StringComparer.Ordinal).ToArray();
        if (_files.Length == 0)
            throw new FileNotFoundException($"list_files: no files matched pattern '{pattern}'.");
        _shuffle = shuffle;
        _seed = seed;
    }

    private ListFilesDataset(string pattern, string[] files, bool shuffle, int? seed)
    {
        _pattern = pattern;
        _files = files;
        _shuffle = shuffle;
        _seed = seed;
    }

    public override long cardinality() => _files.Length;

    /// <summary>FILE sharding: this worker's files (file i goes to worker i mod N), before any shuffle, as tf.data's rewrite.</summary>
    internal override Dataset<string>? ForWorker(WorkerShard s)
    {
        if (s.Policy != AutoShardPolicy.FILE) return null;
        if (_files.Length < s.Workers)
            throw new InvalidOperationException(
                $"AutoShardPolicy.FILE: list_files('{_pattern}') has {_files.Length} file(s), fewer than the {s.Workers} workers; use AutoShardPolicy.AUTO or DATA.");
        return new ListFilesDataset(_pattern, _files.Where((_, i) => i % s.Workers == s.Index).ToArray(), _shuffle, _seed);
    }

    internal override IEnumerable<Outcome<string>> Produce(int pass)
    {
        var order = (string[])_files.Clone();
        if (_shuffle)
        {
            var rng = _seed is { } s ? new Random(Engine.Seeds.Combine(s, pass)) : new Random();
            rng.Shuffle(order);
        }
        foreach (var f in order) yield return Outcome<string>.Ok(f);
    }

    public override string ToString() => $"list_files('{_pattern}': {_files.Length} files)";
}
