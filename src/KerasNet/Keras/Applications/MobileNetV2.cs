using System.Globalization;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>
/// keras.applications.MobileNetV2 with Keras's layer names (Conv1, bn_Conv1, Conv1_relu, expanded_conv_depthwise,
/// block_N_expand / _depthwise / _project (+ _BN, _relu, _pad, _add), Conv_1, Conv_1_bn, out_relu, predictions): inverted
/// residual blocks, ReLU6, batch normalization epsilon 1e-3 momentum 0.999, widths rounded to multiples of 8 as Keras's
/// _make_divisible does. α 1.0: 3,538,984 weights with the top, 2,257,984 without. preprocess_input: tf ([-1, 1]).
/// </summary>
public static class MobileNetV2
{
    public const string BaseWeightPath = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/";

    public static Functional Build(Shape? input_shape = null, double alpha = 1.0, bool include_top = true, string? weights = "imagenet",
        KerasTensor? input_tensor = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax")
    {
        ApplicationChecks.Arguments(weights, include_top, classes, pooling);
        bool imagenet = weights == "imagenet";
        input_shape ??= input_tensor?.shape.WithoutBatch();
        int defaultSize = input_shape is { } s0 && s0[0] == s0[1] && s0[0] is 96 or 128 or 160 or 192 or 224 ? s0[0]!.Value : 224;
        var shape = ImagenetUtils.ObtainInputShape(input_shape, defaultSize, 32, include_top, imagenet);
        int rows = shape[0] ?? 224;
        if (imagenet)
        {
            if (alpha is not (0.35 or 0.50 or 0.75 or 1.0 or 1.3 or 1.4))
                throw new ArgumentException($"If imagenet weights are being loaded, alpha must be one of 0.35, 0.50, 0.75, 1.0, 1.3 or 1.4; got {alpha}.");
            if (shape[0] != shape[1] || rows is not (96 or 128 or 160 or 192 or 224)) rows = 224;  // Keras loads the 224 weights
        }

        var inputs = input_tensor ?? new InputLayer(shape).Output;
        int first = MakeDivisible(32 * alpha);
        var x = new Conv2D(first, 3, strides: 2, padding: "same", use_bias: false, name: "Conv1").Apply(inputs);
        x = Bn(x, "bn_Conv1");
        x = new ReLU(6.0, name: "Conv1_relu").Apply(x);
        (int Filters, int Stride, int Expansion)[] blocks =
        [
            (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
            (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
        ];
        for (int i = 0; i < blocks.Length; i++) x = InvertedResidual(x, blocks[i].Filters, alpha, blocks[i].Stride, blocks[i].Expansion, i);
        int last = alpha > 1.0 ? MakeDivisible(1280 * alpha) : 1280;
        x = new Conv2D(last, 1, use_bias: false, name: "Conv_1").Apply(x);
        x = Bn(x, "Conv_1_bn");
        x = new ReLU(6.0, name: "out_relu").Apply(x);
        if (include_top)
        {
            x = new GlobalAveragePooling2D().Apply(x);
            x = new Dense(classes, activation: classifier_activation, name: "predictions").Apply(x);
        }
        else x = ApplicationChecks.Pool(x, pooling);
        var a = alpha.ToString("0.00", CultureInfo.InvariantCulture);
        var model = new Functional(inputs, x, $"mobilenetv2_{a}_{rows}");
        if (weights is not null)
        {
            // Keras's names: str(float(alpha)) ("1.0", "0.35") and the rows the weights were trained at; it checks no hash
            var file = $"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{PythonFloat(alpha)}_{rows}{(include_top ? "" : "_no_top")}.h5";
            var path = ImagenetUtils.ResolveWeights(weights, file, BaseWeightPath + file, null);
            if (path is not null) model.load_weights(path);
        }
        return model;
    }

    private static string PythonFloat(double v) => v == Math.Floor(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture);

    private static KerasTensor Bn(KerasTensor x, string name) => new BatchNormalization(epsilon: 1e-3, momentum: 0.999, name: name).Apply(x);

    /// <summary>Keras's _make_divisible: the nearest multiple of 8 (at least 8), never more than 10 % below <paramref name="v"/>.</summary>
    internal static int MakeDivisible(double v, int divisor = 8)
    {
        int rounded = Math.Max(divisor, (int)(v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    private static KerasTensor InvertedResidual(KerasTensor inputs, int filters, double alpha, int stride, int expansion, int blockId)
    {
        int inChannels = inputs.shape[inputs.shape.Rank - 1] ?? throw new InvalidOperationException("MobileNetV2: the channel count must be known.");
        int pointwise = MakeDivisible((int)(filters * alpha));
        var prefix = blockId == 0 ? "expanded_conv_" : $"block_{blockId}_";
        var x = inputs;
        if (blockId != 0)
        {
            x = new Conv2D(expansion * inChannels, 1, padding: "same", use_bias: false, name: prefix + "expand").Apply(x);
            x = Bn(x, prefix + "expand_BN");
            x = new ReLU(6.0, name: prefix + "expand_relu").Apply(x);
        }
        if (stride == 2)
        {
            // Keras's correct_pad: one more row and column after than before on even sizes
            int? h = x.shape[1], w = x.shape[2];
            int adjustH = h is { } hh ? 1 - hh % 2 : 1, adjustW = w is { } ww ? 1 - ww % 2 : 1;
            x = new ZeroPadding2D(((1 - adjustH, 1), (1 - adjustW, 1)), name: prefix + "pad").Apply(x);
        }
        x = new DepthwiseConv2D(3, strides: stride, use_bias: false, padding: stride == 1 ? "same" : "valid", name: prefix + "depthwise").Apply(x);
        x = Bn(x, prefix + "depthwise_BN");
        x = new ReLU(6.0, name: prefix + "depthwise_relu").Apply(x);
        x = new Conv2D(pointwise, 1, padding: "same", use_bias: false, name: prefix + "project").Apply(x);
        x = Bn(x, prefix + "project_BN");
        return inChannels == pointwise && stride == 1 ? new Add(name: prefix + "add").Apply([inputs, x]) : x;
    }
}
