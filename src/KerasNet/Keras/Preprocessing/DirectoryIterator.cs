using KerasNet.Engine;
using KerasNet.Keras.Utils;

namespace KerasNet.Keras.Preprocessing;

/// <summary>ImageDataGenerator.flow_from_directory: one subfolder per class, images loaded with load_img.</summary>
public sealed class DirectoryIterator : ImageIterator
{
    internal static readonly string[] Formats = [".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff"];

    private readonly (int Height, int Width) _size;
    private readonly string _colorMode, _interpolation;
    private readonly string? _classMode;

    internal DirectoryIterator(ImageDataGenerator g, string directory, (int Height, int Width) targetSize, string colorMode,
        IReadOnlyList<string>? classes, string? classMode, int batchSize, bool shuffle, int? seed, string interpolation)
        : this(g, Scan(directory, classes), targetSize, colorMode, classMode, batchSize, shuffle, seed, interpolation) { }

    private DirectoryIterator(ImageDataGenerator g, (List<string> Files, List<int> Classes, List<string> Names) scan,
        (int Height, int Width) targetSize, string colorMode, string? classMode, int batchSize, bool shuffle, int? seed, string interpolation)
        : base(g, scan.Files.Count, batchSize, shuffle, seed)
    {
        if (classMode is not (null or "categorical" or "binary" or "sparse" or "input"))
            throw new ArgumentException($"class_mode must be categorical, binary, sparse, input or null; got '{classMode}'.");
        if (classMode == "binary" && scan.Names.Count != 2)
            throw new ArgumentException($"class_mode 'binary' needs exactly 2 classes, found {scan.Names.Count}: {string.Join(", ", scan.Names)}.");
        filepaths = scan.Files;
        classes = scan.Classes;
        class_indices = scan.Names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        _size = targetSize;
        _colorMode = colorMode;
        _classMode = classMode;
        _interpolation = interpolation;
        Console.WriteLine($"Found {filepaths.Count} images belonging to {class_indices.Count} classes.");
    }

    public IReadOnlyList<string> filepaths { get; }
    public IReadOnlyList<int> classes { get; }
    public IReadOnlyDictionary<string, int> class_indices { get; }

    private static (List<string>, List<int>, List<string>) Scan(string directory, IReadOnlyList<string>? classes)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"flow_from_directory: no folder '{directory}'.");
        var names = classes?.ToList() ?? Directory.GetDirectories(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;
        if (names.Count == 0)
            throw new ArgumentException($"flow_from_directory: '{directory}' has no class subfolders (expected one folder per class).");
        var files = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < names.Count; c++)
        {
            var dir = Path.Combine(directory, names[c]);
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"flow_from_directory: class folder '{dir}' does not exist.");
            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                         .Where(f => Formats.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal))
            {
                files.Add(f);
                labels.Add(c);
            }
        }
        return (files, labels, names!);
    }

    protected override (Tensor X, Tensor? Y) Sample(long index, Random rng)
    {
        using var scope = new TensorScope();
        var img = ImageUtils.ImgToArray(ImageUtils.LoadImg(filepaths[(int)index], _colorMode, _size, _interpolation));
        var x = Augment(img, rng);
        int c = classes[(int)index];
        Tensor? y = _classMode switch
        {
            "categorical" => Tensor.FromArray(Enumerable.Range(0, class_indices.Count).Select(i => i == c ? 1f : 0f).ToArray(), class_indices.Count),
            "binary" or "sparse" => Tensor.Scalar(c),
            _ => null,
        };
        return (x.MoveToOuterScope(), y?.MoveToOuterScope());
    }
}
