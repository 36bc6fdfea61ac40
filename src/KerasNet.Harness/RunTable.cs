using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KerasNet.Harness;

/// <summary>compare and report: the run folders' records side by side.</summary>
public static class RunTable
{
    /// <summary>
    /// One row of the comparison; Complete is false for a run without metrics.json (still running, or killed);
    /// Failure is the recorded exception message of a run that failed.
    /// </summary>
    public sealed record Row(string Folder, string Experiment, string Backbone, string Precision, int? Epochs, double? BestValAcc,
        double? FinalValAcc, double? TestAcc, string Article, double? Seconds, double? ImagesPerSecond, bool Complete, string Replicas = "",
        string? Failure = null);

    /// <summary>The given run folders, or every run folder under runs/ (folders that are not runs, such as runs/feature-cache, left out), oldest first.</summary>
    public static List<Row> Load(IEnumerable<string> folders)
    {
        var list = folders.ToList();
        if (list.Count == 0 && Directory.Exists("runs"))
            list = Directory.GetDirectories("runs").Where(RunRecords.IsRun).Order(StringComparer.Ordinal).ToList();
        else
            list = list.Where(f => RunRecords.IsRun(f) || !Directory.Exists(f)).ToList();
        return list.Select(LoadOne).ToList();
    }

    public static Row LoadOne(string folder)
    {
        var config = RunRecords.ReadJsonObject(Path.Combine(folder, "config.json"));
        var metrics = RunRecords.ReadJsonObject(Path.Combine(folder, "metrics.json"));
        var failure = metrics is null ? RunRecords.ReadJsonObject(Path.Combine(folder, RunRecords.FailureFile)) : null;
        string S(JsonElement? e, string k) => e is { } j && j.TryGetProperty(k, out var v) ? v.ToString() : "";
        double? D(JsonElement? e, string k) => e is { } j && j.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        return new Row(folder,
            S(config, "experiment") is { Length: > 0 } name ? name : Path.GetFileName(folder),
            S(config, "backbone"), S(config, "precision"),
            D(config, "epochs") is { } e ? (int)e : null,
            D(metrics, "best_val_accuracy"), D(metrics, "final_val_accuracy"), D(metrics, "test_accuracy"),
            S(metrics, "article"), D(metrics, "wall_seconds"),
            D(metrics, "train_images_per_second") ?? D(metrics, "images_per_second"),
            metrics is not null,
            D(config, "workers") is > 1 and var w ? $"{w} workers" : D(config, "replicas") is { } r ? $"{r} replicas" : "",
            failure is { } f ? S(f, "error") : null);
    }


    public static string[] Columns => ["experiment", "backbone", "precision", "replicas", "epochs", "best val acc", "final val acc", "test acc", "article", "time", "img/s", "run"];

    public static string[] Cells(Row r) =>
    [
        r.Experiment, r.Backbone, r.Precision, r.Replicas, r.Epochs?.ToString() ?? "", F(r.BestValAcc), F(r.FinalValAcc), F(r.TestAcc), r.Article,
        r.Seconds is { } s ? TimeSpan.FromSeconds(s).ToString(@"h\:mm\:ss") : r.Complete ? "" : r.Failure is { } f ? "failed: " + Short(f) : "incomplete",
        r.ImagesPerSecond is { } i ? i.ToString("F0", CultureInfo.InvariantCulture) : "", r.Folder,
    ];

    private static string Short(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..117] + "...";
    }

    private static string F(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "";

    /// <summary>Every run's validation accuracy over epochs on one chart (compare and report); null when no run has one.</summary>
    public static string? ValidationAccuracySvg(IReadOnlyList<Row> rows)
    {
        var series = new List<(string, IReadOnlyList<double>)>();
        foreach (var r in rows)
            if (RunRecords.ReadHistory(r.Folder) is { } h && h.TryGetValue("val_accuracy", out var acc) && acc.Count > 0)
                series.Add(($"{r.Experiment}{(r.Backbone.Length > 0 ? " (" + r.Backbone + ")" : "")} — {Path.GetFileName(r.Folder.TrimEnd('/'))}", acc));
        if (series.Count == 0) return null;
        var svg = Charts.Svg(Charts.EpochLines("validation accuracy per epoch", "validation accuracy", series), 900, 420 + 18 * series.Count);
        return svg.Replace("<svg ", "<svg style=\"background:white\" ", StringComparison.Ordinal);
    }

    /// <summary>
    /// One HTML page: the table, every run's validation accuracy on one chart, then per run its learning curves (drawn from
    /// its history), an augmentation preview, and for an evaluation its confusion matrices and most confidently wrong
    /// test images with their Grad-CAM overlays. Self-contained: images are embedded.
    /// </summary>
    public static string Html(List<Row> rows)
    {
        var sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>KerasNetTransfer runs</title>" +
            "<style>body{font-family:Arial,'Liberation Sans',sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;font-size:14px}" +
            "td,th{border:1px solid #ccc;padding:4px 8px}th{background:#f4f4f4}h2{margin-top:2em;font-size:18px}h3{font-size:15px}" +
            "svg{max-width:100%;height:auto}figure{display:inline-block;margin:4px;text-align:center;font-size:12px;vertical-align:top}" +
            "figure img{display:block;width:224px;height:224px;object-fit:cover}.wide img{width:auto;height:auto;max-width:100%}</style></head><body>");
        sb.Append("<h1>KerasNetTransfer runs</h1><table><tr>");
        foreach (var c in Columns) sb.Append("<th>").Append(LearningCurves.Escape(c)).Append("</th>");
        sb.Append("</tr>");
        foreach (var r in rows)
        {
            sb.Append("<tr>");
            foreach (var c in Cells(r)) sb.Append("<td>").Append(LearningCurves.Escape(c)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</table>");
        if (ValidationAccuracySvg(rows) is { } compare) sb.Append("<h2>Validation accuracy of every run</h2>").Append(compare);
        foreach (var r in rows)
        {
            var heading = "<h2>" + LearningCurves.Escape(r.Experiment + " — " + r.Folder) + "</h2>";
            var parts = new StringBuilder();
            if (RunRecords.ReadHistory(r.Folder) is { Count: > 0 } history) parts.Append(LearningCurves.Svg(history, r.Experiment));
            var preview = Path.Combine(r.Folder, "augmentation_preview.png");
            if (File.Exists(preview))
                parts.Append("<h3>Augmentation: one training image and five augmented copies</h3><figure class=\"wide\">").Append(Img(preview)).Append("</figure>");
            // an evaluation's confusion matrices and its most confidently wrong images (catsdogs-evaluate)
            var matrices = Directory.Exists(r.Folder) ? Directory.GetFiles(r.Folder, "*.confusion_matrix.svg").Order(StringComparer.Ordinal).ToList() : [];
            foreach (var m in matrices)
            {
                parts.Append(File.ReadAllText(m));
                var wrong = m[..^".confusion_matrix.svg".Length] + ".wrong";
                if (!Directory.Exists(wrong)) continue;
                var overlays = Directory.GetFiles(wrong, "*.gradcam.png").Order(StringComparer.Ordinal).ToList();
                parts.Append("<h3>").Append(LearningCurves.Escape(Path.GetFileName(m[..^".confusion_matrix.svg".Length])))
                    .Append($": the {overlays.Count} most confidently wrong test images, with Grad-CAM</h3>");
                foreach (var o in overlays)
                    parts.Append("<figure>").Append(Img(o)).Append("<figcaption>").Append(LearningCurves.Escape(Path.GetFileName(o)[..^".gradcam.png".Length]))
                        .Append("</figcaption></figure>");
            }
            if (parts.Length > 0) sb.Append(heading).Append(parts);
        }
        return sb.Append("</body></html>").ToString();
    }

    private static string Img(string png) => $"<img alt=\"{LearningCurves.Escape(Path.GetFileName(png))}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(png))}\">";
}
