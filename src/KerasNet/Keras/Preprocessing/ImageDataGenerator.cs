using KerasNet.Engine;

namespace KerasNet.Keras.Preprocessing;

/// <summary>
/// Keras's ImageDataGenerator: random affine augmentation (one combined matrix per image: rotation,
/// shift, shear, zoom, about the image centre, sampled bilinearly with the fill mode at the borders),
/// random flips, then preprocessing_function and rescale. <see cref="flow"/> and
/// <see cref="flow_from_directory"/> yield endless batches, reshuffled each epoch.
/// </summary>
public sealed class ImageDataGenerator
{
    public ImageDataGenerator(double? rescale = null, double rotation_range = 0, double width_shift_range = 0,
        double height_shift_range = 0, double shear_range = 0, double zoom_range = 0, (double Low, double High)? zoom_interval = null,
        bool horizontal_flip = false, bool vertical_flip = false, string fill_mode = "nearest", double cval = 0,
        Func<Tensor, Tensor>? preprocessing_function = null)
    {
        this.rescale = rescale;
        this.rotation_range = rotation_range;
        this.width_shift_range = width_shift_range;
        this.height_shift_range = height_shift_range;
        this.shear_range = shear_range;
        this.zoom_range = zoom_interval ?? (1 - zoom_range, 1 + zoom_range);
        this.horizontal_flip = horizontal_flip;
        this.vertical_flip = vertical_flip;
        this.fill_mode = fill_mode switch
        {
            "nearest" => Image.FillMode.Nearest,
            "constant" => Image.FillMode.Constant,
            "reflect" => Image.FillMode.Reflect,
            "wrap" => Image.FillMode.Wrap,
            _ => throw new ArgumentException($"fill_mode must be one of constant, nearest, reflect, wrap; got '{fill_mode}'."),
        };
        this.cval = cval;
        this.preprocessing_function = preprocessing_function;
    }

    public double? rescale { get; }
    public double rotation_range { get; }
    public double width_shift_range { get; }
    public double height_shift_range { get; }
    public double shear_range { get; }
    public (double Low, double High) zoom_range { get; }
    public bool horizontal_flip { get; }
    public bool vertical_flip { get; }
    public Image.FillMode fill_mode { get; }
    public double cval { get; }
    public Func<Tensor, Tensor>? preprocessing_function { get; }

    /// <summary>The parameters of one random transform (Keras's get_random_transform).</summary>
    public sealed record Transform(double theta, double tx, double ty, double shear, double zx, double zy, bool flip_horizontal,
        bool flip_vertical);

    public Transform get_random_transform((long Height, long Width) imageShape, Random rng)
    {
        static double Uniform(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();
        double theta = rotation_range != 0 ? Uniform(rng, -rotation_range, rotation_range) : 0;
        double tx = 0, ty = 0;
        if (height_shift_range != 0)
        {
            tx = Uniform(rng, -height_shift_range, height_shift_range);
            if (height_shift_range < 1) tx *= imageShape.Height;  // a fraction of the height
        }
        if (width_shift_range != 0)
        {
            ty = Uniform(rng, -width_shift_range, width_shift_range);
            if (width_shift_range < 1) ty *= imageShape.Width;
        }
        double shear = shear_range != 0 ? Uniform(rng, -shear_range, shear_range) : 0;
        double zx = 1, zy = 1;
        if (zoom_range != (1, 1))
        {
            zx = Uniform(rng, zoom_range.Low, zoom_range.High);
            zy = Uniform(rng, zoom_range.Low, zoom_range.High);
        }
        bool flipH = horizontal_flip && rng.NextDouble() < 0.5;
        bool flipV = vertical_flip && rng.NextDouble() < 0.5;
        return new Transform(theta, tx, ty, shear, zx, zy, flipH, flipV);
    }

    /// <summary>
    /// Applies a transform to one HWC float image, as Keras's apply_affine_transform: the matrix
    /// rotation · shift · shear · zoom (each only when used) is moved to the image centre
    /// (offset (h/2 - ½, w/2 - ½)) and maps output (row, col) to input coordinates; flips come after.
    /// </summary>
    public Tensor apply_transform(Tensor x, Transform t)
    {
        using var scope = new TensorScope();
        var result = x.DType == DType.Float32 ? x : x.AsType(DType.Float32);
        var m = AffineMatrix(t);
        long h = x.Shape[0], w = x.Shape[1];
        if (m is not null)
        {
            double ox = h / 2.0 - 0.5, oy = w / 2.0 - 0.5;
            m = Mul(Mul(new double[,] { { 1, 0, ox }, { 0, 1, oy }, { 0, 0, 1 } }, m), new double[,] { { 1, 0, -ox }, { 0, 1, -oy }, { 0, 0, 1 } });
            // Keras flips the transformed image; flipping the output coordinates first samples the same
            // points in one pass (c → w-1-c, r → h-1-r).
            if (t.flip_horizontal) m = Mul(m, new double[,] { { 1, 0, 0 }, { 0, -1, w - 1 }, { 0, 0, 1 } });
            if (t.flip_vertical) m = Mul(m, new double[,] { { -1, 0, h - 1 }, { 0, 1, 0 }, { 0, 0, 1 } });
            result = Image.Affine(result, new[,] { { m[0, 0], m[0, 1] }, { m[1, 0], m[1, 1] } }, (m[0, 2], m[1, 2]), fill_mode, cval);
        }
        else
        {
            if (t.flip_horizontal) result = result.IndexSelect(1, Tensor.ReversedRange(w));
            if (t.flip_vertical) result = result.IndexSelect(0, Tensor.ReversedRange(h));
        }
        if (ReferenceEquals(result, x)) return x.Clone().MoveToOuterScope();
        return result.MoveToOuterScope();
    }

    /// <summary>A random transform of one image, drawn from <paramref name="rng"/>.</summary>
    public Tensor random_transform(Tensor x, Random rng) => apply_transform(x, get_random_transform((x.Shape[0], x.Shape[1]), rng));

    /// <summary>preprocessing_function, then rescale (Keras's order).</summary>
    public Tensor standardize(Tensor x)
    {
        using var scope = new TensorScope();
        var r = x;
        if (preprocessing_function is not null) r = preprocessing_function(r);
        if (rescale is { } s) r = r * s;
        return ReferenceEquals(r, x) ? x : r.MoveToOuterScope();
    }

    /// <summary>Batches of augmented arrays x (N, H, W, C) with labels y, endless, reshuffled each epoch.</summary>
    public NumpyArrayIterator flow(Tensor x, Tensor y, int batch_size = 32, bool shuffle = true, int? seed = null) =>
        new(this, x, y, batch_size, shuffle, seed);

    /// <summary>
    /// Batches of augmented images from a folder with one subfolder per class (sorted names → class ids),
    /// loaded with load_img(target_size, interpolation). class_mode: "categorical", "binary", "sparse", "input" or null.
    /// </summary>
    public DirectoryIterator flow_from_directory(string directory, (int Height, int Width)? target_size = null,
        string color_mode = "rgb", IReadOnlyList<string>? classes = null, string? class_mode = "categorical", int batch_size = 32,
        bool shuffle = true, int? seed = null, string interpolation = "nearest") =>
        new(this, directory, target_size ?? (256, 256), color_mode, classes, class_mode, batch_size, shuffle, seed, interpolation);

    private double[,]? AffineMatrix(Transform t)
    {
        double[,]? m = null;
        if (t.theta != 0)
        {
            double th = t.theta * Math.PI / 180;
            m = new double[,] { { Math.Cos(th), -Math.Sin(th), 0 }, { Math.Sin(th), Math.Cos(th), 0 }, { 0, 0, 1 } };
        }
        if (t.tx != 0 || t.ty != 0)
        {
            var shift = new double[,] { { 1, 0, t.tx }, { 0, 1, t.ty }, { 0, 0, 1 } };
            m = m is null ? shift : Mul(m, shift);
        }
        if (t.shear != 0)
        {
            double sh = t.shear * Math.PI / 180;
            var shear = new double[,] { { 1, -Math.Sin(sh), 0 }, { 0, Math.Cos(sh), 0 }, { 0, 0, 1 } };
            m = m is null ? shear : Mul(m, shear);
        }
        if (t.zx != 1 || t.zy != 1)
        {
            var zoom = new double[,] { { t.zx, 0, 0 }, { 0, t.zy, 0 }, { 0, 0, 1 } };
            m = m is null ? zoom : Mul(m, zoom);
        }
        return m;
    }

    private static double[,] Mul(double[,] a, double[,] b)
    {
        var c = new double[3, 3];
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
            c[i, j] += a[i, k] * b[k, j];
        return c;
    }
}
