using KerasNet.Keras.Applications;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// The pretrained convolutional bases of §3. VGG16 (ImageNet; 150×150 in, 4×4×512 out) and MobileNet α0.25
/// (ImageNet; 4×4×256) take images scaled to [0, 1] as the article feeds them; their weights resolve like
/// Keras's (data dir, $KERAS_HOME/models, download), or the run stops with the clear offline message.
/// ResNet18 (ImageNet, ML.NET's featurizer package, imported from ONNX) takes 224×224: its first layers
/// turn the [0, 1] images back into 0-255 and apply its own preprocessing (RGB→BGR, minus the mean image,
/// as ResNetPreprocess.onnx), and it ends in its average pool (512 features), as ML.NET's featurizer does.
/// </summary>
public static class Backbones
{
    public static readonly string[] Names = ["vgg16", "mobilenet", "resnet18"];

    /// <summary>One line each, for <c>list</c>.</summary>
    public static readonly string[] Descriptions =
    [
        "vgg16 (default; ImageNet weights from Keras's URL, 150×150, fine-tuned from block4_conv1)",
        "mobilenet (α 0.25, Keras's ImageNet weights, 150×150, fine-tuned from its last stride-2 block)",
        "resnet18 (ImageNet, ML.NET's NuGet package imported from ONNX, 224×224 with its preprocessing, fine-tuned from conv5)",
    ];

    public static Functional Build(string backbone, string? weights = "imagenet") => backbone switch
    {
        "vgg16" => keras.applications.VGG16(include_top: false, weights: weights, input_shape: (150, 150, 3)),
        "mobilenet" => keras.applications.MobileNet(input_shape: (150, 150, 3), alpha: 0.25, include_top: false, weights: weights),
        "resnet18" => ResNet18WithPreprocessing(weights),
        _ => throw new ArgumentException($"Unknown backbone '{backbone}' ({string.Join(", ", Names)})."),
    };

    /// <summary>The image size a backbone takes (square).</summary>
    public static int ImageSize(string backbone) => backbone == "resnet18" ? ResNet18.Size : CatsDogsModels.ImageSize;

    /// <summary>
    /// The base as a feature map, not pooled, at <paramref name="size"/> (ResNet18: always 224, its preprocessing inside): for
    /// the experiments that pool or flatten it themselves (catsdogs-gap's GlobalAveragePooling2D).
    /// </summary>
    public static Functional BuildMap(string backbone, string? weights, int size) => backbone switch
    {
        "vgg16" => keras.applications.VGG16(include_top: false, weights: weights, input_shape: (size, size, 3)),
        "mobilenet" => keras.applications.MobileNet(input_shape: (size, size, 3), alpha: 0.25, include_top: false, weights: weights),
        "resnet18" => ResNet18WithPreprocessing(weights, pooled: false),
        _ => throw new ArgumentException($"Unknown backbone '{backbone}' ({string.Join(", ", Names)})."),
    };

    private static Functional ResNet18WithPreprocessing(string? weights, bool pooled = true)
    {
        var inputs = keras.Input((ResNet18.Size, ResNet18.Size, 3), name: "image");
        var x = ResNet18.Apply(ResNet18.ApplyPreprocessing(inputs));
        if (pooled) x = keras.layers.GlobalAveragePooling2D(name: "avg_pool").Apply(x);
        var model = keras.Model(inputs, x, name: "resnet18");
        if (weights is null)  // the same layers, freshly initialized
        {
            var fresh = Functional.from_config(model.get_config());
            model.Dispose();
            return fresh;
        }
        if (weights != "imagenet") model.load_weights(weights);
        return model;
    }

    /// <summary>
    /// The first layer that fine-tuning trains: VGG16's block4_conv1; for MobileNet its last stride-2 block; for
    /// ResNet18 its last stage (conv5_…, Keras's name for ResNets' last stage).
    /// </summary>
    public static string FirstFineTuned(string backbone, Model convBase) => backbone switch
    {
        "vgg16" => "block4_conv1",
        "resnet18" => convBase.layers.First(l => l.name.StartsWith("conv5_", StringComparison.Ordinal)).name,
        _ => "conv_pad_12",
    };
}
