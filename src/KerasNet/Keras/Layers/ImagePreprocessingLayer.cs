using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// What Keras 3's image preprocessing layers share: (N, H, W, C) or (H, W, C) float images, each image of a batch
/// transformed on its own; the random ones act only when <c>training</c> (identity otherwise) and draw from their own
/// seeded stream when given a seed (Keras's SeedGenerator), else from the engine's generator (keras.utils.set_random_seed,
/// restored by BackupAndRestore). Factors read as Keras reads them: a number f is (-f, f), a pair is (lower, upper).
/// </summary>
public abstract class ImagePreprocessingLayer(int? seed, string? name) : Layer(name)
{
    public int? seed { get; } = seed;

    private Random? _own;
    private readonly object _lock = new();

    /// <summary>A uniform number in [lo, hi).</summary>
    protected double Uniform(double lo, double hi)
    {
        if (hi <= lo) return lo;
        if (seed is { } s)
            lock (_lock) return lo + (hi - lo) * (_own ??= new Random(s)).NextDouble();  // replicas on threads share the layer
        using var u = Tensor.RandomUniform([1], lo, hi);
        return u.ToArray<float>()[0];
    }

    protected override bool KeepsBuildShape => false;

    /// <summary>Whether inference leaves images as they are (the random layers): export drops them, as it drops Dropout.</summary>
    internal virtual bool IdentityAtInference => true;

    /// <summary>Whether the layer transforms at all in this call (random layers: only in training).</summary>
    protected virtual bool Active(bool training) => training;

    /// <summary>One image (H, W, C) float32 in, one out.</summary>
    protected abstract Tensor TransformImage(Tensor image);

    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.Shape.Length is not (3 or 4))
            throw new ArgumentException($"Layer '{name}' ({ClassName}) takes images (batch, height, width, channels) or (height, width, channels), not ({string.Join(", ", inputs.Shape)}).");
        if (!Active(training)) return inputs;
        var x = inputs.DType == DType.Float32 ? inputs : inputs.AsType(DType.Float32);
        if (x.Shape.Length == 3) return TransformImage(x);
        var images = new List<Tensor>((int)x.Shape[0]);
        for (long i = 0; i < x.Shape[0]; i++)
        {
            var one = x.Narrow(0, i, 1).Reshape(x.Shape[1], x.Shape[2], x.Shape[3]);
            var t = TransformImage(one);
            images.Add(t.Reshape(1, t.Shape[0], t.Shape[1], t.Shape[2]));
        }
        return Tensor.Concat(images, 0);
    }

    public override Shape ComputeOutputShape(Shape s) => s;

    /// <summary>The input shape with its rows and columns replaced (the layers that crop or resize to height × width).</summary>
    protected static Shape Sized(Shape s, int height, int width) => s.Rank == 4 ? new Shape(s[0], height, width, s[3]) : new Shape(height, width, s[2]);

    /// <summary>Keras's factor: f → (-f, f); (lo, hi) as given.</summary>
    public static (double Lower, double Upper) Factor(double lower, double? upper) => upper is { } u ? (lower, u) : (-Math.Abs(lower), Math.Abs(lower));

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["seed"] = seed;
        return c;
    }

    /// <summary>An affine resampling of one image about its centre: input (row, col) = A · (output - centre) + centre + shift.</summary>
    protected static Tensor AffineAboutCentre(Tensor image, double[,] a, (double Row, double Col) shift, string fillMode, double fillValue)
    {
        double cr = (image.Shape[0] - 1) / 2.0, cc = (image.Shape[1] - 1) / 2.0;
        var offset = (cr - a[0, 0] * cr - a[0, 1] * cc + shift.Row, cc - a[1, 0] * cr - a[1, 1] * cc + shift.Col);
        return Image.Affine(image, a, offset, FillModeOf(fillMode), fillValue);
    }

    /// <summary>The fill mode, checked when the layer is made rather than at its first image.</summary>
    protected static string CheckedFillMode(string mode)
    {
        FillModeOf(mode);
        return mode;
    }

    internal static Image.FillMode FillModeOf(string mode) => mode switch
    {
        "reflect" => Image.FillMode.Reflect,
        "wrap" => Image.FillMode.Wrap,
        "constant" => Image.FillMode.Constant,
        "nearest" => Image.FillMode.Nearest,
        _ => throw new ArgumentException($"fill_mode must be reflect, wrap, constant or nearest, got '{mode}'."),
    };

    internal static (double, double?) ReadFactor(ConfigReader c, string key, double def)
    {
        var v = c.Take(key);
        return v switch
        {
            null => (def, null),
            JsonArray a when a.Count == 2 => (a[0]!.GetValue<double>(), a[1]!.GetValue<double>()),
            JsonArray => throw new NotSupportedException($"{c.Where}: {key} must be a number or a (lower, upper) pair."),
            _ => (v.GetValue<double>(), null),
        };
    }

    internal static JsonNode FactorNode(double lower, double upper) => new JsonArray(lower, upper);

    /// <summary>A config's value_range (min, max), Keras's (0, 255) when absent.</summary>
    internal static (double Min, double Max) ReadValueRange(ConfigReader c) =>
        c.Take("value_range") is JsonArray { Count: 2 } r ? (r[0]!.GetValue<double>(), r[1]!.GetValue<double>()) : (0, 255);
}
