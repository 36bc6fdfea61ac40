namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Stops training when the monitored value has not improved by more than min_delta for `patience`
/// epochs; with restore_best_weights the best epoch's weights are put back when it stops.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", double min_delta = 0, int patience = 0, int verbose = 0,
    string mode = "auto", double? baseline = null, bool restore_best_weights = false) : Callback
{
    private readonly Monitor _monitor = new(monitor, mode, min_delta);
    private List<Engine.Tensor>? _bestWeights;

    public int wait { get; private set; }
    public int stopped_epoch { get; private set; }
    public double best { get; private set; }
    public int best_epoch { get; private set; }

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        wait = 0;
        stopped_epoch = 0;
        best = baseline ?? _monitor.Worst;
        best_epoch = 0;
        DisposeBest();
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        if (_monitor.Read(logs, "Early stopping") is not { } current) return;
        wait++;
        if (_monitor.Improves(current, best))
        {
            best = current;
            best_epoch = epoch;
            wait = 0;
            if (restore_best_weights)
            {
                DisposeBest();
                _bestWeights = model!.get_weights();
            }
            return;
        }
        if (wait >= patience && epoch > 0)
        {
            stopped_epoch = epoch;
            model!.stop_training = true;
            if (restore_best_weights && _bestWeights is not null)
            {
                if (verbose > 0) Console.WriteLine($"Restoring model weights from the end of the best epoch: {best_epoch + 1}.");
                model.set_weights(_bestWeights);
            }
        }
    }

    public override void on_train_end(IDictionary<string, double>? logs = null)
    {
        if (stopped_epoch > 0 && verbose > 0) Console.WriteLine($"Epoch {stopped_epoch + 1}: early stopping");
        DisposeBest();
    }

    private void DisposeBest()
    {
        _bestWeights?.ForEach(t => t.Dispose());
        _bestWeights = null;
    }
}
