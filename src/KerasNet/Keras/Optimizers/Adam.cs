using KerasNet.Engine;

namespace KerasNet.Keras.Optimizers;

/// <summary>
/// Keras's Adam: m += (g - m)(1-β1); v += (g² - v)(1-β2);
/// α = lr·sqrt(1-β2^t)/(1-β1^t); w -= α·m / (sqrt(v) + ε). Defaults lr 0.001, β 0.9/0.999, ε 1e-7.
/// </summary>
public sealed class Adam(double learning_rate = 0.001, double beta_1 = 0.9, double beta_2 = 0.999,
    double epsilon = 1e-7, bool amsgrad = false, double decay = 0, string name = "Adam", double? weight_decay = null)
    : Optimizer(learning_rate, decay, name, weight_decay)
{
    public double beta_1 { get; } = beta_1;
    public double beta_2 { get; } = beta_2;
    public double epsilon { get; } = epsilon;
    public bool amsgrad { get; } = amsgrad;

    protected override void UpdateStep(Tensor grad, Variable variable, double lr)
    {
        double t = iterations + 1;
        double alpha = lr * Math.Sqrt(1 - Math.Pow(beta_2, t)) / (1 - Math.Pow(beta_1, t));
        var m = Slot(variable, "m");
        var v = Slot(variable, "v");
        if (!amsgrad && FusedUpdates.Adam(variable.Value, grad, m, v, alpha, beta_1, beta_2, epsilon)) return;
        m.MulInPlace(beta_1);
        m.AddInPlace(grad, 1 - beta_1);
        v.MulInPlace(beta_2);
        v.AddcmulInPlace(grad, grad, 1 - beta_2);
        var second = v;
        if (amsgrad)
        {
            var vHat = Slot(variable, "vhat");
            vHat.MaximumInPlace(v);
            second = vHat;
        }
        var denom = second.Sqrt() + epsilon;
        variable.Value.AddcdivInPlace(m, denom, -alpha);
    }
}
