using KerasNet.Engine;

namespace KerasNet.TF.Data;

/// <summary>
/// Keeps the elements of the first complete pass, in memory or in a file; an incomplete pass (the
/// consumer stopped early) keeps nothing, as in tf.data. A cache file from an earlier run is read as is.
/// </summary>
internal sealed class CacheDataset<T>(Dataset<T> input, string filename) : Dataset<T>
{
    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<T>? ForWorker(WorkerShard s) => input.ForWorker(s) is { } i ? new CacheDataset<T>(i, filename) : null;

    private List<T>? _memory;
    private readonly object _gate = new();

    public override long cardinality() => input.cardinality();

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        if (filename.Length > 0 && File.Exists(filename))
        {
            foreach (var e in ElementFile.Read<T>(filename)) yield return Outcome<T>.Ok(e);
            yield break;
        }
        List<T>? cached;
        lock (_gate) cached = _memory;
        if (cached is not null)
        {
            foreach (var e in cached) yield return Outcome<T>.Ok(ElementFile.Clone(e));
            yield break;
        }

        var kept = new List<T>();
        bool complete = false;
        try
        {
            foreach (var o in input.Produce(pass))
            {
                if (!o.Failed) kept.Add(ElementFile.Clone(o.Value));
                yield return o;
            }
            complete = true;
        }
        finally
        {
            if (complete && filename.Length > 0)
            {
                ElementFile.Write(filename, kept);
                Elements.Dispose(kept);
            }
            else if (complete)
            {
                lock (_gate) _memory ??= kept;
            }
            else Elements.Dispose(kept);
        }
    }
}

/// <summary>Element copies and the cache file format: per element its tensors (dtype, shape, raw data).</summary>
internal static class ElementFile
{
    private const string Magic = "KNTCACHE1";

    public static T Clone<T>(T element) => (T)(object)(element switch
    {
        Tensor t => Keep(t.Clone()),
        ValueTuple<Tensor, Tensor> p => (Keep(p.Item1.Clone()), Keep(p.Item2.Clone())),
        string s => s,
        _ => throw new NotSupportedException($"cache() supports tensor elements and pairs of tensors, not {typeof(T).Name}."),
    })!;

    private static Tensor Keep(Tensor t) => t.ReleaseFromScope();

    private static T Make<T>(Tensor[] parts) => (T)(object)(typeof(T) == typeof(Tensor) ? parts[0]
        : typeof(T) == typeof(ValueTuple<Tensor, Tensor>) ? (parts[0], parts[1])
        : throw new NotSupportedException($"cache(filename) supports tensor elements and pairs of tensors, not {typeof(T).Name}."));

    public static void Write<T>(string path, IReadOnlyList<T> elements)
    {
        Keras.Saving.AtomicFile.Write(path, tmp =>
        {
            using var w = new BinaryWriter(File.Create(tmp));
            w.Write(Magic);
            w.Write(elements.Count);
            foreach (var e in elements)
            {
                var tensors = Elements.Tensors(e).ToList();
                w.Write(tensors.Count);
                foreach (var t in tensors) WriteTensor(w, t);
            }
        });
    }

    public static IEnumerable<T> Read<T>(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        string magic;
        int count;
        try
        {
            magic = r.ReadString();
            count = r.ReadInt32();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: truncated cache file.", e);
        }
        if (magic != Magic) throw new InvalidDataException($"{path}: not a KerasNet dataset cache file.");
        for (int i = 0; i < count; i++)
        {
            Tensor[] parts;
            try
            {
                parts = new Tensor[r.ReadInt32()];
                for (int k = 0; k < parts.Length; k++) parts[k] = ReadTensor(r);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"{path}: truncated cache file (element {i} of {count}).", e);
            }
            yield return Make<T>(parts);
        }
    }

    private static void WriteTensor(BinaryWriter w, Tensor t)
    {
        w.Write((int)t.DType);
        w.Write(t.NDim);
        foreach (var d in t.Shape) w.Write(d);
        byte[] data = t.DType switch
        {
            DType.Float32 => Bytes(t.ToArray<float>()),
            DType.Int64 => Bytes(t.ToArray<long>()),
            DType.Int32 => Bytes(t.ToArray<int>()),
            DType.UInt8 => t.ToArray<byte>(),
            DType.Float64 => Bytes(t.ToArray<double>()),
            _ => throw new NotSupportedException($"cache: dtype {t.DType.KerasName()}"),
        };
        w.Write(data.Length);
        w.Write(data);
    }

    private static byte[] Bytes<T>(T[] a) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray();

    private static Tensor ReadTensor(BinaryReader r)
    {
        var dtype = (DType)r.ReadInt32();
        var shape = new long[r.ReadInt32()];
        for (int i = 0; i < shape.Length; i++) shape[i] = r.ReadInt64();
        var data = r.ReadBytes(r.ReadInt32());
        Tensor t = dtype switch
        {
            DType.Float32 => Tensor.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data), shape),
            DType.Int64 => Tensor.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data), shape),
            DType.Int32 => Tensor.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(data), shape),
            DType.UInt8 => Tensor.FromArray<byte>(data, shape),
            DType.Float64 => Tensor.FromArray(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(data), shape),
            _ => throw new InvalidDataException($"cache: unknown dtype code {(int)dtype}"),
        };
        return t.ReleaseFromScope();
    }
}
