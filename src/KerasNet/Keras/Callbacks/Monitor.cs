namespace KerasNet.Keras.Callbacks;

/// <summary>
/// What ModelCheckpoint, EarlyStopping and ReduceLROnPlateau share: a monitored log value and whether
/// lower or higher is better ("auto": higher for accuracy-like names, lower otherwise).
/// </summary>
internal sealed class Monitor
{
    public Monitor(string monitor, string mode, double minDelta)
    {
        Name = monitor;
        HigherIsBetter = mode switch
        {
            "max" => true,
            "min" => false,
            "auto" => monitor.Contains("acc") || monitor.StartsWith("fmeasure"),
            _ => throw new ArgumentException($"mode must be auto, min or max; got '{mode}'."),
        };
        MinDelta = Math.Abs(minDelta);
    }

    public string Name { get; }
    public bool HigherIsBetter { get; }
    public double MinDelta { get; }

    public double Worst => HigherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>Whether <paramref name="current"/> beats <paramref name="best"/> by more than min_delta.</summary>
    public bool Improves(double current, double best) =>
        HigherIsBetter ? current - MinDelta > best : current + MinDelta < best;

    /// <summary>The monitored value from the logs, or null (with a warning, as Keras) when it is absent.</summary>
    public double? Read(IDictionary<string, double>? logs, string who)
    {
        if (logs is not null && logs.TryGetValue(Name, out var v)) return v;
        Console.Error.WriteLine($"WARNING: {who} is conditioned on metric `{Name}` which is not available. Available metrics are: {string.Join(",", logs?.Keys ?? [])}.");
        return null;
    }
}
