using KerasNet.Engine;

namespace KerasNet.Keras.Utils;

/// <summary>keras.utils: to_categorical, set_random_seed.</summary>
public sealed class UtilsApi
{
    /// <summary>One-hot float32 matrix from integer class labels (any integer or integral float dtype).</summary>
    public Tensor to_categorical(Tensor y, int? num_classes = null)
    {
        using var scope = new TensorScope();
        var labels = y.Reshape(-1).AsType(DType.Int64);
        if (labels.NumElements > 0 && labels.Min().Item() < 0)
            throw new ArgumentException("to_categorical: labels must be non-negative integers.");
        long classes = num_classes ?? (labels.NumElements == 0 ? 0 : (long)labels.Max().Item() + 1);
        if (labels.NumElements > 0 && labels.Max().Item() >= classes)
            throw new ArgumentException(
                $"to_categorical: label {labels.Max().Item()} is out of range for num_classes={classes}.");
        var shape = y.Shape.Length > 1 && y.Shape[^1] == 1 ? y.Shape[..^1] : y.Shape;
        return labels.OneHot(classes).Reshape([.. shape, classes]).MoveToOuterScope();
    }

    /// <summary>A file from the Keras cache, downloading it when absent (see <see cref="GetFile"/>).</summary>
    public string get_file(string fname, string origin, string? file_hash = null, string cache_subdir = "datasets",
        string hash_algorithm = "auto", string? cache_dir = null, bool force_download = false) =>
        GetFile.Get(fname, origin, file_hash, cache_subdir, hash_algorithm, cache_dir, force_download);

    public Tensor load_img(string path, string color_mode = "rgb", (int Height, int Width)? target_size = null,
        string interpolation = "nearest") => ImageUtils.LoadImg(path, color_mode, target_size, interpolation);

    public Tensor img_to_array(Tensor img) => ImageUtils.ImgToArray(img);

    public void save_img(string path, Tensor x) => ImageUtils.SaveImg(path, x);

    /// <summary>(images, labels) batches from one subfolder per class; see <see cref="Preprocessing.ImageDatasetFromDirectory"/>.</summary>
    public KerasNet.TF.Data.Dataset<(Tensor, Tensor)> image_dataset_from_directory(string directory, string label_mode = "int",
        IReadOnlyList<string>? class_names = null, string color_mode = "rgb", int batch_size = 32, (int Height, int Width)? image_size = null,
        bool shuffle = true, int? seed = null, double? validation_split = null, string? subset = null, string interpolation = "bilinear") =>
        Preprocessing.ImageDatasetFromDirectory.Load(directory, label_mode, class_names, color_mode, batch_size, image_size, shuffle, seed,
            validation_split, subset, interpolation);

    /// <summary>Seeds the engine's generator: weight initializers, dropout masks and fit's shuffling.</summary>
    public void set_random_seed(int seed) => Runtime.ManualSeed((ulong)seed);
}
