using System.Diagnostics;

namespace KerasNet.Bench;

/// <summary>
/// Runs bench/torchsharp (the TorchSharp 0.107 twin of the suite's workloads, libtorch 2.10) in a process of its own and
/// times slices of steps on request (<see cref="SideSession.Twin"/>); builds it on first use (its NuGet restore brings
/// TorchSharp's libtorch, ~1 GB, so the solution does not).
/// </summary>
internal static class TorchSharpTwin
{
    private static string Folder => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(PythonTwin.Script))!, "torchsharp");

    private static string Program => Path.Combine(Folder, "bin", "Release", "net10.0", "torchsharp-twin.dll");

    private static bool _built;

    /// <summary>Builds the twin (incremental after the first time).</summary>
    public static void Build()
    {
        if (_built) return;
        var psi = new ProcessStartInfo("dotnet", ["build", Folder, "-c", "Release", "--nologo", "-v", "q"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet build");
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"building the TorchSharp twin ({Folder}) failed:\n{output}");
        _built = true;
    }

    /// <summary>The twin started with --serve (the workload built and warmed up), timing slices on request.</summary>
    /// <param name="tuned">
    /// Run it as we run libtorch (threads = cores, channels-last input, our glibc settings through MALLOC_MMAP_MAX_ and
    /// MALLOC_TRIM_THRESHOLD_); otherwise as TorchSharp runs by default.
    /// </param>
    public static SideSession Serve(string workload, int batch, int warmup, int threads, bool tuned) =>
        new SideSession.Twin($"TorchSharp twin ({(tuned ? "tuned" : "default")}, {Folder})", StartInfo(workload, batch, warmup, threads, tuned));

    private static ProcessStartInfo StartInfo(string workload, int batch, int warmup, int threads, bool tuned)
    {
        Build();
        var args = new List<string> { Program, workload, "--batch", $"{batch}", "--warmup", $"{warmup}", "--threads", $"{threads}", "--serve" };
        if (tuned) args.Add("--tuned");
        var psi = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (tuned)
        {
            psi.Environment["MALLOC_MMAP_MAX_"] = "0";
            psi.Environment["MALLOC_TRIM_THRESHOLD_"] = (1 << 30).ToString();
        }
        return psi;
    }
}
