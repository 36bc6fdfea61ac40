using Google.Protobuf;
using P = global::Onnx;

namespace KerasNet.Onnx;

/// <summary>
/// Reading an .onnx file: the protobuf parsed by Google.Protobuf's generated classes, then checked so that a
/// truncated or damaged file is refused with its name (protobuf alone accepts a file cut at a field
/// boundary as a shorter model): every node input must be defined before use, every initializer must hold
/// as many values as its dims say.
/// </summary>
internal static class OnnxFile
{
    /// <summary>The opsets the importer knows (ONNX 1.2 .. 1.12).</summary>
    public const int MinOpset = 7, MaxOpset = 17;

    public static P.ModelProto Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No ONNX file '{path}'.", path);
        P.ModelProto model;
        try
        {
            using var s = File.OpenRead(path);
            model = P.ModelProto.Parser.ParseFrom(s);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not a readable ONNX model (truncated or not ONNX: {e.Message}).", e);
        }
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.IrVersion <= 0)
            throw new InvalidDataException($"{path}: not an ONNX model (no graph, no nodes or no IR version; truncated or another format).");
        Validate(model.Graph, path);
        return model;
    }

    /// <summary>The opset of the default domain ("" or "ai.onnx"); other domains are refused where their ops are met.</summary>
    public static int Opset(P.ModelProto model, string path)
    {
        var o = model.OpsetImport.FirstOrDefault(i => i.Domain is "" or "ai.onnx")
            ?? throw new InvalidDataException($"{path}: the model imports no opset of the default ONNX domain.");
        return (int)o.Version;
    }

    private static void Validate(P.GraphProto g, string path)
    {
        var defined = new HashSet<string>(g.Input.Select(i => i.Name).Concat(g.Initializer.Select(i => i.Name))) { "" };
        foreach (var t in g.Initializer) CheckTensor(t, path);
        foreach (var n in g.Node)
        {
            foreach (var i in n.Input)
                if (!defined.Contains(i))
                    throw new InvalidDataException(
                        $"{path}: node '{n.Name}' ({n.OpType}) reads '{i}', which no input, initializer or earlier node defines (truncated or damaged file).");
            foreach (var o in n.Output) defined.Add(o);
        }
        foreach (var o in g.Output)
            if (!defined.Contains(o.Name))
                throw new InvalidDataException($"{path}: the graph output '{o.Name}' is computed by no node (truncated or damaged file).");
    }

    private static void CheckTensor(P.TensorProto t, string path)
    {
        if (t.DataLocation == P.TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw new NotSupportedException($"{path}: tensor '{t.Name}' is stored in an external file; only self-contained .onnx files are read.");
        long n = t.Dims.Aggregate(1L, (a, d) => a * d);
        long have = Count(t);
        if (have != n)
            throw new InvalidDataException($"{path}: tensor '{t.Name}' has dims [{string.Join(", ", t.Dims)}] ({n} values) but holds {have} (truncated or damaged file).");
    }

    private static long Count(P.TensorProto t) => (P.TensorProto.Types.DataType)t.DataType switch
    {
        P.TensorProto.Types.DataType.Float => t.RawData.Length > 0 ? t.RawData.Length / 4 : t.FloatData.Count,
        P.TensorProto.Types.DataType.Double => t.RawData.Length > 0 ? t.RawData.Length / 8 : t.DoubleData.Count,
        P.TensorProto.Types.DataType.Int64 => t.RawData.Length > 0 ? t.RawData.Length / 8 : t.Int64Data.Count,
        P.TensorProto.Types.DataType.Int32 => t.RawData.Length > 0 ? t.RawData.Length / 4 : t.Int32Data.Count,
        _ => t.Dims.Aggregate(1L, (a, d) => a * d),  // other types are refused where they are used
    };

    /// <summary>A tensor's values as float32 (float or double data; integers converted).</summary>
    public static float[] Floats(P.TensorProto t, string where) => (P.TensorProto.Types.DataType)t.DataType switch
    {
        P.TensorProto.Types.DataType.Float => t.RawData.Length > 0 ? Raw<float>(t.RawData) : t.FloatData.ToArray(),
        P.TensorProto.Types.DataType.Double => (t.RawData.Length > 0 ? Raw<double>(t.RawData) : t.DoubleData.ToArray()).Select(d => (float)d).ToArray(),
        P.TensorProto.Types.DataType.Int64 or P.TensorProto.Types.DataType.Int32 => Longs(t, where).Select(v => (float)v).ToArray(),
        var other => throw new NotSupportedException($"{where}: tensor '{t.Name}' has data type {other}; float32, float64 and integers are read."),
    };

    /// <summary>A tensor's values as int64 (int64 or int32 data).</summary>
    public static long[] Longs(P.TensorProto t, string where) => (P.TensorProto.Types.DataType)t.DataType switch
    {
        P.TensorProto.Types.DataType.Int64 => t.RawData.Length > 0 ? Raw<long>(t.RawData) : t.Int64Data.ToArray(),
        P.TensorProto.Types.DataType.Int32 => (t.RawData.Length > 0 ? Raw<int>(t.RawData) : t.Int32Data.ToArray()).Select(v => (long)v).ToArray(),
        var other => throw new NotSupportedException($"{where}: tensor '{t.Name}' should hold integers, has {other}."),
    };

    /// <summary>raw_data: little-endian values, as ONNX stores them (and as x86 and ARM read them).</summary>
    private static T[] Raw<T>(ByteString raw) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(raw.Span).ToArray();

    /// <summary>A float32 initializer with raw little-endian data.</summary>
    public static P.TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        var t = new P.TensorProto { Name = name, DataType = (int)P.TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static P.TensorProto LongTensor(string name, long[] values)
    {
        var t = new P.TensorProto { Name = name, DataType = (int)P.TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }
}
