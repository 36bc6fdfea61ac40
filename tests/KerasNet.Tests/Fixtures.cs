using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KerasNet.Engine;

namespace KerasNet.Tests;

internal static class Fixtures
{
    /// <summary>
    /// Runs <paramref name="body"/> as two workers of one MultiWorkerMirroredStrategy cluster, on two threads of this
    /// process (127.0.0.1; worker 0 binds any free port, worker 1 joins once it is known); asserts both ended without error.
    /// </summary>
    public static void RunTwoWorkerThreads(Action<int, KerasNet.TF.Distribute.MultiWorkerMirroredStrategy> body)
    {
        var addresses = new List<string> { "127.0.0.1:0", "127.0.0.1:0" };
        var bound = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            try
            {
                var spec = i == 0 ? new KerasNet.TF.Distribute.ClusterSpec(addresses, 0)
                    : new KerasNet.TF.Distribute.ClusterSpec([$"127.0.0.1:{(bound.Task.Wait(TimeSpan.FromSeconds(60)) ? bound.Task.Result : throw new TimeoutException("worker 0 never listened"))}", addresses[1]], 1);
                using var strategy = new KerasNet.TF.Distribute.MultiWorkerMirroredStrategy(spec, TimeSpan.FromSeconds(60), onListening: p => bound.TrySetResult(p));
                body(i, strategy);
            }
            catch (Exception e) { errors[i] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Null(errors[0]);
        Assert.Null(errors[1]);
    }

    /// <summary>Runs <paramref name="body"/>(i) on <paramref name="count"/> threads at once; asserts every one ended without error.</summary>
    public static void OnThreads(int count, Action<int> body)
    {
        var errors = new Exception?[count];
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try { body(i); }
            catch (Exception e) { errors[i] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(errors, Assert.Null);
    }

    public static float[] Random(int n, int seed = 3, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    public static Tensor RandomTensor(long[] shape, int seed = 3, double scale = 1) =>
        Tensor.FromArray(Random((int)shape.Aggregate(1L, (a, d) => a * d), seed, scale), shape);

    /// <summary>
    /// <paramref name="op"/>'s values and the gradient of sum(y · w) (w random) for float32 (a kernel of ours) and float64
    /// (libtorch's, which our kernels do not take), with how many times <paramref name="kernelCalls"/> rose in the float32 run.
    /// </summary>
    public static (float[] Y, float[] Grad, double[] RefY, double[] RefGrad, long Runs, long[] Shape) AgainstFloat64(
        float[] data, long[] shape, Func<Tensor, Tensor> op, Func<long> kernelCalls)
    {
        using var scope = new TensorScope();
        float[]? y = null, grad = null;
        double[]? refY = null, refGrad = null;
        long runs = 0;
        long[] outShape = [];
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.FromArray(data, shape).AsType(dtype);
            x.RequiresGrad = true;
            long before = kernelCalls();
            var output = op(x);
            if (dtype == DType.Float32) runs = kernelCalls() - before;
            outShape = output.Shape;
            var w = Tensor.FromArray(Random((int)output.Shape.Aggregate(1L, (a, d) => a * d), seed: 9), output.Shape).AsType(dtype);
            var g = Autograd.Grad((output * w).Sum(), [x])[0];
            if (dtype == DType.Float32) { y = output.Detach().ToArray<float>(); grad = g.ToArray<float>(); }
            else { refY = output.Detach().ToArray<double>(); refGrad = g.ToArray<double>(); }
        }
        return (y!, grad!, refY!, refGrad!, runs, outShape);
    }

    /// <summary>float32 values that must equal a libtorch float64 reference exactly (NaN where it has NaN).</summary>
    public static void SameAsReference(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(double.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : expected[i] == actual[i],
                $"{what}[{i}]: libtorch {expected[i]}, ours {actual[i]}");
    }

    /// <summary>
    /// Compiles <paramref name="model"/> (SGD, binary cross-entropy) and trains it 21 steps on a random batch; asserts the loss
    /// fell and that <paramref name="kernelCalls"/> (a native kernel's call counter) rose once a step at least.
    /// </summary>
    public static void TrainsThrough(KerasNet.Keras.Models.Model model, long[] inputShape, Func<long> kernelCalls)
    {
        model.compile(optimizer: "sgd", loss: "binary_crossentropy");
        using var x = RandomTensor(inputShape, seed: 3);
        using var yTrue = (Tensor.RandomUniform([inputShape[0], 1]) * 2).Floor();
        long before = kernelCalls();
        double first = model.train_on_batch(x, yTrue)["loss"], loss = first;
        for (int i = 0; i < 20; i++) loss = model.train_on_batch(x, yTrue)["loss"];
        Assert.True(kernelCalls() - before >= 21);
        Assert.True(loss < first, $"loss {first} -> {loss}");
    }

    /// <summary>The repository root (the folder with KerasNetTransfer.sln above the test binaries).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "KerasNetTransfer.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("KerasNetTransfer.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago: for an address where nothing should listen. Servers the tests start bind their own port (port 0, or the test HTTP server's bind-and-retry).</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>
    /// The experiments program of this build (experiments/bin/&lt;configuration&gt;/net10.0/kerasnet-experiments),
    /// built before the tests by the test project's build-order dependency.
    /// </summary>
    public static string ExperimentsProgram
    {
        get
        {
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));  // .../bin/<cfg>/<tfm>
            string tfm = here.Name, configuration = here.Parent!.Name;
            for (var dir = here; dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "KerasNetTransfer.sln")))
                {
                    var exe = Path.Combine(dir.FullName, "experiments", "bin", configuration, tfm, "kerasnet-experiments");
                    if (File.Exists(exe)) return exe;
                    throw new FileNotFoundException($"The experiments program is not built at {exe}: build the solution (dotnet build -c {configuration}).", exe);
                }
            throw new DirectoryNotFoundException($"No KerasNetTransfer.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>
    /// Starts the experiments program (one kernel thread), its output and errors going to
    /// <paramref name="logPath"/>; with <paramref name="tfConfig"/> as its TF_CONFIG.
    /// </summary>
    public static Process StartExperiments(string logPath, string? tfConfig, params string[] args) =>
        StartExperiments(logPath, tfConfig, null, args);

    /// <summary>
    /// Starts worker 0 of an <paramref name="n"/>-worker cluster on 127.0.0.1 under TF_CONFIG whose addresses
    /// have port 0: it binds the rendezvous port itself. Returns once it listens, with the addresses the
    /// other workers join (the bound port first).
    /// </summary>
    public static (Process Worker0, List<string> Addresses) StartRendezvousHost(string dir, string logPath, int n, params string[] args)
    {
        var file = Path.Combine(dir, "rendezvous.port");
        var addresses = Enumerable.Repeat("127.0.0.1:0", n).ToList();
        var p = StartExperiments(logPath, KerasNet.TF.Distribute.ClusterSpec.TfConfig(addresses, 0),
            new Dictionary<string, string> { [KerasNet.TF.Distribute.MultiWorkerMirroredStrategy.RendezvousFileVariable] = file }, args);
        addresses[0] = $"127.0.0.1:{KerasNet.Harness.WorkerLauncher.WaitForPort(file, p, TimeSpan.FromMinutes(2))}";
        return (p, addresses);
    }

    public static Process StartExperiments(string logPath, string? tfConfig, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(ExperimentsProgram)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (tfConfig is not null) info.Environment["TF_CONFIG"] = tfConfig;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
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
