using System.Text.Json;
using KerasNet.Engine;
using KerasNet.Keras.Utils;

namespace KerasNet.Keras.Applications;

/// <summary>keras.applications.imagenet_utils: input preprocessing modes and decode_predictions.</summary>
public static class ImagenetUtils
{
    public const string ClassIndexPath = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json";
    public const string ClassIndexHash = "c2c37ea517e94d9795004a39431a14cb";

    /// <summary>
    /// Keras's preprocess_input on RGB images (…, H, W, 3) with values 0-255: "caffe" (RGB→BGR, minus the
    /// ImageNet BGR means 103.939/116.779/123.68), "tf" (scaled to [-1, 1]) or "torch" (0-1, then ImageNet
    /// mean/std). Returns a new float32 tensor.
    /// </summary>
    public static Tensor PreprocessInput(Tensor x, string mode = "caffe")
    {
        if (x.NDim < 1 || x.Shape[^1] != 3 && mode != "tf")
            throw new ArgumentException($"preprocess_input({mode}) expects RGB images with 3 channels last, got shape {Tensor.FormatShape(x.Shape)}.");
        using var scope = new TensorScope();
        var f = x.DType == DType.Float32 ? x : x.AsType(DType.Float32);
        Tensor result = mode switch
        {
            "tf" => f / 127.5 - 1.0,
            "torch" => (f / 255.0 - Tensor.FromArray(new[] { 0.485f, 0.456f, 0.406f }, 3))
                       / Tensor.FromArray(new[] { 0.229f, 0.224f, 0.225f }, 3),
            "caffe" => f.IndexSelect(x.NDim - 1, Tensor.FromArray(new long[] { 2, 1, 0 }, 3))
                       - Tensor.FromArray(new[] { 103.939f, 116.779f, 123.68f }, 3),
            _ => throw new ArgumentException($"Expected mode to be one of caffe, tf or torch, got '{mode}'."),
        };
        return result.MoveToOuterScope();
    }

    private static Dictionary<int, (string Id, string Name)>? _classIndex;

    /// <summary>
    /// The top classes of each row of (samples, 1000) ImageNet predictions as (class_name, description,
    /// score), best first. The class index file is fetched with get_file like Keras
    /// (~/.keras/models/imagenet_class_index.json).
    /// </summary>
    public static List<List<(string class_name, string class_description, double score)>> DecodePredictions(Tensor preds, int top = 5)
    {
        if (preds.NDim != 2 || preds.Shape[1] != 1000)
            throw new ArgumentException(
                $"decode_predictions expects a batch of predictions (a 2D array of shape (samples, 1000)), got shape {Tensor.FormatShape(preds.Shape)}.");
        _classIndex ??= LoadClassIndex(GetFile.Get("imagenet_class_index.json", ClassIndexPath, ClassIndexHash, "models"));
        using var scope = new TensorScope();
        var values = preds.AsType(DType.Float32).ToArray<float>();
        var results = new List<List<(string, string, double)>>();
        for (int r = 0; r < preds.Shape[0]; r++)
        {
            var row = values.AsSpan(r * 1000, 1000).ToArray();
            results.Add(Enumerable.Range(0, 1000).OrderByDescending(i => row[i]).Take(top)
                .Select(i => (_classIndex[i].Id, _classIndex[i].Name, (double)row[i])).ToList());
        }
        return results;
    }

    internal static Dictionary<int, (string, string)> LoadClassIndex(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.EnumerateObject().ToDictionary(
                p => int.Parse(p.Name),
                p => (p.Value[0].GetString()!, p.Value[1].GetString()!));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{path}: not an ImageNet class index ({e.Message}).", e);
        }
    }

    /// <summary>Keras's obtain_input_shape (channels last): validates or defaults a model's input shape.</summary>
    internal static Shape ObtainInputShape(Shape? inputShape, int defaultSize, int minSize, bool requireFlatten, bool imagenet)
    {
        var defaultShape = new Shape(defaultSize, defaultSize, 3);
        if (imagenet && requireFlatten)
        {
            if (inputShape is not null && !inputShape.Equals(defaultShape))
                throw new ArgumentException($"When setting include_top=true and loading imagenet weights, input_shape should be {defaultShape}, got {inputShape}.");
            return defaultShape;
        }
        if (inputShape is not null)
        {
            if (inputShape.Rank != 3) throw new ArgumentException($"input_shape must be a tuple of three integers, got {inputShape}.");
            if (imagenet && inputShape[2] != 3) throw new ArgumentException($"The input must have 3 channels; got input_shape={inputShape}.");
            if (inputShape[0] < minSize || inputShape[1] < minSize)
                throw new ArgumentException($"Input size must be at least {minSize}x{minSize}; got input_shape={inputShape}.");
            return inputShape;
        }
        if (requireFlatten) return defaultShape;
        return new Shape(null, null, 3);
    }

    /// <summary>Resolves an application's weights argument: "imagenet" (cache or download), a file path, or null.</summary>
    internal static string? ResolveWeights(string? weights, string fname, string origin, string? fileHash)
    {
        if (weights is null) return null;
        if (weights == "imagenet") return GetFile.Get(fname, origin, fileHash, cache_subdir: "models");
        if (!File.Exists(weights))
            throw new ArgumentException(
                $"The weights argument should be null (random initialization), \"imagenet\" (pre-training on ImageNet), or the path to the weights file to be loaded; no file at '{weights}'.");
        return weights;
    }
}
