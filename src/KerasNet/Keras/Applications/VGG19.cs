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
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax") =>
        Vgg.Build([2, 2, 4, 4, 4], "vgg19", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
            include_top ? (WeightsFile, WeightsPath, WeightsHash) : (WeightsFileNoTop, WeightsPathNoTop, WeightsHashNoTop));
}
