using System.Diagnostics;
using System.Text.Json;

namespace KerasNet.Bench;

/// <summary>Runs bench/python/twin.py with Debian's /usr/bin/python3 (python3-torch) and reads its JSON line.</summary>
internal static class PythonTwin
{
    public const string Python = "/usr/bin/python3";

    public static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var p = Path.Combine(dir.FullName, "bench", "python", "twin.py");
                if (File.Exists(p)) return p;
            }
            throw new FileNotFoundException("bench/python/twin.py not found above " + AppContext.BaseDirectory);
        }
    }

    /// <param name="sameAllocator">
    /// Give the twin the C# engine's glibc settings (M_MMAP_MAX=0, 1 GiB trim threshold) through
    /// glibc's MALLOC_* variables; without it the twin runs as PyTorch runs by default.
    /// </param>
    public static JsonElement Run(string arguments, bool sameAllocator = false) => RunScript("twin.py", arguments, sameAllocator);

    /// <summary>The twin started with --serve (the workload built and warmed up), timing slices on request.</summary>
    public static SideSession Serve(string arguments, bool sameAllocator = false) =>
        new SideSession.Twin("Python twin (bench/python/twin.py; needs Debian's python3-torch)", StartInfo("twin.py", arguments + " --serve", sameAllocator));

    private static ProcessStartInfo StartInfo(string script, string arguments, bool sameAllocator)
    {
        var path = Path.Combine(Path.GetDirectoryName(Script)!, script);
        var psi = new ProcessStartInfo(Python, $"\"{path}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (sameAllocator)
        {
            psi.Environment["MALLOC_MMAP_MAX_"] = "0";
            psi.Environment["MALLOC_TRIM_THRESHOLD_"] = (1 << 30).ToString();
        }
        return psi;
    }

    /// <summary>Runs another script of bench/python with /usr/bin/python3 and reads its JSON line.</summary>
    public static JsonElement RunScript(string script, string arguments, bool sameAllocator = false)
    {
        var psi = StartInfo(script, arguments, sameAllocator);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + Python);
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"Python twin failed (exit {p.ExitCode}). Needs Debian's python3-torch (bash src/native/install-deps.sh).\n{stderr}");
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
