using KerasNet.Engine;
using KerasNet.Keras.Applications;
using Microsoft.ML.OnnxRuntime;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// ResNet18 imported from ML.NET's featurizer package, on real images, against ONNX Runtime running the
/// package's own two files: ResNetPreprocess.onnx against our preprocess_input (goal: exactly equal), then
/// ResNet18.onnx against our imported model on the same preprocessed pixels (goal: max |diff| ≤ 1e-4).
/// </summary>
internal static class ResNet18CrossCheck
{
    public static int Run(string imagesDir, int count)
    {
        var files = Directory.GetFiles(imagesDir, "*.jpg").Order(StringComparer.Ordinal).Take(count).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"No .jpg files in {imagesDir}.");
        using var scope = new TensorScope();
        var pixels = Tensor.Concat(files.Select(p => keras.utils.img_to_array(keras.utils.load_img(p, target_size: (224, 224))).Reshape(1, 224, 224, 3)).ToList());
        var pre = keras.applications.resnet18.preprocess_input(pixels);
        using var model = keras.applications.ResNet18(pooling: "avg");
        var ours = model.predict(pre, batch_size: 16, verbose: 0).ToArray<float>();

        using var prep = new InferenceSession(ResNet18.FilePath(ResNet18.PreprocessFile));
        using var net = new InferenceSession(ResNet18.FilePath(ResNet18.ModelFile));
        double prepDiff = 0, featDiff = 0, maxFeature = 0;
        var preNchw = pre.Permute(0, 3, 1, 2).Contiguous().ToArray<float>();
        var pixNchw = pixels.Permute(0, 3, 1, 2).Contiguous().ToArray<float>();
        int per = 3 * 224 * 224;
        for (int i = 0; i < files.Count; i++)
        {
            // the files take one image at a time (batch fixed at 1)
            var p = Run1(prep, pixNchw.AsMemory(i * per, per));
            for (int k = 0; k < per; k++) prepDiff = Math.Max(prepDiff, Math.Abs(p[k] - preNchw[i * per + k]));
            var f = Run1(net, preNchw.AsMemory(i * per, per));
            for (int k = 0; k < 512; k++)
            {
                featDiff = Math.Max(featDiff, Math.Abs(f[k] - ours[i * 512 + k]));
                maxFeature = Math.Max(maxFeature, Math.Abs(f[k]));
            }
        }
        Console.WriteLine($"RESULT resnet18-crosscheck images={files.Count} preprocessing_max_abs_diff={prepDiff:E2} (goal 0) " +
                          $"feature_max_abs_diff={featDiff:E2} (goal <= 1e-4) feature_max_abs={maxFeature:F3}");
        return prepDiff == 0 && featDiff <= 1e-4 ? 0 : 1;
    }

    private static float[] Run1(InferenceSession s, Memory<float> nchw)
    {
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(nchw, [1, 3, 224, 224]);
        using var r = s.Run([NamedOnnxValue.CreateFromTensor(s.InputMetadata.Keys.Single(), input)]);
        return r.First().AsTensor<float>().ToArray();
    }
}
