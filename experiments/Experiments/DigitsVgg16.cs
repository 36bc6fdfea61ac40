using KerasNet.Engine;
using KerasNet.Harness;
using KerasNet.Keras;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// Seed "一文看懂迁移学习" (Analytics Vidhya, "Transfer learning: the art of fine-tuning a pre-trained model"): VGG16 on the
/// digits data set — images listed in train.csv, loaded at 224×224, vgg16.preprocess_input, labels one-hot, split by
/// train_test_split(random_state=42) as scikit-learn splits them. VGG16's ImageNet weights are not on the team machines:
/// --backbone resnet18 (ML.NET's ImageNet ResNet18; [0, 1] in, its own preprocessing inside) or mobilenet (α 0.25,
/// mobilenet.preprocess_input) stand in, each fed as its family expects.
/// </summary>
public abstract class DigitsVgg16 : Experiment
{
    protected const int Size = 224;

    public override bool UsesBackbone => true;

    /// <summary>The script's preprocess_input for the backbone, on 0-255 RGB arrays.</summary>
    internal static Tensor Preprocess(string backbone, Tensor x) => backbone switch
    {
        "vgg16" => keras.applications.vgg16.preprocess_input(x),
        "mobilenet" => keras.applications.mobilenet.preprocess_input(x),
        "resnet18" => x / 255.0,  // the model's first layers apply ResNetPreprocess.onnx's preprocessing to the [0, 1] image
        _ => throw new ArgumentException($"Unknown backbone '{backbone}' ({string.Join(", ", Backbones.Names)})."),
    };

    /// <summary>The data: images 0-255 preprocessed for the backbone, one-hot labels, class names; rows in train.csv's order.</summary>
    internal static (Tensor X, Tensor Y, List<string> Classes) Load(ExperimentContext context)
    {
        var dir = context.Options.DataDir ?? throw new ArgumentException("--data-dir: the digits folder with train.csv and Images/train/ (digits-prepare writes Fashion-MNIST in this layout).");
        var rows = DigitsData.Read(dir);
        var classes = DigitsData.Classes(rows.Select(r => r.Label));
        using var scope = new TensorScope();
        var raw = DigitsData.LoadImages([.. rows.Select(r => r.Path)], Size, context.Out);
        var x = Preprocess(context.Options.Backbone, raw).MoveToOuterScope();
        raw.Dispose();
        var y = DigitsData.OneHot([.. rows.Select(r => r.Label)], classes).MoveToOuterScope();
        context.Out.WriteLine($"{rows.Count} images of {classes.Count} classes ({string.Join(", ", classes)}) from {dir}");
        return (x, y, classes);
    }

    /// <summary>Rows <paramref name="index"/> of <paramref name="t"/>.</summary>
    internal static Tensor Rows(Tensor t, int[] index) => t.IndexSelect(0, Tensor.FromArray(index.Select(i => (long)i).ToArray(), index.Length));

    protected static List<Callback> Callbacks(ExperimentContext context) =>
    [
        new BackupAndRestore(Path.Combine(context.RunDirectory, RunFolder.BackupFolder), delete_checkpoint: false),
        new ModelCheckpoint(Path.Combine(context.RunDirectory, "best_weights.h5"), monitor: "val_accuracy", save_best_only: true),
        new CSVLogger(Path.Combine(context.RunDirectory, "training_log.csv"), append: true),
    ];
}

/// <summary>
/// The article's first script: VGG16 (include_top=False) features of every image (7×7×512, flattened to 25088),
/// train_test_split(test_size=0.3, random_state=42), then an MLP: Dense(1000, relu, kernel_initializer 'uniform') →
/// Dense(500, sigmoid) → Dense(150, sigmoid) → Dense(10) → Activation(softmax), Adam, categorical cross-entropy, 20 epochs
/// of 128. The script writes three <c>keras.layers.core.Dropout(…)</c> lines between the Dense layers but never adds them
/// to the model, so they do nothing there; they are not added here either.
/// </summary>
public sealed class DigitsVgg16Features : DigitsVgg16
{
    private const double TestSize = 0.3;
    private const int RandomState = 42, Epochs = 20, BatchSize = 128;

    public override string Name => "digits-vgg16-features";
    public override string Description => "Seed 一文看懂迁移学习: VGG16 features (25088) of train.csv's images, split 0.3 (random_state 42), MLP 1000-500-150-10, Adam, 20 epochs of 128 (--data-dir digits layout)";
    public override string ArticleResult => "no figure recorded here";

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var convBase = Backbones.BuildMap(o.Backbone, o.Weights, Size);  // VGG16(weights='imagenet', include_top=False)
        var (x, y, classes) = Load(context);
        context.Out.WriteLine($"features of {x.Shape[0]} images through {convBase.name}");
        var features = convBase.predict(x, verbose: o.Verbose == 0 ? 0 : 1);
        x.Dispose();
        long width = features.Shape[1] * features.Shape[2] * features.Shape[3];
        var flat = features.Reshape(features.Shape[0], width);  // features_train.reshape(49000, 25088)
        var (trainIdx, validIdx) = TrainTestSplit.Indices((int)flat.Shape[0], TestSize, RandomState);
        Tensor xTrain = Rows(flat, trainIdx), xValid = Rows(flat, validIdx), yTrain = Rows(y, trainIdx), yValid = Rows(y, validIdx);
        features.Dispose();

        var model = keras.Sequential();
        model.add(keras.layers.Dense(1000, input_shape: (int)width, activation: "relu", kernel_initializer: "uniform"));  // input_dim=25088
        model.add(keras.layers.Dense(500, activation: "sigmoid"));
        model.add(keras.layers.Dense(150, activation: "sigmoid"));
        model.add(keras.layers.Dense(classes.Count));  // the script: Dense(units=10)
        model.add(keras.layers.Activation("softmax"));
        model.compile(loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"]);
        model.summary(print_fn: context.Out.WriteLine);
        var history = model.fit(xTrain, yTrain, epochs: o.Epochs ?? Epochs, batch_size: BatchSize, validation_data: (xValid, yValid),
            verbose: o.Verbose, callbacks: Callbacks(context), steps_per_epoch: o.StepsPerEpoch);

        model.save(Path.Combine(context.RunDirectory, "model.keras"));
        RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "labels.txt"), string.Join('\n', classes) + "\n");
        context.Config["epochs"] = o.Epochs ?? Epochs;
        context.Config["batch_size"] = BatchSize;
        context.Config["features"] = width;
        context.Config["train_images"] = trainIdx.Length;
        context.Config["validation_images"] = validIdx.Length;
        context.Config["params"] = model.count_params();
        return ExperimentResult.Of(history, context.Out, trainIdx.Length);
    }
}

/// <summary>
/// The article's fine-tuning script: VGG16(include_top=True), its last layer removed (<c>model.layers.pop()</c>, outputs set
/// to the layer before), Dense(num_classes, softmax) on it, <c>layers[:8]</c> frozen, SGD(lr 1e-3, decay 1e-6, momentum 0.9,
/// nesterov), categorical cross-entropy, train_test_split(test_size=0.2, random_state=42), 10 epochs of 16, then
/// <c>log_loss(Y_valid, model.predict(X_valid))</c> printed. The stand-in backbones have no ImageNet classifier top to pop:
/// for them the new Dense goes on the pooled features (ResNet18's avg_pool; MobileNet + GlobalAveragePooling2D).
/// </summary>
public sealed class DigitsVgg16Finetune : DigitsVgg16
{
    private const double TestSize = 0.2, LearningRate = 1e-3, Decay = 1e-6, Momentum = 0.9;
    private const int RandomState = 42, Epochs = 10, BatchSize = 16, FrozenLayers = 8;

    public override string Name => "digits-vgg16-finetune";
    public override string Description => "Seed 一文看懂迁移学习: VGG16 with top, last layer replaced by Dense softmax, layers[:8] frozen, SGD(1e-3, decay 1e-6, momentum 0.9, nesterov), 10 epochs of 16, log_loss";
    public override string ArticleResult => "no figure recorded here";

    internal static Model Build(string backbone, string? weights, int classes)
    {
        KerasTensor input, top;
        if (backbone == "vgg16")
        {
            var vgg = keras.applications.VGG16(include_top: true, weights: weights);
            (input, top) = (vgg.input, vgg.layers[^2].output);  // model.layers.pop(); model.outputs = [model.layers[-1].output]
        }
        else
        {
            var convBase = backbone == "resnet18" ? Backbones.Build("resnet18", weights) : Backbones.BuildMap(backbone, weights, Size);
            input = convBase.input;
            top = backbone == "resnet18" ? convBase.output : keras.layers.GlobalAveragePooling2D().Apply(convBase.output);
        }
        var x = keras.layers.Dense(classes, activation: "softmax").Apply(top);
        var model = keras.Model(input, x);
        foreach (var layer in model.layers.Take(FrozenLayers)) layer.trainable = false;
        model.compile(optimizer: keras.optimizers.SGD(LearningRate, momentum: Momentum, nesterov: true, decay: Decay),
            loss: "categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var (x, y, classes) = Load(context);
        var model = Build(o.Backbone, o.Weights, classes.Count);
        model.summary(print_fn: context.Out.WriteLine);
        context.Out.WriteLine($"frozen: {string.Join(", ", model.layers.Take(FrozenLayers).Select(l => l.name))}");
        var (trainIdx, validIdx) = TrainTestSplit.Indices((int)x.Shape[0], TestSize, RandomState);
        Tensor xTrain = Rows(x, trainIdx), xValid = Rows(x, validIdx), yTrain = Rows(y, trainIdx), yValid = Rows(y, validIdx);
        x.Dispose();
        var history = model.fit(xTrain, yTrain, batch_size: BatchSize, epochs: o.Epochs ?? Epochs, shuffle: true, verbose: o.Verbose,
            validation_data: (xValid, yValid), callbacks: Callbacks(context), steps_per_epoch: o.StepsPerEpoch);

        // predictions_valid = model.predict(X_valid, batch_size=batch_size, verbose=1); score = log_loss(Y_valid, predictions_valid)
        var predictions = model.predict(xValid, batch_size: BatchSize, verbose: o.Verbose == 0 ? 0 : 1);
        double score = LogLoss.Compute(yValid.ToArray<float>(), predictions.ToArray<float>(), classes.Count);
        context.Out.WriteLine($"log_loss of the {validIdx.Length} validation predictions: {score:F6}");

        model.save(Path.Combine(context.RunDirectory, "model.keras"));
        RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "labels.txt"), string.Join('\n', classes) + "\n");
        context.Config["epochs"] = o.Epochs ?? Epochs;
        context.Config["batch_size"] = BatchSize;
        context.Config["train_images"] = trainIdx.Length;
        context.Config["validation_images"] = validIdx.Length;
        context.Config["params"] = model.count_params();
        var result = ExperimentResult.Of(history, context.Out, trainIdx.Length);
        result.Metrics["val_log_loss"] = score;
        return result;
    }
}
