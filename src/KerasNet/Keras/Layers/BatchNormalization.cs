using KerasNet.Engine;
using KerasNet.Keras.Initializers;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras's BatchNormalization over the channel (last) axis: epsilon 1e-3, momentum 0.99; weights gamma,
/// beta (trainable), moving_mean, moving_variance (not trainable). While training a trainable layer,
/// batch statistics normalise and the moving statistics follow them; otherwise — and always when the
/// layer is frozen (trainable = false), as in Keras — the moving statistics are used.
/// </summary>
public sealed class BatchNormalization : Layer
{
    private Variable? _gamma, _beta, _movingMean, _movingVariance;

    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true,
        bool scale = true, Initializer? beta_initializer = null, Initializer? gamma_initializer = null,
        Initializer? moving_mean_initializer = null, Initializer? moving_variance_initializer = null, string? name = null)
        : base(name)
    {
        if (axis != -1 && axis != 3)
            throw new NotSupportedException($"BatchNormalization '{this.name}': only the channel axis (-1, NHWC) is supported, got axis={axis}.");
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        _initializers = (beta_initializer ?? new Constant(0), gamma_initializer ?? new Constant(1),
            moving_mean_initializer ?? new Constant(0), moving_variance_initializer ?? new Constant(1));
    }

    private readonly (Initializer Beta, Initializer Gamma, Initializer Mean, Initializer Variance) _initializers;

    public double momentum { get; }
    public double epsilon { get; }
    public bool center { get; }
    public bool scale { get; }

    public Variable moving_mean => _movingMean ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");
    public Variable moving_variance => _movingVariance ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");

    protected override void CheckInputShape(Shape s)
    {
        if (s[-1] is null)
            throw new ArgumentException($"Layer \"{name}\": the channel (last) dimension of the input must be known, got {s}.");
    }

    protected override void Build(Shape inputShape)
    {
        long c = inputShape[-1]!.Value;
        if (scale) _gamma = AddWeight("gamma", [c], _initializers.Gamma);
        if (center) _beta = AddWeight("beta", [c], _initializers.Beta);
        _movingMean = AddWeight("moving_mean", [c], _initializers.Mean, trainable: false);
        _movingVariance = AddWeight("moving_variance", [c], _initializers.Variance, trainable: false);
    }

    // Normalisation runs in float32 whatever the policy (as Keras does for mixed precision); the output
    // goes back to the compute dtype. Training a trainable layer moves the moving statistics through their
    // variables (moving = moving·momentum + batch·(1 - momentum), the batch variance biased, as Keras), so a
    // distribution strategy aggregates them like any other assignment.
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = MixedPrecision.Policy.Cast(inputs, DType.Float32);
        Tensor y;
        if (training && trainable)
        {
            var (output, mean, variance) = NN.BatchNormTraining(x, _gamma?.Value, _beta?.Value, epsilon);
            using (Autograd.NoGrad())
            {
                Move(moving_mean, mean);
                Move(moving_variance, variance);
            }
            mean.Dispose();
            variance.Dispose();
            y = output;
        }
        else
        {
            y = NN.BatchNorm(x, _gamma?.Value, _beta?.Value, moving_mean.Value, moving_variance.Value, epsilon);
        }
        return MixedPrecision.Policy.Cast(y, dtype_policy.compute_dtype);
    }

    private void Move(Variable moving, Tensor batch)
    {
        using var next = moving.Value * momentum;
        next.AddInPlace(batch, 1 - momentum);
        moving.assign(next);
    }

    public override Shape ComputeOutputShape(Shape s) => s;
}
