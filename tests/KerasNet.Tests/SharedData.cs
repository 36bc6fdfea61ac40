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

/// <summary>A fact that is skipped, with the reason, when Debian's /usr/bin/python3 cannot import <c>module</c> (the independent reference).</summary>
public sealed class RequiresPythonModuleFactAttribute : FactAttribute
{
    private static readonly Dictionary<string, string?> Checked = new();

    public RequiresPythonModuleFactAttribute(string module)
    {
        lock (Checked)
        {
            if (!Checked.TryGetValue(module, out var why)) Checked[module] = why = Missing(module);
            if (why is not null) Skip = why;
        }
    }

    private static string? Missing(string module)
    {
        if (!File.Exists("/usr/bin/python3")) return $"needs /usr/bin/python3 with {module} (Debian python3-{module}), which is not installed";
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", $"import {module}"]) { RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? null : $"needs the Python module {module} (Debian python3-{module}) for /usr/bin/python3, which is not installed";
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
