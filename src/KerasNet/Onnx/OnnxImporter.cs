using System.Text;
using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using P = global::Onnx;

namespace KerasNet.Onnx;

/// <summary>
/// An .onnx CNN becomes a Keras Functional model of our own layers: NCHW values become NHWC tensors, OIHW
/// kernels HWIO, asymmetric pads an explicit ZeroPadding2D, BatchNormalization keeps the file's epsilon,
/// momentum and moving statistics, layer names come from node names. The model is an ordinary one:
/// trainable, freezable, savable with model.save. An op or attribute outside what is translated exactly is a
/// NotSupportedException naming the op type, the node, the opset and the file.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Imports <paramref name="path"/>. <paramref name="layerName"/> may rename layers: (node, role) → name, role "" or "pad"; null keeps the default.</summary>
    public static Functional Import(string path, string? name = null, Func<string, string, string?>? layerName = null)
    {
        var (inputs, outputs) = ImportGraph(path, null, layerName);
        return new Functional(inputs, outputs, name ?? Sanitize(Path.GetFileNameWithoutExtension(path)));
    }

    /// <summary>
    /// The graph of <paramref name="path"/> applied to <paramref name="inputs"/> (NHWC tensors, one per graph
    /// input; null: new Input layers from the file's input shapes): its inputs and outputs.
    /// </summary>
    /// <param name="stopBefore">an op type: translation stops at its first node, whose input is then the one output</param>
    internal static (List<KerasTensor> Inputs, List<KerasTensor> Outputs) ImportGraph(string path, IReadOnlyList<KerasTensor>? inputs,
        Func<string, string, string?>? layerName = null, string? stopBefore = null) =>
        ImportGraph(OnnxFile.Load(path), path, inputs, layerName, stopBefore);

    /// <summary>As above, for a model already read from <paramref name="path"/>.</summary>
    internal static (List<KerasTensor> Inputs, List<KerasTensor> Outputs) ImportGraph(P.ModelProto model, string path, IReadOnlyList<KerasTensor>? inputs,
        Func<string, string, string?>? layerName = null, string? stopBefore = null) =>
        new Translator(model, path, layerName).Run(inputs, stopBefore);

    internal static string Sanitize(string s)
    {
        var b = new StringBuilder();
        foreach (var ch in s) b.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_');
        if (b.Length == 0 || char.IsAsciiDigit(b[0])) b.Insert(0, 'n');
        return b.ToString();
    }

    /// <summary>A constant: dims and values (float32).</summary>
    private sealed record Const(long[] Dims, float[] Data)
    {
        public long Size => Data.Length;
        public bool IsScalar => Data.Length == 1;
    }

    /// <summary>
    /// A value of the ONNX graph as a Keras tensor. <c>ChannelsFirst</c>: the ONNX value is NCHW and the Keras
    /// tensor holds it as NHWC. <c>NonNegative</c>: it comes from a ReLU-like op (zero padding then equals
    /// max-pooling's implicit -inf padding).
    /// </summary>
    private sealed record Value(KerasTensor Tensor, bool ChannelsFirst, bool NonNegative = false)
    {
        public int OnnxRank => Tensor.shape.Rank;
    }

    /// <summary>One output of a channel Split, waiting for the Concat that puts the channels back together.</summary>
    private sealed record Slice(Value Source, int Start, int Length);

    private sealed class Translator(P.ModelProto model, string path, Func<string, string, string?>? rename)
    {
        private readonly Dictionary<string, Const> _consts = new();
        private readonly Dictionary<string, Value> _values = new();
        private readonly Dictionary<string, Slice> _slices = new();
        private readonly HashSet<string> _names = new();
        private readonly HashSet<P.NodeProto> _fused = new();
        private readonly int _opset = OnnxFile.Opset(model, path);
        private P.NodeProto? _node;

        private string Where => _node is null ? path : $"{path}: node '{_node.Name}' ({_node.OpType}, opset {_opset})";

        private NotSupportedException Unsupported(string what) => new($"{Where}: {what}");

        public (List<KerasTensor>, List<KerasTensor>) Run(IReadOnlyList<KerasTensor>? given, string? stopBefore)
        {
            if (_opset is < OnnxFile.MinOpset or > OnnxFile.MaxOpset)
                throw new NotSupportedException($"{path}: opset {_opset} is outside the opsets {OnnxFile.MinOpset}-{OnnxFile.MaxOpset} the importer translates.");
            var g = model.Graph;
            foreach (var t in g.Initializer) _consts[t.Name] = new Const(t.Dims.ToArray(), OnnxFile.Floats(t, path));
            var graphInputs = g.Input.Where(i => !_consts.ContainsKey(i.Name)).ToList();
            if (graphInputs.Count == 0) throw new InvalidDataException($"{path}: the graph has no input.");
            if (given is not null && given.Count != graphInputs.Count)
                throw new ArgumentException($"{path}: the graph has {graphInputs.Count} inputs ({string.Join(", ", graphInputs.Select(i => i.Name))}), {given.Count} given.");
            var inputs = graphInputs.Select((i, k) => MakeInput(i, given?[k])).ToList();
            foreach (var n in g.Node)
            {
                _node = n;
                if (n.Domain is not ("" or "ai.onnx"))
                    throw Unsupported($"the op domain '{n.Domain}' is not translated (only the default ONNX domain).");
                if (_fused.Contains(n)) continue;
                if (n.OpType == stopBefore) return (inputs, [In(0).Tensor]);
                Translate(n);
            }
            _node = null;
            var outputs = g.Output.Select(o => _values.TryGetValue(o.Name, out var v) ? v.Tensor
                : throw new NotSupportedException($"{path}: the graph output '{o.Name}' is a constant or a split channel group, not a computed tensor.")).ToList();
            return (inputs, outputs);
        }

        private KerasTensor MakeInput(P.ValueInfoProto i, KerasTensor? given)
        {
            var t = i.Type?.TensorType ?? throw new NotSupportedException($"{path}: input '{i.Name}' is not a tensor.");
            if ((P.TensorProto.Types.DataType)t.ElemType is not P.TensorProto.Types.DataType.Float)
                throw new NotSupportedException($"{path}: input '{i.Name}' has element type {(P.TensorProto.Types.DataType)t.ElemType}; float32 inputs are imported.");
            var dims = t.Shape?.Dim.Select(d => d.ValueCase == P.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? (int?)d.DimValue : null).ToArray()
                ?? throw new NotSupportedException($"{path}: input '{i.Name}' has no shape.");
            if (dims.Length is not (2 or 4))
                throw new NotSupportedException($"{path}: input '{i.Name}' has rank {dims.Length}; images (N, C, H, W) or (N, H, W, C) followed by a Transpose, and vectors (N, F), are imported.");
            // an NHWC input that the graph transposes to NCHW at once (tf2onnx exports) stays NHWC; an NCHW input becomes NHWC
            bool nhwc = dims.Length == 4 && model.Graph.Node.Where(n => n.Input.Contains(i.Name)).All(n => n.OpType == "Transpose" && Perm(n).SequenceEqual([0L, 3, 1, 2]));
            int?[] shape = dims.Length == 2 ? [dims[1]] : nhwc ? [dims[1], dims[2], dims[3]] : [dims[2], dims[3], dims[1]];
            if (given is not null)
            {
                var gs = given.shape.WithoutBatch();
                bool fits = gs.Rank == shape.Length && gs.Dims.Zip(shape).All(p => p.Second is null || p.First == p.Second);
                if (!fits) throw new ArgumentException($"{path}: input '{i.Name}' expects NHWC shape {new Shape(shape)}, the tensor given has {gs}.");
                _values[i.Name] = new Value(given, ChannelsFirst: dims.Length == 4 && !nhwc);
                return given;
            }
            var layer = new InputLayer(new Shape(shape), Name(i.Name, "", i.Name));
            _values[i.Name] = new Value(layer.Output, ChannelsFirst: dims.Length == 4 && !nhwc);
            return layer.Output;
        }

        private static long[] Perm(P.NodeProto n) => n.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints.ToArray() ?? [];

        // ---- names, attributes, operands

        private string Name(string onnxName, string role, string fallback)
        {
            var source = onnxName.Length > 0 ? onnxName : fallback;
            var baseName = rename?.Invoke(source, role) ?? Sanitize(source + (role.Length > 0 ? "_" + role : ""));
            var name = baseName;
            for (int k = 1; !_names.Add(name); k++) name = $"{baseName}_{k}";
            return name;
        }

        private string LayerName(string role = "") => Name(_node!.Name, role, _node.Output.FirstOrDefault() ?? _node.OpType);

        private P.AttributeProto? Attr(string name) => _node!.Attribute.FirstOrDefault(a => a.Name == name);
        private long[] Ints(string name, long[] def) => Attr(name)?.Ints.ToArray() is { Length: > 0 } v ? v : def;
        private long Int(string name, long def) => Attr(name) is { } a ? a.I : def;
        private float Float(string name, float def) => Attr(name) is { } a ? a.F : def;
        private string Str(string name, string def) => Attr(name) is { } a ? a.S.ToStringUtf8() : def;

        /// <summary>Refuses attributes this translation does not read.</summary>
        private void Known(params string[] names)
        {
            foreach (var a in _node!.Attribute)
                if (!names.Contains(a.Name))
                    throw Unsupported($"the attribute '{a.Name}' is not supported (known: {(names.Length == 0 ? "none" : string.Join(", ", names))}).");
        }

        private Value In(int i)
        {
            var name = _node!.Input[i];
            if (_values.TryGetValue(name, out var v)) return v;
            if (_slices.ContainsKey(name))
                throw Unsupported($"input '{name}' is one output of a Split; Split is translated only when a Concat puts all the channels back (a channel reorder such as RGB→BGR).");
            throw Unsupported($"input '{name}' is a constant where a computed tensor is expected.");
        }

        private Const? ConstIn(int i) => i < _node!.Input.Count && _node.Input[i].Length > 0 && _consts.TryGetValue(_node.Input[i], out var c) ? c : null;

        private Const NeedConst(int i, string what) => ConstIn(i) ?? throw Unsupported($"{what} (input {i}) must be a constant (an initializer or a Constant node).");

        private void Set(Value v) => _values[_node!.Output[0]] = v;

        private KerasTensor Apply(Layer layer, Value x) => layer.Apply(x.Tensor);

        private Value Need4D(Value x)
        {
            if (x.OnnxRank != 4 || !x.ChannelsFirst)
                throw Unsupported($"expects an NCHW image tensor, got {(x.ChannelsFirst ? "" : "a plain ")}tensor of shape {x.Tensor.shape}.");
            return x;
        }

        // ---- the ops

        private void Translate(P.NodeProto n)
        {
            switch (n.OpType)
            {
                case "Conv": Conv(); break;
                case "BatchNormalization": BatchNorm(); break;
                case "Relu": Known(); Set(new Value(Apply(new ReLU(name: LayerName()), In(0)), In(0).ChannelsFirst, true)); break;
                case "LeakyRelu": Known("alpha"); Set(In(0) with { Tensor = Apply(new LeakyReLU(Float("alpha", 0.01f), LayerName()), In(0)), NonNegative = false }); break;
                case "Clip": Clip(); break;
                case "Sigmoid": Known(); Set(new Value(Apply(new Activation("sigmoid", LayerName()), In(0)), In(0).ChannelsFirst, true)); break;
                case "Tanh": Known(); Set(In(0) with { Tensor = Apply(new Activation("tanh", LayerName()), In(0)), NonNegative = false }); break;
                case "Softmax": Softmax(); break;
                case "Add" or "Sub" or "Mul" or "Div": Arithmetic(n.OpType); break;
                case "Sum" or "Max" or "Min" or "Mean": Variadic(n.OpType); break;
                case "Concat": Concat(); break;
                case "Split": Split(); break;
                case "MaxPool" or "AveragePool": Pool(n.OpType == "MaxPool"); break;
                case "GlobalAveragePool": Known(); Set(Need4D(In(0)) with { Tensor = Apply(new GlobalAveragePooling2D(keepdims: true, LayerName()), In(0)) }); break;
                case "GlobalMaxPool": Known(); Set(Need4D(In(0)) with { Tensor = Apply(new GlobalMaxPooling2D(keepdims: true, LayerName()), In(0)) }); break;
                case "Flatten": Flatten(); break;
                case "Reshape": Reshape(); break;
                case "Gemm": Gemm(); break;
                case "MatMul": MatMul(); break;
                case "Transpose": Transpose(); break;
                case "Pad": Pad(); break;
                case "Dropout": Dropout(); break;
                case "Identity": Known(); Alias(); break;
                case "Constant": Constant(); break;
                default:
                    throw Unsupported($"the op {n.OpType} is not supported (supported: Conv, BatchNormalization, Relu, LeakyRelu, Clip, Sigmoid, Tanh, Softmax, Add, Sub, Mul, Div, Sum, Max, Min, Mean, Concat, Split→Concat, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, Flatten, Reshape, Gemm, MatMul, Transpose, Pad, Dropout, Identity, Constant).");
            }
        }

        private void Alias()
        {
            var src = _node!.Input[0];
            if (_values.TryGetValue(src, out var v)) _values[_node.Output[0]] = v;
            else if (_consts.TryGetValue(src, out var c)) _consts[_node.Output[0]] = c;
            else throw Unsupported($"input '{src}' is not a tensor.");
        }

        private void Constant()
        {
            Known("value");
            var t = Attr("value")?.T ?? throw Unsupported("only the 'value' form of Constant is supported.");
            _consts[_node!.Output[0]] = new Const(t.Dims.ToArray(), OnnxFile.Floats(t, Where));
        }

        /// <summary>Explicit pads (top, left, bottom, right) from pads or auto_pad, for a kernel on a known input.</summary>
        private (int T, int L, int B, int R)? Pads(Shape inNhwc, long[] kernel, long[] strides, long[] dilations)
        {
            var auto = Str("auto_pad", "NOTSET");
            if (auto == "VALID") return (0, 0, 0, 0);
            if (auto is "SAME_UPPER" or "SAME_LOWER")
            {
                if (inNhwc[1] is null || inNhwc[2] is null)
                {
                    if (auto == "SAME_UPPER") return null;  // TensorFlow's 'same'
                    throw Unsupported($"auto_pad SAME_LOWER needs a known input size, got {inNhwc}.");
                }
                var (t, b) = SamePads(inNhwc[1]!.Value, kernel[0], strides[0], dilations[0]);
                var (l, r) = SamePads(inNhwc[2]!.Value, kernel[1], strides[1], dilations[1]);
                return auto == "SAME_UPPER" ? (t, l, b, r) : (b, r, t, l);
            }
            if (auto != "NOTSET") throw Unsupported($"auto_pad '{auto}' is not an ONNX value.");
            var p = Ints("pads", [0, 0, 0, 0]);
            if (p.Length != 4) throw Unsupported($"pads [{string.Join(", ", p)}] should have 4 values for a 2-D op.");
            return ((int)p[0], (int)p[1], (int)p[2], (int)p[3]);
        }

        /// <summary>TensorFlow's 'same' padding of one axis: (before, after), the odd pixel after (as our conv layers compute it).</summary>
        private static (int, int) SamePads(long size, long k, long s, long d) => ConvUtils.Padding((int)size, (int)k, (int)s, "same", (int)d);

        /// <summary>'valid', 'same' (when the pads are exactly TensorFlow's), or a ZeroPadding2D in front and 'valid'.</summary>
        private (Value X, string Padding) PadFor(Value x, long[] kernel, long[] strides, long[] dilations, bool zeroPaddingExact)
        {
            var shape = x.Tensor.shape;
            var pads = Pads(shape, kernel, strides, dilations);
            if (pads is null) return (x, "same");
            var (t, l, b, r) = pads.Value;
            if (t == 0 && l == 0 && b == 0 && r == 0) return (x, "valid");
            if (shape[1] is { } h && shape[2] is { } w)
            {
                var (st, sb) = SamePads(h, kernel[0], strides[0], dilations[0]);
                var (sl, sr) = SamePads(w, kernel[1], strides[1], dilations[1]);
                if ((t, b, l, r) == (st, sb, sl, sr)) return (x, "same");
            }
            if (!zeroPaddingExact)
                throw Unsupported($"pads [{t}, {l}, {b}, {r}] are not TensorFlow's 'same' for input {shape}, and zero padding would change this op's result " +
                    "(max pooling over possibly negative values, or average pooling that excludes the padding).");
            var padded = new ZeroPadding2D(new Padding2D(t, b, l, r), LayerName("pad")).Apply(x.Tensor);
            return (x with { Tensor = padded }, "valid");
        }

        private void Conv()
        {
            Known("kernel_shape", "strides", "pads", "auto_pad", "dilations", "group");
            var x = Need4D(In(0));
            var w = NeedConst(1, "the weight");
            var bias = ConstIn(2);
            if (w.Dims.Length != 4) throw Unsupported($"weights of shape [{string.Join(", ", w.Dims)}]: only 2-D convolutions are supported.");
            long outC = w.Dims[0], inPerGroup = w.Dims[1], kh = w.Dims[2], kw = w.Dims[3];
            long group = Int("group", 1);
            long inC = x.Tensor.shape[3] ?? throw Unsupported("the input channels must be known.");
            var kernel = Ints("kernel_shape", [kh, kw]);
            if (kernel[0] != kh || kernel[1] != kw) throw Unsupported($"kernel_shape [{string.Join(", ", kernel)}] disagrees with the weights [{string.Join(", ", w.Dims)}].");
            var strides = Ints("strides", [1, 1]);
            var dil = Ints("dilations", [1, 1]);
            if (bias is not null && bias.Size != outC) throw Unsupported($"the bias has {bias.Size} values for {outC} output channels.");
            var (px, padding) = PadFor(x, kernel, strides, dil, zeroPaddingExact: true);
            Layer layer;
            List<Tensor> weights;
            if (group == 1)
            {
                if (inPerGroup != inC) throw Unsupported($"weights [{string.Join(", ", w.Dims)}] expect {inPerGroup} input channels, the input has {inC}.");
                layer = new Conv2D((int)outC, ((int)kh, (int)kw), ((int)strides[0], (int)strides[1]), padding, ((int)dil[0], (int)dil[1]),
                    use_bias: bias is not null, name: LayerName());
                weights = [Tensor.FromArray(Permute(w.Data, w.Dims, [2, 3, 1, 0]), kh, kw, inC, outC)];  // OIHW → HWIO
            }
            else if (group == inC && inPerGroup == 1 && outC % inC == 0)
            {
                long mult = outC / inC;
                layer = new DepthwiseConv2D(((int)kh, (int)kw), ((int)strides[0], (int)strides[1]), padding, (int)mult, ((int)dil[0], (int)dil[1]),
                    use_bias: bias is not null, name: LayerName());
                // ONNX output channel c·m + j is Keras's depthwise kernel [.., c, j]: (C·m, 1, kh, kw) → (C, m, kh, kw) → (kh, kw, C, m)
                weights = [Tensor.FromArray(Permute(w.Data, [inC, mult, kh, kw], [2, 3, 0, 1]), kh, kw, inC, mult)];
            }
            else throw Unsupported($"group {group} with {inC} input channels: only group 1 (Conv2D) and group = channels (DepthwiseConv2D) are supported.");
            var y = Apply(layer, px);
            if (bias is not null) weights.Add(Tensor.FromArray(bias.Data, outC));
            SetWeights(layer, weights);
            Set(new Value(y, true));
        }

        private static void SetWeights(Layer layer, List<Tensor> weights)
        {
            try { layer.set_weights(weights); }
            finally { foreach (var t in weights) t.Dispose(); }
        }

        private void BatchNorm()
        {
            Known("epsilon", "momentum", "spatial", "training_mode");
            if (Int("spatial", 1) != 1) throw Unsupported("spatial=0 (per-activation statistics) is not supported.");
            if (Int("training_mode", 0) != 0 || _node!.Output.Skip(1).Any(o => o.Length > 0))
                throw Unsupported("training-mode BatchNormalization (running statistics as outputs) is not supported; export the model for inference.");
            var x = In(0);
            if (!(x.OnnxRank == 2 || (x.OnnxRank == 4 && x.ChannelsFirst))) throw Unsupported($"expects (N, C) or NCHW input, got {x.Tensor.shape}.");
            var scale = NeedConst(1, "scale");
            var b = NeedConst(2, "B");
            var mean = NeedConst(3, "mean");
            var v = NeedConst(4, "var");
            long c = x.Tensor.shape[-1] ?? throw Unsupported("the channels must be known.");
            foreach (var (k, t) in new[] { ("scale", scale), ("B", b), ("mean", mean), ("var", v) })
                if (t.Size != c) throw Unsupported($"{k} has {t.Size} values for {c} channels.");
            var layer = new BatchNormalization(-1, Float("momentum", 0.9f), Float("epsilon", 1e-5f), name: LayerName());
            var y = Apply(layer, x);
            SetWeights(layer, [Tensor.FromArray(scale.Data, c), Tensor.FromArray(b.Data, c), Tensor.FromArray(mean.Data, c), Tensor.FromArray(v.Data, c)]);
            Set(x with { Tensor = y, NonNegative = false });
        }

        private void Clip()
        {
            float lo, hi;
            if (_opset < 11)
            {
                Known("min", "max");
                lo = Float("min", float.MinValue);
                hi = Float("max", float.MaxValue);
            }
            else
            {
                Known();
                lo = ConstIn(1)?.Data[0] ?? float.MinValue;
                hi = ConstIn(2)?.Data[0] ?? float.MaxValue;
                if (_node!.Input.Count > 1 && _node.Input[1].Length > 0 && ConstIn(1) is null || _node!.Input.Count > 2 && _node.Input[2].Length > 0 && ConstIn(2) is null)
                    throw Unsupported("min and max must be constants.");
            }
            if (lo != 0) throw Unsupported($"Clip to [{lo}, {hi}]: only min = 0 (ReLU, ReLU6) is supported.");
            double? max = hi >= float.MaxValue || float.IsPositiveInfinity(hi) ? null : hi;
            Set(new Value(Apply(new ReLU(max, name: LayerName()), In(0)), In(0).ChannelsFirst, true));
        }

        /// <summary>Our axis for an ONNX axis of this value (NCHW axes 1, 2, 3 are NHWC's 3, 1, 2).</summary>
        private int Axis(Value x, long onnxAxis)
        {
            int r = x.OnnxRank;
            int a = (int)(onnxAxis < 0 ? onnxAxis + r : onnxAxis);
            if (a <= 0 || a >= r) throw Unsupported($"axis {onnxAxis} on a tensor of rank {r}: only non-batch axes are supported.");
            return x.ChannelsFirst && r == 4 ? a switch { 1 => 3, 2 => 1, _ => 2 } : a;
        }

        private void Softmax()
        {
            Known("axis");
            var x = In(0);
            int r = x.OnnxRank;
            long axis = Int("axis", _opset >= 13 ? -1 : 1);
            int a = (int)(axis < 0 ? axis + r : axis);
            if (_opset < 13 && a != r - 1)
            {
                // before opset 13 Softmax works on the input flattened from `axis` on: one axis only when the rest is 1
                var sh = x.Tensor.shape;
                bool restOnes = x.ChannelsFirst && r == 4 && a == 1 && sh[1] == 1 && sh[2] == 1;
                if (!restOnes) throw Unsupported($"axis {axis} before opset 13 means softmax over the flattened axes {a}..{r - 1} of {sh}; only the last axis is supported.");
            }
            Set(x with { Tensor = Apply(new Keras.Layers.Softmax(Axis(x, a), LayerName()), x), NonNegative = true });
        }

        private void Arithmetic(string op)
        {
            Known();
            var c0 = ConstIn(0);
            var c1 = ConstIn(1);
            if (c0 is not null && c1 is not null) throw Unsupported("both operands are constants (fold them before export).");
            if (c0 is null && c1 is null)
            {
                var a = In(0);
                var b = In(1);
                if (a.ChannelsFirst != b.ChannelsFirst || a.Tensor.shape.ToString() != b.Tensor.shape.ToString())
                    throw Unsupported($"operands of shapes {a.Tensor.shape} and {b.Tensor.shape}: only equal shapes are supported (no broadcasting between tensors).");
                Layer layer = op switch
                {
                    "Add" => new Add(LayerName()),
                    "Sub" => new Subtract(LayerName()),
                    "Mul" => new Multiply(LayerName()),
                    _ => throw Unsupported("division of one tensor by another is not supported."),
                };
                var y = layer.Apply([a.Tensor, b.Tensor]);
                Set(new Value(y, a.ChannelsFirst, op != "Sub" && a.NonNegative && b.NonNegative));
                return;
            }
            if (c0 is not null && op is "Sub" or "Div") throw Unsupported($"{op} of a constant by a tensor (constant first) is not supported.");
            var x = c0 is null ? In(0) : In(1);
            var k = c0 ?? c1!;
            if (k.IsScalar)
            {
                double v = k.Data[0];
                var scalar = op switch
                {
                    "Add" => new Rescaling(1, v, LayerName()),
                    "Sub" => new Rescaling(1, -v, LayerName()),
                    "Mul" => new Rescaling(v, 0, LayerName()),
                    _ => new Rescaling(1 / v, 0, LayerName()),
                };
                Set(x with { Tensor = Apply(scalar, x), NonNegative = x.NonNegative && op is "Mul" or "Div" && v >= 0 });
                return;
            }
            if (op is "Mul" or "Div") throw Unsupported($"{op} by a non-scalar constant of shape [{string.Join(", ", k.Dims)}] is not supported (scalars are).");
            // x ± c with c broadcast over some axes: a Normalization layer whose mean is ∓c and variance 1 (exact)
            var (axes, data) = Broadcastable(x, k);
            var mean = op == "Sub" ? data : data.Select(d => -d).ToArray();
            var norm = new Normalization(axes, null, null, name: LayerName());
            var yn = Apply(norm, x);
            long[] statShape = axes.Select(a => (long)x.Tensor.shape[a]!.Value).ToArray();
            SetWeights(norm, [Tensor.FromArray(mean, statShape), Tensor.Ones(statShape), Tensor.Scalar(1)]);
            Set(x with { Tensor = yn, NonNegative = false });
        }

        /// <summary>Sum, Max, Min, Mean of tensors of one shape: Add, Maximum, Minimum, Average (one input: the tensor itself).</summary>
        private void Variadic(string op)
        {
            Known();
            var xs = Enumerable.Range(0, _node!.Input.Count).Select(In).ToList();
            if (xs.Count == 1) { Set(xs[0]); return; }
            if (xs.Any(v => v.ChannelsFirst != xs[0].ChannelsFirst || v.Tensor.shape.ToString() != xs[0].Tensor.shape.ToString()))
                throw Unsupported($"operands of shapes {string.Join(", ", xs.Select(v => v.Tensor.shape))}: only equal shapes are supported (no broadcasting).");
            Layer layer = op switch
            {
                "Sum" => new Add(LayerName()),
                "Max" => new Maximum(LayerName()),
                "Min" => new Minimum(LayerName()),
                _ => new Average(LayerName()),
            };
            Set(xs[0] with { Tensor = layer.Apply(xs.Select(v => v.Tensor).ToList()), NonNegative = xs.All(v => v.NonNegative) });
        }

        /// <summary>
        /// A constant broadcast against <paramref name="x"/> (ONNX right-aligned broadcasting) as our kept axes
        /// and its values in our axis order.
        /// </summary>
        private (int[] Axes, float[] Data) Broadcastable(Value x, Const k)
        {
            int r = x.OnnxRank;
            if (k.Dims.Length > r) throw Unsupported($"a constant of shape [{string.Join(", ", k.Dims)}] against a tensor of rank {r}.");
            var dims = Enumerable.Repeat(1L, r - k.Dims.Length).Concat(k.Dims).ToArray();
            if (dims[0] != 1) throw Unsupported($"a constant of shape [{string.Join(", ", k.Dims)}] varies over the batch axis.");
            var xs = x.Tensor.shape;
            // the ONNX axes that vary, listed in our axis order
            var onnxAxes = Enumerable.Range(1, r - 1).Where(a => dims[a] != 1).ToList();
            foreach (var a in onnxAxes)
            {
                int ours = Axis(x, a);
                if (xs[ours] != dims[a]) throw Unsupported($"a constant of shape [{string.Join(", ", k.Dims)}] does not match the tensor {xs} (ONNX layout) on axis {a}.");
            }
            var ordered = onnxAxes.OrderBy(a => Axis(x, a)).ToArray();
            var squeezed = onnxAxes.Select(a => dims[a]).ToArray();
            var perm = ordered.Select(a => onnxAxes.IndexOf(a)).ToArray();
            return (ordered.Select(a => Axis(x, a)).ToArray(), Permute(k.Data, squeezed, perm));
        }

        private void Concat()
        {
            Known("axis");
            long axis = Attr("axis")?.I ?? throw Unsupported("the axis attribute is required.");
            var names = _node!.Input;
            if (names.All(_slices.ContainsKey))
            {
                ChannelReorder(names.Select(n => _slices[n]).ToList(), axis);
                return;
            }
            var xs = Enumerable.Range(0, names.Count).Select(In).ToList();
            if (xs.Any(v => v.ChannelsFirst != xs[0].ChannelsFirst || v.OnnxRank != xs[0].OnnxRank))
                throw Unsupported("inputs of different ranks or layouts.");
            var y = new Concatenate(Axis(xs[0], axis), LayerName()).Apply(xs.Select(v => v.Tensor).ToList());
            Set(xs[0] with { Tensor = y, NonNegative = xs.All(v => v.NonNegative) });
        }

        private void Split()
        {
            Known("axis", "split", "num_outputs");
            var x = Need4D(In(0));
            long axis = Int("axis", 0);
            if (Axis(x, axis) != 3) throw Unsupported($"Split on axis {axis}: only the channel axis is supported.");
            int c = x.Tensor.shape[3]!.Value;
            long[] sizes = _opset >= 13 ? (ConstIn(1)?.Data.Select(f => (long)f).ToArray() ?? []) : Ints("split", []);
            int outs = _node!.Output.Count;
            if (sizes.Length == 0)
            {
                if (c % outs != 0) throw Unsupported($"{c} channels do not split evenly into {outs} outputs.");
                sizes = Enumerable.Repeat((long)(c / outs), outs).ToArray();
            }
            if (sizes.Length != outs || sizes.Sum() != c) throw Unsupported($"split [{string.Join(", ", sizes)}] does not cover {c} channels in {outs} outputs.");
            int start = 0;
            for (int i = 0; i < outs; i++)
            {
                _slices[_node.Output[i]] = new Slice(x, start, (int)sizes[i]);
                start += (int)sizes[i];
            }
        }

        /// <summary>A Concat of Split outputs of one tensor that uses every channel once: a fixed 1×1 convolution by a permutation matrix (exact).</summary>
        private void ChannelReorder(List<Slice> parts, long axis)
        {
            var src = parts[0].Source;
            if (parts.Any(p => !ReferenceEquals(p.Source, src)) || Axis(src, axis) != 3)
                throw Unsupported("a Concat of Split outputs is supported only on the channel axis and of one tensor.");
            int c = src.Tensor.shape[3]!.Value;
            var order = parts.SelectMany(p => Enumerable.Range(p.Start, p.Length)).ToArray();
            if (order.Length != c || order.Distinct().Count() != c) throw Unsupported("the Concat does not use every channel of the Split exactly once.");
            var kernel = new float[c * c];  // (1, 1, in, out)
            for (int o = 0; o < c; o++) kernel[order[o] * c + o] = 1;
            var layer = new Conv2D(c, 1, use_bias: false, name: LayerName()) { trainable = false };
            var y = Apply(layer, src);
            SetWeights(layer, [Tensor.FromArray(kernel, 1, 1, c, c)]);
            Set(src with { Tensor = y });
        }

        private void Pool(bool max)
        {
            Known(max ? ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations", "storage_order"]
                      : ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "count_include_pad"]);
            var x = Need4D(In(0));
            var kernel = Ints("kernel_shape", []);
            if (kernel.Length != 2) throw Unsupported("only 2-D pooling is supported.");
            var strides = Ints("strides", [1, 1]);
            if (Int("ceil_mode", 0) != 0) throw Unsupported("ceil_mode=1 is not supported.");
            if (Ints("dilations", [1, 1]).Any(d => d != 1)) throw Unsupported("dilated pooling is not supported.");
            if (_node!.Output.Skip(1).Any(o => o.Length > 0)) throw Unsupported("the Indices output of MaxPool is not supported.");
            bool includePad = Int("count_include_pad", 0) != 0;
            // zero padding is exact for max pooling over non-negative values and for average pooling that counts the pads
            var (px, padding) = PadFor(x, kernel, strides, [1, 1], zeroPaddingExact: max ? x.NonNegative : includePad);
            if (!max && includePad && padding == "same")
            {
                // TensorFlow's 'same' average excludes the padding; this op counts it
                var (t, l, b, r) = Pads(x.Tensor.shape, kernel, strides, [1, 1])!.Value;
                px = x with { Tensor = new ZeroPadding2D(new Padding2D(t, b, l, r), LayerName("pad")).Apply(x.Tensor) };
                padding = "valid";
            }
            IntPair k = ((int)kernel[0], (int)kernel[1]), s = ((int)strides[0], (int)strides[1]);
            Layer layer = max ? new MaxPooling2D(k, s, padding, LayerName()) : new AveragePooling2D(k, s, padding, LayerName());
            Set(px with { Tensor = Apply(layer, px) });
        }

        private void Flatten()
        {
            Known("axis");
            if (Int("axis", 1) != 1) throw Unsupported($"axis {Int("axis", 1)}: only axis 1 (keep the batch) is supported.");
            Set(FlattenValue(In(0)));
        }

        /// <summary>(N, C, H, W) flattened in ONNX's order: NHWC needs a Permute to channels first unless H = W = 1.</summary>
        private Value FlattenValue(Value x)
        {
            if (x.OnnxRank == 2) return x;
            var t = x.Tensor;
            var s = t.shape;
            if (x.ChannelsFirst && x.OnnxRank == 4 && !(s[1] == 1 && s[2] == 1))
                t = new Keras.Layers.Permute([3, 1, 2], LayerName("chw")).Apply(t);
            return new Value(new Keras.Layers.Flatten(name: LayerName()).Apply(t), false, x.NonNegative);
        }

        private void Reshape()
        {
            Known("allowzero");
            var x = In(0);
            var target = NeedConst(1, "the shape").Data.Select(f => (long)f).ToArray();
            long per = x.Tensor.shape.WithoutBatch().NumElements ?? throw Unsupported($"the input size must be known, got {x.Tensor.shape}.");
            bool keepsBatch = target.Length > 0 && target[0] is 0 or -1 or 1;
            var rest = target.Skip(1).ToArray();
            if (!keepsBatch) throw Unsupported($"target shape [{string.Join(", ", target)}] does not keep the batch axis first.");
            if (target.Length == 2 && (rest[0] == -1 || rest[0] == per))
            {
                Set(FlattenValue(x));
                return;
            }
            if (x.OnnxRank != 2) throw Unsupported($"reshaping {x.Tensor.shape} to [{string.Join(", ", target)}]: only flattening an image and reshaping vectors are supported.");
            if (rest.Any(d => d == 0)) throw Unsupported("0 (copy a dimension) past the batch axis is not supported.");
            var shape = new Shape(rest.Select(d => (int?)(int)d).ToArray());
            var y = new Keras.Layers.Reshape(shape, LayerName()).Apply(x.Tensor);
            if (rest.Length == 3)
                Set(new Value(new Keras.Layers.Permute([2, 3, 1], LayerName("hwc")).Apply(y), true));  // (C, H, W) → NHWC
            else
                Set(new Value(y, false));
        }

        private void Gemm()
        {
            Known("alpha", "beta", "transA", "transB");
            if (Int("transA", 0) != 0) throw Unsupported("transA=1 is not supported.");
            var x = In(0);
            if (x.OnnxRank != 2) throw Unsupported($"expects (N, K) input, got {x.Tensor.shape}.");
            var b = NeedConst(1, "B");
            var c = ConstIn(2);
            float alpha = Float("alpha", 1), beta = Float("beta", 1);
            bool transB = Int("transB", 0) != 0;
            long k = transB ? b.Dims[1] : b.Dims[0], m = transB ? b.Dims[0] : b.Dims[1];
            if (x.Tensor.shape[1] != k) throw Unsupported($"B [{string.Join(", ", b.Dims)}] does not fit the input {x.Tensor.shape}.");
            var kernel = transB ? Permute(b.Data, b.Dims, [1, 0]) : (float[])b.Data.Clone();
            if (alpha != 1) for (int i = 0; i < kernel.Length; i++) kernel[i] *= alpha;
            float[]? bias = null;
            if (c is not null)
            {
                if (c.Size != m && c.Size != 1) throw Unsupported($"C of shape [{string.Join(", ", c.Dims)}] is not (M) or a scalar.");
                bias = Enumerable.Range(0, (int)m).Select(i => beta * c.Data[c.Size == 1 ? 0 : i]).ToArray();
            }
            DenseFrom(x, kernel, k, m, bias);
        }

        private void DenseFrom(Value x, float[] kernel, long k, long m, float[]? bias, string? outputName = null)
        {
            var layer = new Dense((int)m, use_bias: bias is not null, name: LayerName());
            var y = Apply(layer, x);
            var w = new List<Tensor> { Tensor.FromArray(kernel, k, m) };
            if (bias is not null) w.Add(Tensor.FromArray(bias, m));
            SetWeights(layer, w);
            _values[outputName ?? _node!.Output[0]] = new Value(y, false);
        }

        private void MatMul()
        {
            Known();
            var x = In(0);
            var b = NeedConst(1, "B");
            if (x.OnnxRank != 2 || b.Dims.Length != 2) throw Unsupported($"only (N, K) × (K, M) with a constant matrix is supported, got {x.Tensor.shape} × [{string.Join(", ", b.Dims)}].");
            long k = b.Dims[0], m = b.Dims[1];
            if (x.Tensor.shape[1] != k) throw Unsupported($"B [{string.Join(", ", b.Dims)}] does not fit the input {x.Tensor.shape}.");
            // MatMul then Add of a bias vector, the product used nowhere else: one Dense with its bias
            var output = _node!.Output[0];
            var users = model.Graph.Node.Where(n => n.Input.Contains(output)).ToList();
            if (users is [{ OpType: "Add" } add] && !model.Graph.Output.Any(o => o.Name == output))
            {
                var other = add.Input[0] == output ? add.Input[1] : add.Input[0];
                if (_consts.TryGetValue(other, out var c) && c.Size == m && c.Dims.Length <= 2)
                {
                    _fused.Add(add);
                    DenseFrom(x, b.Data, k, m, c.Data, add.Output[0]);
                    return;
                }
            }
            DenseFrom(x, b.Data, k, m, null);
        }

        private void Transpose()
        {
            Known("perm");
            var x = In(0);
            var perm = Perm(_node!);
            if (x.OnnxRank == 4 && !x.ChannelsFirst && perm.SequenceEqual([0L, 3, 1, 2])) Set(x with { ChannelsFirst = true });       // NHWC → NCHW: our layout already
            else if (x.OnnxRank == 4 && x.ChannelsFirst && perm.SequenceEqual([0L, 2, 3, 1])) Set(x with { ChannelsFirst = false });  // NCHW → NHWC: the tensor as it is
            else throw Unsupported($"perm [{string.Join(", ", perm)}] on {(x.ChannelsFirst ? "an NCHW" : "a plain")} tensor {x.Tensor.shape}: only the NHWC↔NCHW transposes are supported.");
        }

        private void Pad()
        {
            Known("mode", "pads", "value");
            var x = Need4D(In(0));
            if (Str("mode", "constant") != "constant") throw Unsupported($"mode '{Str("mode", "constant")}': only constant padding is supported.");
            long[] p;
            float value;
            if (_opset < 11) { p = Ints("pads", []); value = Float("value", 0); }
            else
            {
                p = NeedConst(1, "pads").Data.Select(f => (long)f).ToArray();
                value = ConstIn(2)?.Data[0] ?? 0;
            }
            if (value != 0) throw Unsupported($"padding with {value}: only zeros are supported.");
            if (p.Length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0 || p.Any(v => v < 0))
                throw Unsupported($"pads [{string.Join(", ", p)}]: only non-negative padding of height and width is supported.");
            var y = new ZeroPadding2D(new Padding2D((int)p[2], (int)p[6], (int)p[3], (int)p[7]), LayerName()).Apply(x.Tensor);
            Set(x with { Tensor = y });
        }

        private void Dropout()
        {
            Known("ratio", "seed");
            double ratio = _opset < 12 ? Float("ratio", 0.5f) : ConstIn(1)?.Data[0] ?? 0.5;
            var x = In(0);
            Set(x with { Tensor = Apply(new Keras.Layers.Dropout(ratio, LayerName()), x) });
        }
    }

    /// <summary>Reorders a row-major array of shape <paramref name="dims"/> by <paramref name="perm"/> (numpy's transpose), through the engine.</summary>
    internal static float[] Permute(float[] data, long[] dims, int[] perm)
    {
        using var scope = new TensorScope();
        return Tensor.FromArrayExact(data, dims).Permute(perm.Select(p => (long)p).ToArray()).Contiguous().ToArray<float>();
    }
}
