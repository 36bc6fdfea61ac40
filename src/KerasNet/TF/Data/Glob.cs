using System.Text.RegularExpressions;

namespace KerasNet.TF.Data;

/// <summary>File globbing as tf.io.gfile.glob: *, ? and [..] within a path segment, ** across segments.</summary>
internal static class Glob
{
    public static IEnumerable<string> Match(string pattern)
    {
        var full = Path.GetFullPath(pattern);
        var segments = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int firstWild = Array.FindIndex(segments, s => s.IndexOfAny(['*', '?', '[']) >= 0);
        if (firstWild < 0) return File.Exists(full) ? [full] : [];
        var root = "/" + string.Join('/', segments[..firstWild]);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"list_files: folder '{root}' of pattern '{pattern}' does not exist.");
        var body = string.Join("/", segments[firstWild..].Select(SegmentRegex)).Replace("(?:.*)/", "(?:.*/)?");
        var regex = new Regex("^" + body + "$");
        bool deep = segments[firstWild..].Any(s => s == "**") || segments.Length - firstWild > 1;
        var options = new EnumerationOptions { RecurseSubdirectories = deep, IgnoreInaccessible = true, MatchCasing = MatchCasing.CaseSensitive };
        return Directory.EnumerateFiles(root, "*", options)
            .Where(f => regex.IsMatch(Path.GetRelativePath(root, f).Replace('\\', '/')));
    }

    private static string SegmentRegex(string segment)
    {
        if (segment == "**") return "(?:.*)";
        var sb = new System.Text.StringBuilder();
        foreach (var c in segment)
            sb.Append(c switch { '*' => "[^/]*", '?' => "[^/]", '[' => "[", ']' => "]", _ => Regex.Escape(c.ToString()) });
        return sb.ToString();
    }
}
