using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KerasNet.Engine;

namespace KerasNet.Tests;

internal static class Fixtures
{
    public static float[] Random(int n, int seed = 3, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    public static Tensor RandomTensor(long[] shape, int seed = 3, double scale = 1) =>
        Tensor.FromArray(Random((int)shape.Aggregate(1L, (a, d) => a * d), seed, scale), shape);

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>
    /// Starts the experiments program built next to the tests (one kernel thread), its output and errors
    /// going to <paramref name="logPath"/>; with <paramref name="tfConfig"/> as its TF_CONFIG.
    /// </summary>
    public static Process StartExperiments(string logPath, string? tfConfig, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "kerasnet-experiments"))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (tfConfig is not null) info.Environment["TF_CONFIG"] = tfConfig;
        info.Environment["KERASNET_NUM_THREADS"] = "1";
        var p = Process.Start(info)!;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.Exited += (_, _) => { p.WaitForExit(); lock (log) log.Dispose(); };
        p.EnableRaisingEvents = true;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>The process's exit code, once it ends; killed and an error after <paramref name="limit"/>.</summary>
    public static int Finish(Process p, TimeSpan limit)
    {
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"process {p.Id} did not finish within {limit}");
        }
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>A fresh temporary directory, deleted by Dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "knt-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
