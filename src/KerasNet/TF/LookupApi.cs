namespace KerasNet.TF;

/// <summary>tf.lookup: string → id tables (the OCT script's label lookup).</summary>
public sealed class LookupApi
{
    /// <summary>A table mapping keys to values; unknown keys give <paramref name="default_value"/>, or, when it is negative, an error naming the key.</summary>
    public StaticHashTable StaticHashTable(IReadOnlyList<string> keys, IReadOnlyList<long> values, long default_value = -1) =>
        new(keys, values, default_value);

    /// <summary>tf.contrib.lookup.index_table_from_tensor: key i → i.</summary>
    public StaticHashTable index_table_from_tensor(IReadOnlyList<string> mapping, long default_value = -1) =>
        new(mapping, Enumerable.Range(0, mapping.Count).Select(i => (long)i).ToList(), default_value);
}

public sealed class StaticHashTable
{
    private readonly Dictionary<string, long> _map;

    internal StaticHashTable(IReadOnlyList<string> keys, IReadOnlyList<long> values, long defaultValue)
    {
        if (keys.Count != values.Count) throw new ArgumentException($"lookup table: {keys.Count} keys but {values.Count} values.");
        _map = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
            if (!_map.TryAdd(keys[i], values[i])) throw new ArgumentException($"lookup table: duplicate key '{keys[i]}'.");
        default_value = defaultValue;
    }

    public long default_value { get; }

    public long size() => _map.Count;

    /// <summary>
    /// The value for <paramref name="key"/>. TensorFlow returns the default for unknown keys; with the
    /// conventional "no class" default (negative) that silently trains on a wrong label, so it is an error here.
    /// </summary>
    public long lookup(string key)
    {
        if (_map.TryGetValue(key, out var v)) return v;
        if (default_value >= 0) return default_value;
        throw new KeyNotFoundException($"lookup: '{key}' is not in the table (keys: {string.Join(", ", _map.Keys)}).");
    }
}
