using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// kill -9 at random moments of a small catsdogs-dropout run, each followed by a resume (the same command again):
/// every final run folder must equal an uninterrupted run's — history.csv, training_log.csv, learning curves, config,
/// metrics (timings aside), the best weights' values (SHA-256 over every variable) and the file list — with no
/// temporary left anywhere. Then a finished run started again must refuse (exit code 2) and a second process on a
/// folder in use must be refused while the first trains on. Prints a table of where the kills landed and a RESULT line.
/// </summary>
public static class KillProbe
{
    public static int Run(int kills, int seed, int epochs, string? keep, string? program)
    {
        if (program is not null) ProgramOverride = program;
        var root = keep ?? Path.Combine(Path.GetTempPath(), "knt-killprobe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var data = Path.Combine(root, "data");
        WriteImages(Path.Combine(data, "training_data"), 45, 1);
        WriteImages(Path.Combine(data, "validation_data"), 10, 2);
        string Args(string output) => $"catsdogs-dropout --data-dir {data} --epochs {epochs} --verbose 0 --threads 1 --output {output}";

        var reference = Path.Combine(root, "reference");
        var clock = Stopwatch.StartNew();
        Require(Experiments(Args(reference), out var log) == 0, $"the uninterrupted run failed: {log}");
        double runSeconds = clock.Elapsed.TotalSeconds;
        var again = Path.Combine(root, "reference-again");
        Require(Experiments(Args(again), out log) == 0, $"the second uninterrupted run failed: {log}");
        var baseline = Differences(reference, again);
        Require(baseline.Count == 0, "two uninterrupted runs differ, so kills cannot be judged: " + string.Join("; ", baseline));
        Console.WriteLine($"uninterrupted run: {runSeconds:F1} s, {epochs} epochs; a second one is identical");

        var rng = new Random(seed);
        var landed = new SortedDictionary<string, int>();
        int mismatched = 0, leftovers = 0, crashes = 0;
        for (int k = 0; k < kills; k++)
        {
            var dir = Path.Combine(root, $"killed-{k:D2}");
            double at = 0.3 + rng.NextDouble() * runSeconds;
            var p = Start(Args(dir));
            bool killed = !p.WaitForExit(TimeSpan.FromSeconds(at));
            if (killed) p.Kill();  // SIGKILL
            p.WaitForExit();
            var phase = killed ? Phase(dir, epochs) : "ended before the kill";
            landed[phase] = landed.GetValueOrDefault(phase) + 1;
            int code = Experiments(Args(dir), out log);
            bool finished = phase is "ended before the kill" or "after metrics.json (finished)";
            if (code != 0 && !(finished && code == 2))  // a finished run started again is refused (exit 2): nothing to resume
            {
                crashes++;
                Console.WriteLine($"kill {k} at {at:F2} s ({phase}): the resume exited {code}: {log.Trim()}");
                continue;
            }
            var diff = Differences(reference, dir);
            var tmp = Directory.GetFiles(dir, "*.tmp-*", SearchOption.AllDirectories);
            if (diff.Count > 0) mismatched++;
            if (tmp.Length > 0) leftovers++;
            Console.WriteLine($"kill {k,2} at {at,5:F2} s: {phase,-34} → resumed: {(diff.Count == 0 ? "equal" : "DIFFERENT: " + string.Join("; ", diff))}" +
                              (tmp.Length > 0 ? $", temporaries left: {string.Join(", ", tmp.Select(Path.GetFileName))}" : ""));
        }

        // a finished run is not retrained; a folder in use is refused
        int rerun = Experiments(Args(reference), out var rerunLog);
        Console.WriteLine($"finished run started again: exit {rerun}: {rerunLog.Trim()}");
        var busy = Path.Combine(root, "busy");
        var first = Start(Args(busy));
        Thread.Sleep(TimeSpan.FromSeconds(Math.Min(2.5, runSeconds / 2)));
        int second = Experiments(Args(busy), out var busyLog);
        Console.WriteLine($"second process on a folder in use: exit {second}: {busyLog.Trim()}");
        first.WaitForExit();
        var busyDiff = first.ExitCode == 0 ? Differences(reference, busy) : ["the first process failed"];

        Console.WriteLine("where the kills landed:");
        foreach (var (phase, n) in landed) Console.WriteLine($"  {n,3}  {phase}");
        bool ok = mismatched == 0 && leftovers == 0 && crashes == 0 && rerun == 2 && second == 2 && busyDiff.Count == 0;
        Console.WriteLine($"RESULT kill-probe kills={kills} equal={kills - mismatched - crashes} different={mismatched} failed_resumes={crashes} " +
                          $"temporaries_left={leftovers} finished_rerun_exit={rerun} busy_folder_exit={second} busy_run_equal={busyDiff.Count == 0} " +
                          $"run_seconds={runSeconds:F1} {(ok ? "PASS" : "FAIL")}");
        if (keep is null && ok) Directory.Delete(root, recursive: true);
        else Console.WriteLine($"folders kept in {root}");
        return ok ? 0 : 1;
    }

    /// <summary>What a killed run folder shows of its progress.</summary>
    private static string Phase(string dir, int epochs)
    {
        if (!Directory.Exists(dir)) return "before the run folder existed";
        if (File.Exists(Path.Combine(dir, "metrics.json"))) return "after metrics.json (finished)";
        int committed = File.Exists(Path.Combine(dir, "backup", "state.json"))
            ? JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "backup", "state.json"))).RootElement.GetProperty("Epoch").GetInt32() + 1 : 0;
        var logPath = Path.Combine(dir, "training_log.csv");
        int rows = File.Exists(logPath) ? Math.Max(0, File.ReadAllLines(logPath).Length - 1) : 0;
        if (File.Exists(Path.Combine(dir, "model.keras")) || File.Exists(Path.Combine(dir, "history.csv")) || committed == epochs)
            return "after the last epoch, saving the final records";
        return rows > committed ? $"epoch {rows} logged, not committed" : $"training epoch {committed + 1} (after {committed} committed)";
    }

    private static List<string> Differences(string expected, string actual)
    {
        var diff = new List<string>();
        string[] Files(string d) => Directory.GetFiles(d, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(d, f)).Order().ToArray();
        var (fe, fa) = (Files(expected), Files(actual));
        if (!fe.SequenceEqual(fa)) diff.Add($"files [{string.Join(", ", fa.Except(fe))}] extra, [{string.Join(", ", fe.Except(fa))}] missing");
        foreach (var name in new[] { "history.csv", "training_log.csv", "learning_curves.svg", "config.json", "labels.txt", "preprocessing.json" })
            if (Read(expected, name) != Read(actual, name)) diff.Add(name);
        if (Metrics(expected) != Metrics(actual)) diff.Add($"metrics.json ({Metrics(actual)})");
        if (WeightsHash(Path.Combine(expected, "best_weights.h5")) != WeightsHash(Path.Combine(actual, "best_weights.h5"))) diff.Add("best_weights.h5");
        return diff;
    }

    private static string? Read(string dir, string name) => File.Exists(Path.Combine(dir, name)) ? File.ReadAllText(Path.Combine(dir, name)) : null;

    /// <summary>metrics.json without its timings.</summary>
    private static string Metrics(string dir)
    {
        if (Read(dir, "metrics.json") is not { } text) return "none";
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(text)!;
        return string.Join(", ", values.Where(kv => kv.Key is not ("wall_seconds" or "train_images_per_second")).OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
    }

    /// <summary>SHA-256 over the values of every weight in the file (the bytes of an .h5 also hold its write times).</summary>
    private static string WeightsHash(string path)
    {
        if (!File.Exists(path)) return "none";
        using var scope = new TensorScope();
        var model = CatsDogsModels.Dropout();
        model.load_weights(path);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var v in model.variables)
        {
            var values = v.numpy().ToArray<float>();
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            sha.AppendData(bytes);
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    internal static void WriteImages(string folder, int perClass, int seed)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        for (int i = 0; i < perClass; i++)
            foreach (var (name, level) in new[] { ("cat", 30.0), ("dog", 225.0) })
            {
                var pixels = Enumerable.Range(0, 48 * 48 * 3).Select(_ => (float)(level + rng.Next(-25, 25))).ToArray();
                using var img = Tensor.FromArray(pixels, 48, 48, 3);
                keras.utils.save_img(Path.Combine(folder, $"{name}.{seed * 1000 + i}.jpg"), img);
            }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new InvalidOperationException("kill-probe: " + message);
    }

    internal static string? ProgramOverride;

    /// <summary>The experiments program: --program, else this checkout's Release build.</summary>
    internal static string Program
    {
        get
        {
            if (ProgramOverride is not null) return ProgramOverride;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "KerasNetTransfer.sln")))
                    return Path.Combine(dir.FullName, "experiments", "bin", "Release", "net10.0", "kerasnet-experiments");
            throw new DirectoryNotFoundException("KerasNetTransfer.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static Process Start(string args)
    {
        var info = new ProcessStartInfo(Program, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Runs the experiments program to its end; its exit code, and its stderr (or stdout's last line) in <paramref name="log"/>.</summary>
    internal static int Experiments(string args, out string log)
    {
        var info = new ProcessStartInfo(Program, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        log = stderr.Length > 0 ? stderr : lines.LastOrDefault() ?? "";
        return p.ExitCode;
    }
}
