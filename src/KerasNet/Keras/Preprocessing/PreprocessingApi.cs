using KerasNet.Engine;
using KerasNet.TF.Data;

namespace KerasNet.Keras.Preprocessing;

/// <summary>keras.preprocessing (and keras.preprocessing.image)</summary>
public sealed class PreprocessingApi
{
    public ImageApi image { get; } = new();

    public Dataset<(Tensor, Tensor)> image_dataset_from_directory(string directory, string label_mode = "int",
        IReadOnlyList<string>? class_names = null, string color_mode = "rgb", int batch_size = 32, (int Height, int Width)? image_size = null,
        bool shuffle = true, int? seed = null, double? validation_split = null, string? subset = null, string interpolation = "bilinear") =>
        ImageDatasetFromDirectory.Load(directory, label_mode, class_names, color_mode, batch_size, image_size, shuffle, seed,
            validation_split, subset, interpolation);

    public sealed class ImageApi
    {
        public ImageDataGenerator ImageDataGenerator(double? rescale = null, double rotation_range = 0, double width_shift_range = 0,
            double height_shift_range = 0, double shear_range = 0, double zoom_range = 0, bool horizontal_flip = false,
            bool vertical_flip = false, string fill_mode = "nearest", double cval = 0, Func<Tensor, Tensor>? preprocessing_function = null) =>
            new(rescale, rotation_range, width_shift_range, height_shift_range, shear_range, zoom_range, null, horizontal_flip,
                vertical_flip, fill_mode, cval, preprocessing_function);

        public Tensor load_img(string path, string color_mode = "rgb", (int Height, int Width)? target_size = null,
            string interpolation = "nearest") => Utils.ImageUtils.LoadImg(path, color_mode, target_size, interpolation);

        public Tensor img_to_array(Tensor img) => Utils.ImageUtils.ImgToArray(img);

        /// <summary>A float array (0-255) as a uint8 image.</summary>
        public Tensor array_to_img(Tensor x)
        {
            using var scope = new TensorScope();
            return x.Round().Clamp(0, 255).AsType(DType.UInt8).MoveToOuterScope();
        }

        public void save_img(string path, Tensor x) => Utils.ImageUtils.SaveImg(path, x);
    }
}
