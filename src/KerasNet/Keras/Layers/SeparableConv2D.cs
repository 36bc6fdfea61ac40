using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Initializers;
using KerasNet.Keras.Regularizers;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Depthwise-separable 2-D convolution (Keras's SeparableConv2D): a depthwise convolution (kernel
/// "depthwise_kernel" (kh, kw, in, depth_multiplier)) followed by a 1×1 convolution ("pointwise_kernel"
/// (1, 1, in·depth_multiplier, filters)), then the bias and the activation.
/// </summary>
public sealed class SeparableConv2D : Layer
{
    private Variable? _depthwise, _pointwise, _bias;

    public SeparableConv2D(int filters, IntPair kernel_size, IntPair? strides = null, string padding = "valid",
        IntPair? dilation_rate = null, int depth_multiplier = 1, string? activation = null, bool use_bias = true,
        Initializer? depthwise_initializer = null, Initializer? pointwise_initializer = null, Initializer? bias_initializer = null,
        Regularizer? depthwise_regularizer = null, Regularizer? pointwise_regularizer = null, Regularizer? bias_regularizer = null,
        Shape? input_shape = null, string? name = null)
        : base(name, input_shape)
    {
        if (filters <= 0) throw new ArgumentException($"SeparableConv2D filters must be positive, got {filters}.");
        if (depth_multiplier <= 0) throw new ArgumentException($"depth_multiplier must be positive, got {depth_multiplier}.");
        this.filters = filters;
        this.kernel_size = kernel_size.Positive(this, nameof(kernel_size));
        this.strides = (strides ?? 1).Positive(this, nameof(strides));
        this.padding = ConvUtils.NormalizePadding(padding);
        this.dilation_rate = (dilation_rate ?? 1).Positive(this, nameof(dilation_rate));
        this.depth_multiplier = depth_multiplier;
        this.activation = Activations.Validate(activation);
        this.use_bias = use_bias;
        this.depthwise_initializer = depthwise_initializer ?? new GlorotUniform();
        this.pointwise_initializer = pointwise_initializer ?? new GlorotUniform();
        this.bias_initializer = bias_initializer ?? new Constant(0);
        this.depthwise_regularizer = depthwise_regularizer;
        this.pointwise_regularizer = pointwise_regularizer;
        this.bias_regularizer = bias_regularizer;
    }

    public int filters { get; }
    public IntPair kernel_size { get; }
    public IntPair strides { get; }
    public string padding { get; }
    public IntPair dilation_rate { get; }
    public int depth_multiplier { get; }
    public string? activation { get; }
    public bool use_bias { get; }
    public Initializer depthwise_initializer { get; }
    public Initializer pointwise_initializer { get; }
    public Initializer bias_initializer { get; }
    public Regularizer? depthwise_regularizer { get; }
    public Regularizer? pointwise_regularizer { get; }
    public Regularizer? bias_regularizer { get; }

    public Variable depthwise_kernel => _depthwise ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");
    public Variable pointwise_kernel => _pointwise ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != 4 || s[3] is null)
            throw new ArgumentException(
                $"Input 0 of layer \"{name}\" is incompatible with the layer: expected ndim=4 with known channels, found {s}");
    }

    protected override void Build(Shape inputShape)
    {
        long channels = inputShape[3]!.Value;
        _depthwise = AddWeight("depthwise_kernel", [kernel_size.H, kernel_size.W, channels, depth_multiplier], depthwise_initializer,
            storageOrder: [2, 3, 0, 1], regularizer: depthwise_regularizer);
        _pointwise = AddWeight("pointwise_kernel", [1, 1, channels * depth_multiplier, filters], pointwise_initializer,
            storageOrder: [3, 0, 1, 2], regularizer: pointwise_regularizer);
        if (use_bias) _bias = AddWeight("bias", [filters], bias_initializer, regularizer: bias_regularizer);
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.DType == dtype_policy.compute_dtype ? inputs : inputs.AsType(dtype_policy.compute_dtype);
        var depth = NN.DepthwiseConv2D(x, Compute(depthwise_kernel), null, (strides.H, strides.W),
            ConvUtils.Pads(x.Shape, kernel_size, strides, padding, dilation_rate), (dilation_rate.H, dilation_rate.W));
        var y = NN.Conv2D(depth, Compute(pointwise_kernel), _bias is null ? null : Compute(_bias), (1, 1), (0, 0, 0, 0), (1, 1));
        Tensor.Release(depth, y);
        var activated = Activations.Apply(activation, y);
        Tensor.Release(y, activated);
        return activated;
    }

    public override Shape ComputeOutputShape(Shape s) => ConvUtils.OutputShape(s, kernel_size, strides, padding, filters, dilation_rate);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["filters"] = filters;
        ConvUtils.WriteWindow(c, kernel_size, strides, padding, dilation_rate);
        c["activation"] = activation ?? "linear";
        c["use_bias"] = use_bias;
        c["bias_initializer"] = LayerConfig.Serialize(bias_initializer);
        c["bias_regularizer"] = LayerConfig.Serialize(bias_regularizer);
        c["activity_regularizer"] = null;
        c["bias_constraint"] = null;
        c["depth_multiplier"] = depth_multiplier;
        c["depthwise_initializer"] = LayerConfig.Serialize(depthwise_initializer);
        c["pointwise_initializer"] = LayerConfig.Serialize(pointwise_initializer);
        c["depthwise_regularizer"] = LayerConfig.Serialize(depthwise_regularizer);
        c["pointwise_regularizer"] = LayerConfig.Serialize(pointwise_regularizer);
        c["depthwise_constraint"] = null;
        c["pointwise_constraint"] = null;
        return c;
    }

    internal static SeparableConv2D FromConfig(ConfigReader c)
    {
        c.ChannelsLast();
        c.NoConstraints("activity_regularizer", "depthwise_constraint", "pointwise_constraint", "bias_constraint",
            "kernel_initializer", "kernel_regularizer", "kernel_constraint");
        c.Unsupported("groups", 1);
        return new SeparableConv2D(c.Int("filters", 0), c.Pair("kernel_size", 1), c.Pair("strides", 1), c.String("padding", "valid")!,
            c.Pair("dilation_rate", 1), c.Int("depth_multiplier", 1), c.Activation("activation"), c.Bool("use_bias", true),
            c.Initializer("depthwise_initializer", new GlorotUniform()), c.Initializer("pointwise_initializer", new GlorotUniform()),
            c.Initializer("bias_initializer", new Constant(0)), c.Regularizer("depthwise_regularizer"), c.Regularizer("pointwise_regularizer"),
            c.Regularizer("bias_regularizer"), name: c.Name);
    }
}
