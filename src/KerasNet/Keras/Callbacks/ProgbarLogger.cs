using KerasNet.Keras.Utils;

namespace KerasNet.Keras.Callbacks;

/// <summary>Prints "Epoch i/n" and Keras's progress bar for each epoch (verbose 1), or one line per epoch (verbose 2).</summary>
public sealed class ProgbarLogger(int verbose = 1, TextWriter? output = null) : Callback
{
    private Progbar? _bar;
    private int _epochs, _steps;

    private int _done;
    private TimeSpan _startedAt;

    /// <summary>The time since some fixed moment (a monotonic clock; replaceable in tests).</summary>
    internal Func<TimeSpan> Clock { get; set; } = () => Monotonic.Elapsed;

    // (GetTimestamp() · TicksPerSecond overflows a long after some minutes of uptime: a running stopwatch does not)
    private static readonly System.Diagnostics.Stopwatch Monotonic = System.Diagnostics.Stopwatch.StartNew();

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        _epochs = @params.TryGetValue("epochs", out var e) ? (int)e : 1;
        _steps = @params.TryGetValue("steps", out var s) ? (int)s : 0;
        _done = 0;
        _startedAt = Clock();
    }

    /// <summary>
    /// Keras's "Epoch k/N" line; from the second epoch of a fit on, when more than a minute is left, with when the whole
    /// run will end (the mean time of this fit's epochs, validation included, times the epochs left):
    /// "Epoch 8/100 - run ETA 2:13:05". Short runs print Keras's line unchanged.
    /// </summary>
    public override void on_epoch_begin(int epoch, IDictionary<string, double>? logs = null)
    {
        var w = output ?? Console.Out;
        var eta = "";
        if (_done > 0)
        {
            var left = TimeSpan.FromTicks((Clock() - _startedAt).Ticks / _done * (_epochs - epoch));
            if (left >= TimeSpan.FromMinutes(1)) eta = $" - run ETA {(int)left.TotalHours}:{left:mm\\:ss}";
        }
        w.WriteLine($"Epoch {epoch + 1}/{_epochs}{eta}");
        w.Flush();
        _bar = new Progbar(_steps, verbose, output);
    }

    // The last batch is drawn by on_epoch_end, with the validation metrics, as Keras does.
    private int _seen;

    public override void on_train_batch_end(int batch, IDictionary<string, double>? logs = null)
    {
        _seen = batch + 1;
        if (_steps <= 0 || batch + 1 < _steps) _bar?.update(batch + 1, logs);
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        _done++;
        _bar?.update(_steps > 0 ? _steps : _seen, logs, finalize: true);
    }
}
