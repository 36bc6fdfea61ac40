using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>
/// keras.applications.VGG19 with Keras's layer names (block1_conv1 … block5_conv4, block5_pool, flatten, fc1, fc2,
/// predictions): VGG16 with four convolutions in blocks 3-5. 143,667,240 weights with the top, 20,024,384 without.
/// </summary>
public static class VGG19
{
    public const string WeightsPath =
        "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsPathNoTop =
        "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsFile = "vgg19_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsFileNoTop = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsHash = "cbe5617147190e668d6c5d5026f83318";        // md5, as Keras publishes it
    public const string WeightsHashNoTop = "253f8cb515780f3b799900260a226db6";

    public static Functional Build(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax")
    {
        ApplicationChecks.Arguments(weights, include_top, classes, pooling);
        var shape = ImagenetUtils.ObtainInputShape(input_shape ?? input_tensor?.shape.WithoutBatch(), 224, 32, include_top, weights == "imagenet");
        var inputs = input_tensor ?? new InputLayer(shape).Output;
        var x = inputs;
        int[] widths = [64, 128, 256, 512, 512];
        int[] depths = [2, 2, 4, 4, 4];
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
        else x = ApplicationChecks.Pool(x, pooling);
        var model = new Functional(inputs, x, "vgg19");
        var path = include_top
            ? ImagenetUtils.ResolveWeights(weights, WeightsFile, WeightsPath, WeightsHash)
            : ImagenetUtils.ResolveWeights(weights, WeightsFileNoTop, WeightsPathNoTop, WeightsHashNoTop);
        if (path is not null) model.load_weights(path);
        return model;
    }
}
