using KerasNet.Engine;

namespace KerasNet.TF;

/// <summary>tf.image: decoding, dtype conversion, resizing and flips of HWC images.</summary>
public sealed class ImageApi
{
    /// <summary>Decodes JPEG/PNG/BMP/GIF bytes (read_file's tensor) into uint8 HWC; channels 0 keeps what is stored.</summary>
    public Tensor decode_image(Tensor contents, int channels = 0) => Decode(contents, channels);

    public Tensor decode_jpeg(Tensor contents, int channels = 0) => Decode(contents, channels);

    public Tensor decode_png(Tensor contents, int channels = 0) => Decode(contents, channels);

    private static unsafe Tensor Decode(Tensor contents, int channels)
    {
        if (contents.DType != DType.UInt8 || contents.NDim != 1)
            throw new ArgumentException($"decode: expected the bytes of a file (uint8 vector, from tf.io.read_file), got {contents.DType.KerasName()} {Tensor.FormatShape(contents.Shape)}.");
        var bytes = contents.ToArray<byte>();
        var img = Image.Decode(bytes, channels, contents.Source ?? "<bytes>");
        img.Source = contents.Source;
        return img;
    }

    /// <summary>uint8 → float32 scales to [0, 1] (and back, with rounding and saturation), as TensorFlow does.</summary>
    public Tensor convert_image_dtype(Tensor image, DType dtype, bool saturate = false)
    {
        if (image.DType == dtype) return image;
        using var scope = new TensorScope();
        Tensor result = (image.DType, dtype) switch
        {
            (DType.UInt8, DType.Float32) => image.AsType(DType.Float32) / 255.0,
            (DType.Float32, DType.UInt8) => (image * 255.0 + 0.5).Clamp(0, 255).Floor().AsType(DType.UInt8),
            _ => throw new NotSupportedException($"convert_image_dtype from {image.DType.KerasName()} to {dtype.KerasName()}"),
        };
        result.Source = image.Source;
        return result.MoveToOuterScope();
    }

    /// <summary>
    /// TensorFlow 2's resize of an HWC image (or NHWC batch) to (height, width): "bilinear" (default) or
    /// "nearest", half-pixel centres, no antialias. Bilinear returns float32; nearest keeps the dtype.
    /// </summary>
    public Tensor resize(Tensor images, (int Height, int Width) size, string method = "bilinear")
    {
        if (images.NDim == 4)
        {
            using var scope = new TensorScope();
            var parts = Enumerable.Range(0, (int)images.Shape[0])
                .Select(i => resize(images.Narrow(0, i, 1).Reshape(images.Shape[1..]), size, method).Reshape([1, size.Height, size.Width, images.Shape[3]]))
                .ToList();
            return Tensor.Concat(parts, 0).MoveToOuterScope();
        }
        if (images.NDim != 3)
            throw new ArgumentException($"resize expects an HWC image or NHWC batch, got shape {Tensor.FormatShape(images.Shape)}.");
        var r = method switch
        {
            "bilinear" => Image.ResizeBilinear(images, size.Height, size.Width),
            "nearest" => Image.ResizeNearestTF(images, size.Height, size.Width),
            _ => throw new ArgumentException($"resize method must be 'bilinear' or 'nearest', got '{method}'."),
        };
        r.Source = images.Source;
        return r;
    }

    public Tensor flip_left_right(Tensor image) => Flip(image, image.NDim - 2);

    public Tensor flip_up_down(Tensor image) => Flip(image, image.NDim - 3);

    /// <summary>Flips left-right with probability ½.</summary>
    public Tensor random_flip_left_right(Tensor image, int? seed = null)
    {
        var rng = seed is { } s ? new Random(s) : Random.Shared;
        return rng.NextDouble() < 0.5 ? flip_left_right(image) : image;
    }

    private static Tensor Flip(Tensor image, int axis)
    {
        if (image.NDim < 3) throw new ArgumentException($"flip expects an HWC image, got shape {Tensor.FormatShape(image.Shape)}.");
        using var scope = new TensorScope();
        return image.IndexSelect(axis, Tensor.ReversedRange(image.Shape[axis])).MoveToOuterScope();
    }
}
