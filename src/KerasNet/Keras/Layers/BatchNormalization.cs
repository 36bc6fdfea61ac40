using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;
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
        this.axis = axis;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        _initializers = (beta_initializer ?? new Constant(0), gamma_initializer ?? new Constant(1),
            moving_mean_initializer ?? new Constant(0), moving_variance_initializer ?? new Constant(1));
    }

    private readonly (Initializer Beta, Initializer Gamma, Initializer Mean, Initializer Variance) _initializers;

    public int axis { get; }
    public double momentum { get; }
    public double epsilon { get; }
    public bool center { get; }
    public bool scale { get; }

    public Variable moving_mean => _movingMean ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");
    public Variable moving_variance => _movingVariance ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");

    protected override void CheckInputShape(Shape s)
    {
        if (_configAxis is { } ax && ax != -1 && ax != s.Rank - 1)
            throw new NotSupportedException(
                $"BatchNormalization '{name}': axis={ax} on an input of shape {s}; KerasNet normalises the last (channel) axis only.");
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
            if (LayerFusion.ClampAfter(this) is { } relu)  // the ReLU after it, fused: applied here
            {
                var clamped = double.IsPositiveInfinity(relu.High) ? NN.Relu(y) : y.Clamp(0, relu.High);
                y.Dispose();
                y = clamped;
            }
        }
        else
        {
            // the ReLU after it, when fused, runs in the same pass
            y = NN.BatchNorm(x, _gamma?.Value, _beta?.Value, moving_mean.Value, moving_variance.Value, epsilon, LayerFusion.ClampAfter(this));
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

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["axis"] = axis;
        c["momentum"] = momentum;
        c["epsilon"] = epsilon;
        c["center"] = center;
        c["scale"] = scale;
        c["beta_initializer"] = LayerConfig.Serialize(_initializers.Beta);
        c["gamma_initializer"] = LayerConfig.Serialize(_initializers.Gamma);
        c["moving_mean_initializer"] = LayerConfig.Serialize(_initializers.Mean);
        c["moving_variance_initializer"] = LayerConfig.Serialize(_initializers.Variance);
        c["beta_regularizer"] = null;
        c["gamma_regularizer"] = null;
        c["beta_constraint"] = null;
        c["gamma_constraint"] = null;
        return c;
    }

    /// <summary>axis as -1, 3, [3] or [-1] (the channel axis of NHWC); [1] only when the input is rank 2 (Dense features).</summary>
    internal static BatchNormalization FromConfig(ConfigReader c)
    {
        var a = c.Take("axis");
        int axis = a switch
        {
            null => -1,
            JsonArray { Count: 1 } l => l[0]!.GetValue<int>(),
            JsonArray => throw new NotSupportedException($"{c.Where}: normalising over several axes {Json.Short(a)} is not supported."),
            _ => a.GetValue<int>(),
        };
        c.NoConstraints("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
        c.Unsupported("renorm", false);
        c.Unsupported("renorm_clipping");
        c.Unsupported("renorm_momentum", 0.99);
        c.Unsupported("fused", true, false);
        c.Unsupported("virtual_batch_size");
        c.Unsupported("adjustment");
        c.Unsupported("synchronized", false);
        var bn = new BatchNormalization(-1, c.Double("momentum", 0.99), c.Double("epsilon", 1e-3), c.Bool("center", true),
            c.Bool("scale", true), c.Initializer("beta_initializer", new Constant(0)), c.Initializer("gamma_initializer", new Constant(1)),
            c.Initializer("moving_mean_initializer", new Constant(0)), c.Initializer("moving_variance_initializer", new Constant(1)), c.Name)
        { _configAxis = axis };
        return bn;
    }

    // the axis as the file spelled it: checked against the input rank at build time
    private int? _configAxis;
}
