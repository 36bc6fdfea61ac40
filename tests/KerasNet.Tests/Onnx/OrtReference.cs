using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KerasNet.Tests.Onnx;

/// <summary>Runs an .onnx file in ONNX Runtime: the independent reference of the import and export tests.</summary>
internal static class OrtReference
{
    /// <summary>
    /// The first output for one float input of the given shape and data (row-major); a model whose batch
    /// dimension is fixed at 1 runs sample by sample, the outputs concatenated (shape: the first one's).
    /// </summary>
    public static (float[] Data, int[] Shape) Run(string path, float[] data, int[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 2 };
        using var session = new InferenceSession(path, options);
        var (name, meta) = session.InputMetadata.Single();
        int n = shape[0], per = data.Length / n;
        int batch = meta.Dimensions[0] == 1 ? 1 : n;
        var all = new List<float>();
        int[] outShape = [];
        for (int i = 0; i < n; i += batch)
        {
            var input = new DenseTensor<float>(data.AsMemory(i * per, per * batch), [batch, .. shape[1..]]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, input)]);
            var t = results.First().AsTensor<float>();
            all.AddRange(t.ToArray());
            if (outShape.Length == 0) outShape = t.Dimensions.ToArray();
        }
        return (all.ToArray(), outShape);
    }

    public static float[] Nchw(KerasNet.Engine.Tensor nhwc)
    {
        using var p = nhwc.Permute(0, 3, 1, 2).Contiguous();
        return p.ToArray<float>();
    }

    public static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return m;
    }
}
