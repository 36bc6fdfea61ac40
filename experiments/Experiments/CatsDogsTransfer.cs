using KerasNet.Keras.Saving;
using System.Security.Cryptography;
using KerasNet.Engine;
using KerasNet.Harness;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// §3.1: the pretrained base as a feature extractor. Features of the training and validation images
/// are computed once and cached on disk under a key of backbone, weights and data; an MLP
/// (512-512-1, Dropout 0.3) trains on them with RMSprop(1e-4) for 30 epochs.
/// </summary>
public sealed class CatsDogsBottleneck : CatsDogsExperiment
{
    private const double LearningRate = 1e-4;
    private Functional? _base;

    public override string Name => "catsdogs-bottleneck";
    public override bool UsesBackbone => true;
    public override string Description => "Pretrained base (--backbone) as a frozen feature extractor, cached features, MLP, RMSprop(1e-4), 30 epochs";
    public override string ArticleResult => "val acc 0.88 (VGG16)";
    protected override int Epochs => 30;

    protected override Model BuildModel(ExperimentContext context)
    {
        _base = Backbones.Build(context.Options.Backbone, context.Options.Weights);
        int features = (int)_base.output_shape!.WithoutBatch().NumElements!.Value;
        return Compiled(CatsDogsModels.BottleneckMlp(features), LearningRate);
    }

    protected override History Train(ExperimentContext context, Model model, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) validation,
        int epochs, List<Callback> callbacks)
    {
        using var fTrain = Features(context, train.X, "training_data");
        using var fVal = Features(context, validation.X, "validation_data");
        return model.fit(fTrain, train.Y, batch_size: BatchSize, epochs: epochs, validation_data: (fVal, validation.Y),
            verbose: context.Options.Verbose, callbacks: callbacks);
    }

    /// <summary>The saved model classifies images: the frozen base, Flatten, then the trained MLP.</summary>
    internal override Model ImageModel(Model trained) =>
        keras.Sequential([_base!, keras.layers.Flatten(name: "features"), trained], name: "bottleneck_classifier");

    /// <summary>The MLP sees features: images go through the base first (cached like the training features).</summary>
    internal override Tensor PredictImages(ExperimentContext context, Model model, Tensor images)
    {
        using var features = Features(context, images, "test_data");
        return model.predict(features, batch_size: BatchSize);
    }

    /// <summary>The flattened base features of <paramref name="images"/>, from the cache when this backbone, weights and data were seen before.</summary>
    private Tensor Features(ExperimentContext context, Tensor images, string split)
    {
        var key = CacheKey(context.Options.Backbone, split, images);
        var path = Path.Combine("runs", "feature-cache", key + ".f32");
        if (File.Exists(path))
        {
            try
            {
                var cached = FeatureFile.Read(path);
                context.Out.WriteLine($"{split}: features from the cache {path}");
                return cached;
            }
            catch (InvalidDataException e)
            {
                context.Out.WriteLine($"{split}: the feature cache is unusable ({e.Message}); extracting again");  // a cache: rebuilt, not fatal
            }
        }
        context.Out.WriteLine($"{split}: extracting {context.Options.Backbone} features of {images.Shape[0]} images");
        using var raw = _base!.predict(images, batch_size: 32, verbose: context.Options.Verbose == 0 ? 0 : 1);
        var flat = raw.Reshape(raw.Shape[0], -1);
        FeatureFile.Write(path, flat);
        return flat;
    }

    /// <summary>
    /// The features depend on the backbone, its weights, the image size and the images in their order: the
    /// key is a SHA-256 of all of them, bytes in order (the same images in another order are another key,
    /// since the cached rows are paired with the labels by position).
    /// </summary>
    internal string CacheKey(string backbone, string split, Tensor images) => CacheKey(backbone, split, images, _base!.variables.Select(v => v.Value));

    internal static string CacheKey(string backbone, string split, Tensor images, IEnumerable<Tensor> weights)
    {
        using var scope = new TensorScope();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{backbone}|{split}|{Tensor.FormatShape(images.Shape)}|{images.DType}|"));
        foreach (var w in weights)
            using (var c = w.Detach())
                sha.AppendData(c.ToBytes());
        // the images in chunks of rows: never a second copy of the whole array in managed memory
        const long Chunk = 64;
        for (long start = 0; start < images.Shape[0]; start += Chunk)
            using (var rows = images.Narrow(0, start, Math.Min(Chunk, images.Shape[0] - start)))
                sha.AppendData(rows.ToBytes());
        return $"{backbone}-{split}-{Convert.ToHexStringLower(sha.GetHashAndReset())[..16]}";
    }
}

/// <summary>§3.2: the frozen base inside the model with the MLP on top, on augmented images, RMSprop(2e-5), 100 × 100 steps.</summary>
public sealed class CatsDogsVggAugment : CatsDogsExperiment
{
    private const double LearningRate = 2e-5;

    public override string Name => "catsdogs-vgg-augment";
    public override bool UsesBackbone => true;
    public override string Description => "Frozen pretrained base (--backbone) + MLP on augmented images, RMSprop(2e-5), 100 epochs x 100 steps";
    public override string ArticleResult => "val acc 0.90 (VGG16)";
    protected override int Epochs => 100;

    protected override Model BuildModel(ExperimentContext context)
    {
        var convBase = Backbones.Build(context.Options.Backbone, context.Options.Weights);
        convBase.trainable = false;
        return Compiled(CatsDogsModels.OnBase(convBase), LearningRate);
    }

    protected override bool Augmented => true;
}

/// <summary>§3.3: as §3.2 with the base trainable from block4_conv1 on (MobileNet: its last stride-2 block; ResNet18: its last stage, conv5), RMSprop(1e-5).</summary>
public sealed class CatsDogsFinetune : CatsDogsExperiment
{
    private const double LearningRate = 1e-5;

    public override string Name => "catsdogs-finetune";
    public override bool UsesBackbone => true;
    public override string Description => "Fine-tune the pretrained base from block4_conv1 (--backbone) + MLP, augmentation, RMSprop(1e-5), 100 x 100";
    public override string ArticleResult => "val acc 0.96 (VGG16)";
    protected override int Epochs => 100;

    protected override Model BuildModel(ExperimentContext context)
    {
        var convBase = Backbones.Build(context.Options.Backbone, context.Options.Weights);
        CatsDogsModels.TrainableFrom(convBase, Backbones.FirstFineTuned(context.Options.Backbone, convBase));
        return Compiled(CatsDogsModels.OnBase(convBase), LearningRate);
    }

    protected override bool Augmented => true;
}

/// <summary>A float32 matrix on disk (rows, columns, data), written atomically.</summary>
internal static class FeatureFile
{
    public static void Write(string path, Tensor features)
    {
        AtomicFile.Write(path, tmp =>
        {
            using var w = new BinaryWriter(File.Create(tmp));
            w.Write(features.Shape[0]);
            w.Write(features.Shape[1]);
            using var c = features.Contiguous();
            foreach (var v in c.ToArray<float>()) w.Write(v);
        });
    }

    /// <summary>The matrix in <paramref name="path"/>; InvalidDataException when the file is not one (cut short, or something else).</summary>
    public static Tensor Read(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        long length = r.BaseStream.Length;
        long rows = length >= 16 ? r.ReadInt64() : -1, cols = length >= 16 ? r.ReadInt64() : -1;
        if (rows < 0 || cols < 0 || (cols > 0 && rows > (length - 16) / 4 / cols) || 16 + rows * cols * 4 != length)
            throw new InvalidDataException($"{path}: not a complete feature file ({length} bytes; header says {rows} × {cols} floats).");
        var data = new float[rows * cols];
        for (long i = 0; i < data.Length; i++) data[i] = r.ReadSingle();
        return Tensor.FromArray(data, rows, cols);
    }
}
