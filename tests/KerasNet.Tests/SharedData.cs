namespace KerasNet.Tests;

/// <summary>Locates ../shared/data (beside the repository) for the few tests that use real files.</summary>
internal static class SharedData
{
    public const string MobileNetWeights = "keras/models/mobilenet_2_5_224_tf_no_top.h5";

    /// <summary>The absolute path of shared/data/<paramref name="relative"/>, or null when absent.</summary>
    public static string? Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "shared", "data", relative);
            if (File.Exists(p) || Directory.Exists(p)) return p;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the reason, when a file under ../shared/data is absent (fresh clones).</summary>
public sealed class RequiresSharedFileFactAttribute : FactAttribute
{
    public RequiresSharedFileFactAttribute(string relative)
    {
        if (SharedData.Find(relative) is null)
            Skip = $"needs ../shared/data/{relative}, which is not present here";
    }
}
