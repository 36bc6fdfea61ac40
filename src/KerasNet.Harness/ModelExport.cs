using static KerasNet.KerasApi;

namespace KerasNet.Harness;

/// <summary>
/// The <c>export</c> command: a saved model or a run's model as an .onnx file (model.export, opset 13), with
/// the run's labels.txt and preprocessing.json copied beside it as "&lt;name&gt;.labels.txt" and
/// "&lt;name&gt;.preprocessing.json", so <c>predict</c> uses the exported file as it used the original.
/// </summary>
public static class ModelExport
{
    /// <summary>Exports; returns a one-line summary.</summary>
    public static string Run(string modelOrRun, string to)
    {
        var source = Predictor.ResolveModel(modelOrRun);
        if (!to.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"--to {to}: name an .onnx file.");
        using var model = keras.models.load_model(source, compile: false);
        model.export(to, format: "onnx");
        var dir = Path.GetDirectoryName(Path.GetFullPath(source))!;
        foreach (var (name, suffix) in new[] { ("labels.txt", ".labels.txt"), ("preprocessing.json", ".preprocessing.json") })
            if (File.Exists(Path.Combine(dir, name)))
                File.Copy(Path.Combine(dir, name), Path.ChangeExtension(to, suffix), overwrite: true);
        return $"{source} → {to} ({new FileInfo(to).Length / 1e6:F1} MB, input {model.input_shape}, {model.count_params():N0} weights)";
    }
}
