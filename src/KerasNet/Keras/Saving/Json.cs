using System.Text.Json;
using System.Text.Json.Nodes;

namespace KerasNet.Keras.Saving;

/// <summary>Small helpers for Keras's JSON: shapes with nulls, pairs, class-name objects in every dialect.</summary>
public static class Json
{
    public static JsonArray FromShape(Shape s) => new(s.Dims.Select(d => d is { } v ? (JsonNode)JsonValue.Create(v) : null).ToArray());

    public static JsonArray Pair(int a, int b) => new(JsonValue.Create(a), JsonValue.Create(b));

    /// <summary>A shape from a JSON list whose entries are ints or null.</summary>
    public static Shape ToShape(JsonNode? node, string where)
    {
        if (node is not JsonArray a)
            throw new FormatException($"{where}: expected a shape (a list of ints and nulls), got {node?.ToJsonString() ?? "null"}.");
        return new Shape(a.Select(d => d is null ? (int?)null : d.GetValue<int>()).ToArray());
    }

    /// <summary>The class_name of a serialized object (Keras 2 {"class_name","config"} or Keras 3 with module/registered_name).</summary>
    public static string ClassName(JsonObject o, string where) =>
        o["class_name"]?.GetValue<string>() ?? throw new FormatException($"{where}: object without 'class_name': {Short(o)}.");

    /// <summary>A serialized object in Keras 2's form: {"class_name": c, "config": {...}}.</summary>
    public static JsonObject Object(string className, JsonObject config) => new() { ["class_name"] = className, ["config"] = config };

    public static string Short(JsonNode? n)
    {
        var s = n?.ToJsonString() ?? "null";
        return s.Length > 160 ? s[..160] + "..." : s;
    }

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Parses JSON text; a parse error names the source.</summary>
    public static JsonNode Parse(string text, string source)
    {
        try
        {
            return JsonNode.Parse(text) ?? throw new FormatException($"{source}: the JSON is null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
    }
}
