using KerasNet.Engine;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>keras.applications</summary>
public sealed class ApplicationsApi
{
    public Functional VGG16(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax") =>
        Applications.VGG16.Build(include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation);

    public Functional MobileNet(Shape? input_shape = null, double alpha = 1.0, int depth_multiplier = 1, double dropout = 1e-3,
        bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null, string? pooling = null,
        int classes = 1000, string? classifier_activation = "softmax") =>
        Applications.MobileNet.Build(input_shape, alpha, depth_multiplier, dropout, include_top, weights, input_tensor, pooling,
            classes, classifier_activation);

    public Functional VGG19(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax") =>
        Applications.VGG19.Build(include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation);

    public Functional ResNet50(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax") =>
        Applications.ResNet50.Build(include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation);

    public Functional MobileNetV2(Shape? input_shape = null, double alpha = 1.0, bool include_top = true, string? weights = "imagenet",
        KerasTensor? input_tensor = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax") =>
        Applications.MobileNetV2.Build(input_shape, alpha, include_top, weights, input_tensor, pooling, classes, classifier_activation);

    public Functional Xception(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax") =>
        Applications.Xception.Build(include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation);

    public Functional InceptionV3(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax") =>
        Applications.InceptionV3.Build(include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation);

    /// <summary>ResNet18 with ImageNet weights from ML.NET's featurizer package (ONNX, imported); see <see cref="Applications.ResNet18"/>.</summary>
    public Functional ResNet18(bool include_top = false, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null) =>
        Applications.ResNet18.Build(include_top, weights, input_tensor, input_shape, pooling);

    /// <summary>keras.applications.resnet18: preprocess_input (RGB 0-255 → BGR minus the mean image, as ResNetPreprocess.onnx).</summary>
    public ResNet18Module resnet18 { get; } = new();

    public sealed class ResNet18Module
    {
        public Tensor preprocess_input(Tensor x) => Applications.ResNet18.PreprocessInput(x);
    }

    /// <summary>keras.applications.vgg16: preprocess_input (caffe mode), decode_predictions.</summary>
    public Module vgg16 { get; } = new("caffe");

    /// <summary>keras.applications.mobilenet: preprocess_input (scales to [-1, 1]), decode_predictions.</summary>
    public Module mobilenet { get; } = new("tf");

    /// <summary>keras.applications.vgg19: preprocess_input (caffe mode: BGR, ImageNet means subtracted), decode_predictions.</summary>
    public Module vgg19 { get; } = new("caffe");

    /// <summary>keras.applications.resnet50 (and resnet): preprocess_input (caffe mode), decode_predictions.</summary>
    public Module resnet50 { get; } = new("caffe");

    /// <summary>keras.applications.mobilenet_v2: preprocess_input (scales to [-1, 1]), decode_predictions.</summary>
    public Module mobilenet_v2 { get; } = new("tf");

    /// <summary>keras.applications.xception: preprocess_input (scales to [-1, 1]), decode_predictions.</summary>
    public Module xception { get; } = new("tf");

    /// <summary>keras.applications.inception_v3: preprocess_input (scales to [-1, 1]), decode_predictions.</summary>
    public Module inception_v3 { get; } = new("tf");

    public sealed class Module(string mode)
    {
        public Tensor preprocess_input(Tensor x) => ImagenetUtils.PreprocessInput(x, mode);

        public List<List<(string class_name, string class_description, double score)>> decode_predictions(Tensor preds, int top = 5) =>
            ImagenetUtils.DecodePredictions(preds, top);
    }
}
