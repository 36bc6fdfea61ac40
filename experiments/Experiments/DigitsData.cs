using KerasNet.Engine;
using nietras.SeparatedValues;

namespace KerasNet.Experiments.Experiments;

/// <summary>
/// The Analytics Vidhya digits layout: <c>DIR/train.csv</c> (columns filename, label) and the images it names under
/// <c>DIR/Images/train/</c> (the article's <c>train_path</c>), or beside the CSV. Loaded as the script loads them:
/// <c>image.load_img(path, target_size=(224, 224))</c> (RGB, nearest), <c>img_to_array</c>, labels one-hot
/// (<c>pd.get_dummies</c>: one column per distinct label, in sorted order).
/// </summary>
public static class DigitsData
{
    public const string CsvName = "train.csv";

    /// <summary>The CSV's rows: the image path (resolved) and its label, in file order.</summary>
    public static List<(string Path, string Label)> Read(string dir)
    {
        var csv = Path.Combine(dir, CsvName);
        if (!File.Exists(csv))
            throw new FileNotFoundException($"No {csv}: --data-dir needs the digits layout, train.csv (filename,label) with the images in Images/train/ (digits-prepare writes Fashion-MNIST in it).", csv);
        string images = Path.Combine(dir, "Images", "train");
        if (!Directory.Exists(images)) images = dir;
        var rows = new List<(string, string)>();
        using (var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(csv))
        {
            if (!reader.Header.TryIndexOf("filename", out int fileCol) || !reader.Header.TryIndexOf("label", out int labelCol))
                throw new InvalidDataException($"{csv}: the header must have the columns filename and label, it has: {string.Join(", ", reader.Header.ColNames)}.");
            foreach (var row in reader)
            {
                var name = row[fileCol].ToString();
                var path = Path.Combine(images, name);
                if (!File.Exists(path)) throw new FileNotFoundException($"{csv} line {row.LineNumberFrom}: no image '{path}'.", path);
                rows.Add((path, row[labelCol].ToString().Trim()));
            }
        }
        if (rows.Count < 2) throw new InvalidDataException($"{csv} lists {rows.Count} image(s); a train/validation split needs at least 2.");
        return rows;
    }

    /// <summary>pd.get_dummies's columns: the distinct labels, sorted (numbers as numbers).</summary>
    public static List<string> Classes(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct().ToList();
        return distinct.All(l => long.TryParse(l, out _))
            ? [.. distinct.OrderBy(long.Parse)]
            : [.. distinct.Order(StringComparer.Ordinal)];
    }

    /// <summary>The one-hot rows (N, classes) of <paramref name="labels"/> over <paramref name="classes"/>.</summary>
    public static Tensor OneHot(IReadOnlyList<string> labels, IReadOnlyList<string> classes)
    {
        var index = classes.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i);
        var y = new float[labels.Count * classes.Count];
        for (int r = 0; r < labels.Count; r++) y[r * classes.Count + index[labels[r]]] = 1;
        return Tensor.FromArray(y, labels.Count, classes.Count);
    }

    /// <summary>The images as one (N, size, size, 3) float32 array, 0-255 (img_to_array), with a progress bar.</summary>
    public static Tensor LoadImages(IReadOnlyList<string> files, int size, TextWriter log)
    {
        log.WriteLine($"Loading {files.Count} images at {size}×{size}");
        return ImageArrays.Load(files, size, log);
    }
}
