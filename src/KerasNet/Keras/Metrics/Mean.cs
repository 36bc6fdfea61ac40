using KerasNet.Engine;

namespace KerasNet.Keras.Metrics;

/// <summary>A weighted running mean of scalars (the "loss" shown during fit).</summary>
public sealed class Mean(string name = "mean") : Metric(name)
{
    private double _total, _weight;

    public void update_state(double value, double sampleWeight = 1)
    {
        _total += value * sampleWeight;
        _weight += sampleWeight;
    }

    /// <summary>Keras's Mean.update_state(values, sample_weight): every element of <paramref name="values"/> counts once (weights all 1 without <paramref name="sample_weight"/>).</summary>
    public override void update_state(Tensor values, Tensor? sample_weight = null)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var v = values.AsType(DType.Float64);
        if (sample_weight is null)
        {
            update_state(v.Mean().Item(), v.NumElements);
            return;
        }
        var w = sample_weight.AsType(DType.Float64);
        double weight = w.Sum().Item();
        if (weight != 0) update_state((v * w).Sum().Item() / weight, weight);
    }

    public override double result() => _weight == 0 ? 0 : _total / _weight;

    public override void reset_state() => _total = _weight = 0;
}
