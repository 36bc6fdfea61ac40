using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Harness;

/// <summary>
/// The <c>predict</c> command: classifies image files and folders with any saved model (.keras / .h5), an
/// exported .onnx (run in ONNX Runtime) or run folder (its model.keras). Class names come from the run's labels.txt, a "&lt;model&gt;.labels.txt" or labels.txt
/// beside the model, or are the class indices. Images are read at the model's input size and scaled by the
/// "&lt;model&gt;.preprocessing.json" or preprocessing.json beside the model ({"rescale": 0.00392156862745098}), 1/255 when there is none. A model with one
/// sigmoid output is a binary classifier: p(class 1) = output, p(class 0) = 1 - output.
/// </summary>
public sealed class Predictor
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif"];

    public sealed record Prediction(string File, IReadOnlyList<(string Label, double Probability)> Top);

    public Predictor(string modelOrRun)
    {
        ModelPath = ResolveModel(modelOrRun);
        var dir = Path.GetDirectoryName(Path.GetFullPath(ModelPath))!;
        Labels = ReadLabels(ModelPath, dir);
        Rescale = ReadRescale(ModelPath, dir);
    }

    public string ModelPath { get; }

    public IReadOnlyList<string>? Labels { get; }

    public double Rescale { get; }

    /// <summary>The model file of a run folder (model.keras, else model.h5), or the file itself.</summary>
    public static string ResolveModel(string path)
    {
        if (File.Exists(path)) return path;
        if (Directory.Exists(path))
        {
            foreach (var name in new[] { "model.keras", "model.h5" })
                if (File.Exists(Path.Combine(path, name))) return Path.Combine(path, name);
            throw new FileNotFoundException($"{path}: the folder holds no model.keras or model.h5 (runs save one when they finish).");
        }
        throw new FileNotFoundException($"{path}: no such model file or run folder.", path);
    }

    private static IReadOnlyList<string>? ReadLabels(string model, string dir)
    {
        foreach (var candidate in new[] { Path.ChangeExtension(model, ".labels.txt"), model + ".labels.txt", Path.Combine(dir, "labels.txt") })
            if (File.Exists(candidate))
                return File.ReadAllLines(candidate).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return null;
    }

    private static double ReadRescale(string model, string dir)
    {
        var path = Path.ChangeExtension(model, ".preprocessing.json");
        if (!File.Exists(path)) path = Path.Combine(dir, "preprocessing.json");
        if (!File.Exists(path)) return 1.0 / 255;
        var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new InvalidDataException($"{path}: not a JSON object.");
        return json["rescale"]?.GetValue<double>() ?? 1.0;
    }

    /// <summary>The image files named, folders searched recursively, in a stable order.</summary>
    public static List<string> Images(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (File.Exists(p)) files.Add(p);
            else if (Directory.Exists(p))
                files.AddRange(Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            else throw new FileNotFoundException($"{p}: no such image file or folder.", p);
        }
        if (files.Count == 0) throw new ArgumentException("predict: no images found in the paths given.");
        return files;
    }

    /// <summary>Predicts every image; <paramref name="top"/> classes per image, most probable first.</summary>
    public List<Prediction> Run(IReadOnlyList<string> files, int top, TextWriter log, int batchSize = 32)
    {
        if (top < 1) throw new ArgumentException($"--top must be ≥ 1, got {top}.");
        // an .onnx file runs in ONNX Runtime, as deployed; Keras files in KerasNet
        bool onnx = ModelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        using var model = onnx ? null : keras.models.load_model(ModelPath, compile: false);
        using var session = onnx ? new OnnxRuntimeModel(ModelPath) : null;
        var shape = (onnx ? session!.InputShape : model!.input_shape) ?? throw new InvalidDataException($"{ModelPath}: the model has no input shape.");
        if (shape.Rank != 4 || shape[3] is not (1 or 3))
            throw new InvalidDataException($"{ModelPath}: the model takes {shape}, not images (None, height, width, 1 or 3).");
        int h = shape[1] ?? 224, w = shape[2] ?? 224, c = shape[3]!.Value;
        log.WriteLine($"{ModelPath}: {(onnx ? "ONNX Runtime" : model!.name)}, input {shape}, {(Labels is null ? "class indices" : string.Join(", ", Labels))}; {files.Count} image(s)");
        var results = new List<Prediction>();
        for (int start = 0; start < files.Count; start += batchSize)
        {
            using var scope = new TensorScope();
            var batch = files.Skip(start).Take(batchSize).ToList();
            var images = new Tensor[batch.Count];
            Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                images[i] = Runtime.SingleThreaded(() =>
                    keras.utils.load_img(batch[i], color_mode: c == 1 ? "grayscale" : "rgb", target_size: (h, w))));
            var x = Tensor.Concat(images.Select(img => img.Reshape(1, h, w, c)).ToList()).AsType(DType.Float32) * Rescale;
            foreach (var img in images) img.Dispose();
            var y = (onnx ? session!.Predict(x, batchSize) : model!.predict(x, batch_size: batchSize)).ToArray<float>();
            int k = y.Length / batch.Count;
            for (int i = 0; i < batch.Count; i++)
            {
                double[] p = k == 1 ? [1 - y[i], y[i]] : y.Skip(i * k).Take(k).Select(v => (double)v).ToArray();
                var ranked = p.Select((v, j) => (Label: Name(j), Probability: v)).OrderByDescending(t => t.Probability)
                    .Take(Math.Min(top, p.Length)).ToList();
                results.Add(new Prediction(batch[i], ranked));
            }
        }
        return results;
    }

    private string Name(int index) =>
        Labels is not null && index < Labels.Count ? Labels[index] : index.ToString(CultureInfo.InvariantCulture);

    public static string Csv(IEnumerable<Prediction> predictions)
    {
        var sb = new StringBuilder("file,rank,label,probability\n");
        foreach (var p in predictions)
            for (int r = 0; r < p.Top.Count; r++)
                sb.Append(CultureInfo.InvariantCulture, $"\"{p.File.Replace("\"", "\"\"")}\",{r + 1},\"{p.Top[r].Label}\",{p.Top[r].Probability:R}\n");
        return sb.ToString();
    }

    public static string Json(IEnumerable<Prediction> predictions) =>
        new JsonArray(predictions.Select(p => (JsonNode)new JsonObject
        {
            ["file"] = p.File,
            ["top"] = new JsonArray(p.Top.Select(t => (JsonNode)new JsonObject { ["label"] = t.Label, ["probability"] = t.Probability }).ToArray()),
        }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
