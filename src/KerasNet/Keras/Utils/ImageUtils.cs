using KerasNet.Engine;

namespace KerasNet.Keras.Utils;

/// <summary>keras.utils image helpers: images are uint8 HWC tensors (RGB), arrays float32.</summary>
public static class ImageUtils
{
    /// <summary>
    /// Loads an image file as keras.utils.load_img does: color_mode "rgb", "grayscale" or "rgba";
    /// target_size (height, width) resized with "nearest" (Keras's default, PIL's convention) or
    /// "bilinear" (half-pixel centres; unlike PIL it does not antialias when shrinking).
    /// </summary>
    public static Tensor LoadImg(string path, string color_mode = "rgb", (int Height, int Width)? target_size = null,
        string interpolation = "nearest")
    {
        int channels = color_mode switch
        {
            "rgb" => 3,
            "grayscale" => 1,
            "rgba" => 4,
            _ => throw new ArgumentException($"color_mode must be rgb, grayscale or rgba, got '{color_mode}'."),
        };
        using var scope = new TensorScope();
        var img = Image.Read(path, channels);
        if (target_size is { } size && (img.Shape[0] != size.Height || img.Shape[1] != size.Width))
        {
            img = interpolation switch
            {
                "nearest" => Image.ResizeNearest(img, size.Height, size.Width),
                "bilinear" => Image.ResizeBilinear(img, size.Height, size.Width).Round().Clamp(0, 255).AsType(DType.UInt8),
                _ => throw new ArgumentException($"interpolation must be 'nearest' or 'bilinear', got '{interpolation}'."),
            };
        }
        return img.MoveToOuterScope();
    }

    /// <summary>An image as a float32 HWC array, values 0-255.</summary>
    public static Tensor ImgToArray(Tensor img) => img.AsType(DType.Float32);

    /// <summary>Saves an HWC array (0-255) as an image file; the format follows the extension.</summary>
    public static void SaveImg(string path, Tensor x)
    {
        using var scope = new TensorScope();
        var img = x.DType == DType.UInt8 ? x : x.Round().Clamp(0, 255).AsType(DType.UInt8);
        File.WriteAllBytes(path, Image.Encode(img, Path.GetExtension(path)));
    }
}
