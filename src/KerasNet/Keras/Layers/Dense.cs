using KerasNet.Engine;
using KerasNet.Keras.Initializers;

namespace KerasNet.Keras.Layers;

/// <summary>Fully connected layer: activation(x · kernel + bias), kernel shaped (in, units).</summary>
public sealed class Dense : Layer
{
    private Variable? _kernel, _bias;

    public Dense(int units, string? activation = null, bool use_bias = true, Initializer? kernel_initializer = null,
        Initializer? bias_initializer = null, Shape? input_shape = null, string? name = null)
        : base(name, input_shape)
    {
        if (units <= 0) throw new ArgumentException($"Dense units must be positive, got {units}.");
        this.units = units;
        this.activation = Activations.Validate(activation);
        this.use_bias = use_bias;
        this.kernel_initializer = kernel_initializer ?? new GlorotUniform();
        this.bias_initializer = bias_initializer ?? new Constant(0);
    }

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
        _kernel = AddWeight("kernel", [inputShape[-1]!.Value, units], kernel_initializer);
        if (use_bias) _bias = AddWeight("bias", [units], bias_initializer);
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.DType == dtype_policy.compute_dtype ? inputs : inputs.AsType(dtype_policy.compute_dtype);
        var y = NN.Dense(x, Compute(kernel), _bias is null ? null : Compute(_bias));
        var activated = Activations.Apply(activation, y);
        Tensor.Release(y, activated);  // the pre-activation, unless it is kept as logits
        return activated;
    }

    public override Shape ComputeOutputShape(Shape s) => new(s.Dims[..^1].Append(units).ToArray());
}
