using KerasNet.Engine;

namespace KerasNet.Keras.Metrics;

/// <summary>A streaming metric: update_state per batch, result() so far, reset_state() per epoch.</summary>
public abstract class Metric
{
    protected Metric(string name) => this.name = name;

    public string name { get; }

    public abstract void update_state(Tensor y_true, Tensor? y_pred);

    public abstract double result();

    public abstract void reset_state();
}

/// <summary>The mean of per-sample values (what Keras's accuracy metrics are).</summary>
public abstract class MeanMetricWrapper : Metric
{
    private double _total;
    private long _count;

    protected MeanMetricWrapper(string name) : base(name) { }

    /// <summary>Per-sample values for one batch.</summary>
    protected abstract Tensor Values(Tensor y_true, Tensor y_pred);

    public override void update_state(Tensor y_true, Tensor? y_pred)
    {
        ArgumentNullException.ThrowIfNull(y_pred);
        using var scope = new TensorScope();
        using var _ = Autograd.NoGrad();
        var v = Values(y_true, y_pred);
        _total += v.AsType(DType.Float64).Sum().Item();
        _count += v.NumElements;
    }

    public override double result() => _count == 0 ? 0 : _total / _count;

    public override void reset_state()
    {
        _total = 0;
        _count = 0;
    }
}
