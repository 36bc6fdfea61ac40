using KerasNet.Engine;
using KerasNet.TF;
using KerasNet.TF.Data;

namespace KerasNet.Keras.Preprocessing;

/// <summary>
/// keras.utils.image_dataset_from_directory: (images, labels) batches from one subfolder per class
/// (sorted names → class ids). Images are decoded and resized with TensorFlow's bilinear (float32,
/// 0-255). With shuffle the file list is shuffled with the seed before the training/validation split,
/// and the dataset reshuffles each pass.
/// </summary>
public static class ImageDatasetFromDirectory
{
    public static Dataset<(Tensor, Tensor)> Load(string directory, string label_mode = "int", IReadOnlyList<string>? class_names = null,
        string color_mode = "rgb", int batch_size = 32, (int Height, int Width)? image_size = null, bool shuffle = true, int? seed = null,
        double? validation_split = null, string? subset = null, string interpolation = "bilinear")
    {
        var size = image_size ?? (256, 256);
        if (label_mode is not ("int" or "categorical" or "binary"))
            throw new ArgumentException($"label_mode must be int, categorical or binary; got '{label_mode}'.");
        if (validation_split is not null && subset is not ("training" or "validation"))
            throw new ArgumentException("With validation_split, subset must be \"training\" or \"validation\".");
        if (validation_split is not null && shuffle && seed is null)
            throw new ArgumentException("With validation_split and shuffle, give a seed so the two subsets do not overlap.");
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"image_dataset_from_directory: no folder '{directory}'.");
        var names = class_names?.ToList() ?? Directory.GetDirectories(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;
        var files = new List<(string Path, int Label)>();
        for (int c = 0; c < names.Count; c++)
        {
            var dir = Path.Combine(directory, names[c]!);
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"image_dataset_from_directory: class folder '{dir}' does not exist.");
            files.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".bmp" or ".gif")
                .Order(StringComparer.Ordinal).Select(f => (f, c)));
        }
        if (files.Count == 0) throw new ArgumentException($"image_dataset_from_directory: no images in the class folders of '{directory}'.");
        if (label_mode == "binary" && names.Count != 2)
            throw new ArgumentException($"label_mode 'binary' needs exactly 2 classes, found {names.Count}.");
        Console.WriteLine($"Found {files.Count} files belonging to {names.Count} classes.");
        var list = files.ToArray();
        if (shuffle) new Random(seed ?? Random.Shared.Next()).Shuffle(list);
        if (validation_split is { } split)
        {
            int nVal = (int)(split * list.Length);
            list = subset == "training" ? list[..^nVal] : list[^nVal..];
            Console.WriteLine($"Using {list.Length} files for {subset}.");
        }

        int channels = color_mode switch { "rgb" => 3, "grayscale" => 1, "rgba" => 4, _ => throw new ArgumentException($"color_mode '{color_mode}'") };
        var tf = TensorFlowApi.tf;
        int classes = names.Count;
        Dataset<(string Path, int Label)> ds = tf.data.Dataset.from_tensor_slices(list);
        if (shuffle) ds = ds.shuffle(batch_size * 8, seed);
        return ds.map(item =>
        {
            using var scope = new TensorScope();
            var img = tf.image.decode_image(tf.io.read_file(item.Path), channels);
            var x = tf.image.resize(img, size, interpolation).AsType(DType.Float32);
            Tensor y = label_mode switch
            {
                "categorical" => tf.one_hot(item.Label, classes),
                "binary" => Tensor.FromArray(new[] { (float)item.Label }, 1),
                _ => Tensor.Scalar(item.Label, DType.Int64),
            };
            return (x.MoveToOuterScope(), y.MoveToOuterScope());
        }, num_parallel_calls: TensorFlowApi.Autotune).batch(batch_size);
    }
}
