using KerasNet.Engine;

namespace KerasNet.Keras.Optimizers;

/// <summary>
/// Keras's SGD: without momentum w -= lr·g; with momentum μ: m = μm - lr·g, then w += m, or with
/// Nesterov w += μm - lr·g. Defaults lr 0.01, μ 0.
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(double learning_rate = 0.01, double momentum = 0.0, bool nesterov = false, double decay = 0,
        string name = "SGD", double? weight_decay = null) : base(learning_rate, decay, name, weight_decay)
    {
        if (momentum < 0 || momentum > 1) throw new ArgumentException($"momentum must be in [0, 1], got {momentum}.");
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    public double momentum { get; }
    public bool nesterov { get; }

    protected override void UpdateStep(Tensor grad, Variable variable, double lr)
    {
        var w = variable.Value;
        if (momentum == 0)
        {
            w.AddInPlace(grad, -lr);
            return;
        }
        var m = Slot(variable, "momentum");
        m.MulInPlace(momentum);
        m.AddInPlace(grad, -lr);
        if (nesterov)
        {
            w.AddInPlace(m, momentum);
            w.AddInPlace(grad, -lr);
        }
        else
        {
            w.AddInPlace(m);
        }
    }
}
