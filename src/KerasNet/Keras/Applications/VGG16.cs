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
        string name = "vgg16") =>
        Vgg.Build([2, 2, 3, 3, 3], name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
            include_top ? (WeightsFile, WeightsPath, WeightsHash) : (WeightsFileNoTop, WeightsPathNoTop, WeightsHashNoTop));
}
