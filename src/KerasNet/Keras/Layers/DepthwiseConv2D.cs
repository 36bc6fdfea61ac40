using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Regularizers;
using KerasNet.Keras.Saving;
using KerasNet.Keras.Initializers;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Depthwise 2-D convolution: each input channel convolved with its own depth_multiplier filters.
/// Kernel "depthwise_kernel" shaped (kh, kw, in, depth_multiplier); output channel c·multiplier + m.
/// </summary>
public sealed class DepthwiseConv2D : Layer
{
    private Variable? _kernel, _bias;

    public DepthwiseConv2D(IntPair kernel_size, IntPair? strides = null, string padding = "valid", int depth_multiplier = 1,
        IntPair? dilation_rate = null, string? activation = null, bool use_bias = true,
        Initializer? depthwise_initializer = null, Initializer? bias_initializer = null, string? name = null,
        Regularizer? depthwise_regularizer = null, Regularizer? bias_regularizer = null)
        : base(name)
    {
        if (depth_multiplier <= 0) throw new ArgumentException($"depth_multiplier must be positive, got {depth_multiplier}.");
        this.kernel_size = kernel_size.Positive(this, nameof(kernel_size));
        this.strides = (strides ?? 1).Positive(this, nameof(strides));
        this.padding = ConvUtils.NormalizePadding(padding);
        this.depth_multiplier = depth_multiplier;
        this.dilation_rate = (dilation_rate ?? 1).Positive(this, nameof(dilation_rate));
        this.activation = Activations.Validate(activation);
        this.use_bias = use_bias;
        this.depthwise_initializer = depthwise_initializer ?? new GlorotUniform();
        this.bias_initializer = bias_initializer ?? new Constant(0);
        this.depthwise_regularizer = depthwise_regularizer;
        this.bias_regularizer = bias_regularizer;
    }

    public Regularizer? depthwise_regularizer { get; }
    public Regularizer? bias_regularizer { get; }

    public IntPair kernel_size { get; }
    public IntPair strides { get; }
    public string padding { get; }
    public int depth_multiplier { get; }
    public IntPair dilation_rate { get; }
    public string? activation { get; }
    public bool use_bias { get; }
    public Initializer depthwise_initializer { get; }
    public Initializer bias_initializer { get; }

    public Variable depthwise_kernel => _kernel ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != 4 || s[3] is null)
            throw new ArgumentException(
                $"Input 0 of layer \"{name}\" is incompatible with the layer: expected ndim=4 with known channels, found {s}");
    }

    protected override void Build(Shape inputShape)
    {
        long channels = inputShape[3]!.Value;
        // (kh, kw, in, mult) as Keras has it, stored in,mult,kh,kw: the (in·mult, 1, kh, kw) filter bank is then a free reshape
        _kernel = AddWeight("depthwise_kernel", [kernel_size.H, kernel_size.W, channels, depth_multiplier], depthwise_initializer,
            storageOrder: [2, 3, 0, 1], regularizer: depthwise_regularizer);
        if (use_bias) _bias = AddWeight("bias", [channels * depth_multiplier], bias_initializer, regularizer: bias_regularizer);
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.DType == dtype_policy.compute_dtype ? inputs : inputs.AsType(dtype_policy.compute_dtype);
        var y = NN.DepthwiseConv2D(x, Compute(depthwise_kernel), _bias is null ? null : Compute(_bias), (strides.H, strides.W),
            ConvUtils.Pads(x.Shape, kernel_size, strides, padding, dilation_rate), (dilation_rate.H, dilation_rate.W));
        var activated = Activations.Apply(activation, y);
        Tensor.Release(y, activated);  // the pre-activation, unless it is kept as logits
        return activated;
    }

    public override Shape ComputeOutputShape(Shape s) =>
        ConvUtils.OutputShape(s, kernel_size, strides, padding, s[3] * depth_multiplier, dilation_rate);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        ConvUtils.WriteWindow(c, kernel_size, strides, padding, dilation_rate);
        c["activation"] = activation ?? "linear";
        c["use_bias"] = use_bias;
        c["bias_initializer"] = LayerConfig.Serialize(bias_initializer);
        c["bias_regularizer"] = LayerConfig.Serialize(bias_regularizer);
        c["activity_regularizer"] = null;
        c["bias_constraint"] = null;
        c["depth_multiplier"] = depth_multiplier;
        c["depthwise_initializer"] = LayerConfig.Serialize(depthwise_initializer);
        c["depthwise_regularizer"] = LayerConfig.Serialize(depthwise_regularizer);
        c["depthwise_constraint"] = null;
        return c;
    }

    internal static DepthwiseConv2D FromConfig(ConfigReader c)
    {
        c.ChannelsLast();
        c.NoConstraints("activity_regularizer", "depthwise_constraint", "bias_constraint");
        c.Unsupported("filters");  // Keras 2's DepthwiseConv2D config (a Conv2D subclass) may carry filters: null
        c.Unsupported("groups", 1);
        c.Ignore("kernel_initializer", "kernel_regularizer", "kernel_constraint");  // Conv2D keys that tf.keras 2.0-2.3 wrote, unused
        return new DepthwiseConv2D(c.Pair("kernel_size", 1), c.Pair("strides", 1), c.String("padding", "valid")!,
            c.Int("depth_multiplier", 1), c.Pair("dilation_rate", 1), c.Activation("activation"), c.Bool("use_bias", true),
            c.Initializer("depthwise_initializer", new GlorotUniform()), c.Initializer("bias_initializer", new Constant(0)), c.Name,
            c.Regularizer("depthwise_regularizer"), c.Regularizer("bias_regularizer"));
    }
}
