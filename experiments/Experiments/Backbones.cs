using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// The pretrained convolutional bases of §3, on 150×150 inputs: VGG16 (ImageNet; output 4×4×512) or
/// MobileNet α0.25 (ImageNet; 4×4×256). Weights resolve like Keras (data dir, $KERAS_HOME/models,
/// download); without them the run stops with the clear offline message. As in the article, images are
/// fed scaled to [0, 1].
/// </summary>
public static class Backbones
{
    public static Functional Build(string backbone, string? weights = "imagenet") => backbone switch
    {
        "vgg16" => keras.applications.VGG16(include_top: false, weights: weights, input_shape: (150, 150, 3)),
        "mobilenet" => keras.applications.MobileNet(input_shape: (150, 150, 3), alpha: 0.25, include_top: false, weights: weights),
        _ => throw new ArgumentException($"Unknown backbone '{backbone}' (vgg16 or mobilenet)."),
    };

    /// <summary>The first layer that fine-tuning trains: VGG16's block4_conv1; for MobileNet its last stride-2 block.</summary>
    public static string FirstFineTuned(string backbone) => backbone == "vgg16" ? "block4_conv1" : "conv_pad_12";
}
