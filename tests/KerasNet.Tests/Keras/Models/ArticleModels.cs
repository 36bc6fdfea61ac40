using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Models;

/// <summary>The articles' models, built as the scripts build them.</summary>
internal static class ArticleModels
{
    public static Sequential FashionCnn() => KerasNet.Experiments.Experiments.FashionMnistExperiment.BuildModel();

    public static Sequential CatsDogsBaseline() => keras.Sequential(
    [
        keras.layers.Conv2D(16, (3, 3), activation: "relu", input_shape: (150, 150, 3)),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation: "relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(128, (3, 3), activation: "relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation: "relu"),
        keras.layers.Dense(1, activation: "sigmoid"),
    ]);

    public static Sequential BottleneckMlp() => keras.Sequential(
    [
        keras.layers.Dense(512, activation: "relu", input_shape: 8192),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(512, activation: "relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1, activation: "sigmoid"),
    ]);
}
