using System.Text.RegularExpressions;

namespace KerasNet.Keras;

/// <summary>Keras's automatic object names: conv2d, conv2d_1, ...; input_1, input_2 for inputs.</summary>
internal static partial class Naming
{
    private static readonly Dictionary<string, int> Counts = new();
    private static readonly object Gate = new();

    /// <summary>"conv2d" the first time, then "conv2d_1", "conv2d_2", ...</summary>
    public static string Unique(string prefix)
    {
        lock (Gate)
        {
            Counts.TryGetValue(prefix, out var n);
            Counts[prefix] = n + 1;
            return n == 0 ? prefix : $"{prefix}_{n}";
        }
    }

    /// <summary>"input_1", "input_2", ... (one-based, as Keras names input layers).</summary>
    public static string UniqueOneBased(string prefix)
    {
        lock (Gate)
        {
            Counts.TryGetValue(prefix, out var n);
            Counts[prefix] = n + 1;
            return $"{prefix}_{n + 1}";
        }
    }

    public static void Reset()
    {
        lock (Gate) Counts.Clear();
    }

    /// <summary>Keras's to_snake_case: MaxPooling2D → max_pooling2d.</summary>
    public static string SnakeCase(string name)
    {
        var s = FirstPass().Replace(name, "$1_$2");
        return SecondPass().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z0-9]+)")]
    private static partial Regex FirstPass();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex SecondPass();
}
