using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace KerasNet.Bench;

/// <summary>
/// One side of the speed suite with its workload built and warmed up, timing slices of steps on request, so the suite can
/// interleave the sides in short slices (the machine's drift then falls on all sides alike) without rebuilding anything.
/// </summary>
internal abstract class SideSession : IDisposable
{
    /// <summary>Every side warms up at least this long (the .NET sides' JIT tiers up meanwhile), and at least its warm-up steps.</summary>
    public const double MinWarmupSeconds = 5.0;

    /// <summary>Seconds that <paramref name="steps"/> steps took.</summary>
    public abstract double Time(int steps);

    public virtual void Dispose() { }

    /// <summary>A side that runs in this process (C#, ML.NET).</summary>
    public sealed class InProcess : SideSession
    {
        private readonly Action _step;
        private readonly IDisposable? _owned;

        public InProcess(Action step, int warmup, IDisposable? owned = null)
        {
            _step = step;
            _owned = owned;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < warmup || clock.Elapsed.TotalSeconds < MinWarmupSeconds; i++) step();
        }

        public override double Time(int steps)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) _step();
            return clock.Elapsed.TotalSeconds;
        }

        public override void Dispose() => _owned?.Dispose();
    }

    /// <summary>
    /// A twin in a process of its own, started with --serve: it builds and warms up, prints {"ready": ...}, then answers each
    /// 'run N' line with {"seconds": ...}; 'quit' ends it.
    /// </summary>
    public sealed class Twin : SideSession
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly string _what;

        public Twin(string what, ProcessStartInfo psi)
        {
            _what = what;
            psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = true;
            _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start the {what}");
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
            _process.BeginErrorReadLine();
            _process.StandardInput.AutoFlush = true;
            var ready = Read();
            if (!ready.TryGetProperty("ready", out _)) throw Failed($"answered '{ready}' instead of ready");
        }

        public override double Time(int steps)
        {
            _process.StandardInput.WriteLine($"run {steps}");
            return Read().GetProperty("seconds").GetDouble();
        }

        private JsonElement Read()
        {
            var line = _process.StandardOutput.ReadLine() ?? throw Failed("ended");
            try { return JsonDocument.Parse(line).RootElement.Clone(); }
            catch (JsonException) { throw Failed($"printed '{line}' where a JSON line was expected"); }
        }

        private InvalidOperationException Failed(string what)
        {
            if (_process.HasExited || _process.WaitForExit(2000)) _process.WaitForExit();  // drains stderr
            string err;
            lock (_stderr) err = _stderr.ToString();
            return new InvalidOperationException($"The {_what} {what}{(_process.HasExited ? $" (exit {_process.ExitCode})" : "")}:\n{err}");
        }

        public override void Dispose()
        {
            try
            {
                if (!_process.HasExited) _process.StandardInput.WriteLine("quit");
                if (!_process.WaitForExit(30_000)) _process.Kill(entireProcessTree: true);
            }
            catch (IOException) { }  // it has gone already
            _process.Dispose();
        }
    }
}
