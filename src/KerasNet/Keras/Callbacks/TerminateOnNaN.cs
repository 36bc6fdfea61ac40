namespace KerasNet.Keras.Callbacks;

/// <summary>Stops training as soon as a batch's loss is NaN or infinite.</summary>
public sealed class TerminateOnNaN : Callback
{
    public override void on_train_batch_end(int batch, IDictionary<string, double>? logs = null)
    {
        if (logs is null || !logs.TryGetValue("loss", out var loss) || double.IsFinite(loss)) return;
        Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
        model!.stop_training = true;
    }
}
