namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Multiplies the optimizer's learning rate by `factor` when the monitored value has not improved by
/// more than min_delta for `patience` epochs, then waits `cooldown` epochs; never below min_lr. Adds
/// "lr" to the epoch logs, as Keras does.
/// </summary>
public sealed class ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0,
    string mode = "auto", double min_delta = 1e-4, int cooldown = 0, double min_lr = 0) : Callback
{
    private readonly Monitor _monitor = factor < 1.0 ? new(monitor, mode, min_delta)
        : throw new ArgumentException($"ReduceLROnPlateau does not support a factor >= 1.0; got {factor}.");

    public int wait { get; private set; }
    public int cooldown_counter { get; private set; }
    public double best { get; private set; }

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        wait = 0;
        cooldown_counter = 0;
        best = _monitor.Worst;
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        var optimizer = model!.optimizer!;
        if (logs is not null) logs["lr"] = optimizer.learning_rate;
        if (_monitor.Read(logs, "Learning rate reduction") is not { } current) return;
        if (cooldown_counter > 0)
        {
            cooldown_counter--;
            wait = 0;
        }
        if (_monitor.Improves(current, best))
        {
            best = current;
            wait = 0;
        }
        else if (cooldown_counter <= 0)
        {
            wait++;
            if (wait >= patience && optimizer.learning_rate > min_lr)
            {
                double newLr = Math.Max(optimizer.learning_rate * factor, min_lr);
                if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {newLr:G6}.");
                optimizer.learning_rate = newLr;
                cooldown_counter = cooldown;
                wait = 0;
            }
        }
    }
}
