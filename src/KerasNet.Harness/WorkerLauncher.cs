using System.Diagnostics;
using System.Runtime.InteropServices;
using KerasNet.TF.Distribute;

namespace KerasNet.Harness;

/// <summary>
/// --workers N: starts N processes of this program on 127.0.0.1, each one worker of a
/// MultiWorkerMirroredStrategy cluster (TF_CONFIG set per process, --multi-worker), sharing one run
/// folder (the launcher holds its lock for them); worker 0 prints and records, the others log to
/// worker-N.log there. If a worker fails, the others are stopped and the launcher fails naming it.
/// SIGINT/SIGTERM to the launcher are forwarded to every worker; it waits for them to end and exits with
/// 130/143, so no worker is left training and writing the run.
/// </summary>
public static class WorkerLauncher
{
    public static int Run(Experiment experiment, ExperimentOptions options, TextWriter output)
    {
        int n = options.Workers!.Value;
        if (n < 1) throw new ArgumentException($"--workers must be at least 1, got {n}.");
        if (n > MaxWorkers)
            throw new ArgumentException($"--workers {n}: this machine has {Environment.ProcessorCount} core(s), so at most {MaxWorkers} workers (one thread each) can train side by side here.");
        var runDir = options.Output ?? throw new ArgumentException("WorkerLauncher needs the run folder (--output).");
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
        PosixSignal? received = null;
        void Forward(PosixSignalContext c)
        {
            c.Cancel = true;  // the launcher ends once its workers have
            received ??= c.Signal;
            lock (processes)
                foreach (var p in processes)
                    if (!p.HasExited) KerasNet.Engine.ProcessSignals.Send(p.Id, c.Signal);
        }
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        try
        {
            for (int i = 0; i < n; i++)
            {
                if (received is not null) break;
                if (i == 1)
                {
                    int port;
                    try
                    {
                        port = WaitForPort(portFile, processes[0], TimeSpan.FromMinutes(5));
                    }
                    catch (IOException) when (received is not null)
                    {
                        break;  // worker 0 ended on the forwarded signal
                    }
                    addresses[0] = $"127.0.0.1:{port}";
                    output.WriteLine($"Launching {n} workers, rendezvous at {addresses[0]} ({threads} thread(s) each); run folder {runDir}");
                }
                var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = i > 0, RedirectStandardError = i > 0 };
                var (file, prefix) = SelfCommand();
                start.FileName = file;
                foreach (var a in prefix.Concat(Arguments(experiment, options, runDir, threads))) start.ArgumentList.Add(a);
                start.Environment["TF_CONFIG"] = ClusterSpec.TfConfig(addresses, i);
                start.Environment[RunFolder.HeldVariable] = "1";
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
                lock (processes) processes.Add(p);
                if (received is { } early) KerasNet.Engine.ProcessSignals.Send(p.Id, early);
            }
            // wait for all; the first failure stops the rest
            var pending = new HashSet<int>(Enumerable.Range(0, processes.Count));
            var stopClock = new Stopwatch();
            while (pending.Count > 0)
            {
                if (received is not null)
                {
                    // forwarded: wait for the workers to end as the signal asks, then make sure they have
                    if (!stopClock.IsRunning) stopClock.Start();
                    if (stopClock.Elapsed > StopGrace)
                        foreach (int j in pending) Kill(processes[j]);
                    if (pending.All(j => processes[j].HasExited)) break;
                    Thread.Sleep(50);
                    continue;
                }
                foreach (int i in pending.ToList())
                {
                    if (!processes[i].HasExited) continue;
                    pending.Remove(i);
                    if (processes[i].ExitCode != 0 && received is null)
                    {
                        foreach (int j in pending) Kill(processes[j]);
                        var where = i == 0 ? "its output above" : Path.Combine(runDir, $"worker-{i}.log");
                        throw new IOException($"worker {i} of {n} failed with exit code {processes[i].ExitCode} (see {where}); the other workers were stopped.");
                    }
                }
                Thread.Sleep(100);
            }
            if (received is { } signal)
            {
                output.WriteLine($"{signal} received: the {n} worker(s) were stopped; start the same command again to resume the run from its backup.");
                return 128 + KerasNet.Engine.ProcessSignals.Number(signal);
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

    /// <summary>One single-threaded worker per core: more would only wait for each other on this machine.</summary>
    internal static int MaxWorkers => Math.Max(2, Environment.ProcessorCount);

    /// <summary>How long forwarded workers get to end before they are killed.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

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
