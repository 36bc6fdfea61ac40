using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>
/// keras.applications.Xception with Keras's layer names (block1_conv1 … block14_sepconv2_act, avg_pool, predictions; the
/// four projecting shortcuts unnamed, as in Keras): entry flow, 8 middle blocks of separable convolutions, exit flow.
/// 299×299 by default (at least 71). 22,910,480 weights with the top, 20,861,480 without. preprocess_input: tf ([-1, 1]).
/// </summary>
public static class Xception
{
    public const string WeightsPath =
        "https://storage.googleapis.com/tensorflow/keras-applications/xception/xception_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsPathNoTop =
        "https://storage.googleapis.com/tensorflow/keras-applications/xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsFile = "xception_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsFileNoTop = "xception_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsHash = "0a58e3b7378bc2990ea3b43d5981f1f6";        // md5, as Keras publishes it
    public const string WeightsHashNoTop = "b0042744bf5b25fce3cb969f33bebb97";

    public static Functional Build(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax")
    {
        ApplicationChecks.Arguments(weights, include_top, classes, pooling);
        var shape = ImagenetUtils.ObtainInputShape(input_shape ?? input_tensor?.shape.WithoutBatch(), 299, 71, include_top, weights == "imagenet");
        var inputs = input_tensor ?? new InputLayer(shape).Output;

        var x = new Conv2D(32, 3, strides: 2, use_bias: false, name: "block1_conv1").Apply(inputs);
        x = new BatchNormalization(name: "block1_conv1_bn").Apply(x);
        x = new Activation("relu", name: "block1_conv1_act").Apply(x);
        x = new Conv2D(64, 3, use_bias: false, name: "block1_conv2").Apply(x);
        x = new BatchNormalization(name: "block1_conv2_bn").Apply(x);
        x = new Activation("relu", name: "block1_conv2_act").Apply(x);

        // entry flow: blocks 2-4, each halving the grid, with a projecting 1×1 shortcut
        int[] entry = [128, 256, 728];
        for (int b = 0; b < 3; b++)
        {
            string p = $"block{b + 2}";
            var residual = Shortcut(x, entry[b]);
            if (b > 0) x = new Activation("relu", name: $"{p}_sepconv1_act").Apply(x);
            x = Sep(x, entry[b], $"{p}_sepconv1");
            x = new Activation("relu", name: $"{p}_sepconv2_act").Apply(x);
            x = Sep(x, entry[b], $"{p}_sepconv2");
            x = new MaxPooling2D(3, strides: 2, padding: "same", name: $"{p}_pool").Apply(x);
            x = new Add().Apply([x, residual]);
        }
        // middle flow: 8 identity blocks of three separable convolutions
        for (int i = 0; i < 8; i++)
        {
            string p = $"block{i + 5}";
            var residual = x;
            for (int c = 1; c <= 3; c++)
            {
                x = new Activation("relu", name: $"{p}_sepconv{c}_act").Apply(x);
                x = Sep(x, 728, $"{p}_sepconv{c}");
            }
            x = new Add().Apply([x, residual]);
        }
        // exit flow
        var last = Shortcut(x, 1024);
        x = new Activation("relu", name: "block13_sepconv1_act").Apply(x);
        x = Sep(x, 728, "block13_sepconv1");
        x = new Activation("relu", name: "block13_sepconv2_act").Apply(x);
        x = Sep(x, 1024, "block13_sepconv2");
        x = new MaxPooling2D(3, strides: 2, padding: "same", name: "block13_pool").Apply(x);
        x = new Add().Apply([x, last]);
        x = Sep(x, 1536, "block14_sepconv1");
        x = new Activation("relu", name: "block14_sepconv1_act").Apply(x);
        x = Sep(x, 2048, "block14_sepconv2");
        x = new Activation("relu", name: "block14_sepconv2_act").Apply(x);

        if (include_top)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Apply(x);
            x = new Dense(classes, activation: classifier_activation, name: "predictions").Apply(x);
        }
        else x = ApplicationChecks.Pool(x, pooling);
        var model = new Functional(inputs, x, "xception");
        var path = include_top
            ? ImagenetUtils.ResolveWeights(weights, WeightsFile, WeightsPath, WeightsHash)
            : ImagenetUtils.ResolveWeights(weights, WeightsFileNoTop, WeightsPathNoTop, WeightsHashNoTop);
        if (path is not null) model.load_weights(path);
        return model;
    }

    /// <summary>A separable 3×3 convolution and its batch normalization (NAME, NAME_bn).</summary>
    private static KerasTensor Sep(KerasTensor x, int filters, string name)
    {
        x = new SeparableConv2D(filters, 3, padding: "same", use_bias: false, name: name).Apply(x);
        return new BatchNormalization(name: name + "_bn").Apply(x);
    }

    private static KerasTensor Shortcut(KerasTensor x, int filters)
    {
        var r = new Conv2D(filters, 1, strides: 2, padding: "same", use_bias: false).Apply(x);
        return new BatchNormalization().Apply(r);
    }
}
