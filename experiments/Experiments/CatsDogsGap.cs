using KerasNet.Harness;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Models;
using KerasNet.TF.Data;
using KerasNet.Engine;
using static KerasNet.KerasApi;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// Seed "深度学习 Tensor flow(四)" (cnblogs): a frozen pretrained base + GlobalAveragePooling2D + Dense(512, relu) +
/// Dense(1, sigmoid), Adam, binary cross-entropy, 12 epochs on a tf.data pipeline (paths → read → decode → resize → /255,
/// shuffled, repeated, batched); then, in the same run, the script's phase 2: the base trainable again with all but its
/// last 3 layers frozen (<c>layers[:fine_tune_at]</c>, fine_tune_at = -3), recompiled with
/// Adam(0.0005 / 10), fit from initial_epoch 12 to 22. steps_per_epoch = train_count // BATCH_SIZE and validation_steps =
/// test_count // BATCH_SIZE, as the script computes them; one history across both phases; the test set evaluated after
/// each phase. --backbone vgg16 (the script's), mobilenet or resnet18; --epochs N runs N epochs in phase 1 and
/// N·10/12 (at least 1) in phase 2.
/// </summary>
public sealed class CatsDogsGap : Experiment
{
    // the script's hyperparameters
    private const int BatchSize = 32;
    private const int ImageSize = 256;           // tf.image.resize(image, [256, 256]); ResNet18 takes 224
    private const int InitialEpochs = 12;
    private const int FineTuneEpochs = 10;       // initial_epoch 12 → epochs 22
    private const int FineTuneAt = -3;           // covn_base.layers[:fine_tune_at] stay frozen
    private const double FineTuneLearningRate = 0.0005 / 10;
    private const int ShuffleBuffer = 300;

    public override string Name => "catsdogs-gap";
    public override string Description => "Frozen base + GlobalAveragePooling2D + Dense 512, Adam, 12 epochs; then the last 3 base layers fine-tuned, Adam(5e-5), to epoch 22 (--backbone)";
    public override string ArticleResult => "the seed reports curves, no final figure";
    public override bool UsesBackbone => true;

    /// <summary>The script's load_preprosess_image: read, decode, resize, /255; the label from the Kaggle name (dog = 1).</summary>
    private static Dataset<(Tensor, Tensor)> Pipeline(string folder, int size, bool training, int seed)
    {
        (Tensor, Tensor) Load(string path)
        {
            var image = tf.image.decode_jpeg(tf.io.read_file(path), channels: 3);
            image = tf.image.resize(tf.image.convert_image_dtype(image, tf.float32), (size, size));
            var label = Tensor.FromArray([Path.GetFileName(path).StartsWith("dog.", StringComparison.Ordinal) ? 1f : 0f], 1);
            return (image, label);
        }
        // training: list_files's own per-pass shuffle (TensorFlow's default; the file names come sorted, all cats first, which a
        // 300-element buffer alone would leave in long runs of one class), then the script's shuffle and repeat
        var files = tf.data.Dataset.list_files(Path.Combine(folder, "*.jpg"), shuffle: training, seed: seed);
        if (training) files = files.shuffle(ShuffleBuffer, seed).repeat();  // validation and test: one pass, in order
        return files.map_and_batch(Load, batch_size: BatchSize, num_parallel_calls: Environment.ProcessorCount).prefetch(2);
    }

    private static int Count(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.jpg").Length
        : throw new DirectoryNotFoundException($"No folder '{folder}': --data-dir needs training_data/, validation_data/ and test_data/ of Kaggle-named JPEGs.");

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var root = CatsDogsData.Root(o);
        string trainDir = Path.Combine(root, "training_data"), valDir = Path.Combine(root, "validation_data"), testDir = Path.Combine(root, "test_data");
        int trainCount = Count(trainDir), valCount = Count(valDir);
        int size = o.Backbone == "resnet18" ? Backbones.ImageSize("resnet18") : ImageSize;
        int steps = o.StepsPerEpoch ?? Math.Max(1, trainCount / BatchSize), valSteps = Math.Max(1, valCount / BatchSize);
        int phase1 = o.Epochs ?? InitialEpochs, phase2 = o.Epochs is { } e ? Math.Max(1, e * FineTuneEpochs / InitialEpochs) : FineTuneEpochs;

        var convBase = Backbones.BuildMap(o.Backbone, o.Weights, size);
        convBase.trainable = false;
        var model = keras.Sequential([convBase, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(512, activation: "relu"),
            keras.layers.Dense(1, activation: "sigmoid")]);
        model.compile(optimizer: keras.optimizers.Adam(), loss: "binary_crossentropy", metrics: ["accuracy"]);
        model.summary(print_fn: context.Out.WriteLine);
        context.Out.WriteLine($"{trainCount} training, {valCount} validation images at {size}×{size}; {steps} steps of {BatchSize}, {valSteps} validation steps");

        var best = Path.Combine(context.RunDirectory, "best_weights.h5");
        List<Callback> callbacks =
        [
            new ModelCheckpoint(best, monitor: "val_accuracy", save_best_only: true),
            new CSVLogger(Path.Combine(context.RunDirectory, "training_log.csv"), append: true),
        ];
        var train = Pipeline(trainDir, size, training: true, o.Seed);
        var validation = Pipeline(valDir, size, training: false, o.Seed);
        var h1 = model.fit(train, epochs: phase1, steps_per_epoch: steps, validation_data: validation, validation_steps: valSteps,
            verbose: o.Verbose, callbacks: callbacks);
        var result = new ExperimentResult();
        Evaluate(context, model, testDir, size, "phase1", result);

        // phase 2: the base trainable, all but its last 3 layers frozen again, a 10× smaller rate
        convBase.trainable = true;
        foreach (var layer in convBase.layers.Take(convBase.layers.Count + FineTuneAt)) layer.trainable = false;
        model.compile(optimizer: keras.optimizers.Adam(FineTuneLearningRate), loss: "binary_crossentropy", metrics: ["accuracy"]);
        context.Out.WriteLine($"fine-tuning the last {-FineTuneAt} layers of the base ({string.Join(", ", convBase.layers.Skip(convBase.layers.Count + FineTuneAt).Select(l => l.name))}): {model.trainable_weights.Sum(w => w.shape.Aggregate(1L, (a, d) => a * d)):N0} trainable weights");
        var h2 = model.fit(train, epochs: phase1 + phase2, initial_epoch: phase1, steps_per_epoch: steps, validation_data: validation,
            validation_steps: valSteps, verbose: o.Verbose, callbacks: callbacks);
        Evaluate(context, model, testDir, size, "phase2", result);

        foreach (var (k, v) in h1.history) result.History[k] = [.. v, .. h2.history.GetValueOrDefault(k) ?? []];
        foreach (var (phase, h) in new[] { ("phase1", h1), ("phase2", h2) })
            if (h.history.TryGetValue("val_accuracy", out var acc) && acc.Count > 0)
            {
                result.Metrics[$"{phase}_best_val_accuracy"] = acc.Max();
                result.Metrics[$"{phase}_final_val_accuracy"] = acc[^1];
            }
        if (result.History.TryGetValue("val_accuracy", out var all) && all.Count > 0)
        {
            result.Metrics["best_val_accuracy"] = all.Max();
            result.Metrics["final_val_accuracy"] = all[^1];
        }
        if (result.Metrics.TryGetValue("phase2_test_accuracy", out var t)) result.Metrics["test_accuracy"] = t;
        double seconds = h1.StepSeconds + h2.StepSeconds;
        result.Metrics["train_images_per_second"] = seconds > 0 ? (double)BatchSize * steps * (h1.epoch.Count + h2.epoch.Count) / seconds : 0;

        model.save(Path.Combine(context.RunDirectory, "model.keras"));
        RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "labels.txt"), string.Join('\n', CatsDogsEvaluate.ClassNames) + "\n");
        RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "preprocessing.json"),
            "{\"rescale\": " + (1.0 / 255).ToString("R", System.Globalization.CultureInfo.InvariantCulture) + $", \"target_size\": [{size}, {size}]}}\n");
        context.Config["epochs"] = phase1 + phase2;
        context.Config["phase1_epochs"] = phase1;
        context.Config["batch_size"] = BatchSize;
        context.Config["image_size"] = size;
        context.Config["params"] = model.count_params();
        return result;
    }

    /// <summary>The test folder through the same pipeline (when there is one): accuracy after a phase.</summary>
    private static void Evaluate(ExperimentContext context, Model model, string testDir, int size, string phase, ExperimentResult result)
    {
        if (!Directory.Exists(testDir)) return;
        int count = Count(testDir);
        var logs = model.evaluate(Pipeline(testDir, size, training: false, 0), verbose: 0);
        result.Metrics[$"{phase}_test_accuracy"] = logs["accuracy"];
        context.Out.WriteLine($"{phase}: test accuracy {logs["accuracy"]:F4} on {count} images (test_data)");
    }
}
