using KerasNet.Engine;
using KerasNet.Keras.Explain;
using static KerasNet.KerasApi;

namespace KerasNet.Harness;

/// <summary>
/// The explain command: Grad-CAM for a saved model or a run's model on given images — per image a PNG overlay
/// (map blended on the image, class and probability written on it) and the raw map as CSV, named after the image.
/// Images are loaded as predict loads them (the model's input size, the run's rescale).
/// </summary>
public sealed class Explainer
{
    private readonly Predictor _info;

    public Explainer(string modelOrRun) => _info = new Predictor(modelOrRun);

    public sealed record Result(string File, string Label, double Probability, string Layer, string Png, string Csv);

    /// <summary>The folder results go to by default: explain/ beside the model (in a run folder: the run's).</summary>
    public string DefaultFolder => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_info.ModelPath))!, "explain");

    public List<Result> Run(IReadOnlyList<string> files, string? layerName, string? className, string? folder, TextWriter log)
    {
        if (_info.ModelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"explain: {_info.ModelPath} is an ONNX file; Grad-CAM needs the Keras model (model.keras or .h5) to take gradients.");
        folder ??= DefaultFolder;
        Directory.CreateDirectory(folder);
        using var model = keras.models.load_model(_info.ModelPath, compile: false);
        var shape = model.input_shape ?? throw new InvalidDataException($"{_info.ModelPath}: the model has no input shape.");
        if (shape.Rank != 4 || shape[3] is not (1 or 3))
            throw new InvalidDataException($"{_info.ModelPath}: the model takes {shape}, not images (None, height, width, 1 or 3).");
        int h = shape[1] ?? 224, w = shape[2] ?? 224, c = shape[3]!.Value;
        var cam = new GradCAM(model, layerName);
        int? classIndex = className is null ? null : ClassIndex(className);
        log.WriteLine($"{_info.ModelPath}: Grad-CAM at layer '{cam.layer_name}', input {shape}; {files.Count} image(s) → {folder}");
        var results = new List<Result>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            using var scope = new TensorScope();
            var image = keras.utils.load_img(file, color_mode: c == 1 ? "grayscale" : "rgb", target_size: (h, w)).AsType(DType.Float32);
            var e = cam.explain(image * _info.Rescale, classIndex);
            var rgb = (c == 1 ? Tensor.Concat([image, image, image], 2) : image).ToArray<float>();
            var label = Name(e.ClassIndex);
            var stem = Path.GetFileNameWithoutExtension(file);
            for (int k = 2; !used.Add(stem); k++) stem = $"{Path.GetFileNameWithoutExtension(file)}-{k}";  // same names in different folders
            var png = Path.Combine(folder, stem + ".gradcam.png");
            var csv = Path.Combine(folder, stem + ".gradcam.csv");
            HeatmapOverlay.WritePng(png, HeatmapOverlay.Blend(rgb, h, w, e.Heatmap), h, w, $"{label} {e.Probability:F3}");
            RunRecords.WriteAtomically(csv, HeatmapOverlay.Csv(e.Heatmap));
            results.Add(new Result(file, label, e.Probability, e.LayerName, png, csv));
        }
        return results;
    }

    private int ClassIndex(string name)
    {
        if (_info.Labels is { } labels && labels.ToList().IndexOf(name) is >= 0 and var i) return i;
        if (int.TryParse(name, out var n) && n >= 0) return n;
        throw new ArgumentException($"explain: --class {name} is neither a class name ({string.Join(", ", _info.Labels ?? [])}) nor a class index.");
    }

    private string Name(int index) => _info.Labels is { } l && index < l.Count ? l[index] : index.ToString();
}
