using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KerasNet.Harness;

/// <summary>
/// Writes a run's records (config.json, history.csv, metrics.json) atomically: each file is written
/// to a temporary name and renamed, so a crash never leaves a half-written record.
/// </summary>
public static class RunRecords
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Written (atomically) when a run fails: its exception's message and type, for compare and report.</summary>
    public const string FailureFile = "failure.json";

    /// <summary>Whether a folder is a run folder: it holds a run's config, metrics or failure record.</summary>
    public static bool IsRun(string folder) =>
        File.Exists(Path.Combine(folder, "config.json")) || File.Exists(Path.Combine(folder, "metrics.json")) ||
        File.Exists(Path.Combine(folder, FailureFile));

    public static void WriteAtomically(string path, string content) => KerasNet.Keras.Saving.AtomicFile.WriteAllText(path, content);

    public static void WriteJson(string path, object value) => WriteAtomically(path, JsonSerializer.Serialize(value, Json));

    /// <summary>Keras's CSVLogger layout: epoch,key1,key2,... one row per epoch, keys sorted.</summary>
    public static string HistoryCsv(Dictionary<string, List<double>> history)
    {
        var keys = history.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder("epoch");
        foreach (var k in keys) sb.Append(',').Append(k);
        sb.Append('\n');
        int rows = history.Count == 0 ? 0 : history.Values.Max(v => v.Count);
        for (int e = 0; e < rows; e++)
        {
            sb.Append(e);
            foreach (var k in keys)
                sb.Append(',').Append(e < history[k].Count ? history[k][e].ToString("R", CultureInfo.InvariantCulture) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A JSON record (config.json, metrics.json, …) as an object; null when absent, unreadable or not an object.</summary>
    public static JsonElement? ReadJsonObject(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;  // never happens with atomic writes; a hand-edited or unreadable record must not break compare or a rerun
        }
    }

    /// <summary>A history.csv read back (key → values per epoch); null when the folder has none or it is unreadable.</summary>
    public static Dictionary<string, List<double>>? ReadHistory(string folder)
    {
        var path = Path.Combine(folder, "history.csv");
        if (!File.Exists(path)) return null;
        try
        {
            var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0) return null;
            var keys = lines[0].Split(',').Skip(1).ToList();
            var history = keys.ToDictionary(k => k, _ => new List<double>());
            foreach (var line in lines.Skip(1))
            {
                var cells = line.Split(',');
                for (int k = 0; k < keys.Count; k++)
                    history[keys[k]].Add(k + 1 < cells.Length && double.TryParse(cells[k + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN);
            }
            return history;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
