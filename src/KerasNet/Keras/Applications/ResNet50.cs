using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>
/// keras.applications.ResNet50 (v1, Keras's layer names: conv1_pad, conv1_conv, conv1_bn, conv1_relu, pool1_pad, pool1_pool,
/// conv2_block1_0_conv … conv5_block3_out, avg_pool, predictions): bottleneck blocks 3, 4, 6, 3, batch normalization with
/// epsilon 1.001e-5. 25,636,712 weights with the top, 23,587,712 without. preprocess_input: caffe.
/// </summary>
public static class ResNet50
{
    public const string BaseWeightsPath = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/";
    public const string WeightsFile = "resnet50_weights_tf_dim_ordering_tf_kernels.h5";
    public const string WeightsFileNoTop = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string WeightsHash = "2cb95161c43110f7111970584f804107";        // md5, as Keras publishes it
    public const string WeightsHashNoTop = "4d473c1dd8becc155b73f8504c6f6626";

    private const double Epsilon = 1.001e-5;

    public static Functional Build(bool include_top = true, string? weights = "imagenet", KerasTensor? input_tensor = null,
        Shape? input_shape = null, string? pooling = null, int classes = 1000, string? classifier_activation = "softmax")
    {
        ApplicationChecks.Arguments(weights, include_top, classes, pooling);
        var shape = ImagenetUtils.ObtainInputShape(input_shape ?? input_tensor?.shape.WithoutBatch(), 224, 32, include_top, weights == "imagenet");
        var inputs = input_tensor ?? new InputLayer(shape).Output;
        var x = new ZeroPadding2D(((3, 3), (3, 3)), name: "conv1_pad").Apply(inputs);
        x = new Conv2D(64, 7, strides: 2, name: "conv1_conv").Apply(x);
        x = new BatchNormalization(axis: 3, epsilon: Epsilon, name: "conv1_bn").Apply(x);
        x = new Activation("relu", name: "conv1_relu").Apply(x);
        x = new ZeroPadding2D(((1, 1), (1, 1)), name: "pool1_pad").Apply(x);
        x = new MaxPooling2D(3, strides: 2, name: "pool1_pool").Apply(x);
        x = Stack(x, 64, 3, 1, "conv2");
        x = Stack(x, 128, 4, 2, "conv3");
        x = Stack(x, 256, 6, 2, "conv4");
        x = Stack(x, 512, 3, 2, "conv5");
        if (include_top)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Apply(x);
            x = new Dense(classes, activation: classifier_activation, name: "predictions").Apply(x);
        }
        else x = ApplicationChecks.Pool(x, pooling, "avg_pool", "max_pool");
        var model = new Functional(inputs, x, "resnet50");
        var path = ImagenetUtils.ResolveWeights(weights, include_top ? WeightsFile : WeightsFileNoTop,
            BaseWeightsPath + (include_top ? WeightsFile : WeightsFileNoTop), include_top ? WeightsHash : WeightsHashNoTop);
        if (path is not null) model.load_weights(path);
        return model;
    }

    /// <summary>Keras's stack1: a projecting first block (stride <paramref name="stride"/>), then identity blocks.</summary>
    private static KerasTensor Stack(KerasTensor x, int filters, int blocks, int stride, string name)
    {
        x = Block(x, filters, stride, shortcutConv: true, $"{name}_block1");
        for (int i = 2; i <= blocks; i++) x = Block(x, filters, 1, shortcutConv: false, $"{name}_block{i}");
        return x;
    }

    /// <summary>Keras's block1: 1×1 (stride), 3×3, 1×1 ×4 with batch normalization, plus the shortcut, ReLU.</summary>
    private static KerasTensor Block(KerasTensor x, int filters, int stride, bool shortcutConv, string name)
    {
        var shortcut = x;
        if (shortcutConv)
        {
            shortcut = new Conv2D(4 * filters, 1, strides: stride, name: $"{name}_0_conv").Apply(x);
            shortcut = new BatchNormalization(axis: 3, epsilon: Epsilon, name: $"{name}_0_bn").Apply(shortcut);
        }
        x = new Conv2D(filters, 1, strides: stride, name: $"{name}_1_conv").Apply(x);
        x = new BatchNormalization(axis: 3, epsilon: Epsilon, name: $"{name}_1_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_1_relu").Apply(x);
        x = new Conv2D(filters, 3, padding: "same", name: $"{name}_2_conv").Apply(x);
        x = new BatchNormalization(axis: 3, epsilon: Epsilon, name: $"{name}_2_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_2_relu").Apply(x);
        x = new Conv2D(4 * filters, 1, name: $"{name}_3_conv").Apply(x);
        x = new BatchNormalization(axis: 3, epsilon: Epsilon, name: $"{name}_3_bn").Apply(x);
        x = new Add(name: $"{name}_add").Apply([shortcut, x]);
        return new Activation("relu", name: $"{name}_out").Apply(x);
    }
}
