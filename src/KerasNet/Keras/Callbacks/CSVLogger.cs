using System.Globalization;

namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Streams epoch results to a CSV file as Keras's CSVLogger: a header "epoch,key1,key2,..." with the
/// keys sorted, then one row per epoch (epoch counted from 0), flushed at every epoch. With append,
/// an existing file is continued without a second header; rows of the epochs this fit (re)trains — those a
/// killed run logged before its backup committed them — and a half-written last line are dropped first, so
/// a resumed run's log equals an uninterrupted one's.
/// </summary>
public sealed class CSVLogger(string filename, string separator = ",", bool append = false) : Callback
{
    private StreamWriter? _writer;
    private List<string>? _keys;
    private bool _opened;

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        _writer = null;
        _opened = false;
    }

    // Opened at the first epoch, when the epoch a resumed fit starts from is known whatever the callbacks' order.
    public override void on_epoch_begin(int epoch, IDictionary<string, double>? logs = null)
    {
        if (_opened || !WritesFiles) return;
        _opened = true;
        var dir = Path.GetDirectoryName(Path.GetFullPath(filename));
        if (dir is not null) Directory.CreateDirectory(dir);
        _keys = null;
        bool continuing = append && File.Exists(filename) && new FileInfo(filename).Length > 0;
        if (continuing) continuing = KeepRowsBefore(epoch);
        _writer = new StreamWriter(filename, continuing);
    }

    /// <summary>Keeps the header and the complete rows of epochs before <paramref name="epoch"/>; false when nothing is left to continue.</summary>
    private bool KeepRowsBefore(int epoch)
    {
        var text = File.ReadAllText(filename);
        var lines = text.Split('\n').ToList();
        lines.RemoveAt(lines.Count - 1);  // after the last '\n': empty, or a line a kill cut short
        if (lines.Count == 0) return false;
        _keys = lines[0].Split(separator).Skip(1).ToList();
        var kept = new List<string> { lines[0] };
        kept.AddRange(lines.Skip(1).Where(l => int.TryParse(l.Split(separator)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) && e < epoch));
        var content = string.Concat(kept.Select(l => l + "\n"));
        if (content != text) Saving.AtomicFile.WriteAllText(filename, content);
        return true;
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        if (_writer is null) return;
        logs ??= new Dictionary<string, double>();
        if (_keys is null)
        {
            _keys = logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            _writer.Write(string.Join(separator, new[] { "epoch" }.Concat(_keys)) + "\n");
        }
        var row = new[] { epoch.ToString(CultureInfo.InvariantCulture) }
            .Concat(_keys.Select(k => logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA"));
        _writer.Write(string.Join(separator, row) + "\n");
        _writer.Flush();
    }

    public override void on_train_end(IDictionary<string, double>? logs = null)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
