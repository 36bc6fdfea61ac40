using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Regularizers;
using KerasNet.Keras.Saving;
using KerasNet.Keras.Initializers;

namespace KerasNet.Keras.Layers;

/// <summary>Fully connected layer: activation(x · kernel + bias), kernel shaped (in, units).</summary>
public sealed class Dense : Layer
{
    private Variable? _kernel, _bias;

    public Dense(int units, string? activation = null, bool use_bias = true, Initializer? kernel_initializer = null,
        Initializer? bias_initializer = null, Shape? input_shape = null, string? name = null,
        Regularizer? kernel_regularizer = null, Regularizer? bias_regularizer = null)
        : base(name, input_shape)
    {
        if (units <= 0) throw new ArgumentException($"Dense units must be positive, got {units}.");
        this.units = units;
        this.activation = Activations.Validate(activation);
        this.use_bias = use_bias;
        this.kernel_initializer = kernel_initializer ?? new GlorotUniform();
        this.bias_initializer = bias_initializer ?? new Constant(0);
        this.kernel_regularizer = kernel_regularizer;
        this.bias_regularizer = bias_regularizer;
    }

    public Regularizer? kernel_regularizer { get; }
    public Regularizer? bias_regularizer { get; }

    public int units { get; }
    public string? activation { get; }
    public bool use_bias { get; }
    public Initializer kernel_initializer { get; }
    public Initializer bias_initializer { get; }

    public Variable kernel => _kernel ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");
    public Variable? bias => _bias;

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank < 2)
            throw new ArgumentException($"Input 0 of layer \"{name}\" is incompatible with the layer: expected min_ndim=2, found ndim={s.Rank}. Full shape received: {s}");
        if (s[-1] is null)
            throw new ArgumentException($"Layer \"{name}\": the last dimension of the input must be known, got {s}.");
        if (_kernel is not null && s[-1] != _kernel.shape[0])
            throw new ArgumentException(
                $"Input 0 of layer \"{name}\" is incompatible with the layer: expected axis -1 of input shape to have value {_kernel.shape[0]}, but received input with shape {s}");
    }

    protected override void Build(Shape inputShape)
    {
        _kernel = AddWeight("kernel", [inputShape[-1]!.Value, units], kernel_initializer, regularizer: kernel_regularizer);
        if (use_bias) _bias = AddWeight("bias", [units], bias_initializer, regularizer: bias_regularizer);
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.DType == dtype_policy.compute_dtype ? inputs : inputs.AsType(dtype_policy.compute_dtype);
        if (activation == "relu") return NN.Dense(x, Compute(kernel), _bias is null ? null : Compute(_bias), relu: true);  // in place, one call
        var y = NN.Dense(x, Compute(kernel), _bias is null ? null : Compute(_bias));
        var activated = Activations.Apply(activation, y);
        Tensor.Release(y, activated);  // the pre-activation, unless it is kept as logits
        return activated;
    }

    public override Shape ComputeOutputShape(Shape s) => new(s.Dims[..^1].Append(units).ToArray());

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["units"] = units;
        c["activation"] = activation ?? "linear";
        c["use_bias"] = use_bias;
        c["kernel_initializer"] = LayerConfig.Serialize(kernel_initializer);
        c["bias_initializer"] = LayerConfig.Serialize(bias_initializer);
        c["kernel_regularizer"] = LayerConfig.Serialize(kernel_regularizer);
        c["bias_regularizer"] = LayerConfig.Serialize(bias_regularizer);
        c["activity_regularizer"] = null;
        c["kernel_constraint"] = null;
        c["bias_constraint"] = null;
        return c;
    }

    internal static Dense FromConfig(ConfigReader c)
    {
        c.NoConstraints("activity_regularizer", "kernel_constraint", "bias_constraint");
        c.Unsupported("lora_rank");
        return new Dense(c.Int("units", 0), c.Activation("activation"), c.Bool("use_bias", true),
            c.Initializer("kernel_initializer", new GlorotUniform()), c.Initializer("bias_initializer", new Constant(0)),
            name: c.Name, kernel_regularizer: c.Regularizer("kernel_regularizer"), bias_regularizer: c.Regularizer("bias_regularizer"));
    }
}
