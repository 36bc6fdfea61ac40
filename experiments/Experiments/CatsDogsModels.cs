using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>The cats-vs-dogs article's models (150×150 RGB in, one sigmoid unit out), as its scripts build them.</summary>
public static class CatsDogsModels
{
    public const int ImageSize = 150;

    /// <summary>§2.1 baseline: three conv/pool blocks, Dense 512, sigmoid. 19,024,513 parameters.</summary>
    public static Sequential Baseline() => keras.Sequential(
    [
        keras.layers.Conv2D(16, (3, 3), activation: "relu", input_shape: (ImageSize, ImageSize, 3)),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation: "relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(128, (3, 3), activation: "relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation: "relu"),
        keras.layers.Dense(1, activation: "sigmoid"),
    ]);

    /// <summary>§2.2 with dropout: four conv/pool blocks, two Dense 512 with Dropout 0.3, sigmoid.</summary>
    public static Sequential Dropout() => keras.Sequential(
    [
        keras.layers.Conv2D(16, (3, 3), activation: "relu", input_shape: (ImageSize, ImageSize, 3)),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation: "relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(128, (3, 3), activation: "relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(128, (3, 3), activation: "relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation: "relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(512, activation: "relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1, activation: "sigmoid"),
    ]);

    /// <summary>§3 classifier on bottleneck features: Dense 512, Dropout 0.3, Dense 512, Dropout 0.3, sigmoid.</summary>
    public static Sequential BottleneckMlp(int features = 8192) => keras.Sequential(
    [
        keras.layers.Dense(512, activation: "relu", input_shape: features),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(512, activation: "relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1, activation: "sigmoid"),
    ]);

    /// <summary>§3.2-3.3: a pretrained convolutional base, flattened, with the MLP on top.</summary>
    public static Sequential OnBase(Model convBase)
    {
        var model = keras.Sequential();
        model.add(convBase);
        model.add(keras.layers.Flatten());
        model.add(keras.layers.Dense(512, activation: "relu"));
        model.add(keras.layers.Dropout(0.3));
        model.add(keras.layers.Dense(512, activation: "relu"));
        model.add(keras.layers.Dropout(0.3));
        model.add(keras.layers.Dense(1, activation: "sigmoid"));
        return model;
    }

    /// <summary>§3.3 fine-tuning: layers from block4_conv1 on are trainable, the rest frozen.</summary>
    public static void TrainableFrom(Model convBase, string firstTrainable)
    {
        convBase.trainable = true;
        bool on = false;
        foreach (var layer in convBase.layers)
        {
            if (layer.name == firstTrainable) on = true;
            layer.trainable = on;
        }
        if (!on) throw new ArgumentException($"No layer '{firstTrainable}' in '{convBase.name}'.");
    }
}
