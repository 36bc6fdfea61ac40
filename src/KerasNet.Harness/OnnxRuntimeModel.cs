using KerasNet.Engine;
using KerasNet.Keras;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Tensor = KerasNet.Engine.Tensor;

namespace KerasNet.Harness;

/// <summary>
/// An .onnx image classifier run by ONNX Runtime, as a deployed .NET application runs it: one float image
/// input, NHWC (our exports) or NCHW (other exporters; the images are transposed for it), any batch size the
/// file allows. The session is disposed with this object.
/// </summary>
public sealed class OnnxRuntimeModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly bool _nchw;
    private readonly bool _batchOfOne;

    public OnnxRuntimeModel(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such ONNX file.", path);
        Path = path;
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
        try { _session = new InferenceSession(path, options); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"{path}: ONNX Runtime cannot load it: {e.Message}", e); }
        try
        {
            if (_session.InputMetadata.Count != 1)
                throw new InvalidDataException($"{path}: the ONNX model has {_session.InputMetadata.Count} inputs " +
                    $"({string.Join(", ", _session.InputMetadata.Keys)}); predict and catsdogs-evaluate feed one image tensor.");
            var (name, meta) = _session.InputMetadata.Single();
            _input = name;
            var d = meta.Dimensions;
            if (meta.ElementType != typeof(float) || d.Length != 4)
                throw new InvalidDataException($"{path}: input '{name}' is {meta.ElementType.Name} [{string.Join(", ", d)}], not a float image batch (N, H, W, C) or (N, C, H, W).");
            _nchw = d[3] is not (1 or 3) && d[1] is 1 or 3;
            int? Dim(int i) => d[i] > 0 ? d[i] : null;
            InputShape = _nchw ? new Shape(null, Dim(2), Dim(3), Dim(1)) : new Shape(null, Dim(1), Dim(2), Dim(3));
            _batchOfOne = d[0] == 1;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>(None, height, width, channels), whatever layout the file takes.</summary>
    public Shape InputShape { get; }

    /// <summary>The first output for NHWC images, (N, ...) flattened per image to (N, k).</summary>
    public Tensor Predict(Tensor nhwc, int batchSize = 32)
    {
        if (nhwc.Shape.Length != 4) throw new ArgumentException($"{Path}: expected (N, H, W, C) images, got {Tensor.FormatShape(nhwc.Shape)}.");
        long n = nhwc.Shape[0];
        int step = _batchOfOne ? 1 : batchSize;
        var rows = new List<float>();
        long perImage = 0;
        for (long start = 0; start < n; start += step)
        {
            long count = Math.Min(step, n - start);
            using var scope = new TensorScope();
            var part = nhwc.Narrow(0, start, count).AsType(DType.Float32);
            if (_nchw) part = part.Permute(0, 3, 1, 2);
            part = part.Contiguous();
            var shape = part.Shape.Select(v => (int)v).ToArray();
            var input = new DenseTensor(part.ToArray<float>(), shape);
            using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, input)]);
            var output = results.First().AsTensor<float>();
            perImage = output.Length / count;
            rows.AddRange(output.ToArray());
        }
        return Tensor.FromArray(rows.ToArray(), n, perImage);
    }

    public void Dispose() => _session.Dispose();
}
