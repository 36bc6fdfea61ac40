using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>Image codecs and resizing (libjpeg and OpenCV in the native layer). Images are HWC tensors, RGB order.</summary>
public static class Image
{
    /// <summary>
    /// The decompression-bomb limit (PIL's, by default: 178,956,970 pixels, twice its MAX_IMAGE_PIXELS): an image
    /// whose header declares more pixels is refused before anything is allocated. 0 = no limit. The process
    /// starts with $KERASNET_MAX_IMAGE_PIXELS when that is set.
    /// </summary>
    public static long MaxImagePixels
    {
        get
        {
            Runtime.EnsureInitialized();
            return NativeMethods.knt_image_max_pixels(-1);
        }
        set
        {
            Runtime.EnsureInitialized();
            if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "MaxImagePixels must be ≥ 0 (0 = no limit).");
            NativeMethods.knt_image_max_pixels(value);
        }
    }

    /// <summary>
    /// Decodes JPEG/PNG/BMP/GIF... bytes into a uint8 HWC tensor. channels: 0 as stored, 1 grey, 3 RGB, 4 RGBA.
    /// EXIF orientation is ignored, as Keras (PIL) ignores it. Empty, truncated (libjpeg's own "premature
    /// end" warning) or non-image data, and images past <see cref="MaxImagePixels"/>, are an error naming
    /// <paramref name="source"/>.
    /// </summary>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> bytes, int channels = 3, string source = "<bytes>")
    {
        if (channels is not (0 or 1 or 3 or 4))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 0, 1, 3 or 4.");
        fixed (byte* p = bytes)
        {
            var raw = NativeMethods.knt_image_decode(p, bytes.Length, channels);
            if (raw == IntPtr.Zero)
                throw new InvalidDataException($"{source}: cannot decode image: {NativeMethods.LastError()}");
            TF.Data.InputStatistics.AddDecoded();
            return Tensor.WrapUnchecked(raw, "image_decode");
        }
    }

    /// <summary>Reads and decodes an image file; errors name the file.</summary>
    public static Tensor Read(string path, int channels = 3)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot read image file: {e.Message}", e);
        }
        return Decode(bytes, channels, path);
    }

    /// <summary>Nearest neighbour exactly as PIL (and so keras.utils.load_img) does it; keeps the dtype.</summary>
    public static Tensor ResizeNearest(Tensor image, int height, int width) =>
        Tensor.Wrap(NativeMethods.knt_image_resize(image.Handle, height, width, 0), "resize_nearest", image);

    /// <summary>TensorFlow 2's nearest neighbour (half-pixel centres: source = ⌊(dst + ½)·in/out⌋); keeps the dtype.</summary>
    public static Tensor ResizeNearestTF(Tensor image, int height, int width) =>
        Tensor.Wrap(NativeMethods.knt_image_resize(image.Handle, height, width, 2), "resize_nearest", image);

    /// <summary>Bilinear with half-pixel centres (no antialiasing), computed in float32; returns float32.</summary>
    public static Tensor ResizeBilinear(Tensor image, int height, int width) =>
        Tensor.Wrap(NativeMethods.knt_image_resize(image.Handle, height, width, 1), "resize_bilinear", image);

    /// <summary>Border handling of <see cref="Affine"/>: Keras's fill modes.</summary>
    public enum FillMode { Constant = 0, Nearest = 1, Reflect = 2, Wrap = 3 }

    /// <summary>
    /// Resamples an HWC image (float32 out) through an inverse affine map in (row, col) coordinates, as
    /// scipy.ndimage.affine_transform (order 1) does for Keras: in[r, c] = A·[r_out, c_out] + offset.
    /// </summary>
    public static unsafe Tensor Affine(Tensor image, double[,] a, (double Row, double Col) offset, FillMode fill, double cval = 0)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.GetLength(0) != 2 || a.GetLength(1) != 2)
            throw new ArgumentException($"affine_transform: the matrix must be 2×2, got {a.GetLength(0)}×{a.GetLength(1)}.", nameof(a));
        // OpenCV's inverse map is in (x = col, y = row) order
        double* m = stackalloc double[] { a[1, 1], a[1, 0], offset.Col, a[0, 1], a[0, 0], offset.Row };
        return Tensor.Wrap(NativeMethods.knt_image_affine(image.Handle, m, (int)fill, cval), "affine_transform", image);
    }

    /// <summary>Encodes a uint8 HWC image (1, 3 or 4 channels) in the format of <paramref name="extension"/> (".png", ".jpg").</summary>
    public static byte[] Encode(Tensor image, string extension = ".png")
    {
        if (NativeMethods.knt_image_encode(image.Handle, extension, out var buf, out var n) < 0)
            throw Tensor.Failure("image_encode", image);
        try
        {
            var bytes = new byte[n];
            System.Runtime.InteropServices.Marshal.Copy(buf, bytes, 0, (int)n);
            return bytes;
        }
        finally
        {
            NativeMethods.knt_buffer_free(buf);
        }
    }
}
