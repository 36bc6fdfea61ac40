using System.Globalization;
using System.Text.RegularExpressions;

namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Saves the model's weights (Keras .h5 layout, written atomically) at the end of every epoch, or only
/// when the monitored value improved (save_best_only). The path may hold Keras's placeholders, e.g.
/// "weights.{epoch:02d}-{val_loss:.2f}.h5" (epoch counted from 1).
/// </summary>
public sealed partial class ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool save_best_only = false,
    string mode = "auto") : Callback
{
    private readonly Monitor _monitor = new(monitor, mode, 0);

    public double best { get; private set; } = double.NaN;

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        if (double.IsNaN(best)) best = _monitor.Worst;
        // a run resumed by BackupAndRestore (listed before this callback) already has epochs behind it
        if (model?.history?.history.TryGetValue(monitor, out var seen) == true && seen.Count > 0)
            best = _monitor.HigherIsBetter ? Math.Max(best, seen.Max()) : Math.Min(best, seen.Min());
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        var path = Format(filepath, epoch + 1, logs);
        if (save_best_only)
        {
            if (_monitor.Read(logs, "ModelCheckpoint") is not { } current) return;
            if (!_monitor.Improves(current, best))
            {
                if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {monitor} did not improve from {best:G5}");
                return;
            }
            if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {monitor} improved from {best:G5} to {current:G5}, saving model to {path}");
            best = current;
        }
        else if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: saving model to {path}");
        if (!WritesFiles) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        model!.save_weights(path);
    }

    /// <summary>Fills {epoch:02d}, {val_loss:.4f}-style placeholders as Python's str.format would.</summary>
    internal static string Format(string pattern, int epoch, IDictionary<string, double>? logs) =>
        Placeholder().Replace(pattern, m =>
        {
            var key = m.Groups[1].Value;
            var spec = m.Groups[2].Success ? m.Groups[2].Value : "";
            double value = key == "epoch" ? epoch
                : logs is not null && logs.TryGetValue(key, out var v) ? v
                : throw new KeyError($"ModelCheckpoint: '{key}' in '{pattern}' is not in the logs ({string.Join(", ", logs?.Keys ?? [])}).");
            var f = Regex.Match(spec, @"^0?(\d*)(?:\.(\d+))?([df])?$");
            if (spec.Length == 0 || !f.Success) return key == "epoch" ? ((int)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
            if (f.Groups[3].Value == "d") return ((long)value).ToString(new string('0', f.Groups[1].Value.Length > 0 ? int.Parse(f.Groups[1].Value) : 1), CultureInfo.InvariantCulture);
            return value.ToString("F" + (f.Groups[2].Success ? f.Groups[2].Value : "6"), CultureInfo.InvariantCulture);
        });

    [GeneratedRegex(@"\{(\w+)(?::([^}]*))?\}")]
    private static partial Regex Placeholder();

    private sealed class KeyError(string message) : ArgumentException(message);
}
