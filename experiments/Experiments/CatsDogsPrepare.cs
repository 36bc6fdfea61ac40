using KerasNet.Harness;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// §1.2 of the article: from Kaggle's flat train/ folder (cat.N.jpg, dog.N.jpg), draw per class 1500
/// training, 500 validation and 500 test images without replacement (seed 42) and copy them into
/// training_data/, validation_data/ and test_data/.
/// </summary>
public sealed class CatsDogsPrepare : Experiment
{
    public static readonly (int Train, int Validation, int Test) ArticleSizes = (1500, 500, 500);

    public override string Name => "catsdogs-prepare";
    public override bool Trains => false;
    public override string Description => "Split Kaggle's flat train/ folder into training/validation/test (1500/500/500 per class, seed 42)";
    public override string ArticleResult => "3000 / 1000 / 1000 images";

    public override ExperimentResult Run(ExperimentContext context)
    {
        var root = CatsDogsData.Root(context.Options);
        var counts = Split(Path.Combine(root, "train"), root, context.Options.SplitSizes ?? ArticleSizes, context.Options.Seed);
        foreach (var (split, n) in counts) context.Out.WriteLine($"{split}: {n} images");
        var result = new ExperimentResult();
        foreach (var (split, n) in counts) result.Metrics[split + "_images"] = n;
        return result;
    }

    /// <summary>Copies a seeded random split of each class into destination/{training,validation,test}_data.</summary>
    public static Dictionary<string, int> Split(string source, string destination, (int Train, int Validation, int Test) perClass, int seed)
    {
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"catsdogs-prepare: no Kaggle train folder '{source}'.");
        var rng = new Random(seed);
        var counts = new Dictionary<string, int> { ["training_data"] = 0, ["validation_data"] = 0, ["test_data"] = 0 };
        foreach (var cls in new[] { "cat", "dog" })
        {
            var files = Directory.GetFiles(source, cls + ".*.jpg").Order(StringComparer.Ordinal).ToArray();
            int need = perClass.Train + perClass.Validation + perClass.Test;
            if (files.Length < need)
                throw new InvalidDataException($"catsdogs-prepare: {source} has {files.Length} {cls} images, the split needs {need}.");
            rng.Shuffle(files);
            var parts = new[]
            {
                ("training_data", files[..perClass.Train]),
                ("validation_data", files[perClass.Train..(perClass.Train + perClass.Validation)]),
                ("test_data", files[(perClass.Train + perClass.Validation)..need]),
            };
            foreach (var (split, chosen) in parts)
            {
                var dir = Path.Combine(destination, split);
                Directory.CreateDirectory(dir);
                foreach (var f in chosen) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
                counts[split] += chosen.Length;
            }
        }
        return counts;
    }
}
