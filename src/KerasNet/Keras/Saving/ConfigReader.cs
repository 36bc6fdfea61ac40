using System.Text.Json;
using System.Text.Json.Nodes;
using KerasNet.Keras.Initializers;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Regularizers;

namespace KerasNet.Keras.Saving;

/// <summary>
/// Reads one layer's Keras config for its from_config: typed getters with Keras's defaults, and a
/// <see cref="Finish"/> that rejects every key nobody read, naming the layer class and the key — a key is never
/// silently dropped. The keys every layer has (name, trainable, dtype, input shapes) are read here.
/// </summary>
public sealed class ConfigReader
{
    private readonly JsonObject _config;
    private readonly HashSet<string> _read = new();

    public ConfigReader(string className, JsonObject config, string? source = null)
    {
        ClassName = className;
        _config = config;
        Name = config["name"]?.GetValue<string>() ?? throw new FormatException($"{source ?? "config"}: a {className} layer without a name.");
        Where = $"{(source is null ? "" : source + ": ")}layer '{Name}' ({className})";
        _read.Add("name");
        Trainable = Bool("trainable", true);
        Policy = ReadPolicy();
        InputShape = ReadInputShape();
    }

    public string ClassName { get; }
    public string Name { get; }
    public bool Trainable { get; }
    public MixedPrecision.Policy? Policy { get; }

    /// <summary>The (None, ...) input shape from batch_input_shape, batch_shape (Keras 3) or input_shape.</summary>
    public Shape? InputShape { get; }

    /// <summary>"file: layer 'name' (Class)", for messages.</summary>
    public string Where { get; }

    public JsonObject Raw => _config;

    public bool Has(string key) => _config.ContainsKey(key);

    public JsonNode? Take(string key)
    {
        _read.Add(key);
        return _config[key];
    }

    public void Ignore(params string[] keys)
    {
        foreach (var k in keys) _read.Add(k);
    }

    /// <summary>A key KerasNet does not implement: accepted only when absent, null or one of <paramref name="allowed"/>.</summary>
    public void Unsupported(string key, params object?[] allowed)
    {
        var v = Take(key);
        if (v is null) return;
        foreach (var a in allowed)
            if (JsonNode.DeepEquals(v, JsonSerializer.SerializeToNode(a))) return;
        throw new NotSupportedException($"{Where}: '{key}' = {Json.Short(v)} is not supported by KerasNet.");
    }

    private T Get<T>(string key, T def, Func<JsonNode, T> read)
    {
        var v = Take(key);
        if (v is null) return def;
        try
        {
            return read(v);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            throw new FormatException($"{Where}: '{key}' has an invalid value {Json.Short(v)} ({e.Message}).", e);
        }
    }

    public int Int(string key, int def) => Get(key, def, v => v.GetValue<int>());
    public double Double(string key, double def) => Get(key, def, v => v.GetValue<double>());
    public double? NullableDouble(string key) => Get<double?>(key, null, v => v.GetValue<double>());
    public bool Bool(string key, bool def) => Get(key, def, v => v.GetValue<bool>());
    public string? String(string key, string? def) => Get(key, def, v => v.GetValue<string>());

    /// <summary>kernel_size, strides...: an int or a list of two ints.</summary>
    public IntPair Pair(string key, IntPair def) => Get(key, def, v => v switch
    {
        JsonArray { Count: 2 } a => new IntPair(a[0]!.GetValue<int>(), a[1]!.GetValue<int>()),
        JsonArray { Count: 1 } a => new IntPair(a[0]!.GetValue<int>(), a[0]!.GetValue<int>()),
        JsonValue => new IntPair(v.GetValue<int>(), v.GetValue<int>()),
        _ => throw new FormatException("expected an int or a pair"),
    });

    public Initializer Initializer(string key, Initializer def) =>
        Take(key) is { } v ? Initializers.Initializer.FromConfig(v, $"{Where}, {key}") : def;

    public Regularizer? Regularizer(string key) => Regularizers.Regularizer.FromConfig(Take(key), $"{Where}, {key}");

    /// <summary>An activation name; Keras 3 may write it as a serialized function object.</summary>
    public string? Activation(string key, string? def = "linear")
    {
        var v = Take(key);
        if (v is null) return def;
        string n = v is JsonObject o
            ? (o["config"] as JsonObject)?["name"]?.GetValue<string>() ?? o["class_name"]?.GetValue<string>() ?? "?"
            : v.GetValue<string>();
        try
        {
            return Activations.Validate(n);
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"{Where}: {e.Message}", e);
        }
    }

    /// <summary>data_format must be channels_last (NHWC) — the layout KerasNet computes in.</summary>
    public void ChannelsLast()
    {
        var f = String("data_format", "channels_last");
        if (f != "channels_last")
            throw new NotSupportedException($"{Where}: data_format '{f}' is not supported; KerasNet computes channels_last (NHWC).");
    }

    /// <summary>Constraints are not implemented: null (or absent) only.</summary>
    public void NoConstraints(params string[] keys)
    {
        foreach (var k in keys) Unsupported(k);
    }

    /// <summary>Every key must have been read: an unknown key is an error naming the layer class and the key.</summary>
    public void Finish()
    {
        var unknown = _config.Select(kv => kv.Key).Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new FormatException(
                $"{Where}: unknown config key{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(k => $"'{k}'"))} for {ClassName} " +
                "(KerasNet does not drop settings it does not understand; the file may come from a newer Keras, or use a custom layer).");
    }

    private MixedPrecision.Policy? ReadPolicy()
    {
        var v = Take("dtype");
        string? name = v switch
        {
            null => null,
            JsonObject o => (o["config"] as JsonObject)?["name"]?.GetValue<string>(),
            _ => v.GetValue<string>(),
        };
        switch (name)
        {
            case null or "float32": return name is null ? null : new MixedPrecision.Policy("float32");
            case "mixed_bfloat16": return new MixedPrecision.Policy("mixed_bfloat16");
            case "mixed_float16" or "float16":
                Console.Error.WriteLine($"WARNING: {Where}: dtype policy '{name}' needs a CUDA engine; the layer computes in float32.");
                return new MixedPrecision.Policy("float32");
            case "float64" or "bfloat16":
                Console.Error.WriteLine($"WARNING: {Where}: dtype '{name}'; KerasNet keeps weights in float32.");
                return new MixedPrecision.Policy("float32");
            default:
                if (ClassName == "InputLayer") return null;  // an input's dtype (int32 ...) is read by InputLayer itself
                throw new NotSupportedException($"{Where}: dtype policy '{name}' is not supported (float32, mixed_bfloat16).");
        }
    }

    private Shape? ReadInputShape()
    {
        var batch = Take("batch_input_shape") ?? Take("batch_shape");
        Ignore("batch_input_shape", "batch_shape");
        if (batch is not null) return Json.ToShape(batch, $"{Where}, batch_input_shape").WithoutBatch().WithBatch();
        if (Take("input_shape") is { } s) return Json.ToShape(s, $"{Where}, input_shape").WithBatch();
        if (ClassName == "Dense" && Take("input_dim") is { } d) return new Shape(d.GetValue<int>()).WithBatch();
        return null;
    }
}
