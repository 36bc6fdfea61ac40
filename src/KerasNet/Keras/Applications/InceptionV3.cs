using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>
/// keras.applications.InceptionV3 with Keras's layer names (mixed0 … mixed10, mixed9_0, mixed9_1, avg_pool, predictions; the
/// convolutions, batch normalizations (no scale, as Keras's conv2d_bn) and activations auto-named conv2d, batch_normalization,
/// activation, …, as Keras names them). 299×299 by default (at least 75). 23,851,784 weights with the top, 21,802,784 without.
/// preprocess_input: tf ([-1, 1]).
/// </summary>
public static class InceptionV3
{
    public const string WeightsPath =
        "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsPathNoTop =
        "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsFile = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsFileNoTop = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsHash = "9a0d58056eeedaa3f26cb7ebd46da564";        // md5, as Keras publishes it
    public const string WeightsHashNoTop = "bcbd6486424b2319ff4ef7d526e38f63";

    public static Functional Build(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax")
    {
        ApplicationChecks.Arguments(weights, include_top, classes, pooling);
        var shape = ImagenetUtils.ObtainInputShape(input_shape ?? input_tensor?.shape.WithoutBatch(), 299, 75, include_top, weights == "imagenet");
        var inputs = input_tensor ?? new InputLayer(shape).Output;

        var x = ConvBn(inputs, 32, 3, 3, strides: 2, padding: "valid");
        x = ConvBn(x, 32, 3, 3, padding: "valid");
        x = ConvBn(x, 64, 3, 3);
        x = new MaxPooling2D(3, strides: 2).Apply(x);
        x = ConvBn(x, 80, 1, 1, padding: "valid");
        x = ConvBn(x, 192, 3, 3, padding: "valid");
        x = new MaxPooling2D(3, strides: 2).Apply(x);

        // mixed 0-2: 35 × 35 × 256, 288, 288
        foreach (var (pool, i) in new[] { (32, 0), (64, 1), (64, 2) })
        {
            var b1 = ConvBn(x, 64, 1, 1);
            var b5 = ConvBn(ConvBn(x, 48, 1, 1), 64, 5, 5);
            var b3 = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
            var bp = ConvBn(new AveragePooling2D(3, strides: 1, padding: "same").Apply(x), pool, 1, 1);
            x = new Concatenate(axis: 3, name: $"mixed{i}").Apply([b1, b5, b3, bp]);
        }
        // mixed 3: 17 × 17 × 768
        {
            var b3 = ConvBn(x, 384, 3, 3, strides: 2, padding: "valid");
            var bd = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides: 2, padding: "valid");
            var bp = new MaxPooling2D(3, strides: 2).Apply(x);
            x = new Concatenate(axis: 3, name: "mixed3").Apply([b3, bd, bp]);
        }
        // mixed 4-7: 17 × 17 × 768, factorised 7 × 7
        foreach (var (width, i) in new[] { (128, 4), (160, 5), (160, 6), (192, 7) })
        {
            var b1 = ConvBn(x, 192, 1, 1);
            var b7 = ConvBn(ConvBn(ConvBn(x, width, 1, 1), width, 1, 7), 192, 7, 1);
            var bd = ConvBn(x, width, 1, 1);
            bd = ConvBn(bd, width, 7, 1);
            bd = ConvBn(bd, width, 1, 7);
            bd = ConvBn(bd, width, 7, 1);
            bd = ConvBn(bd, 192, 1, 7);
            var bp = ConvBn(new AveragePooling2D(3, strides: 1, padding: "same").Apply(x), 192, 1, 1);
            x = new Concatenate(axis: 3, name: $"mixed{i}").Apply([b1, b7, bd, bp]);
        }
        // mixed 8: 8 × 8 × 1280
        {
            var b3 = ConvBn(ConvBn(x, 192, 1, 1), 320, 3, 3, strides: 2, padding: "valid");
            var b7 = ConvBn(x, 192, 1, 1);
            b7 = ConvBn(b7, 192, 1, 7);
            b7 = ConvBn(b7, 192, 7, 1);
            b7 = ConvBn(b7, 192, 3, 3, strides: 2, padding: "valid");
            var bp = new MaxPooling2D(3, strides: 2).Apply(x);
            x = new Concatenate(axis: 3, name: "mixed8").Apply([b3, b7, bp]);
        }
        // mixed 9-10: 8 × 8 × 2048
        for (int i = 0; i < 2; i++)
        {
            var b1 = ConvBn(x, 320, 1, 1);
            var b3 = ConvBn(x, 384, 1, 1);
            b3 = new Concatenate(axis: 3, name: $"mixed9_{i}").Apply([ConvBn(b3, 384, 1, 3), ConvBn(b3, 384, 3, 1)]);
            var bd = ConvBn(ConvBn(x, 448, 1, 1), 384, 3, 3);
            bd = new Concatenate(axis: 3).Apply([ConvBn(bd, 384, 1, 3), ConvBn(bd, 384, 3, 1)]);
            var bp = ConvBn(new AveragePooling2D(3, strides: 1, padding: "same").Apply(x), 192, 1, 1);
            x = new Concatenate(axis: 3, name: $"mixed{9 + i}").Apply([b1, b3, bd, bp]);
        }

        if (include_top)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Apply(x);
            x = new Dense(classes, activation: classifier_activation, name: "predictions").Apply(x);
        }
        else x = ApplicationChecks.Pool(x, pooling);
        var model = new Functional(inputs, x, "inception_v3");
        var path = include_top
            ? ImagenetUtils.ResolveWeights(weights, WeightsFile, WeightsPath, WeightsHash)
            : ImagenetUtils.ResolveWeights(weights, WeightsFileNoTop, WeightsPathNoTop, WeightsHashNoTop);
        if (path is not null) model.load_weights(path);
        return model;
    }

    /// <summary>Keras's conv2d_bn: convolution without bias, batch normalization without scale, ReLU.</summary>
    private static KerasTensor ConvBn(KerasTensor x, int filters, int rows, int cols, int strides = 1, string padding = "same")
    {
        x = new Conv2D(filters, (rows, cols), strides: strides, padding: padding, use_bias: false).Apply(x);
        x = new BatchNormalization(axis: 3, scale: false).Apply(x);
        return new Activation("relu").Apply(x);
    }
}
