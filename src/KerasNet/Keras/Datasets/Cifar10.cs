using System.Formats.Tar;
using System.IO.Compression;
using KerasNet.Engine;
using KerasNet.Keras.Utils;

namespace KerasNet.Keras.Datasets;

/// <summary>
/// keras.datasets.cifar10: 50,000 training and 10,000 test 32×32 colour images of 10 classes, as Keras loads them:
/// get_file of Keras's origin (cifar-10-python.tar.gz, SHA-256 checked) into $KERAS_HOME/datasets, extracted to
/// cifar-10-batches-py/, the five data_batch_N and test_batch pickles read; images uint8 (N, 32, 32, 3) (the pickles'
/// channels-first rows transposed), labels uint8 (N, 1). An extracted folder already there (or under --data-dir) is
/// used as it is; offline, the error names the file, the URL and where to put it.
/// </summary>
public sealed class Cifar10
{
    public const string Origin = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz";
    public const string FileHash = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce";
    public const string Archive = "cifar-10-python.tar.gz";
    public const string Folder = "cifar-10-batches-py";

    public static readonly string[] ClassNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>((x_train, y_train), (x_test, y_test)).</summary>
    public ((Tensor x_train, Tensor y_train), (Tensor x_test, Tensor y_test)) load_data()
    {
        var folder = Locate();
        var train = Enumerable.Range(1, 5).Select(i => ReadBatch(Path.Combine(folder, $"data_batch_{i}"))).ToList();
        var test = ReadBatch(Path.Combine(folder, "test_batch"));
        return (Join(train), Join([test]));
    }

    /// <summary>The extracted batches: an existing folder, else the archive (downloaded by get_file when missing) extracted beside it.</summary>
    internal static string Locate()
    {
        var candidates = new List<string>();
        if (KerasConfig.DataDir is { Length: > 0 } d) candidates.AddRange([Path.Combine(d, Folder), Path.Combine(d, "datasets", Folder)]);
        candidates.Add(Path.Combine(KerasConfig.KerasHome, "datasets", Folder));
        if (candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "test_batch"))) is { } found) return found;
        var archive = GetFile.Get(Archive, Origin, FileHash, cache_subdir: "datasets");
        var target = Path.Combine(Path.GetDirectoryName(archive)!, Folder);
        Extract(archive, Path.GetDirectoryName(archive)!);
        if (!File.Exists(Path.Combine(target, "test_batch")))
            throw new InvalidDataException($"{archive}: the archive holds no {Folder}/test_batch.");
        return target;
    }

    /// <summary>The archive's regular files under <paramref name="into"/> (names kept inside it; nothing outside it is written).</summary>
    internal static void Extract(string archive, string into)
    {
        var root = Path.GetFullPath(into) + Path.DirectorySeparatorChar;
        using var gz = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            var path = Path.GetFullPath(Path.Combine(into, entry.Name));
            if (!path.StartsWith(root, StringComparison.Ordinal)) throw new InvalidDataException($"{archive}: entry '{entry.Name}' points outside the folder.");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Saving.AtomicFile.Write(path, tmp =>
            {
                using var f = File.Create(tmp);
                entry.DataStream.CopyTo(f);
            });
        }
    }

    /// <summary>One batch: its 'data' (N, 3072) uint8 rows and 'labels' list, images (N, 32, 32, 3).</summary>
    internal static (byte[] Images, byte[] Labels) ReadBatch(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: CIFAR-10 batch missing.", path);
        if (Pickle.Load(path) is not Dictionary<object, object?> batch) throw new InvalidDataException($"{path}: not a CIFAR-10 batch (a dict).");
        object? Get(string key) => batch.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{path}: no '{key}' in the batch (keys: {string.Join(", ", batch.Keys.Select(Pickle.Text))}).");
        var data = Get("data") as Pickle.NdArray ?? throw new InvalidDataException($"{path}: 'data' is not a numpy array.");
        var labels = (Get("labels") as List<object?> ?? throw new InvalidDataException($"{path}: 'labels' is not a list.")).Select(l => (long)l!).ToArray();
        if (data.DType is not ("u1" or "|u1") || data.Shape is not [var n, 3072] || n != labels.Length || data.Data.Length != n * 3072)
            throw new InvalidDataException($"{path}: 'data' is {data.DType} ({string.Join(", ", data.Shape)}), expected uint8 ({labels.Length}, 3072).");
        if (labels.Any(l => l is < 0 or > 9)) throw new InvalidDataException($"{path}: labels outside 0-9.");
        // channels first (3, 32, 32) per row → (32, 32, 3)
        var images = new byte[data.Data.Length];
        for (long i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                for (int px = 0; px < 1024; px++)
                    images[i * 3072 + px * 3 + c] = data.Data[i * 3072 + c * 1024 + px];
        return (images, labels.Select(l => (byte)l).ToArray());
    }

    private static (Tensor, Tensor) Join(IReadOnlyList<(byte[] Images, byte[] Labels)> batches)
    {
        var images = batches.SelectMany(b => b.Images).ToArray();
        var labels = batches.SelectMany(b => b.Labels).ToArray();
        return (Tensor.FromArray(images, labels.Length, 32, 32, 3), Tensor.FromArray(labels, labels.Length, 1));
    }
}
