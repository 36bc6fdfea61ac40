using System.Globalization;

namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Streams epoch results to a CSV file as Keras's CSVLogger: a header "epoch,key1,key2,..." with the
/// keys sorted, then one row per epoch (epoch counted from 0), flushed at every epoch. With append,
/// an existing file is continued without a second header.
/// </summary>
public sealed class CSVLogger(string filename, string separator = ",", bool append = false) : Callback
{
    private StreamWriter? _writer;
    private List<string>? _keys;

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        _writer = null;
        if (!WritesFiles) return;
        bool continuing = append && File.Exists(filename) && new FileInfo(filename).Length > 0;
        if (continuing)
        {
            using var r = new StreamReader(filename);
            _keys = r.ReadLine()?.Split(separator).Skip(1).ToList();
        }
        else _keys = null;
        var dir = Path.GetDirectoryName(Path.GetFullPath(filename));
        if (dir is not null) Directory.CreateDirectory(dir);
        _writer = new StreamWriter(filename, continuing);
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        if (_writer is null) return;
        logs ??= new Dictionary<string, double>();
        if (_keys is null)
        {
            _keys = logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            _writer.WriteLine(string.Join(separator, new[] { "epoch" }.Concat(_keys)));
        }
        var row = new[] { epoch.ToString(CultureInfo.InvariantCulture) }
            .Concat(_keys.Select(k => logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA"));
        _writer.WriteLine(string.Join(separator, row));
        _writer.Flush();
    }

    public override void on_train_end(IDictionary<string, double>? logs = null)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
