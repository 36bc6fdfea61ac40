using KerasNet.Engine;

namespace KerasNet.Keras.Optimizers;

/// <summary>
/// Keras's RMSprop: v = ρv + (1-ρ)g²; denominator = v + ε (centered: v - ḡ² + ε with ḡ = ρḡ + (1-ρ)g);
/// increment = lr·g / sqrt(denominator); with momentum μ: m = μm + increment, w -= m; else w -= increment.
/// Defaults lr 0.001, ρ 0.9, μ 0, ε 1e-7.
/// </summary>
public sealed class RMSprop(double learning_rate = 0.001, double rho = 0.9, double momentum = 0.0,
    double epsilon = 1e-7, bool centered = false, double decay = 0, string name = "RMSprop", double? weight_decay = null)
    : Optimizer(learning_rate, decay, name, weight_decay)
{
    public double rho { get; } = rho;
    public double momentum { get; } = momentum;
    public double epsilon { get; } = epsilon;
    public bool centered { get; } = centered;

    protected override void UpdateStep(Tensor grad, Variable variable, double lr)
    {
        var velocity = Slot(variable, "rms");
        if (!centered && FusedUpdates.RMSprop(variable.Value, grad, velocity, momentum > 0 ? Slot(variable, "momentum") : null, lr, rho, momentum, epsilon))
            return;
        velocity.MulInPlace(rho);
        velocity.AddcmulInPlace(grad, grad, 1 - rho);
        Tensor denominator;
        if (centered)
        {
            var avg = Slot(variable, "mg");
            avg.MulInPlace(rho);
            avg.AddInPlace(grad, 1 - rho);
            denominator = velocity - avg.Square() + epsilon;
        }
        else
        {
            denominator = velocity + epsilon;
        }
        var root = denominator.Sqrt();
        if (momentum > 0)
        {
            var mom = Slot(variable, "momentum");
            mom.MulInPlace(momentum);
            mom.AddcdivInPlace(grad, root, lr);
            variable.Value.SubInPlace(mom);
        }
        else
        {
            variable.Value.AddcdivInPlace(grad, root, -lr);
        }
    }
}
