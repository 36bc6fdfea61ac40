using KerasNet.Keras.Utils;

namespace KerasNet.Keras.Callbacks;

/// <summary>Prints "Epoch i/n" and Keras's progress bar for each epoch (verbose 1), or one line per epoch (verbose 2).</summary>
public sealed class ProgbarLogger(int verbose = 1, TextWriter? output = null) : Callback
{
    private Progbar? _bar;
    private int _epochs, _steps;

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        _epochs = @params.TryGetValue("epochs", out var e) ? (int)e : 1;
        _steps = @params.TryGetValue("steps", out var s) ? (int)s : 0;
    }

    public override void on_epoch_begin(int epoch, IDictionary<string, double>? logs = null)
    {
        var w = output ?? Console.Out;
        w.WriteLine($"Epoch {epoch + 1}/{_epochs}");
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

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null) =>
        _bar?.update(_steps > 0 ? _steps : _seen, logs, finalize: true);
}
