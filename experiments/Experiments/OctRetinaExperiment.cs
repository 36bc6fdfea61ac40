using KerasNet.Engine;
using KerasNet.Harness;
using KerasNet.Keras;
using KerasNet.Keras.Models;
using KerasNet.TF.Data;
using static KerasNet.KerasApi;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// Article 1 ("Multi-GPU training with Estimators, tf.keras and tf.data"), second half: VGG16 on the
/// Retinal OCT images (Kermany et al., OCT2017: train/ and test/ with CNV, DME, DRUSEN, NORMAL
/// folders of JPEGs). The article's input_fn — list_files, labels from the parent folder through a
/// lookup table, decode_jpeg, convert_image_dtype, resize to 224×224, one_hot, shuffle_and_repeat,
/// map_and_batch, prefetch — feeds VGG16 without its top + Flatten + Dense(4, softmax) with all but the
/// last four layers of the base frozen, trained with Adam for one epoch under the strategy
/// (--replicas / --workers), timed per batch, then evaluated on the test images.
/// </summary>
public sealed class OctRetinaExperiment : Experiment
{
    // The article's constants.
    public static readonly string[] Labels = ["CNV", "DME", "DRUSEN", "NORMAL"];
    private const int BatchSize = 64;
    private const int Epochs = 1;
    private const int TrainShuffleBuffer = 2048;
    private const int PrefetchBuffer = 4;
    public const int ImageSize = 224;

    public override string Name => "oct-retina";
    public override bool UsesBackbone => true;
    public override string Description => "VGG16 (--backbone) + Dense(4) on Retinal OCT (OCT2017), last 4 base layers trainable, Adam, 1 epoch, batch 64; prints images/s";
    public override string ArticleResult => "reports training time and images/s per GPU count (no accuracy given)";
    public override bool SupportsDistribution => true;

    /// <summary>The article's input_fn: (image, one-hot label) batches from a file pattern.</summary>
    public static Dataset<(Tensor, Tensor)> InputFn(string filePattern, bool shuffle = false, int batchSize = BatchSize, int? numEpochs = null,
        int bufferSize = 4096, int? prefetchBufferSize = null, int? seed = null)
    {
        var table = tf.lookup.index_table_from_tensor(Labels);
        int numClasses = Labels.Length;

        (Tensor, Tensor) MapFunc(string filename)
        {
            var label = tf.strings.split(filename, "/")[^2];
            var image = tf.image.decode_jpeg(tf.io.read_file(filename), channels: 3);
            image = tf.image.convert_image_dtype(image, tf.float32);
            image = tf.image.resize(image, (ImageSize, ImageSize));
            return (image, tf.one_hot(table.lookup(label), numClasses));
        }

        var dataset = tf.data.Dataset.list_files(filePattern, shuffle: shuffle, seed: seed);
        if (numEpochs is not null && shuffle) dataset = dataset.shuffle_and_repeat(bufferSize, numEpochs, seed);
        else if (shuffle) dataset = dataset.shuffle(bufferSize, seed);
        else if (numEpochs is not null) dataset = dataset.repeat(numEpochs);
        var batched = dataset.map_and_batch(MapFunc, batch_size: batchSize, num_parallel_calls: Environment.ProcessorCount);
        return prefetchBufferSize is { } p ? batched.prefetch(p) : batched;
    }

    /// <summary>The article's model: the base without its top at 224×224, Flatten, Dense(4, softmax); base layers but the last four frozen.</summary>
    public static Functional BuildModel(string backbone, string? weights = "imagenet")
    {
        var convBase = backbone switch
        {
            "vgg16" => keras.applications.VGG16(input_shape: (ImageSize, ImageSize, 3), include_top: false, weights: weights),
            "mobilenet" => keras.applications.MobileNet(input_shape: (ImageSize, ImageSize, 3), alpha: 0.25, include_top: false, weights: weights),
            "resnet18" => Backbones.Build("resnet18", weights),
            _ => throw new ArgumentException($"Unknown backbone '{backbone}' ({string.Join(", ", Backbones.Names)})."),
        };
        var output = keras.layers.Flatten().Apply(convBase.outputs);
        var prediction = keras.layers.Dense(Labels.Length, activation: "softmax").Apply(output);
        var model = keras.Model(convBase.inputs, prediction);
        foreach (var layer in convBase.layers.Take(convBase.layers.Count - 4))
            layer.trainable = false;
        return model;
    }

    /// <summary>Where OCT2017 is: --data-dir, else the Keras data folders; a clear error when it is nowhere.</summary>
    public static string Root(ExperimentOptions o)
    {
        if (o.DataDir is { } d)
        {
            if (!Directory.Exists(d)) throw new DirectoryNotFoundException($"No folder '{d}' (--data-dir should be an OCT2017 folder with train/ and test/).");
            // a data root (../shared/data) holding the OCT folder is found as well as the folder itself
            if (Directory.Exists(Path.Combine(d, "train")) || Labels.Any(l => Directory.Exists(Path.Combine(d, l)))) return d;
            return new[] { "OCT2017", "oct2017", "oct2017-samples" }.Select(n => Path.Combine(d, n)).FirstOrDefault(Directory.Exists) ?? d;
        }
        var candidates = new[] { Path.Combine(KerasConfig.KerasHome, "datasets", "OCT2017"), "OCT2017" };
        return candidates.FirstOrDefault(Directory.Exists) ?? throw new DirectoryNotFoundException(
            "The Retinal OCT images (OCT2017, Kermany et al. 2018, 5.8 GB) are not here and are not downloaded automatically " +
            "(no published checksum to verify them against). Get OCT2017.tar.gz from Mendeley Data (doi:10.17632/rscbjbr9sj.2) or " +
            $"Kaggle (paultimothymooney/kermany2018), extract it, and pass --data-dir <folder with train/ and test/>, or put it at {candidates[0]}.");
    }

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var print = context.Out;
        var root = Root(o);
        bool split = Directory.Exists(Path.Combine(root, "train"));
        var trainDir = split ? Path.Combine(root, "train") : root;
        var testDir = split ? Path.Combine(root, "test") : root;
        if (!split) print.WriteLine($"{root} has no train/ and test/ folders: training and evaluating on the same images (a smoke run, not a measurement).");
        int trainCount = CountImages(trainDir);
        int epochs = o.Epochs ?? Epochs;
        int steps = o.StepsPerEpoch ?? (trainCount + BatchSize - 1) / BatchSize;

        Functional model;
        using (context.Strategy?.scope())
        {
            model = BuildModel(o.Backbone, o.Weights);
            model.compile(optimizer: keras.optimizers.Adam(), loss: "categorical_crossentropy", metrics: ["accuracy"]);
        }
        bool chief = context.Strategy?.IsChief != false;
        if (chief) model.summary(print_fn: print.WriteLine);

        var timeHistory = new TimeHistory();
        var train = InputFn(Path.Combine(trainDir, "**", "*.jpeg"), shuffle: true, batchSize: BatchSize, numEpochs: epochs,
            bufferSize: TrainShuffleBuffer, prefetchBufferSize: PrefetchBuffer, seed: o.Seed);
        print.WriteLine($"Training on {trainCount} images in {trainDir}: {epochs} epoch(s) of {steps} steps of {BatchSize}");
        var history = model.fit(train, epochs: epochs, steps_per_epoch: steps, verbose: o.Verbose, callbacks: [timeHistory]);

        var replicas = context.ReplicaDescription;
        var inputWork = new Dictionary<string, double>();  // under --workers each worker decodes (or gathers) only its rows
        timeHistory.ReportInputWork(print, context.Strategy, Math.Min((long)steps * BatchSize, trainCount), inputWork);
        double totalTime = timeHistory.times.Sum();
        // the article's BATCH_SIZE / mean batch time, counting the images the batches really held (a last batch may be short)
        long images = Math.Min((long)steps * epochs * BatchSize, (long)trainCount * epochs);
        double imagesPerSecond = totalTime > 0 ? images / totalTime : 0;
        print.WriteLine($"total time with {replicas}: {totalTime:F2} seconds");
        print.WriteLine($"{imagesPerSecond:F1} images/second with {replicas}");

        var test = model.evaluate(InputFn(Path.Combine(testDir, "**", "*.jpeg"), shuffle: false, batchSize: BatchSize, numEpochs: 1),
            verbose: o.Verbose);
        print.WriteLine($"test loss: {test["loss"]:F4}, test accuracy: {test["accuracy"]:F4} ({CountImages(testDir)} images in {testDir})");
        if (chief) model.save_weights(Path.Combine(context.RunDirectory, "final_weights.h5"));

        context.Config["batch_size"] = BatchSize;
        context.Config["epochs"] = epochs;
        context.Config["steps_per_epoch"] = steps;
        context.Config["optimizer"] = "Adam";
        context.Config["train_images"] = trainCount;
        context.Config["params"] = model.count_params();
        context.Config["trainable_params"] = model.trainable_weights.Sum(v => v.NumElements);
        var result = new ExperimentResult { History = history.history };
        result.Metrics["test_loss"] = test["loss"];
        result.Metrics["test_accuracy"] = test["accuracy"];
        result.Metrics["train_seconds"] = totalTime;
        result.Metrics["images_per_second"] = imagesPerSecond;
        foreach (var (k, v) in inputWork) result.Metrics[k] = v;
        return result;
    }

    private static int CountImages(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"No folder '{dir}'.");
        int n = Directory.EnumerateFiles(dir, "*.jpeg", SearchOption.AllDirectories).Count();
        if (n == 0) throw new FileNotFoundException($"No .jpeg images under '{dir}' (expected CNV/, DME/, DRUSEN/, NORMAL/ folders of JPEGs).");
        // the label is the image's folder name: any other name would fail the lookup minutes into training
        var strays = Directory.EnumerateFiles(dir, "*.jpeg", SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f))!).Distinct().Where(c => !Labels.Contains(c)).Order().ToList();
        if (strays.Count > 0)
            throw new InvalidDataException($"'{dir}' has images in {string.Join(", ", strays.Select(c => c + "/"))}: the class folders must be named {string.Join(", ", Labels)} (the label is the image's folder).");
        return n;
    }
}
