using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Initializers;

/// <summary>Creates a layer weight's initial value. Draws come from the engine's seeded generator.</summary>
public abstract class Initializer
{
    public abstract Tensor Call(long[] shape);

    /// <summary>Keras's class name in configs ("GlorotUniform", "VarianceScaling", "Zeros", ...).</summary>
    public abstract string ClassName { get; }

    /// <summary>Keras's config of this initializer (its constructor arguments).</summary>
    public abstract JsonObject get_config();

    /// <summary>
    /// An initializer from a Keras config: a name ("glorot_uniform"), {"class_name", "config"} (Keras 2; old
    /// VarianceScaling spellings included) or Keras 3's {"module", "class_name", "config", "registered_name"}.
    /// </summary>
    public static Initializer FromConfig(JsonNode node, string where)
    {
        if (node is JsonValue v && v.TryGetValue(out string? id))
        {
            try { return Get(id); }
            catch (ArgumentException e) { throw new NotSupportedException($"{where}: {e.Message}", e); }
        }
        var o = node as JsonObject ?? throw new FormatException($"{where}: an initializer must be a name or an object, got {Saving.Json.Short(node)}.");
        var cls = Saving.Json.ClassName(o, where);
        var cfg = o["config"] as JsonObject ?? new JsonObject();
        var used = new HashSet<string> { "seed", "dtype" };
        double D(string key, double def)
        {
            used.Add(key);
            return cfg[key] is { } n ? n.GetValue<double>() : def;
        }
        string S(string key, string def)
        {
            used.Add(key);
            return cfg[key]?.GetValue<string>() ?? def;
        }
        Initializer result = cls switch
        {
            "GlorotUniform" or "glorot_uniform" => new GlorotUniform(),
            "GlorotNormal" => new VarianceScaling(1.0, "fan_avg", "truncated_normal", "GlorotNormal"),
            "HeUniform" => new VarianceScaling(2.0, "fan_in", "uniform", "HeUniform"),
            "HeNormal" => new VarianceScaling(2.0, "fan_in", "truncated_normal", "HeNormal"),
            "LecunUniform" => new VarianceScaling(1.0, "fan_in", "uniform", "LecunUniform"),
            "LecunNormal" => new VarianceScaling(1.0, "fan_in", "truncated_normal", "LecunNormal"),
            "VarianceScaling" => new VarianceScaling(D("scale", 1.0), S("mode", "fan_in"),
                S("distribution", "truncated_normal") is "normal" ? "truncated_normal" : S("distribution", "")),
            "Zeros" or "Zero" => new Constant(0),
            "Ones" or "One" => new Constant(1),
            "Constant" => new Constant(D("value", 0)),
            "RandomUniform" => new RandomUniform(D("minval", -0.05), D("maxval", 0.05)),
            "RandomNormal" => new RandomNormal(D("mean", 0), D("stddev", 0.05)),
            "TruncatedNormal" => new TruncatedNormal(D("mean", 0), D("stddev", 0.05)),
            _ => throw new NotSupportedException($"{where}: initializer class '{cls}' is not available in KerasNet."),
        };
        foreach (var (k, _) in cfg)
            if (!used.Contains(k))
                throw new FormatException($"{where}: initializer {cls} has an unknown key '{k}'.");
        return result;
    }

    /// <summary>Keras's fan computation: dense (in, out); conv (kh, kw, in, out) with the receptive field folded in.</summary>
    public static (double FanIn, double FanOut) ComputeFans(long[] shape)
    {
        if (shape.Length == 0) return (1, 1);
        if (shape.Length == 1) return (shape[0], shape[0]);
        if (shape.Length == 2) return (shape[0], shape[1]);
        double receptive = 1;
        for (int i = 0; i < shape.Length - 2; i++) receptive *= shape[i];
        return (shape[^2] * receptive, shape[^1] * receptive);
    }

    /// <summary>Resolves Keras's string identifiers ("glorot_uniform", "zeros", "he_normal", ...).</summary>
    public static Initializer Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "glorot_uniform" or "glorotuniform" => new GlorotUniform(),
        "glorot_normal" or "glorotnormal" => new VarianceScaling(1.0, "fan_avg", "truncated_normal", "GlorotNormal"),
        "he_uniform" or "heuniform" => new VarianceScaling(2.0, "fan_in", "uniform", "HeUniform"),
        "he_normal" or "henormal" => new VarianceScaling(2.0, "fan_in", "truncated_normal", "HeNormal"),
        "lecun_uniform" => new VarianceScaling(1.0, "fan_in", "uniform", "LecunUniform"),
        "lecun_normal" => new VarianceScaling(1.0, "fan_in", "truncated_normal", "LecunNormal"),
        "truncated_normal" => new TruncatedNormal(),
        "zeros" or "zero" => new Constant(0),
        "ones" or "one" => new Constant(1),
        "random_uniform" or "uniform" => new RandomUniform(),  // "uniform", "normal": Keras 2's names
        "random_normal" or "normal" => new RandomNormal(),
        _ => throw new ArgumentException($"Unknown initializer '{identifier}'."),
    };

    public static implicit operator Initializer(string identifier) => Get(identifier);
}
