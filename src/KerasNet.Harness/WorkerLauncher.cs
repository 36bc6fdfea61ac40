using System.Diagnostics;
using KerasNet.TF.Distribute;

namespace KerasNet.Harness;

/// <summary>
/// --workers N: starts N processes of this program on 127.0.0.1, each one worker of a
/// MultiWorkerMirroredStrategy cluster (TF_CONFIG set per process, --multi-worker), sharing one run
/// folder; worker 0 prints and records, the others log to worker-N.log there. If a worker fails, the
/// others are stopped and the launcher fails naming it.
/// </summary>
public static class WorkerLauncher
{
    public static int Run(Experiment experiment, ExperimentOptions options, TextWriter output)
    {
        int n = options.Workers!.Value;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(options), n, "--workers must be at least 1.");
        var runDir = options.Output ?? Path.Combine("runs", $"{experiment.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(runDir);
        int threads = options.Threads ?? Math.Max(1, Environment.ProcessorCount / n);
        // worker 0 binds the rendezvous port itself (port 0: any free port) and writes it to a file;
        // the others are started once it is known, so no port is ever checked free and used later
        var portFile = Path.Combine(runDir, "rendezvous.port");
        File.Delete(portFile);
        var addresses = Enumerable.Repeat("127.0.0.1:0", n).ToList();

        if (n == 1) output.WriteLine($"Launching 1 worker ({threads} thread(s)); run folder {runDir}");
        var processes = new List<Process>();
        var logs = new List<StreamWriter>();
        try
        {
            for (int i = 0; i < n; i++)
            {
                if (i == 1)
                {
                    addresses[0] = $"127.0.0.1:{WaitForPort(portFile, processes[0], TimeSpan.FromMinutes(5))}";
                    output.WriteLine($"Launching {n} workers, rendezvous at {addresses[0]} ({threads} thread(s) each); run folder {runDir}");
                }
                var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = i > 0, RedirectStandardError = i > 0 };
                var (file, prefix) = SelfCommand();
                start.FileName = file;
                foreach (var a in prefix.Concat(Arguments(experiment, options, runDir, threads))) start.ArgumentList.Add(a);
                start.Environment["TF_CONFIG"] = ClusterSpec.TfConfig(addresses, i);
                if (i == 0) start.Environment[MultiWorkerMirroredStrategy.RendezvousFileVariable] = portFile;
                var p = Process.Start(start) ?? throw new IOException($"Could not start worker {i} ({file}).");
                if (i > 0)
                {
                    var log = new StreamWriter(Path.Combine(runDir, $"worker-{i}.log")) { AutoFlush = true };
                    logs.Add(log);
                    p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
                    p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
                    p.BeginOutputReadLine();
                    p.BeginErrorReadLine();
                }
                processes.Add(p);
            }
            // wait for all; the first failure stops the rest
            var pending = new HashSet<int>(Enumerable.Range(0, n));
            while (pending.Count > 0)
            {
                foreach (int i in pending.ToList())
                {
                    if (!processes[i].HasExited) continue;
                    pending.Remove(i);
                    if (processes[i].ExitCode != 0)
                    {
                        foreach (int j in pending) Kill(processes[j]);
                        var where = i == 0 ? "its output above" : Path.Combine(runDir, $"worker-{i}.log");
                        throw new IOException($"worker {i} of {n} failed with exit code {processes[i].ExitCode} (see {where}); the other workers were stopped.");
                    }
                }
                Thread.Sleep(100);
            }
            return 0;
        }
        finally
        {
            foreach (var p in processes)
            {
                Kill(p);
                p.WaitForExit();  // its output handlers are done before the logs close
                p.Dispose();
            }
            foreach (var log in logs)
                lock (log) log.Dispose();
            File.Delete(portFile);
        }
    }

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    /// <summary>This program (the experiments CLI): its apphost, or `dotnet the.dll` when started through dotnet.</summary>
    private static (string File, string[] Prefix) SelfCommand()
    {
        var path = Environment.ProcessPath ?? throw new IOException("Cannot tell which program to start for the workers.");
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
            return (path, [System.Reflection.Assembly.GetEntryAssembly()?.Location
                           ?? throw new IOException("Cannot tell which program to start for the workers.")]);
        return (path, []);
    }

    private static IEnumerable<string> Arguments(Experiment experiment, ExperimentOptions o, string runDir, int threads)
    {
        yield return experiment.Name;
        yield return "--multi-worker";
        yield return "--output";
        yield return runDir;
        yield return "--threads";
        yield return threads.ToString();
        yield return "--seed";
        yield return o.Seed.ToString();
        yield return "--verbose";
        yield return o.Verbose.ToString();
        yield return "--precision";
        yield return o.Precision;
        yield return "--backbone";
        yield return o.Backbone;
        yield return "--weights";
        yield return o.Weights ?? "none";
        if (o.DataDir is { } d) { yield return "--data-dir"; yield return d; }
        if (o.Epochs is { } e) { yield return "--epochs"; yield return e.ToString(); }
        if (o.StepsPerEpoch is { } s) { yield return "--steps-per-epoch"; yield return s.ToString(); }
    }

    /// <summary>The port worker 0 bound, once it has written it; fails if worker 0 ends first or takes too long.</summary>
    internal static int WaitForPort(string portFile, Process worker0, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (File.Exists(portFile) && int.TryParse(File.ReadAllText(portFile).Trim(), out var port) && port > 0)
                return port;
            if (worker0.HasExited)
                throw new IOException($"worker 0 ended (exit code {worker0.ExitCode}) before it hosted the rendezvous; see its output above.");
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"worker 0 did not host the rendezvous within {timeout.TotalSeconds:F0} s (no port in {portFile}).");
            Thread.Sleep(20);
        }
    }
}
