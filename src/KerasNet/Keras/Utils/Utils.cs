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

    /// <summary>Seeds the engine's generator: weight initializers, dropout masks and fit's shuffling.</summary>
    public void set_random_seed(int seed) => Runtime.ManualSeed((ulong)seed);
}
