using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Applications;

/// <summary>What VGG16 and VGG19 share: five blocks of 3×3 'same' convolutions (64 … 512 wide) and 2×2 pools, then fc1, fc2, predictions.</summary>
internal static class Vgg
{
    public static Functional Build(int[] depths, string name, bool includeTop, string? weights, KerasTensor? inputTensor, Shape? inputShape,
        string? pooling, int classes, string? classifierActivation, (string File, string Url, string Hash) weightsFile)
    {
        ApplicationChecks.Arguments(weights, includeTop, classes, pooling);
        var shape = ImagenetUtils.ObtainInputShape(inputShape ?? inputTensor?.shape.WithoutBatch(), 224, 32, includeTop, weights == "imagenet");
        var inputs = inputTensor ?? new InputLayer(shape).Output;
        var x = inputs;
        int[] widths = [64, 128, 256, 512, 512];
        for (int b = 0; b < 5; b++)
        {
            for (int c = 0; c < depths[b]; c++)
                x = new Conv2D(widths[b], (3, 3), activation: "relu", padding: "same", name: $"block{b + 1}_conv{c + 1}").Apply(x);
            x = new MaxPooling2D((2, 2), strides: (2, 2), name: $"block{b + 1}_pool").Apply(x);
        }
        if (includeTop)
        {
            x = new Flatten(name: "flatten").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc1").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc2").Apply(x);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Apply(x);
        }
        else x = ApplicationChecks.Pool(x, pooling);
        var model = new Functional(inputs, x, name);
        if (ImagenetUtils.ResolveWeights(weights, weightsFile.File, weightsFile.Url, weightsFile.Hash) is { } path) model.load_weights(path);
        return model;
    }
}
