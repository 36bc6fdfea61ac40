using KerasNet.Engine;
using KerasNet.Harness;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// Article 1 ("Multi-GPU training with Estimators, tf.keras and tf.data"), first half: a small CNN on
/// Fashion-MNIST, timed per batch with TimeHistory, then evaluated on the test set.
/// </summary>
public sealed class FashionMnistExperiment : Experiment
{
    // The article's hyperparameters.
    private const int LabelDimensions = 10;
    private const int BatchSize = 512;
    private const int Epochs = 5;
    private const double LearningRate = 0.001;  // tf.train.AdamOptimizer()'s default

    public override string Name => "fashion-mnist";
    public override string Description => "Fashion-MNIST CNN (3 conv, 2 dense), Adam, batch 512, 5 epochs; prints images/s";
    public override bool SupportsDistribution => true;

    public override string ArticleResult => "reports training time and images/s per GPU count; our bar: test acc >= 0.85 after 5 epochs";

    /// <summary>The article's model (also what the benchmarks time).</summary>
    public static Sequential BuildModel()
    {
        var model = keras.Sequential();
        model.add(keras.layers.Conv2D(32, (3, 3), activation: "relu", input_shape: (28, 28, 1)));
        model.add(keras.layers.MaxPooling2D((2, 2), strides: 2));
        model.add(keras.layers.Conv2D(64, (3, 3), activation: "relu"));
        model.add(keras.layers.MaxPooling2D((2, 2), strides: 2));
        model.add(keras.layers.Conv2D(64, (3, 3), activation: "relu"));
        model.add(keras.layers.Flatten());
        model.add(keras.layers.Dense(64, activation: "relu"));
        model.add(keras.layers.Dense(LabelDimensions, activation: "softmax"));
        return model;
    }

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var print = context.Out;
        int epochs = o.Epochs ?? Epochs;

        var ((trainImagesRaw, trainLabelsRaw), (testImagesRaw, testLabelsRaw)) = keras.datasets.fashion_mnist.load_data();
        long trainingSize = trainImagesRaw.Shape[0];
        long testSize = testImagesRaw.Shape[0];

        // Scale to [0, 1] and add the channel axis.
        var trainImages = (trainImagesRaw.AsType(DType.Float32) / 255).Reshape(trainingSize, 28, 28, 1);
        var testImages = (testImagesRaw.AsType(DType.Float32) / 255).Reshape(testSize, 28, 28, 1);
        var trainLabels = keras.utils.to_categorical(trainLabelsRaw, LabelDimensions);
        var testLabels = keras.utils.to_categorical(testLabelsRaw, LabelDimensions);

        // under --replicas / --workers the model is created and compiled in the strategy's scope, as the article does
        Sequential model;
        using (context.Strategy?.scope())
        {
            model = BuildModel();
            model.compile(optimizer: keras.optimizers.Adam(LearningRate), loss: "categorical_crossentropy",
                metrics: ["accuracy"]);
        }
        if (context.Strategy?.IsChief != false) model.summary(print_fn: print.WriteLine);

        var timeHistory = new TimeHistory();
        var history = model.fit(trainImages, trainLabels, batch_size: BatchSize, epochs: epochs, verbose: o.Verbose,
            callbacks: [timeHistory], steps_per_epoch: o.StepsPerEpoch);

        double totalTime = timeHistory.times.Sum();
        var replicas = context.ReplicaDescription;
        var inputWork = new Dictionary<string, double>();  // under --workers each worker decodes (or gathers) only its rows
        timeHistory.ReportInputWork(print, context.Strategy, o.StepsPerEpoch is { } st ? st * Math.Min(BatchSize, trainImages.Shape[0]) : trainImages.Shape[0], inputWork);
        print.WriteLine($"total time with {replicas}: {totalTime:F2} seconds");
        double avgTimePerBatch = timeHistory.times.Average();
        double imagesPerSecond = BatchSize / avgTimePerBatch;
        print.WriteLine($"{imagesPerSecond:F1} images/second with {replicas}");

        var test = model.evaluate(testImages, testLabels, batch_size: BatchSize, verbose: o.Verbose);
        print.WriteLine($"test loss: {test["loss"]:F4}, test accuracy: {test["accuracy"]:F4}");

        if (context.Strategy?.IsChief != false) model.save_weights(Path.Combine(context.RunDirectory, "final_weights.h5"));

        context.Config["batch_size"] = BatchSize;
        context.Config["epochs"] = epochs;
        context.Config["learning_rate"] = LearningRate;
        context.Config["optimizer"] = "Adam";
        context.Config["params"] = model.count_params();
        var result = new ExperimentResult { History = history.history };
        result.Metrics["test_loss"] = test["loss"];
        result.Metrics["test_accuracy"] = test["accuracy"];
        result.Metrics["train_seconds"] = totalTime;
        result.Metrics["images_per_second"] = imagesPerSecond;
        foreach (var (k, v) in inputWork) result.Metrics[k] = v;
        return result;
    }
}
