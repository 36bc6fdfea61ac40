namespace KerasNet.Experiments.Experiments;

/// <summary>
/// An image-classification data set on disk, as torchvision's ImageFolder reads it: <c>DIR/train/&lt;class&gt;/*</c> and
/// <c>DIR/val/&lt;class&gt;/*</c> (or <c>valid/</c>, <c>validation/</c>, <c>test/</c>), classes sorted by name, label = the class's
/// index. The cats-vs-dogs folders (<c>training_data/</c>, <c>validation_data/</c> of Kaggle-named images) read as the two
/// classes cat, dog. Images: .jpg, .jpeg, .png, .bmp.
/// </summary>
public sealed record ImageFolders(IReadOnlyList<string> ClassNames, IReadOnlyList<(string Path, int Label)> Train,
    IReadOnlyList<(string Path, int Label)> Validation, string Layout)
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp"];
    private static readonly string[] ValidationNames = ["val", "valid", "validation", "test"];

    private static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Reads <paramref name="dir"/>'s layout; a folder in neither layout is an error that names both.</summary>
    public static ImageFolders Read(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"No data folder '{dir}'.");
        var train = Path.Combine(dir, "train");
        if (Directory.Exists(train) && Directory.GetDirectories(train).Length > 0)
        {
            var classes = Directory.GetDirectories(train).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            var valName = ValidationNames.FirstOrDefault(v => Directory.Exists(Path.Combine(dir, v)))
                ?? throw new DirectoryNotFoundException($"'{dir}' has train/ but no validation folder ({string.Join("/, ", ValidationNames)}/).");
            var val = Path.Combine(dir, valName);
            var extra = Directory.GetDirectories(val).Select(Path.GetFileName).Where(c => !classes.Contains(c)).ToList();
            if (extra.Count > 0)
                throw new InvalidDataException($"'{val}' has class folders that train/ does not: {string.Join(", ", extra)} (train/ has {string.Join(", ", classes)}).");
            return new ImageFolders(classes!, ClassImages(train, classes!), ClassImages(val, classes!), $"class folders train/, {valName}/");
        }
        string kaggleTrain = Path.Combine(dir, "training_data"), kaggleVal = Path.Combine(dir, "validation_data");
        if (Directory.Exists(kaggleTrain) && Directory.Exists(kaggleVal))
        {
            static List<(string, int)> Kaggle(string folder) => CatsDogsData.Files(folder).Select(f => (f, (int)CatsDogsData.Label(f))).ToList();
            return new ImageFolders(CatsDogsEvaluate.ClassNames, Kaggle(kaggleTrain), Kaggle(kaggleVal), "cats-vs-dogs training_data/, validation_data/");
        }
        throw new DirectoryNotFoundException(
            $"'{dir}' is not an image-folder data set: give it train/<class>/ and val/<class>/ (or test/<class>/) folders of images, or the cats-vs-dogs training_data/ and validation_data/.");
    }

    private static List<(string, int)> ClassImages(string folder, IReadOnlyList<string> classes)
    {
        var items = new List<(string, int)>();
        for (int c = 0; c < classes.Count; c++)
        {
            var sub = Path.Combine(folder, classes[c]);
            if (!Directory.Exists(sub)) continue;
            items.AddRange(Directory.EnumerateFiles(sub, "*", SearchOption.AllDirectories).Where(IsImage).Order(StringComparer.Ordinal).Select(f => (f, c)));
        }
        if (items.Count == 0) throw new FileNotFoundException($"No images (.jpg, .jpeg, .png, .bmp) in the class folders of '{folder}'.");
        return items;
    }
}
