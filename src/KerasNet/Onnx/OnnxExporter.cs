using Google.Protobuf;
using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using P = global::Onnx;

namespace KerasNet.Onnx;

/// <summary>
/// model.export(path, format: "onnx"): the model's graph as an ONNX model (opset 13) that ONNX Runtime and
/// ML.NET run unchanged. The input keeps Keras's NHWC layout and name, with a dynamic batch dimension; 4-D
/// tensors are NCHW inside (ONNX's convolution layout: one Transpose after the input), back to NHWC where
/// Keras's order matters (Flatten, Reshape, Permute). Inference semantics: Dropout is left out,
/// BatchNormalization uses its moving statistics. Nested models are inlined.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13;

    public static void Export(Model model, string path)
    {
        var proto = Build(model);
        Keras.Saving.AtomicFile.Write(path, tmp =>
        {
            using var f = File.Create(tmp);
            proto.WriteTo(f);
        });
    }

    internal static P.ModelProto Build(Model model)
    {
        if (!model.built || model.inputs.Count == 0)
            throw new InvalidOperationException($"Model '{model.name}' is not built: give it an input shape (or call it once) before export.");
        var w = new Writer();
        var graph = w.Graph;
        graph.Name = model.name;
        var values = new List<(string, bool)>();
        foreach (var input in model.inputs)
        {
            var shape = input.shape;
            var name = input.node.layer.name;
            graph.Input.Add(ValueInfo(name, shape));
            if (shape.Rank == 4) values.Add((w.Node("Transpose", [name], w.Fresh(name + "_nchw"), a => a.Add(Ints("perm", 0, 3, 1, 2))), true));
            else values.Add((name, false));
        }
        // outputs are named after their layers: those names are reserved, the layers' own nodes get others
        var outputNames = model.outputs.Select(t => w.Fresh(t.node.layer.name + (model.outputs.Count(o => o.node.layer == t.node.layer) > 1 ? $"_{t.tensor_index}" : ""))).ToList();
        var outputs = w.Emit(model, values);
        for (int i = 0; i < outputs.Count; i++)
        {
            var t = model.outputs[i];
            var name = outputNames[i];
            // the output in Keras's layout, named after its layer
            if (outputs[i].Nchw) w.Node("Transpose", [outputs[i].Name], name, a => a.Add(Ints("perm", 0, 2, 3, 1)));
            else w.Node("Identity", [outputs[i].Name], name);
            graph.Output.Add(ValueInfo(name, t.shape));
        }
        var m = new P.ModelProto
        {
            IrVersion = 7,  // ONNX 1.7+, opset 13
            ProducerName = "KerasNetTransfer",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        m.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = Opset });
        return m;
    }

    private static P.ValueInfoProto ValueInfo(string name, Shape shape)
    {
        var t = new P.TypeProto.Types.Tensor { ElemType = (int)P.TensorProto.Types.DataType.Float, Shape = new P.TensorShapeProto() };
        for (int i = 0; i < shape.Rank; i++)
            t.Shape.Dim.Add(i == 0 || shape[i] is null
                ? new P.TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : $"d{i}" }
                : new P.TensorShapeProto.Types.Dimension { DimValue = shape[i]!.Value });
        return new P.ValueInfoProto { Name = name, Type = new P.TypeProto { TensorType = t } };
    }

    private static P.AttributeProto Ints(string name, params long[] v)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    private static P.AttributeProto Int(string name, long v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = v };
    private static P.AttributeProto Float(string name, double v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Float, F = (float)v };

    private sealed class Writer
    {
        public readonly P.GraphProto Graph = new();
        private readonly HashSet<string> _names = new();

        public string Fresh(string name)
        {
            var n = name;
            for (int k = 1; !_names.Add(n); k++) n = $"{name}_{k}";
            return n;
        }

        public string Node(string op, IEnumerable<string> inputs, string output, Action<IList<P.AttributeProto>>? attrs = null)
        {
            _names.Add(output);
            var n = new P.NodeProto { OpType = op, Name = output };
            n.Input.AddRange(inputs);
            n.Output.Add(output);
            attrs?.Invoke(n.Attribute);
            Graph.Node.Add(n);
            return output;
        }

        public string Const(string name, long[] dims, float[] values)
        {
            name = Fresh(name);
            Graph.Initializer.Add(OnnxFile.FloatTensor(name, dims, values));
            return name;
        }

        public string LongConst(string name, params long[] values)
        {
            name = Fresh(name);
            Graph.Initializer.Add(OnnxFile.LongTensor(name, values));
            return name;
        }

        private static float[] Data(Tensor t)
        {
            using var c = t.AsType(DType.Float32).Contiguous();
            return c.ToArray<float>();
        }

        private static Variable? Weight(Layer l, string name) => l.variables.FirstOrDefault(v => v.name == name);

        /// <summary>The nodes of <paramref name="model"/> on these ONNX values of its inputs; its outputs' values.</summary>
        public List<(string Name, bool Nchw)> Emit(Model model, IReadOnlyList<(string Name, bool Nchw)> inputs)
        {
            var map = new Dictionary<KerasTensor, (string Name, bool Nchw)>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < model.inputs.Count; i++) map[model.inputs[i]] = inputs[i];
            var done = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            void Visit(Node node)
            {
                if (done.Contains(node)) return;
                foreach (var t in node.input_tensors)
                    if (!map.ContainsKey(t)) Visit(t.node);
                if (node.is_input)
                    throw new InvalidOperationException($"export: the input layer '{node.layer.name}' is not one of model '{model.name}''s inputs.");
                done.Add(node);
                var ins = node.input_tensors.Select(t => map[t]).ToList();
                var outs = EmitLayer(node.layer, ins, node.input_tensors, node.output_tensors);
                for (int k = 0; k < outs.Count; k++) map[node.output_tensors[k]] = outs[k];
            }
            foreach (var o in model.outputs)
                if (!map.ContainsKey(o)) Visit(o.node);
            return model.outputs.Select(o => map[o]).ToList();
        }

        private List<(string, bool)> EmitLayer(Layer layer, List<(string Name, bool Nchw)> ins, IReadOnlyList<KerasTensor> inTensors, IReadOnlyList<KerasTensor> outTensors)
        {
            if (layer is Model nested) return Emit(nested, ins);
            var x = ins.Count > 0 ? ins[0] : default;
            var shape = inTensors.Count > 0 ? inTensors[0].shape : null;
            string n = layer.name;
            (string, bool) Out(string name, bool nchw) => (name, nchw);
            switch (layer)
            {
                case Conv2D c:
                {
                    var k = Weight(c, "kernel")!.Value;  // (kh, kw, in, out)
                    var kernel = OnnxImporter.Permute(Data(k), k.Shape, [3, 2, 0, 1]);
                    var inputs = new List<string> { x.Name, Const(n + "/kernel", [k.Shape[3], k.Shape[2], k.Shape[0], k.Shape[1]], kernel) };
                    if (Weight(c, "bias") is { } b) inputs.Add(Const(n + "/bias", [b.Value.Shape[0]], Data(b.Value)));
                    var y = ConvNode(n, inputs, shape!, c.kernel_size, c.strides, c.padding, c.dilation_rate, 1);
                    return [Out(Activation(c.activation, y, n), true)];
                }
                case DepthwiseConv2D d:
                {
                    var k = Weight(d, "depthwise_kernel")!.Value;  // (kh, kw, C, m)
                    long ch = k.Shape[2], m = k.Shape[3];
                    var kernel = OnnxImporter.Permute(Data(k), k.Shape, [2, 3, 0, 1]);
                    var inputs = new List<string> { x.Name, Const(n + "/depthwise_kernel", [ch * m, 1, k.Shape[0], k.Shape[1]], kernel) };
                    if (Weight(d, "bias") is { } b) inputs.Add(Const(n + "/bias", [b.Value.Shape[0]], Data(b.Value)));
                    var y = ConvNode(n, inputs, shape!, d.kernel_size, d.strides, d.padding, d.dilation_rate, ch);
                    return [Out(Activation(d.activation, y, n), true)];
                }
                case SeparableConv2D s:
                {
                    var k = Weight(s, "depthwise_kernel")!.Value;
                    long ch = k.Shape[2], m = k.Shape[3];
                    var dw = Const(n + "/depthwise_kernel", [ch * m, 1, k.Shape[0], k.Shape[1]], OnnxImporter.Permute(Data(k), k.Shape, [2, 3, 0, 1]));
                    var depth = ConvNode(n + "/depthwise", [x.Name, dw], shape!, s.kernel_size, s.strides, s.padding, s.dilation_rate, ch);
                    var p = Weight(s, "pointwise_kernel")!.Value;  // (1, 1, C·m, filters)
                    var pw = Const(n + "/pointwise_kernel", [p.Shape[3], p.Shape[2], 1, 1], OnnxImporter.Permute(Data(p), p.Shape, [3, 2, 0, 1]));
                    var inputs = new List<string> { depth, pw };
                    if (Weight(s, "bias") is { } b) inputs.Add(Const(n + "/bias", [b.Value.Shape[0]], Data(b.Value)));
                    var y = Node("Conv", inputs, Fresh(n), a => a.Add(Ints("kernel_shape", 1, 1)));
                    return [Out(Activation(s.activation, y, n), true)];
                }
                case Dense dense:
                {
                    var k = Weight(dense, "kernel")!.Value;
                    var kn = Const(n + "/kernel", k.Shape, Data(k));
                    var b = Weight(dense, "bias");
                    string y;
                    if (shape!.Rank == 2)
                    {
                        var inputs = new List<string> { x.Name, kn };
                        if (b is not null) inputs.Add(Const(n + "/bias", [b.Value.Shape[0]], Data(b.Value)));
                        y = Node("Gemm", inputs, Fresh(n));
                    }
                    else
                    {
                        // Keras applies Dense to the last axis
                        var plain = ToPlain(x, n);
                        y = Node("MatMul", [plain, kn], Fresh(n + "/matmul"));
                        if (b is not null) y = Node("Add", [y, Const(n + "/bias", [b.Value.Shape[0]], Data(b.Value))], Fresh(n));
                    }
                    y = Activation(dense.activation, y, n);
                    return [shape.Rank == 4 ? Out(FromPlain(y, n), true) : Out(y, false)];
                }
                case BatchNormalization bn:
                {
                    int rank = shape!.Rank;
                    int axis = bn.axis < 0 ? rank + bn.axis : bn.axis;
                    if (axis != rank - 1)
                        throw new NotSupportedException($"export: layer '{n}' (BatchNormalization) normalizes axis {bn.axis}; only the channel (last) axis is exported.");
                    long c = shape[-1]!.Value;
                    float[] Or(string w, float v) => Weight(bn, w) is { } var ? Data(var.Value) : Enumerable.Repeat(v, (int)c).ToArray();
                    var inputs = new[]
                    {
                        x.Name, Const(n + "/gamma", [c], Or("gamma", 1)), Const(n + "/beta", [c], Or("beta", 0)),
                        Const(n + "/moving_mean", [c], Data(bn.moving_mean.Value)), Const(n + "/moving_variance", [c], Data(bn.moving_variance.Value)),
                    };
                    if (rank == 2 || rank == 4)
                        return [Out(Node("BatchNormalization", inputs, Fresh(n), a => a.Add(Float("epsilon", bn.epsilon))), x.Nchw)];
                    throw new NotSupportedException($"export: layer '{n}' (BatchNormalization) on a rank-{rank} input; ranks 2 and 4 are exported.");
                }
                case MaxPooling2D or AveragePooling2D:
                {
                    var p = (Pooling2D)layer;
                    bool max = layer is MaxPooling2D;
                    var (t, b, l, r) = ConvUtils.Pads(Dims(shape!), p.pool_size, p.strides, p.padding);
                    bool unknown = p.padding == "same" && (shape![1] is null || shape[2] is null);
                    var y = Node(max ? "MaxPool" : "AveragePool", [x.Name], Fresh(n), a =>
                    {
                        a.Add(Ints("kernel_shape", p.pool_size.H, p.pool_size.W));
                        a.Add(Ints("strides", p.strides.H, p.strides.W));
                        // TensorFlow's 'same': max ignores the pads, average does not count them
                        if (unknown) a.Add(new P.AttributeProto { Name = "auto_pad", Type = P.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SAME_UPPER") });
                        else a.Add(Ints("pads", t, l, b, r));
                        if (!max) a.Add(Int("count_include_pad", 0));
                    });
                    return [Out(y, true)];
                }
                case GlobalAveragePooling2D or GlobalMaxPooling2D:
                {
                    bool keep = layer is GlobalAveragePooling2D ga ? ga.keepdims : ((GlobalMaxPooling2D)layer).keepdims;
                    var y = Node(layer is GlobalAveragePooling2D ? "GlobalAveragePool" : "GlobalMaxPool", [x.Name], Fresh(keep ? n : n + "/pool"));
                    return keep ? [Out(y, true)] : [Out(Node("Flatten", [y], Fresh(n)), false)];
                }
                case Flatten:
                    return [Out(Node("Flatten", [ToPlain(x, n)], Fresh(n)), false)];
                case Reshape rs:
                {
                    var target = rs.ComputeOutputShape(shape!);
                    var dims = new long[] { 0 }.Concat(rs.target_shape.Dims.Select(d => (long)d!.Value)).ToArray();
                    var y = Node("Reshape", [ToPlain(x, n), LongConst(n + "/shape", dims)], Fresh(n));
                    return [target.Rank == 4 ? Out(FromPlain(y, n), true) : Out(y, false)];
                }
                case Keras.Layers.Permute pm:
                {
                    var y = Node("Transpose", [ToPlain(x, n)], Fresh(n), a => a.Add(Ints("perm", [0, .. pm.dims.Select(d => (long)d)])));
                    return [shape!.Rank == 4 ? Out(FromPlain(y, n), true) : Out(y, false)];
                }
                case Dropout:
                case ImagePreprocessingLayer { IdentityAtInference: true }:  // RandomFlip, RandomRotation, …
                    return [x];  // inference: identity
                case Keras.Layers.Activation act:
                    return [Out(Activation(act.activation, x.Name, n, OnnxAxis(x, shape!.Rank, -1)), x.Nchw)];
                case ReLU relu:
                    return [Out(Relu(relu, x.Name, n), x.Nchw)];
                case LeakyReLU lr:
                    return [Out(Node("LeakyRelu", [x.Name], Fresh(n), a => a.Add(Float("alpha", lr.negative_slope))), x.Nchw)];
                case Keras.Layers.Softmax sm:
                    return [Out(Node("Softmax", [x.Name], Fresh(n), a => a.Add(Int("axis", OnnxAxis(x, shape!.Rank, sm.axis)))), x.Nchw)];
                case Rescaling rsc:
                {
                    var y = Node("Mul", [x.Name, Const(n + "/scale", [], [(float)rsc.scale])], Fresh(rsc.offset == 0 ? n : n + "/scale"));
                    if (rsc.offset != 0) y = Node("Add", [y, Const(n + "/offset", [], [(float)rsc.offset])], Fresh(n));
                    return [Out(y, x.Nchw)];
                }
                case Normalization norm:
                    return [Out(NormalizationNodes(norm, x, shape!), x.Nchw)];
                case ZeroPadding2D zp:
                {
                    var pads = LongConst(n + "/pads", 0, 0, zp.padding.Top, zp.padding.Left, 0, 0, zp.padding.Bottom, zp.padding.Right);
                    return [Out(Node("Pad", [x.Name, pads], Fresh(n), a => a.Add(new P.AttributeProto { Name = "mode", Type = P.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("constant") })), true)];
                }
                case Concatenate cat:
                {
                    int rank = shape!.Rank;
                    if (ins.Any(i => i.Nchw != x.Nchw)) throw new NotSupportedException($"export: layer '{n}' (Concatenate) joins tensors of different ranks.");
                    return [Out(Node("Concat", ins.Select(i => i.Name), Fresh(n), a => a.Add(Int("axis", OnnxAxis(x, rank, cat.axis)))), x.Nchw)];
                }
                case Merge merge:
                {
                    if (ins.Any(i => i.Nchw != x.Nchw)) throw new NotSupportedException($"export: layer '{n}' ({merge.ClassName}) merges tensors of different ranks.");
                    var names = ins.Select(i => i.Name).ToList();
                    string y = merge switch
                    {
                        Add => Node("Sum", names, Fresh(n)),
                        Multiply => Chain("Mul", names, n),
                        Subtract => Node("Sub", names, Fresh(n)),
                        Maximum => Node("Max", names, Fresh(n)),
                        Minimum => Node("Min", names, Fresh(n)),
                        Average => Node("Mean", names, Fresh(n)),
                        _ => throw new NotSupportedException($"export: layer '{n}' ({merge.ClassName}) is not exported."),
                    };
                    return [Out(y, x.Nchw)];
                }
                default:
                    throw new NotSupportedException($"export: layer '{n}' ({layer.ClassName}) has no ONNX translation.");
            }
        }

        private static long[] Dims(Shape s) => s.Dims.Select(d => (long)(d ?? 1)).ToArray();

        private string Chain(string op, List<string> names, string n)
        {
            var y = names[0];
            for (int i = 1; i < names.Count; i++) y = Node(op, [y, names[i]], Fresh(i == names.Count - 1 ? n : n + "/" + op));
            return y;
        }

        /// <summary>A Keras axis of a tensor as ONNX's axis of its value (NHWC 1, 2, 3 are NCHW 2, 3, 1).</summary>
        private static long OnnxAxis((string Name, bool Nchw) x, int rank, int axis)
        {
            int a = axis < 0 ? rank + axis : axis;
            return x.Nchw && rank == 4 ? a switch { 1 => 2, 2 => 3, 3 => 1, _ => 0 } : a;
        }

        private string ToPlain((string Name, bool Nchw) x, string n) =>
            x.Nchw ? Node("Transpose", [x.Name], Fresh(n + "/nhwc"), a => a.Add(Ints("perm", 0, 2, 3, 1))) : x.Name;

        private string FromPlain(string y, string n) => Node("Transpose", [y], Fresh(n + "/nchw"), a => a.Add(Ints("perm", 0, 3, 1, 2)));

        private string ConvNode(string n, List<string> inputs, Shape inShape, IntPair k, IntPair s, string padding, IntPair d, long group)
        {
            var (t, b, l, r) = ConvUtils.Pads(Dims(inShape), k, s, padding, d);
            bool unknown = padding == "same" && (inShape[1] is null || inShape[2] is null);
            return Node("Conv", inputs, Fresh(n + "/conv"), a =>
            {
                a.Add(Ints("kernel_shape", k.H, k.W));
                a.Add(Ints("strides", s.H, s.W));
                a.Add(Ints("dilations", d.H, d.W));
                a.Add(Int("group", group));
                if (unknown) a.Add(new P.AttributeProto { Name = "auto_pad", Type = P.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SAME_UPPER") });
                else a.Add(Ints("pads", t, l, b, r));
            });
        }

        /// <summary>An activation by Keras name; softmax over the channel axis (ONNX axis 1 of NCHW, the last otherwise).</summary>
        private string Activation(string? activation, string x, string n, long softmaxAxis = -1)
        {
            switch (activation)
            {
                case null or "linear": return x;
                case "relu": return Node("Relu", [x], Fresh(n + "/relu"));
                case "sigmoid": return Node("Sigmoid", [x], Fresh(n + "/sigmoid"));
                case "tanh": return Node("Tanh", [x], Fresh(n + "/tanh"));
                case "softmax": return Node("Softmax", [x], Fresh(n + "/softmax"), a => a.Add(Int("axis", softmaxAxis)));
                case "softplus": return Node("Softplus", [x], Fresh(n + "/softplus"));
                case "elu": return Node("Elu", [x], Fresh(n + "/elu"));
                case "selu": return Node("Selu", [x], Fresh(n + "/selu"));
                case "relu6": return Node("Clip", [x, Const(n + "/min", [], [0]), Const(n + "/max", [], [6])], Fresh(n + "/relu6"));
                case "swish" or "silu": return Node("Mul", [x, Node("Sigmoid", [x], Fresh(n + "/sigmoid"))], Fresh(n + "/swish"));
                case "gelu":
                {
                    // x·Φ(x) = 0.5·x·(1 + erf(x/√2)), Keras's exact form
                    var e = Node("Erf", [Node("Mul", [x, Const(n + "/rsqrt2", [], [(float)(1 / Math.Sqrt(2))])], Fresh(n + "/scaled"))], Fresh(n + "/erf"));
                    var one = Node("Add", [e, Const(n + "/one", [], [1])], Fresh(n + "/1p"));
                    return Node("Mul", [Node("Mul", [x, one], Fresh(n + "/xp")), Const(n + "/half", [], [0.5f])], Fresh(n + "/gelu"));
                }
                default: throw new NotSupportedException($"export: activation '{activation}' of layer '{n}' has no ONNX translation.");
            }
        }

        private string Relu(ReLU relu, string x, string n)
        {
            if (relu.threshold == 0 && relu.negative_slope == 0)
                return relu.max_value is { } m
                    ? Node("Clip", [x, Const(n + "/min", [], [0]), Const(n + "/max", [], [(float)m])], Fresh(n))
                    : Node("Relu", [x], Fresh(n));
            // above the threshold x (capped), below it negative_slope·(x - threshold)
            var above = Node("Cast", [Node("GreaterOrEqual", [x, Const(n + "/threshold", [], [(float)relu.threshold])], Fresh(n + "/ge"))], Fresh(n + "/above"),
                a => a.Add(Int("to", (long)P.TensorProto.Types.DataType.Float)));
            var high = relu.max_value is { } cap ? Node("Min", [x, Const(n + "/max", [], [(float)cap])], Fresh(n + "/high")) : x;
            var low = Node("Mul", [Node("Sub", [x, Const(n + "/t", [], [(float)relu.threshold])], Fresh(n + "/shift")), Const(n + "/slope", [], [(float)relu.negative_slope])], Fresh(n + "/low"));
            var below = Node("Sub", [Const(n + "/one", [], [1]), above], Fresh(n + "/below"));
            return Node("Add", [Node("Mul", [high, above], Fresh(n + "/h")), Node("Mul", [low, below], Fresh(n + "/l"))], Fresh(n));
        }

        /// <summary>(x - mean) / max(sqrt(variance), 1e-7), statistics shaped to broadcast over the value's layout.</summary>
        private string NormalizationNodes(Normalization norm, (string Name, bool Nchw) x, Shape shape)
        {
            string n = norm.name;
            int rank = shape.Rank;
            var (mean, variance) = norm.Statistics;
            var kept = norm.axis.Select(a => a < 0 ? rank + a : a).ToArray();
            // the statistics in Keras's layout, broadcast shape (1 on reduced axes), then in the value's layout
            var kerasShape = Enumerable.Range(0, rank).Select(i => kept.Contains(i) ? (long)shape[i]!.Value : 1L).ToArray();
            float[] m = Data(mean), v = Data(variance).Select(s => MathF.Max(MathF.Sqrt(s), 1e-7f)).ToArray();
            long size = kerasShape.Aggregate(1L, (a, b) => a * b);
            if (m.Length == 1 && size > 1) { m = Enumerable.Repeat(m[0], (int)size).ToArray(); v = Enumerable.Repeat(v[0], (int)size).ToArray(); }
            long[] dims = kerasShape;
            if (x.Nchw && rank == 4)
            {
                m = OnnxImporter.Permute(m, kerasShape, [0, 3, 1, 2]);
                v = OnnxImporter.Permute(v, kerasShape, [0, 3, 1, 2]);
                dims = [kerasShape[0], kerasShape[3], kerasShape[1], kerasShape[2]];
            }
            var centered = Node(norm.invert ? "Mul" : "Sub", [x.Name, norm.invert ? Const(n + "/std", dims, v) : Const(n + "/mean", dims, m)], Fresh(n + "/a"));
            return norm.invert
                ? Node("Add", [centered, Const(n + "/mean", dims, m)], Fresh(n))
                : Node("Div", [centered, Const(n + "/std", dims, v)], Fresh(n));
        }
    }
}
