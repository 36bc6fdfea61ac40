using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Regularizers;
using KerasNet.Keras.Saving;
using KerasNet.Keras.Initializers;

namespace KerasNet.Keras.Layers;

/// <summary>
/// 2-D convolution over NHWC images (Keras's Conv2D). Kernel shape (kh, kw, in, filters), bias (filters).
/// 'same' padding is TensorFlow's: when the total padding is odd, the extra pixel goes bottom/right.
/// </summary>
public sealed class Conv2D : Layer
{
    private Variable? _kernel, _bias;

    public Conv2D(int filters, IntPair kernel_size, IntPair? strides = null, string padding = "valid",
        IntPair? dilation_rate = null, string? activation = null, bool use_bias = true,
        Initializer? kernel_initializer = null, Initializer? bias_initializer = null,
        Shape? input_shape = null, string? name = null, Regularizer? kernel_regularizer = null,
        Regularizer? bias_regularizer = null)
        : base(name, input_shape)
    {
        if (filters <= 0) throw new ArgumentException($"Conv2D filters must be positive, got {filters}.");
        this.filters = filters;
        this.kernel_size = kernel_size.Positive(this, nameof(kernel_size));
        this.strides = (strides ?? 1).Positive(this, nameof(strides));
        this.padding = ConvUtils.NormalizePadding(padding);
        this.dilation_rate = (dilation_rate ?? 1).Positive(this, nameof(dilation_rate));
        this.activation = Activations.Validate(activation);
        this.use_bias = use_bias;
        this.kernel_initializer = kernel_initializer ?? new GlorotUniform();
        this.bias_initializer = bias_initializer ?? new Constant(0);
        this.kernel_regularizer = kernel_regularizer;
        this.bias_regularizer = bias_regularizer;
    }

    public Regularizer? kernel_regularizer { get; }
    public Regularizer? bias_regularizer { get; }

    public int filters { get; }
    public IntPair kernel_size { get; }
    public IntPair strides { get; }
    public string padding { get; }
    public IntPair dilation_rate { get; }
    public string? activation { get; }
    public bool use_bias { get; }
    public Initializer kernel_initializer { get; }
    public Initializer bias_initializer { get; }

    public Variable kernel => _kernel ?? throw new InvalidOperationException($"Layer '{name}' is not built yet.");
    public Variable? bias => _bias;

    protected override void CheckInputShape(Shape s)
    {
        if (s.Rank != 4)
            throw new ArgumentException(
                $"Input 0 of layer \"{name}\" is incompatible with the layer: expected ndim=4 (batch, height, width, channels), found ndim={s.Rank}. Full shape received: {s}");
        if (s[3] is null)
            throw new ArgumentException($"Layer \"{name}\": the channel dimension of the input must be known, got {s}.");
    }

    protected override void Build(Shape inputShape)
    {
        long channels = inputShape[3]!.Value;
        // HWIO as Keras has it, stored O,H,W,I: the OIHW view the convolution takes is then channels-last
        _kernel = AddWeight("kernel", [kernel_size.H, kernel_size.W, channels, filters], kernel_initializer, storageOrder: [3, 0, 1, 2],
            regularizer: kernel_regularizer);
        if (use_bias) _bias = AddWeight("bias", [filters], bias_initializer, regularizer: bias_regularizer);
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.DType == dtype_policy.compute_dtype ? inputs : inputs.AsType(dtype_policy.compute_dtype);
        bool relu = activation == "relu";  // applied in the convolution's own call, in place, or by the pool that follows
        var y = NN.Conv2D(x, Compute(kernel), _bias is null ? null : Compute(_bias), (strides.H, strides.W),
            ConvUtils.Pads(x.Shape, kernel_size, strides, padding, dilation_rate), (dilation_rate.H, dilation_rate.W),
            relu: relu && !LayerFusion.IsFusedProducer(this));  // fused: the pool applies it
        if (relu) return y;
        var activated = Activations.Apply(activation, y);
        Tensor.Release(y, activated);  // the pre-activation, unless it is kept as logits
        return activated;
    }

    public override Shape ComputeOutputShape(Shape s) => ConvUtils.OutputShape(s, kernel_size, strides, padding, filters, dilation_rate);

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["filters"] = filters;
        ConvUtils.WriteWindow(c, kernel_size, strides, padding, dilation_rate);
        c["groups"] = 1;
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

    internal static Conv2D FromConfig(ConfigReader c)
    {
        c.ChannelsLast();
        c.Unsupported("groups", 1);
        c.NoConstraints("activity_regularizer", "kernel_constraint", "bias_constraint");
        return new Conv2D(c.Int("filters", 0), c.Pair("kernel_size", 1), c.Pair("strides", 1), c.String("padding", "valid")!,
            c.Pair("dilation_rate", 1), c.Activation("activation"), c.Bool("use_bias", true),
            c.Initializer("kernel_initializer", new GlorotUniform()), c.Initializer("bias_initializer", new Constant(0)),
            name: c.Name, kernel_regularizer: c.Regularizer("kernel_regularizer"), bias_regularizer: c.Regularizer("bias_regularizer"));
    }
}
