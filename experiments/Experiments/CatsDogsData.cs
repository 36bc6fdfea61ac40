using KerasNet.Engine;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// The cats-vs-dogs article's data handling: folders of Kaggle-named images (cat.12.jpg), loaded with
/// load_img at 150×150 (nearest), scaled to [0, 1], labels cat = 0, dog = 1 from the file names.
/// </summary>
public static class CatsDogsData
{
    public const string DefaultDataDir = "../shared/data/dogs-vs-cats";

    /// <summary>
    /// The data folder: --data-dir itself when it holds the split folders (or Kaggle's train/), else its
    /// dogs-vs-cats/ (a data root such as ../shared/data, which also holds keras/models/); without
    /// --data-dir the team machines' shared copy.
    /// </summary>
    public static string Root(Harness.ExperimentOptions o)
    {
        if (o.DataDir is not { } d) return DefaultDataDir;
        string[] splits = ["training_data", "validation_data", "test_data", "train"];
        if (splits.Any(s => Directory.Exists(Path.Combine(d, s)))) return d;
        var nested = Path.Combine(d, "dogs-vs-cats");
        return Directory.Exists(nested) ? nested : d;
    }

    /// <summary>The images of a split folder, sorted by name.</summary>
    public static List<string> Files(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"No folder '{folder}'. Point --data-dir at a folder with training_data/, validation_data/ and test_data/ (catsdogs-prepare makes them from Kaggle's train/).");
        var files = Directory.GetFiles(folder, "*.jpg").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"No .jpg images in '{folder}'.");
        return files;
    }

    /// <summary>0 for cat.*.jpg, 1 for dog.*.jpg; anything else is an error naming the file.</summary>
    public static float Label(string path) => Path.GetFileName(path).Split('.')[0] switch
    {
        "cat" => 0f,
        "dog" => 1f,
        _ => throw new InvalidDataException($"{path}: not a Kaggle cats-vs-dogs name (cat.N.jpg or dog.N.jpg)."),
    };

    /// <summary>All images of a folder as (N, size, size, 3) float32 in [0, 1] (150: the article's) and labels (N,), with a progress bar.</summary>
    public static (Tensor X, Tensor Y, List<string> Files) Load(string folder, TextWriter log, int? limit = null, int size = CatsDogsModels.ImageSize)
    {
        var files = Files(folder);
        if (limit is { } l) files = files.Take(l).ToList();
        log.WriteLine($"Loading {files.Count} images from {folder}");
        return Load(files, log, size);
    }

    /// <summary>These image files as (N, size, size, 3) float32 in [0, 1] and their labels (N,).</summary>
    public static (Tensor X, Tensor Y, List<string> Files) Load(List<string> files, TextWriter log, int size)
    {
        var x = ImageArrays.Load(files, size, log, scale: 1.0 / 255);
        var y = Tensor.FromArray(files.Select(Label).ToArray(), files.Count);
        return (x, y, files);
    }
}
