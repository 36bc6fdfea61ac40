using KerasNet.Engine;
using KerasNet.Harness;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// What the cats-vs-dogs training experiments share: the data (training_data, validation_data at
/// 150×150 or the backbone's size, scaled), the run folder's best weights (ModelCheckpoint on val_accuracy), the CSV log and a
/// backup that lets a killed run resume, and the reported metrics.
/// </summary>
public abstract class CatsDogsExperiment : Experiment
{
    protected const int BatchSize = 30;

    /// <summary>The article's epochs for this experiment.</summary>
    protected abstract int Epochs { get; }

    /// <summary>Builds and compiles the model.</summary>
    protected abstract Model BuildModel(ExperimentContext context);

    /// <summary>The model this experiment trains, built and compiled as for training; catsdogs-evaluate loads a run's best weights into it.</summary>
    internal Model BuildForEvaluation(ExperimentContext context) => BuildModel(context);

    /// <summary>
    /// The dog probability (class 1) of each image ((N, 150, 150, 3) in [0, 1]) under <paramref name="model"/>,
    /// with a progress bar. Experiments whose model does not take images override it.
    /// </summary>
    internal virtual Tensor PredictImages(ExperimentContext context, Model model, Tensor images) =>
        model.predict(images, batch_size: BatchSize, verbose: context.Options.Verbose == 0 ? 0 : 1);

    /// <summary>
    /// The model that classifies images ((N, 150, 150, 3) in [0, 1]): the trained model itself, or — when it was
    /// trained on features — the base and the trained head in one Sequential.
    /// </summary>
    internal virtual Model ImageModel(Model trained) => trained;

    /// <summary>
    /// Saves the run's model with its best weights as model.keras (keras.models.load_model reads it; the predict
    /// command and catsdogs-evaluate use it), with labels.txt (cat, dog) and preprocessing.json (rescale 1/255) beside it.
    /// </summary>
    private void SaveModel(ExperimentContext context, Model model, string bestWeights)
    {
        if (File.Exists(bestWeights)) model.load_weights(bestWeights);
        ImageModel(model).save(Path.Combine(context.RunDirectory, "model.keras"));
        RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "labels.txt"), string.Join('\n', CatsDogsEvaluate.ClassNames) + "\n");
        RunRecords.WriteAtomically(Path.Combine(context.RunDirectory, "preprocessing.json"),
            "{\"rescale\": " + (1.0 / 255).ToString("R", System.Globalization.CultureInfo.InvariantCulture) + $", \"target_size\": [{ImageSize(context)}, {ImageSize(context)}]}}\n");
    }

    /// <summary>The square image size the model takes: the article's 150, or what the backbone needs (ResNet18: 224).</summary>
    internal int ImageSize(ExperimentContext context) => UsesBackbone ? Backbones.ImageSize(context.Options.Backbone) : CatsDogsModels.ImageSize;

    /// <summary>Whether training images go through the article's augmentation (§2.3 on) instead of plain arrays (§2.1-2.2).</summary>
    protected virtual bool Augmented => false;

    /// <summary>The article's compile for every cats-vs-dogs model: RMSprop, binary cross-entropy, accuracy.</summary>
    protected static TModel Compiled<TModel>(TModel model, double learningRate = 0.001) where TModel : Model
    {
        model.compile(optimizer: keras.optimizers.RMSprop(learningRate), loss: "binary_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    /// <summary>Trains: fit on the arrays with the validation arrays (§2), or on augmented batches.</summary>
    protected virtual History Train(ExperimentContext context, Model model, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) validation,
        int epochs, List<Callback> callbacks) =>
        Augmented
            ? FitAugmented(context, model, train, validation, epochs, callbacks)
            : model.fit(train.X, train.Y, batch_size: BatchSize, epochs: epochs, validation_data: (validation.X, validation.Y),
                verbose: context.Options.Verbose, callbacks: callbacks, steps_per_epoch: context.Options.StepsPerEpoch);

    /// <summary>
    /// §2.3's protocol, shared by the augmenting experiments: training images through the article's
    /// ImageDataGenerator (zoom 0.3, rotation 50, shifts 0.2, shear 0.2, horizontal flip), validation only
    /// rescaled, 100 steps of 30 per epoch, 50 validation steps of 20.
    /// </summary>
    private static History FitAugmented(ExperimentContext context, Model model, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) validation,
        int epochs, List<Callback> callbacks)
    {
        const int StepsPerEpoch = 100, ValidationSteps = 50;
        // the article rescales in the generators: the arrays it feeds them are 0-255
        using var trainRaw = train.X * 255.0;
        using var valRaw = validation.X * 255.0;
        var trainGen = keras.preprocessing.image.ImageDataGenerator(rescale: 1.0 / 255, zoom_range: 0.3, rotation_range: 50,
            width_shift_range: 0.2, height_shift_range: 0.2, shear_range: 0.2, horizontal_flip: true, fill_mode: "nearest");
        var valGen = keras.preprocessing.image.ImageDataGenerator(rescale: 1.0 / 255);
        WriteAugmentationPreview(context, trainGen, trainRaw);
        var trainFlow = trainGen.flow(trainRaw, train.Y, batch_size: BatchSize, seed: context.Options.Seed);
        var valFlow = valGen.flow(valRaw, validation.Y, batch_size: 20, seed: context.Options.Seed);
        return model.fit(trainFlow.prefetch(2), epochs: epochs, steps_per_epoch: context.Options.StepsPerEpoch ?? StepsPerEpoch,
            validation_data: valFlow, validation_steps: ValidationSteps, verbose: context.Options.Verbose, callbacks: callbacks);
    }

    /// <summary>
    /// §2.3's figure: the first training image and five augmented copies of it from the run's generator, as
    /// augmentation_preview.png in the run folder (the report shows it). Its own seeded Random: training's draws are untouched.
    /// </summary>
    private static void WriteAugmentationPreview(ExperimentContext context, KerasNet.Keras.Preprocessing.ImageDataGenerator generator, Tensor raw)
    {
        var path = Path.Combine(context.RunDirectory, "augmentation_preview.png");
        if (File.Exists(path) || raw.Shape[0] == 0) return;
        using var scope = new TensorScope();
        var first = raw.Narrow(0, 0, 1).Reshape(raw.Shape[1], raw.Shape[2], raw.Shape[3]);
        var rng = new Random(context.Options.Seed);
        var tiles = new List<(float[], string)> { (first.ToArray<float>(), "original") };
        for (int i = 1; i <= 5; i++) tiles.Add((generator.random_transform(first, rng).ToArray<float>(), $"augmented {i}"));
        ImageStrip.WritePng(path, tiles, (int)raw.Shape[1], (int)raw.Shape[2]);
    }

    public override ExperimentResult Run(ExperimentContext context)
    {
        var o = context.Options;
        var root = CatsDogsData.Root(o);
        var model = BuildModel(context);  // first: missing pretrained weights should fail before minutes of loading
        int size = ImageSize(context);
        var (xTrain, yTrain, _) = CatsDogsData.Load(Path.Combine(root, "training_data"), context.Out, size: size);
        var (xVal, yVal, _) = CatsDogsData.Load(Path.Combine(root, "validation_data"), context.Out, size: size);
        model.summary(print_fn: context.Out.WriteLine);
        int epochs = o.Epochs ?? Epochs;
        var best = Path.Combine(context.RunDirectory, "best_weights.h5");
        // BackupAndRestore first: a resumed run restores the history the others then continue from
        var callbacks = new List<Callback>
        {
            new BackupAndRestore(Path.Combine(context.RunDirectory, RunFolder.BackupFolder), delete_checkpoint: false),  // kept: --epochs N continues a finished run
            new ModelCheckpoint(best, monitor: "val_accuracy", save_best_only: true),
            new CSVLogger(Path.Combine(context.RunDirectory, "training_log.csv"), append: true),
        };
        var history = Train(context, model, (xTrain, yTrain), (xVal, yVal), epochs, callbacks);
        SaveModel(context, model, best);
        context.Config["epochs"] = epochs;
        context.Config["batch_size"] = BatchSize;
        context.Config["params"] = model.count_params();
        return ExperimentResult.Of(history, context.Out, xTrain.Shape[0]);
    }
}

/// <summary>§2.1: the basic CNN from scratch, RMSprop(), 30 epochs.</summary>
public sealed class CatsDogsBaseline : CatsDogsExperiment
{
    public override string Name => "catsdogs-baseline";
    public override string Description => "Basic CNN from scratch (Conv 16/64/128, Dense 512), RMSprop, 30 epochs";
    public override string ArticleResult => "val acc 0.72 (overfits after ~3 epochs)";
    protected override int Epochs => 30;

    protected override Model BuildModel(ExperimentContext context) => Compiled(CatsDogsModels.Baseline());
}

/// <summary>§2.2: four conv blocks and dropout 0.3 after each dense layer, RMSprop(), 30 epochs.</summary>
public sealed class CatsDogsDropout : CatsDogsExperiment
{
    public override string Name => "catsdogs-dropout";
    public override string Description => "CNN with 4 conv blocks and Dropout 0.3, RMSprop, 30 epochs";
    public override string ArticleResult => "overfits later than the baseline (no figure recorded here)";
    protected override int Epochs => 30;

    protected override Model BuildModel(ExperimentContext context) => Compiled(CatsDogsModels.Dropout());
}

/// <summary>§2.3: the dropout CNN on augmented images, RMSprop(1e-4), 100 epochs × 100 steps, validation 50 steps.</summary>
public sealed class CatsDogsAugment : CatsDogsExperiment
{
    private const double LearningRate = 1e-4;

    public override string Name => "catsdogs-augment";
    public override string Description => "Dropout CNN on ImageDataGenerator augmentation, RMSprop(1e-4), 100 epochs x 100 steps";
    public override string ArticleResult => "val acc 0.82";
    protected override int Epochs => 100;

    protected override bool Augmented => true;

    protected override Model BuildModel(ExperimentContext context) => Compiled(CatsDogsModels.Dropout(), LearningRate);
}
