using System.Diagnostics;
using System.Globalization;
using KerasNet.Engine;
using KerasNet.Harness;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using KerasNet.TF.Data;
using static KerasNet.KerasApi;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// Seed "机器学习(十一) 迁移学习" (PyTorch): an ImageNet ResNet18 on CIFAR-10, batch 64, 20 epochs, cross-entropy on a new
/// final layer (<c>model.fc = nn.Linear(512, 10)</c>: Dense(classes) on the pooled features, logits), SGD(lr 0.001,
/// momentum 0.9, weight_decay 0.001), the script's transforms as Keras 3 preprocessing layers in the tf.data map, and its
/// per-epoch line. Data: keras.datasets.cifar10.load_data() (training / test batches), or with --data-dir any image-folder
/// data set (train/&lt;class&gt;/, val/&lt;class&gt;/; the cats-vs-dogs folders read as cat, dog): the new layer gets that many
/// classes.
/// What differs from the script, and why: our ResNet18 is ML.NET's ImageNet export (the only ResNet18 weights here), whose
/// own preprocessing (RGB→BGR minus its mean image, as ResNetPreprocess.onnx) sits inside the model, so the [0, 1] images
/// go to it where the script's Normalize(ImageNet mean, std) feeds torchvision's; weight_decay has Keras 3's meaning
/// (decoupled: w -= lr·wd·w each step) where PyTorch's SGD adds wd·w to the gradient; a frozen base's BatchNormalization runs
/// in inference mode, as Keras does (PyTorch's train() would use batch statistics); RandomRotation samples bilinearly
/// (torchvision: nearest). --backbone vgg16 or mobilenet puts GlobalAveragePooling2D on that base instead.
/// </summary>
public abstract class Cifar10ResNet18 : Experiment
{
    // the script's hyperparameters
    protected const int BatchSize = 64;
    private const int Epochs = 20;
    private const double LearningRate = 0.001, Momentum = 0.9, WeightDecay = 0.001;
    protected const int Size = 224;

    public override bool UsesBackbone => true;
    public override string DefaultBackbone => "resnet18";

    /// <summary>Whether the whole network trains (fine-tuning) or only the new final layer (feature extraction).</summary>
    protected abstract bool TrainsBase { get; }

    /// <summary>The script's training transform, on one [0, 1] image of any size, ending at 224×224.</summary>
    protected internal abstract IReadOnlyList<Layer> TrainTransform(int seed);

    /// <summary>The script's validation transform: Resize(256) (the shorter side to 256, aspect kept) + CenterCrop(224).</summary>
    internal static Tensor ValidationTransform(Tensor image)
    {
        long h = image.Shape[0], w = image.Shape[1];
        // torchvision's Resize(int): the shorter side becomes 256, the longer int(256 · long / short)
        var (nh, nw) = h <= w ? (256, (int)(256L * w / h)) : ((int)(256L * h / w), 256);
        var resized = tf.image.resize(image, (nh, nw));
        return new CenterCrop(Size, Size).Apply(resized);
    }

    /// <summary>Where the images come from: CIFAR-10 as arrays, or an image-folder data set.</summary>
    internal sealed record Source(IReadOnlyList<string> ClassNames, int TrainCount, int ValidationCount, Func<int, bool, Tensor> Image,
        int[] TrainLabels, int[] ValidationLabels, string Description);

    internal static Source Open(ExperimentOptions o)
    {
        if (o.DataDir is { } d && !Directory.Exists(Path.Combine(d, KerasNet.Keras.Datasets.Cifar10.Folder))
            && !Directory.Exists(Path.Combine(d, "datasets", KerasNet.Keras.Datasets.Cifar10.Folder)))
        {
            var f = ImageFolders.Read(d);
            // one image, [0, 1] float32 HWC at its own size (the transforms crop and resize it)
            Tensor Load(int i, bool training)
            {
                var path = training ? f.Train[i].Path : f.Validation[i].Path;
                return keras.utils.load_img(path).AsType(DType.Float32) / 255.0;
            }
            return new Source(f.ClassNames, f.Train.Count, f.Validation.Count, Load, [.. f.Train.Select(t => t.Label)],
                [.. f.Validation.Select(t => t.Label)], $"{d} ({f.Layout})");
        }
        var ((xTrain, yTrain), (xTest, yTest)) = keras.datasets.cifar10.load_data();
        static int[] Labels(Tensor y) => [.. y.AsType(DType.Float32).ToArray<float>().Select(v => (int)v)];
        Tensor LoadArray(int i, bool training)
        {
            var x = training ? xTrain : xTest;
            return x.Narrow(0, i, 1).Reshape(x.Shape[1], x.Shape[2], x.Shape[3]).AsType(DType.Float32) / 255.0;
        }
        return new Source(KerasNet.Keras.Datasets.Cifar10.ClassNames, (int)xTrain.Shape[0], (int)xTest.Shape[0], LoadArray, Labels(yTrain),
            Labels(yTest), "keras.datasets.cifar10 (training batches, test batch as validation)");
    }

    /// <summary>A pass over one split: indices (shuffled for training) → image through its transform, sparse label → batches of 64.</summary>
    internal static Dataset<(Tensor, Tensor)> Pipeline(Source s, bool training, IReadOnlyList<Layer> transform, int seed)
    {
        int n = training ? s.TrainCount : s.ValidationCount;
        var labels = training ? s.TrainLabels : s.ValidationLabels;
        var indices = tf.data.Dataset.from_tensor_slices<int>([.. Enumerable.Range(0, n)]);
        if (training) indices = indices.shuffle(n, seed).repeat();  // DataLoader(shuffle=True): a fresh permutation each epoch
        using (var scope = new TensorScope())  // built here, once, not by the first parallel calls at the same time
            foreach (var layer in transform) layer.Apply(Tensor.Zeros([8, 8, 3]));
        (Tensor, Tensor) Load(int i)
        {
            var image = s.Image(i, training);
            image = training ? transform.Aggregate(image, (x, layer) => layer.Apply(x, training: true)) : ValidationTransform(image);
            return (image, Tensor.FromArray([(float)labels[i]], 1));
        }
        return indices.map_and_batch(Load, batch_size: BatchSize, num_parallel_calls: Environment.ProcessorCount).prefetch(2);
    }

    /// <summary>The pretrained base, pooled to one feature vector (ResNet18's avg_pool: 512).</summary>
    private static Model PooledBase(ExperimentOptions o) => o.Backbone == "resnet18"
        ? Backbones.Build("resnet18", o.Weights)
        : keras.Sequential([Backbones.BuildMap(o.Backbone, o.Weights, Size), keras.layers.GlobalAveragePooling2D()]);

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var source = Open(o);
        int classes = source.ClassNames.Count, epochs = o.Epochs ?? Epochs;
        int steps = o.StepsPerEpoch ?? (source.TrainCount + BatchSize - 1) / BatchSize;
        int valSteps = (source.ValidationCount + BatchSize - 1) / BatchSize;

        var convBase = PooledBase(o);
        convBase.trainable = TrainsBase;  // feature extraction: for param in model.parameters(): param.requires_grad = False
        var model = keras.Sequential([convBase, keras.layers.Dense(classes, name: "fc")]);  // model.fc = nn.Linear(512, classes)
        model.compile(optimizer: keras.optimizers.SGD(LearningRate, momentum: Momentum, weight_decay: WeightDecay),
            loss: keras.losses.SparseCategoricalCrossentropy(from_logits: true), metrics: ["accuracy"]);
        model.summary(print_fn: context.Out.WriteLine);
        context.Out.WriteLine($"{source.TrainCount} training, {source.ValidationCount} validation images of {classes} classes from {source.Description}; " +
            $"{steps} steps of {BatchSize}, {valSteps} validation steps; trainable: {(TrainsBase ? "every layer" : "the new fc layer only")}");

        var best = Path.Combine(context.RunDirectory, "best_weights.h5");
        List<Callback> callbacks =
        [
            new BackupAndRestore(Path.Combine(context.RunDirectory, RunFolder.BackupFolder), delete_checkpoint: false),
            new ModelCheckpoint(best, monitor: "val_accuracy", save_best_only: true),
            new CSVLogger(Path.Combine(context.RunDirectory, "training_log.csv"), append: true),
            new EpochLine(context.Out),
        ];
        var train = Pipeline(source, training: true, TrainTransform(o.Seed), o.Seed);
        var validation = Pipeline(source, training: false, [], o.Seed);
        var history = model.fit(train, epochs: epochs, steps_per_epoch: steps, validation_data: validation, validation_steps: valSteps,
            verbose: o.Verbose, callbacks: callbacks);

        if (File.Exists(best)) model.load_weights(best);
        model.save(Path.Combine(context.RunDirectory, "model.keras"));
        RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "labels.txt"), string.Join('\n', source.ClassNames) + "\n");
        context.Config["epochs"] = epochs;
        context.Config["batch_size"] = BatchSize;
        context.Config["classes"] = classes;
        context.Config["data"] = source.Description;
        context.Config["params"] = model.count_params();
        return ExperimentResult.Of(history, context.Out, (double)BatchSize * steps);
    }

    /// <summary>
    /// The script's line after each epoch: "Epoch: 001, Training: Loss: 1.2345, Accuracy: 56.7800%, / Validation: Loss: …,
    /// Accuracy: …%, Time: 12.3456s".
    /// </summary>
    internal sealed class EpochLine(TextWriter output) : Callback
    {
        private readonly Stopwatch _clock = new();

        public override void on_epoch_begin(int epoch, IDictionary<string, double>? logs = null) => _clock.Restart();

        public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
        {
            if (logs is null) return;
            double Get(string k) => logs.TryGetValue(k, out var v) ? v : double.NaN;
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "Epoch: {0:000}, Training: Loss: {1:F4}, Accuracy: {2:F4}%, \n\t\tValidation: Loss: {3:F4}, Accuracy: {4:F4}%, Time: {5:F4}s",
                epoch + 1, Get("loss"), Get("accuracy") * 100, Get("val_loss"), Get("val_accuracy") * 100, _clock.Elapsed.TotalSeconds));
        }
    }
}

/// <summary>The seed's feature extraction: the base frozen, only the new fc layer trained; RandomResizedCrop(224) + RandomHorizontalFlip.</summary>
public sealed class Cifar10ResNet18Features : Cifar10ResNet18
{
    public override string Name => "cifar10-resnet18-features";
    public override string Description => "Seed 机器学习(十一): ResNet18 frozen, new Dense(10) trained, SGD(1e-3, momentum 0.9, weight_decay 1e-3), batch 64, 20 epochs; CIFAR-10 or --data-dir class folders";
    public override string ArticleResult => "valid acc ~73.6% after 3 epochs, ~75% final (CIFAR-10)";
    protected override bool TrainsBase => false;

    protected internal override IReadOnlyList<Layer> TrainTransform(int seed) =>
    [
        keras.layers.RandomResizedCrop(Size, Size, seed: seed),
        keras.layers.RandomFlip("horizontal", seed: seed + 1),
    ];
}

/// <summary>
/// The seed's fine-tuning: every layer trainable; RandomResizedCrop(256, scale 0.8-1) + RandomRotation(15°) + ColorJitter() +
/// RandomResizedCrop(224) + RandomHorizontalFlip. ColorJitter() with no arguments, as the script writes it, changes nothing.
/// </summary>
public sealed class Cifar10ResNet18Finetune : Cifar10ResNet18
{
    public override string Name => "cifar10-resnet18-finetune";
    public override string Description => "Seed 机器学习(十一): ResNet18 fine-tuned whole, the script's heavier augmentation, SGD(1e-3, momentum 0.9, weight_decay 1e-3), batch 64, 20 epochs";
    public override string ArticleResult => "valid acc ~92% at epoch 3, ~95% final (CIFAR-10)";
    protected override bool TrainsBase => true;

    protected internal override IReadOnlyList<Layer> TrainTransform(int seed) =>
    [
        keras.layers.RandomResizedCrop(256, 256, scale: (0.8, 1.0), seed: seed),
        keras.layers.RandomRotation(15.0 / 360, fill_mode: "constant", seed: seed + 1),  // degrees=15, filled with black
        keras.layers.RandomColorJitter(value_range: (0, 1), seed: seed + 2),  // transforms.ColorJitter(): the identity
        keras.layers.RandomResizedCrop(Size, Size, seed: seed + 3),
        keras.layers.RandomFlip("horizontal", seed: seed + 4),
    ];
}
