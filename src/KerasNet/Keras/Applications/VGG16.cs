using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>
/// keras.applications.VGG16 with Keras's layer names (block1_conv1 … block5_pool, flatten, fc1, fc2,
/// predictions), so a script's <c>get_layer("block4_conv1")</c> and <c>layers[:-4]</c> work unchanged.
/// </summary>
public static class VGG16
{
    public const string WeightsPath =
        "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsPathNoTop =
        "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsFile = "vgg16_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsFileNoTop = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsHash = "64373286793e3c8b2b4e3219cbf3544b";        // md5, as Keras publishes it
    public const string WeightsHashNoTop = "6d6bbae143d832006294945121d1f1fc";

    public static Functional Build(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax",
        string name = "vgg16")
    {
        if (weights == "imagenet" && include_top && classes != 1000)
            throw new ArgumentException($"If using weights=\"imagenet\" with include_top=true, classes should be 1000; got {classes}.");
        if (pooling is not (null or "avg" or "max")) throw new ArgumentException($"pooling must be null, \"avg\" or \"max\", got '{pooling}'.");
        var shape = ImagenetUtils.ObtainInputShape(input_shape ?? input_tensor?.shape.WithoutBatch(), 224, 32, include_top,
            weights == "imagenet");
        var inputs = input_tensor ?? new InputLayer(shape).Output;

        var x = inputs;
        int[] widths = [64, 128, 256, 512, 512];
        int[] depths = [2, 2, 3, 3, 3];
        for (int b = 0; b < 5; b++)
        {
            for (int c = 0; c < depths[b]; c++)
                x = new Conv2D(widths[b], (3, 3), activation: "relu", padding: "same", name: $"block{b + 1}_conv{c + 1}").Apply(x);
            x = new MaxPooling2D((2, 2), strides: (2, 2), name: $"block{b + 1}_pool").Apply(x);
        }
        if (include_top)
        {
            x = new Flatten(name: "flatten").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc1").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc2").Apply(x);
            x = new Dense(classes, activation: classifier_activation, name: "predictions").Apply(x);
        }
        else if (pooling == "avg") x = new GlobalAveragePooling2D().Apply(x);
        else if (pooling == "max") x = new GlobalMaxPooling2D().Apply(x);

        var model = new Functional(inputs, x, name);
        var path = include_top
            ? ImagenetUtils.ResolveWeights(weights, WeightsFile, WeightsPath, WeightsHash)
            : ImagenetUtils.ResolveWeights(weights, WeightsFileNoTop, WeightsPathNoTop, WeightsHashNoTop);
        if (path is not null) model.load_weights(path);
        return model;
    }
}
