using System.Text.Json;
using KerasNet.Engine;
using System.Text.Json.Nodes;
using KerasNet.Harness;
using KerasNet.Keras.Explain;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// §4: every trained cats-vs-dogs model on the held-out test_data. Each run folder's model is rebuilt
/// as its experiment built it (same backbone and precision), its best_weights.h5 loaded, and the test
/// images classified (dog when p &gt; 0.5). Per model this writes the confusion matrix (CSV and SVG) and
/// the classification report (precision, recall, F1 per class) into the evaluation's run folder, and
/// adds test_accuracy to the evaluated run's metrics.json so <c>compare</c> shows it.
/// </summary>
public sealed class CatsDogsEvaluate : Experiment
{
    public static readonly string[] ClassNames = ["cat", "dog"];

    public override string Name => "catsdogs-evaluate";
    public override bool Trains => false;
    public override string Description => "Each trained cats-vs-dogs run (default: all under runs/) on test_data: accuracy, precision/recall/F1 per class, confusion matrix";
    public override string ArticleResult => "§4: test accuracy per model";

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var runs = (o.Runs.Count > 0 ? o.Runs.ToList() : FinishedRuns("runs")).Select(Path.GetFullPath).ToList();
        if (runs.Count == 0)
            throw new ArgumentException("No trained cats-vs-dogs runs to evaluate: no folder under runs/ has config.json and best_weights.h5. Train one first, or name run folders.");
        var plan = runs.Select(r => (Folder: r, Config: ReadRun(r))).ToList();  // every folder checked before minutes of work
        var testDir = Path.Combine(CatsDogsData.Root(o), "test_data");
        // the test images at each size a model takes (150; ResNet18 224), loaded once per size
        var bySize = new Dictionary<int, (Tensor X, Tensor Y)>();
        List<string> testFiles = [];
        (Tensor X, Tensor Y) Test(int size)
        {
            if (!bySize.TryGetValue(size, out var t))
            {
                var (x, y, files) = CatsDogsData.Load(testDir, context.Out, size: size);
                bySize[size] = t = (x, y);
                testFiles = files.ToList();
            }
            return t;
        }

        var result = new ExperimentResult();
        var summary = new JsonArray();
        var policy = keras.mixed_precision.global_policy().name;
        try
        {
            foreach (var (folder, config) in plan)
            {
                var label = Path.GetFileName(folder);
                context.Out.WriteLine($"\n{label}: {config.Experiment} ({(config.Owner.UsesBackbone ? $"backbone {config.Backbone}, " : "")}{config.Precision})");
                keras.mixed_precision.set_global_policy(config.Precision);
                var runContext = new ExperimentContext(o with { Backbone = config.Backbone, Precision = config.Precision, Weights = config.Weights },
                    folder, context.Out);
                // the run's saved model when it has one (model.keras: architecture and best weights), else rebuilt as its experiment builds it
                var saved = Path.Combine(folder, "model.keras");
                Tensor probabilities;
                Tensor xTest;
                List<int> truth;
                if (File.Exists(saved))
                {
                    context.Out.WriteLine($"model: {saved}");
                    using var model = keras.models.load_model(saved, compile: false);
                    var (x, y) = Test(model.input_shape?[1] ?? CatsDogsModels.ImageSize);
                    (xTest, truth) = (x, y.ToArray<float>().Select(v => (int)v).ToList());
                    probabilities = model.predict(xTest, batch_size: 32, verbose: o.Verbose == 0 ? 0 : 1);
                    WrongOverlays(context, model, xTest, probabilities, truth, testFiles, Path.Combine(context.RunDirectory, label + ".wrong"));
                }
                else
                {
                    var model = config.Owner.BuildForEvaluation(runContext);
                    model.load_weights(Path.Combine(folder, "best_weights.h5"));
                    var (x, y) = Test(config.Owner.ImageSize(runContext));
                    (xTest, truth) = (x, y.ToArray<float>().Select(v => (int)v).ToList());
                    probabilities = config.Owner.PredictImages(runContext, model, xTest);
                    WrongOverlays(context, config.Owner.ImageModel(model), xTest, probabilities, truth, testFiles, Path.Combine(context.RunDirectory, label + ".wrong"));
                }
                using var _ = probabilities;
                var predicted = probabilities.ToArray<float>().Select(p => p > 0.5f ? 1 : 0).ToList();
                var report = new ClassificationReport(truth, predicted, ClassNames);
                // the deployed form, when the run was exported (export <run> --to <run>/model.onnx): ONNX Runtime on the same images
                var onnxFile = Path.Combine(folder, "model.onnx");
                JsonObject? onnxEntry = null;
                if (File.Exists(onnxFile))
                {
                    using var session = new OnnxRuntimeModel(onnxFile);
                    using var deployed = session.Predict(xTest);
                    var p = deployed.ToArray<float>();
                    var q = probabilities.ToArray<float>();
                    var onnxPredicted = p.Select(v => v > 0.5f ? 1 : 0).ToList();
                    double onnxAccuracy = onnxPredicted.Zip(truth).Count(t => t.First == t.Second) / (double)truth.Count;
                    int agree = onnxPredicted.Zip(predicted).Count(t => t.First == t.Second);
                    double maxDiff = p.Zip(q).Max(t => Math.Abs((double)t.First - t.Second));
                    context.Out.WriteLine($"ONNX Runtime ({onnxFile}): test accuracy {onnxAccuracy:F4}, same class as KerasNet on {agree}/{truth.Count} images, max |p_onnx - p| = {maxDiff:E2}");
                    result.Metrics[label + ".onnx_test_accuracy"] = onnxAccuracy;
                    onnxEntry = new JsonObject { ["file"] = onnxFile, ["accuracy"] = onnxAccuracy, ["agreement"] = agree, ["max_abs_probability_difference"] = maxDiff };
                }

                context.Out.WriteLine(report.Text());
                context.Out.WriteLine("confusion matrix (rows true, columns predicted):");
                context.Out.WriteLine(report.MatrixCsv());
                RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, label + ".classification_report.txt"), report.Text());
                RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, label + ".confusion_matrix.csv"), report.MatrixCsv());
                RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, label + ".confusion_matrix.svg"),
                    report.MatrixSvg($"{config.Experiment}{(config.Owner.UsesBackbone ? $" ({config.Backbone})" : "")} on {xTest.Shape[0]} test images"));
                RecordInRun(folder, report);

                result.Metrics[label + ".test_accuracy"] = report.Accuracy;
                var entry = new JsonObject
                {
                    ["run"] = folder,
                    ["experiment"] = config.Experiment,
                    ["backbone"] = config.Owner.UsesBackbone ? config.Backbone : "",
                    ["test_images"] = report.Total,
                    ["accuracy"] = report.Accuracy,
                    ["confusion_matrix"] = new JsonArray(Enumerable.Range(0, ClassNames.Length)
                        .Select(i => (JsonNode)new JsonArray(Enumerable.Range(0, ClassNames.Length).Select(j => (JsonNode)report.Matrix[i, j]).ToArray())).ToArray()),
                };
                if (onnxEntry is not null) entry["onnx_runtime"] = onnxEntry;
                foreach (var c in report.PerClass)
                    entry[c.Name] = new JsonObject { ["precision"] = c.Precision, ["recall"] = c.Recall, ["f1"] = c.F1, ["support"] = c.Support };
                summary.Add(entry);
                RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "evaluation.json"),
                    summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
        }
        finally
        {
            keras.mixed_precision.set_global_policy(policy);
            foreach (var (x, y) in bySize.Values) { x.Dispose(); y.Dispose(); }
        }
        context.Config["test_data"] = Path.GetFullPath(testDir);
        context.Config["runs"] = runs;
        return result;
    }

    /// <summary>How many of the most confidently wrong test images get a Grad-CAM overlay in the evaluation.</summary>
    internal const int WrongShown = 8;

    /// <summary>
    /// Grad-CAM overlays of the test images the model got wrong most confidently (the report shows them): in
    /// <paramref name="folder"/>, named after the image, captioned with the predicted class, its probability and the truth.
    /// </summary>
    private static void WrongOverlays(ExperimentContext context, Model model, Tensor x, Tensor probabilities, List<int> truth, List<string> files, string folder)
    {
        var p = probabilities.ToArray<float>();
        var wrong = Enumerable.Range(0, truth.Count).Where(i => (p[i] > 0.5f ? 1 : 0) != truth[i])
            .OrderByDescending(i => Math.Abs(p[i] - 0.5)).ThenBy(i => i).Take(WrongShown).ToList();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);  // a re-evaluation replaces them
        if (wrong.Count == 0) return;
        GradCAM cam;
        try
        {
            cam = new GradCAM(model);
        }
        catch (ArgumentException e)
        {
            context.Out.WriteLine($"no Grad-CAM overlays of the wrong images: {e.Message}");
            return;
        }
        Directory.CreateDirectory(folder);
        int h = (int)x.Shape[1], w = (int)x.Shape[2];
        foreach (var i in wrong)
        {
            using var scope = new TensorScope();
            var image = x.Narrow(0, i, 1);
            var e = cam.explain(image);
            var rgb = (image * 255.0).ToArray<float>();
            var name = Path.GetFileNameWithoutExtension(files[i]);
            HeatmapOverlay.WritePng(Path.Combine(folder, $"{name}.gradcam.png"), HeatmapOverlay.Blend(rgb, h, w, e.Heatmap), h, w,
                $"{ClassNames[e.ClassIndex]} {e.Probability:F2} (is {ClassNames[truth[i]]})");
        }
        context.Out.WriteLine($"Grad-CAM ({cam.layer_name}) of the {wrong.Count} most confidently wrong test images: {folder}");
    }

    /// <summary>The run folders under <paramref name="root"/> that hold a finished cats-vs-dogs training run (config.json and best_weights.h5).</summary>
    public static List<string> FinishedRuns(string root) =>
        !Directory.Exists(root) ? [] :
        Directory.GetDirectories(root).Order(StringComparer.Ordinal)
            .Where(d => TryReadRun(d) is not null)
            .ToList();

    private sealed record RunConfig(string Experiment, string Backbone, string Precision, string? Weights, CatsDogsExperiment Owner);

    private static RunConfig ReadRun(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{folder}: not a run folder (no config.json).", configPath);
        if (!File.Exists(Path.Combine(folder, "best_weights.h5")))
            throw new FileNotFoundException($"{folder}: no best_weights.h5 (did the run finish an epoch with validation?).");
        using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
        string S(string key, string fallback) => doc.RootElement.TryGetProperty(key, out var v) ? v.GetString() ?? fallback : fallback;
        var name = S("experiment", "");
        var owner = Catalog.All.FirstOrDefault(e => e.Name == name) as CatsDogsExperiment
                    ?? throw new ArgumentException($"{folder}: experiment '{name}' is not a cats-vs-dogs training experiment.");
        var weights = S("weights", "imagenet");
        var backbone = S("backbone", "vgg16");
        return new RunConfig(name, backbone.Length > 0 ? backbone : "vgg16", S("precision", "float32"), weights is "none" or "" ? null : weights, owner);
    }

    /// <summary>The run's configuration, or null when the folder is not a finished cats-vs-dogs run.</summary>
    private static RunConfig? TryReadRun(string folder)
    {
        try
        {
            return ReadRun(folder);
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Adds the test figures to the evaluated run's metrics.json (atomically), for compare and report.</summary>
    private static void RecordInRun(string folder, ClassificationReport report)
    {
        var path = Path.Combine(folder, "metrics.json");
        JsonObject metrics;
        try
        {
            metrics = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? new JsonObject() : new JsonObject();
        }
        catch (JsonException)
        {
            metrics = new JsonObject();
        }
        metrics["test_accuracy"] = report.Accuracy;
        metrics["test_f1_macro"] = report.MacroAverage.F1;
        metrics["test_images"] = report.Total;
        RunRecords.WriteAtomically(path, metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
