using System.Text.Json.Nodes;
using KerasNet.Engine;

namespace KerasNet.Keras.Regularizers;

/// <summary>A weight penalty added to the training loss (Keras's kernel_regularizer and friends).</summary>
public abstract class Regularizer
{
    /// <summary>The penalty of a weight value, a scalar.</summary>
    public abstract Tensor Call(Tensor weight);

    /// <summary>Keras's class name ("L1L2", "L2", "L1").</summary>
    public abstract string ClassName { get; }

    public abstract JsonObject get_config();

    /// <summary>
    /// A regularizer from Keras's config: a name ("l2", "l1", "l1_l2"), or {"class_name": "L1L2"|"L1"|"L2", "config": {...}}
    /// (Keras 3 adds "module" and "registered_name"); null for JSON null.
    /// </summary>
    public static Regularizer? FromConfig(JsonNode? node, string where)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out string? id))
            return id.ToLowerInvariant() switch
            {
                "l1" => new L1L2(l1: 0.01, l2: 0, className: "L1"),
                "l2" => new L1L2(l1: 0, l2: 0.01, className: "L2"),
                "l1_l2" => new L1L2(l1: 0.01, l2: 0.01),
                _ => throw new NotSupportedException($"{where}: unknown regularizer '{id}' (known: l1, l2, l1_l2, L1L2)."),
            };
        var o = node as JsonObject ?? throw new FormatException($"{where}: a regularizer must be a name or an object, got {node.ToJsonString()}.");
        var cls = Saving.Json.ClassName(o, where);
        var cfg = o["config"] as JsonObject ?? new JsonObject();
        double Get(string k) => cfg[k] is { } n ? n.GetValue<double>() : 0;
        foreach (var (k, _) in cfg)
            if (k is not ("l1" or "l2"))
                throw new FormatException($"{where}: regularizer {cls} has an unknown key '{k}'.");
        return cls switch
        {
            "L1L2" => new L1L2(Get("l1"), Get("l2")),
            "L1" => new L1L2(Get("l1"), 0, "L1"),
            "L2" => new L1L2(0, Get("l2"), "L2"),
            _ => throw new NotSupportedException(
                $"{where}: regularizer class '{cls}' is not available in KerasNet (known: L1L2, L1, L2)."),
        };
    }
}
