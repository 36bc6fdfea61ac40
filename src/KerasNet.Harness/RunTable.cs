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
        var config = ReadJson(Path.Combine(folder, "config.json"));
        var metrics = ReadJson(Path.Combine(folder, "metrics.json"));
        var failure = metrics is null ? ReadJson(Path.Combine(folder, RunRecords.FailureFile)) : null;
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

    private static JsonElement? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;  // never happens with atomic writes; a hand-edited or unreadable file must not break compare
        }
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

    /// <summary>One HTML page: the table and every run's learning curves.</summary>
    public static string Html(List<Row> rows)
    {
        var sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>KerasNetTransfer runs</title>" +
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}</style></head><body>");
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
        foreach (var r in rows)
        {
            var svg = Path.Combine(r.Folder, "learning_curves.svg");
            if (File.Exists(svg)) sb.Append("<h2>").Append(LearningCurves.Escape(r.Experiment + " — " + r.Folder)).Append("</h2>").Append(File.ReadAllText(svg));
            // an evaluation's confusion matrices (catsdogs-evaluate)
            var matrices = Directory.Exists(r.Folder) ? Directory.GetFiles(r.Folder, "*.confusion_matrix.svg").Order(StringComparer.Ordinal).ToList() : [];
            if (matrices.Count > 0) sb.Append("<h2>").Append(LearningCurves.Escape(r.Experiment + " — " + r.Folder)).Append("</h2>");
            foreach (var m in matrices) sb.Append(File.ReadAllText(m));
        }
        return sb.Append("</body></html>").ToString();
    }
}
