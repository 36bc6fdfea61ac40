using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Initializers;
using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Keras 3's Normalization preprocessing layer: (x - mean) / max(sqrt(variance), 1e-7), or the inverse with
/// <c>invert: true</c>. <c>axis</c> names the axes that keep their own statistics (default -1: one mean per
/// channel; (1, 2, 3): one per pixel and channel, e.g. a mean image). Statistics come from <see cref="adapt"/>
/// (then they are the non-trainable weights mean, variance, count, saved with the model's weights, as in
/// Keras) or from the constructor (then they are part of the config).
/// </summary>
public sealed class Normalization : Layer
{
    private const double Epsilon = 1e-7;  // keras.backend.epsilon()
    private readonly float[]? _mean, _variance;
    private Variable? _meanVar, _varianceVar;
    private Tensor? _meanConst, _varianceConst;

    public Normalization(int[]? axis = null, float[]? mean = null, float[]? variance = null, bool invert = false, string? name = null)
        : base(name)
    {
        this.axis = axis ?? [-1];
        if ((mean is null) != (variance is null))
            throw new ArgumentException($"Normalization '{this.name}': give both mean and variance, or neither (then call adapt).");
        if (mean is not null && mean.Length != variance!.Length)
            throw new ArgumentException($"Normalization '{this.name}': mean has {mean.Length} values, variance {variance.Length}.");
        _mean = mean;
        _variance = variance;
        this.invert = invert;
    }

    public int[] axis { get; }
    public bool invert { get; }

    /// <summary>The kept axes, non-negative, for an input of this rank.</summary>
    private int[] KeptAxes(int rank) => axis.Select(a => a < 0 ? rank + a : a).ToArray();

    private long[] StatShape(Shape s) => KeptAxes(s.Rank).Select(a => (long)(s[a] ?? throw new ArgumentException(
        $"Layer \"{name}\" (Normalization): axis {a} of the input {s} must be known."))).ToArray();

    protected override void CheckInputShape(Shape s)
    {
        var kept = KeptAxes(s.Rank);
        if (kept.Any(a => a <= 0 || a >= s.Rank) || kept.Distinct().Count() != kept.Length)
            throw new ArgumentException($"Layer \"{name}\" (Normalization): axis ({string.Join(", ", axis)}) is invalid for an input of shape {s}.");
        long n = StatShape(s).Aggregate(1L, (a, b) => a * b);
        if (_mean is not null && _mean.Length != n && _mean.Length != 1)
            throw new ArgumentException($"Layer \"{name}\" (Normalization): mean has {_mean.Length} values, the input {s} needs {n} for axis ({string.Join(", ", axis)}).");
    }

    protected override void Build(Shape inputShape)
    {
        var shape = StatShape(inputShape);
        if (_mean is null)
        {
            _meanVar = AddWeight("mean", shape, new Constant(0), trainable: false);
            _varianceVar = AddWeight("variance", shape, new Constant(1), trainable: false);
            AddWeight("count", [], new Constant(0), trainable: false);
        }
        else
        {
            long[] s = _mean.Length == 1 ? [] : shape;
            _meanConst = Tensor.FromArray(_mean, s).ReleaseFromScope();
            _varianceConst = Tensor.FromArray(_variance!, s).ReleaseFromScope();
        }
    }

    /// <summary>The statistics shaped to broadcast against an input of this rank (1 on the reduced axes).</summary>
    private Tensor Broadcast(Tensor stat, int rank)
    {
        if (stat.Shape.Length == 0) return stat;
        var kept = KeptAxes(rank);
        var shape = new long[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) shape[i] = kept.Contains(i) ? stat.Shape[k++] : 1;
        return stat.Reshape(shape);
    }

    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.DType == DType.Float32 ? inputs : inputs.AsType(DType.Float32);
        int rank = x.Shape.Length;
        var mean = Broadcast(_meanVar?.Value ?? _meanConst!, rank);
        var std = Broadcast(_varianceVar?.Value ?? _varianceConst!, rank).Sqrt().Maximum(Epsilon);
        return invert ? mean + x * std : (x - mean) / std;
    }

    public override Shape ComputeOutputShape(Shape s) => s;

    /// <summary>Mean and variance (weights after adapt, or the constructor's values), shaped like the kept axes.</summary>
    internal (Tensor Mean, Tensor Variance) Statistics => built
        ? (_meanVar?.Value ?? _meanConst!, _varianceVar?.Value ?? _varianceConst!)
        : throw new InvalidOperationException($"Layer '{name}' is not built yet.");

    /// <summary>Computes mean and variance of <paramref name="data"/> over the axes not kept (batch included).</summary>
    public void adapt(Tensor data)
    {
        if (_mean is not null) throw new InvalidOperationException($"Normalization '{name}' was given mean and variance; adapt does not apply.");
        var s = new Shape([null, .. data.Shape.Skip(1).Select(d => (int?)d)]);
        if (!built) EnsureBuilt(s);
        using var scope = new TensorScope();
        var x = data.AsType(DType.Float32);
        var kept = KeptAxes(data.Shape.Length);
        var reduce = Enumerable.Range(0, data.Shape.Length).Where(a => !kept.Contains(a)).ToArray();
        var mean = x.Mean(reduce);
        var variance = (x - Broadcast(mean, data.Shape.Length)).Square().Mean(reduce);
        _meanVar!.assign(mean);
        _varianceVar!.assign(variance);
        variables[2].assign(Tensor.Scalar(data.Shape[0]));
    }

    public override JsonObject get_config()
    {
        var c = base.get_config();
        c["axis"] = axis.Length == 1 ? axis[0] : new JsonArray(axis.Select(a => (JsonNode)a).ToArray());
        c["invert"] = invert;
        c["mean"] = _mean is null ? null : new JsonArray(_mean.Select(v => (JsonNode)v).ToArray());
        c["variance"] = _variance is null ? null : new JsonArray(_variance.Select(v => (JsonNode)v).ToArray());
        return c;
    }

    internal static Normalization FromConfig(ConfigReader c)
    {
        var a = c.Take("axis");
        int[] axis = a switch
        {
            null => [-1],
            JsonArray l => l.Select(v => v!.GetValue<int>()).ToArray(),
            _ => [a.GetValue<int>()],
        };
        float[]? Stat(string key) => c.Take(key) switch
        {
            null => null,
            JsonArray l => l.Select(v => v!.GetValue<float>()).ToArray(),
            var v => [v.GetValue<float>()],
        };
        return new Normalization(axis, Stat("mean"), Stat("variance"), c.Bool("invert", false), c.Name);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { _meanConst?.Dispose(); _varianceConst?.Dispose(); }
        base.Dispose(disposing);
    }
}
