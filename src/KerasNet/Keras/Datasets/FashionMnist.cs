using KerasNet.Engine;

namespace KerasNet.Keras.Datasets;

/// <summary>
/// keras.datasets.fashion_mnist: 60,000 training and 10,000 test 28×28 grey images of 10 clothing
/// classes, as uint8 arrays. Read from local files only; searched in order: the configured data
/// dir, $KERAS_HOME (or ~/.keras)/datasets/fashion-mnist, and Debian's dataset-fashion-mnist package.
/// </summary>
public sealed class FashionMnist
{
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    internal static readonly string[] Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>The directories searched, in order.</summary>
    public static IReadOnlyList<string> SearchPath()
    {
        var dirs = new List<string>();
        if (KerasConfig.DataDir is { Length: > 0 } d)
        {
            dirs.Add(Path.Combine(d, "fashion-mnist"));
            dirs.Add(Path.Combine(d, "datasets", "fashion-mnist"));
        }
        dirs.Add(Path.Combine(KerasConfig.KerasHome, "datasets", "fashion-mnist"));
        dirs.Add(DebianDirectory);
        return dirs;
    }

    /// <summary>((x_train, y_train), (x_test, y_test)); images uint8 (N, 28, 28), labels uint8 (N,).</summary>
    public ((Tensor x_train, Tensor y_train), (Tensor x_test, Tensor y_test)) load_data()
    {
        var dirs = SearchPath();
        var dir = dirs.FirstOrDefault(p => Files.All(f => File.Exists(Path.Combine(p, f))))
                  ?? throw new FileNotFoundException(
                      "Fashion-MNIST not found. Looked for " + string.Join(", ", Files) + " in: " +
                      string.Join("; ", dirs) +
                      ". Install Debian's package (apt-get install dataset-fashion-mnist) or put the four files in one of those folders.");
        var xTrain = IdxFile.ReadUInt8(Path.Combine(dir, Files[0]));
        var yTrain = IdxFile.ReadUInt8(Path.Combine(dir, Files[1]));
        var xTest = IdxFile.ReadUInt8(Path.Combine(dir, Files[2]));
        var yTest = IdxFile.ReadUInt8(Path.Combine(dir, Files[3]));
        CheckPair(xTrain, yTrain, Path.Combine(dir, Files[0]), Path.Combine(dir, Files[1]));
        CheckPair(xTest, yTest, Path.Combine(dir, Files[2]), Path.Combine(dir, Files[3]));
        return ((xTrain, yTrain), (xTest, yTest));
    }

    private static void CheckPair(Tensor x, Tensor y, string xPath, string yPath)
    {
        if (x.NDim != 3 || y.NDim != 1 || x.Shape[0] != y.Shape[0])
            throw new InvalidDataException(
                $"{xPath} {Tensor.FormatShape(x.Shape)} and {yPath} {Tensor.FormatShape(y.Shape)} do not form an image/label pair.");
    }
}
