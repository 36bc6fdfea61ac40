using Google.Protobuf;
using KerasNet.Onnx;
using P = global::Onnx;

namespace KerasNet.Tests.Onnx;

/// <summary>Hand-built ONNX graphs for the importer tests (the generated protobuf classes, written like any .onnx).</summary>
internal sealed class OnnxBuilder(int opset)
{
    private readonly P.GraphProto _g = new() { Name = "test" };
    private int _k;
    private readonly Random _rng = new(17);

    public P.GraphProto Graph => _g;

    public string Input(string name, params long[] dims)
    {
        var t = new P.TypeProto.Types.Tensor { ElemType = (int)P.TensorProto.Types.DataType.Float, Shape = new P.TensorShapeProto() };
        foreach (var d in dims) t.Shape.Dim.Add(new P.TensorShapeProto.Types.Dimension { DimValue = d });
        _g.Input.Add(new P.ValueInfoProto { Name = name, Type = new P.TypeProto { TensorType = t } });
        return name;
    }

    public string Const(long[] dims, float[]? values = null, double scale = 0.5)
    {
        long n = dims.Aggregate(1L, (a, b) => a * b);
        values ??= Enumerable.Range(0, (int)n).Select(_ => (float)((_rng.NextDouble() * 2 - 1) * scale)).ToArray();
        var name = $"c{_k++}";
        _g.Initializer.Add(OnnxFile.FloatTensor(name, dims, values));
        return name;
    }

    public string Ints(params long[] values)
    {
        var name = $"i{_k++}";
        _g.Initializer.Add(OnnxFile.LongTensor(name, values));
        return name;
    }

    public string Node(string op, string[] inputs, params P.AttributeProto[] attrs) => Nodes(op, inputs, 1, attrs)[0];

    public string[] Nodes(string op, string[] inputs, int outputs, params P.AttributeProto[] attrs)
    {
        var n = new P.NodeProto { OpType = op, Name = $"{op}_{_k++}" };
        n.Input.AddRange(inputs);
        var outs = Enumerable.Range(0, outputs).Select(i => $"{n.Name}_out{i}").ToArray();
        n.Output.AddRange(outs);
        n.Attribute.AddRange(attrs);
        _g.Node.Add(n);
        return outs;
    }

    public static P.AttributeProto A(string name, params long[] v)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    public static P.AttributeProto I(string name, long v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = v };
    public static P.AttributeProto F(string name, float v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Float, F = v };
    public static P.AttributeProto S(string name, string v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    public string Save(string path, params string[] outputs)
    {
        foreach (var o in outputs) _g.Output.Add(new P.ValueInfoProto { Name = o, Type = new P.TypeProto { TensorType = new P.TypeProto.Types.Tensor { ElemType = 1 } } });
        var m = new P.ModelProto { IrVersion = opset >= 13 ? 7 : 4, ProducerName = "test", Graph = _g };
        m.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = opset });
        using (var f = File.Create(path)) m.WriteTo(f);
        return path;
    }
}
