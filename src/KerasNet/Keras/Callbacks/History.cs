namespace KerasNet.Keras.Callbacks;

/// <summary>Records each epoch's logs; <c>model.fit</c> returns it. <c>history["val_accuracy"]</c> is a list per epoch.</summary>
public sealed class History : Callback
{
    public Dictionary<string, List<double>> history { get; } = new();

    public List<int> epoch { get; } = new();

    /// <summary>Seconds fit spent waiting for the next batch from its input (not a Keras field).</summary>
    public double InputWaitSeconds { get; internal set; }

    /// <summary>Seconds of all training steps, input wait included; InputWaitSeconds / StepSeconds is the input-bound share.</summary>
    public double StepSeconds { get; internal set; }

    public override void on_epoch_end(int epochIndex, IDictionary<string, double>? logs = null)
    {
        epoch.Add(epochIndex);
        foreach (var (k, v) in logs ?? new Dictionary<string, double>())
        {
            if (!history.TryGetValue(k, out var list)) history[k] = list = new();
            list.Add(v);
        }
    }
}
