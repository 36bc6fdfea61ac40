using System.Globalization;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>
/// keras.applications.MobileNet (v1) with Keras's layer names (conv1, conv1_bn, conv1_relu,
/// conv_pad_N, conv_dw_N, conv_dw_N_bn, conv_dw_N_relu, conv_pw_N, ...). Stride-2 depthwise blocks pad
/// bottom/right by one and use 'valid', as Keras builds them.
/// </summary>
public static class MobileNet
{
    public const string BaseWeightPath = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/";

    /// <summary>Hashes known for Keras's MobileNet files (Keras itself checks none).</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownHashes = new Dictionary<string, string>
    {
        ["mobilenet_2_5_224_tf_no_top.h5"] = "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",
    };

    public static Functional Build(Shape? input_shape = null, double alpha = 1.0, int depth_multiplier = 1, double dropout = 1e-3,
        bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null, string? pooling = null,
        int classes = 1000, string? classifier_activation = "softmax", string? name = null)
    {
        bool imagenet = weights == "imagenet";
        ApplicationChecks.Arguments(weights, include_top, classes, pooling);
        input_shape ??= input_tensor?.shape.WithoutBatch();
        int defaultSize = input_shape is { } s0 && s0[0] == s0[1] && s0[0] is 128 or 160 or 192 or 224 ? s0[0]!.Value : 224;
        var shape = ImagenetUtils.ObtainInputShape(input_shape, defaultSize, 32, include_top, imagenet);
        int? rows = shape[0];
        if (imagenet)
        {
            if (depth_multiplier != 1) throw new ArgumentException($"If imagenet weights are being loaded, depth multiplier must be 1; got {depth_multiplier}.");
            if (alpha is not (0.25 or 0.50 or 0.75 or 1.0))
                throw new ArgumentException($"If imagenet weights are being loaded, alpha can be one of 0.25, 0.50, 0.75 or 1.0 only; got {alpha}.");
            if (shape[0] != shape[1] || rows is not (128 or 160 or 192 or 224)) rows = 224;  // Keras loads the 224 weights
        }

        var inputs = input_tensor ?? new InputLayer(shape).Output;
        var x = ConvBlock(inputs, 32, alpha, strides: 2);
        (int Filters, int Stride)[] blocks =
        [
            (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
            (1024, 2), (1024, 1),
        ];
        for (int i = 0; i < blocks.Length; i++)
            x = DepthwiseBlock(x, blocks[i].Filters, alpha, depth_multiplier, blocks[i].Stride, i + 1);

        if (include_top)
        {
            x = new GlobalAveragePooling2D(keepdims: true).Apply(x);
            x = new Dropout(dropout, name: "dropout").Apply(x);
            x = new Conv2D(classes, (1, 1), padding: "same", name: "conv_preds").Apply(x);
            x = new Reshape(new Shape(classes), name: "reshape_2").Apply(x);
            x = new Activation(classifier_activation ?? "linear", name: "predictions").Apply(x);
        }
        else x = ApplicationChecks.Pool(x, pooling);

        var model = new Functional(inputs, x, name ?? string.Format(CultureInfo.InvariantCulture, "mobilenet_{0:0.00}_{1}", alpha, rows));
        if (weights is not null)
        {
            string alphaText = alpha switch { 1.0 => "1_0", 0.75 => "7_5", 0.50 => "5_0", _ => "2_5" };
            string file = include_top ? $"mobilenet_{alphaText}_{rows}_tf.h5" : $"mobilenet_{alphaText}_{rows}_tf_no_top.h5";
            var path = ImagenetUtils.ResolveWeights(weights, file, BaseWeightPath + file, KnownHashes.GetValueOrDefault(file));
            model.load_weights(path!);
        }
        return model;
    }

    private static KerasTensor ConvBlock(KerasTensor inputs, int filters, double alpha, int strides)
    {
        var x = new Conv2D((int)(filters * alpha), (3, 3), padding: "same", use_bias: false, strides: strides, name: "conv1").Apply(inputs);
        x = new BatchNormalization(name: "conv1_bn").Apply(x);
        return new ReLU(6.0, name: "conv1_relu").Apply(x);
    }

    private static KerasTensor DepthwiseBlock(KerasTensor inputs, int pointwiseFilters, double alpha, int depthMultiplier,
        int strides, int blockId)
    {
        var x = inputs;
        if (strides != 1) x = new ZeroPadding2D(((0, 1), (0, 1)), name: $"conv_pad_{blockId}").Apply(x);
        x = new DepthwiseConv2D((3, 3), padding: strides == 1 ? "same" : "valid", depth_multiplier: depthMultiplier,
            strides: strides, use_bias: false, name: $"conv_dw_{blockId}").Apply(x);
        x = new BatchNormalization(name: $"conv_dw_{blockId}_bn").Apply(x);
        x = new ReLU(6.0, name: $"conv_dw_{blockId}_relu").Apply(x);
        x = new Conv2D((int)(pointwiseFilters * alpha), (1, 1), padding: "same", use_bias: false, strides: 1,
            name: $"conv_pw_{blockId}").Apply(x);
        x = new BatchNormalization(name: $"conv_pw_{blockId}_bn").Apply(x);
        return new ReLU(6.0, name: $"conv_pw_{blockId}_relu").Apply(x);
    }
}
