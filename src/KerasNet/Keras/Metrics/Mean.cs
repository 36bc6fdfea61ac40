namespace KerasNet.Keras.Metrics;

/// <summary>A weighted running mean of scalars (the "loss" shown during fit).</summary>
public sealed class Mean(string name = "mean")
{
    private double _total, _weight;

    public string name { get; } = name;

    public void update_state(double value, double sampleWeight = 1)
    {
        _total += value * sampleWeight;
        _weight += sampleWeight;
    }

    public double result() => _weight == 0 ? 0 : _total / _weight;

    public void reset_state() => _total = _weight = 0;
}
