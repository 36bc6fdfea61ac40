using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Tests.Engine;
using KerasNet.Tests.Keras.Datasets;
using KerasNet.TF.Distribute;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.TF.Distribute;

/// <summary>Workers as real processes: the experiments program (built next to the tests) on 127.0.0.1.</summary>
public class MultiWorkerMirroredStrategyTests
{
    /// <summary>A tiny Fashion-MNIST-shaped data set (64 training, 32 test images) in dir/fashion-mnist.</summary>
    private static void WriteFashionFixture(string dir)
    {
        var fm = Path.Combine(dir, "fashion-mnist");
        Directory.CreateDirectory(fm);
        var rng = new Random(11);
        byte[] Pixels(int n) => Enumerable.Range(0, n * 784).Select(_ => (byte)rng.Next(256)).ToArray();
        byte[] Labels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        IdxFileTests.WriteGz(Path.Combine(fm, "train-images-idx3-ubyte.gz"), IdxFileTests.Idx([64, 28, 28], Pixels(64)));
        IdxFileTests.WriteGz(Path.Combine(fm, "train-labels-idx1-ubyte.gz"), IdxFileTests.Idx([64], Labels(64)));
        IdxFileTests.WriteGz(Path.Combine(fm, "t10k-images-idx3-ubyte.gz"), IdxFileTests.Idx([32, 28, 28], Pixels(32)));
        IdxFileTests.WriteGz(Path.Combine(fm, "t10k-labels-idx1-ubyte.gz"), IdxFileTests.Idx([32], Labels(32)));
    }

    private static List<Tensor> Weights(string h5)
    {
        var model = KerasNet.Experiments.Experiments.FashionMnistExperiment.BuildModel();
        model.load_weights(h5);
        return model.get_weights();
    }

    [Fact]
    public void Two_worker_processes_train_to_the_weights_of_one_process()
    {
        using var dir = new Fixtures.TempDir();
        WriteFashionFixture(dir.Path);
        string common = $"fashion-mnist --data-dir {dir.Path} --epochs 1 --steps-per-epoch 5 --verbose 0 --threads 1";
        var single = Path.Combine(dir.Path, "single");
        Assert.Equal(0, Fixtures.Finish(Fixtures.StartExperiments(Path.Combine(dir.Path, "single.log"), null, $"{common} --output {single}".Split(' ')), TimeSpan.FromMinutes(3)));

        var multi = Path.Combine(dir.Path, "multi");
        // worker 0 reads TF_CONFIG (and binds the rendezvous port itself), worker 1 the equivalent options
        var (w0, addresses) = Fixtures.StartRendezvousHost(dir.Path, Path.Combine(dir.Path, "w0.log"), 2, $"{common} --multi-worker --output {multi}".Split(' '));
        var workers = new List<Process>
        {
            w0,
            Fixtures.StartExperiments(Path.Combine(dir.Path, "w1.log"), null, $"{common} --cluster {string.Join(",", addresses)} --task-index 1 --output {multi}".Split(' ')),
        };
        foreach (var (w, i) in workers.Select((w, i) => (w, i)))
            Assert.True(Fixtures.Finish(w, TimeSpan.FromMinutes(3)) == 0, File.ReadAllText(Path.Combine(dir.Path, $"w{i}.log")));

        // each worker computed half of every batch of 64; the all-reduced update equals the single process's
        double max = Weights(Path.Combine(single, "final_weights.h5")).Zip(Weights(Path.Combine(multi, "final_weights.h5")))
            .Max(p => ((p.First - p.Second).Abs().Max()).Item());
        Assert.True(max <= 1e-5, $"2 workers differ from 1 process by {max:G3}");
        // only the chief recorded the run
        Assert.True(File.Exists(Path.Combine(multi, "metrics.json")));
        Assert.Contains("\"workers\": 2", File.ReadAllText(Path.Combine(multi, "config.json")));
        Assert.Contains("images/second with 2 workers", File.ReadAllText(Path.Combine(dir.Path, "w0.log")));
        // each worker gathered only its half of every global batch: 5 steps of the 64 images, 32 rows each
        Assert.Contains("worker 0 of 2, epoch 1: 0 images decoded, 160 rows batched, of the epoch's 320", File.ReadAllText(Path.Combine(dir.Path, "w0.log")));
        Assert.Contains("worker 1 of 2, epoch 1: 0 images decoded, 160 rows batched, of the epoch's 320", File.ReadAllText(Path.Combine(dir.Path, "w1.log")));
        Assert.Contains("\"rows_batched_first_epoch\": 320", File.ReadAllText(Path.Combine(single, "metrics.json")));
    }

    [Fact]
    public void Killing_a_worker_makes_the_other_exit_non_zero_with_a_clear_message_within_60_seconds()
    {
        using var dir = new Fixtures.TempDir();
        WriteFashionFixture(dir.Path);
        string args = $"fashion-mnist --data-dir {dir.Path} --epochs 100000 --verbose 2 --threads 1 --multi-worker --output {Path.Combine(dir.Path, "run")}";
        var log0 = Path.Combine(dir.Path, "w0.log");
        var (w0, addresses) = Fixtures.StartRendezvousHost(dir.Path, log0, 2, args.Split(' '));
        var w1 = Fixtures.StartExperiments(Path.Combine(dir.Path, "w1.log"), ClusterSpec.TfConfig(addresses, 1), args.Split(' '));
        try
        {
            // wait until they train together (the chief has finished epochs)
            var until = DateTime.UtcNow.AddMinutes(2);
            while (!(File.Exists(log0) && ReadShared(log0).Contains("Epoch 3/")) && DateTime.UtcNow < until) Thread.Sleep(200);
            Assert.Contains("Epoch 3/", ReadShared(log0));
            w1.Kill();
            var clock = Stopwatch.StartNew();
            int code = Fixtures.Finish(w0, TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, code);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
            var text = ReadShared(log0);
            Assert.Contains("error: fashion-mnist: Worker 0 of 2: all-reduce failed", text);
        }
        finally
        {
            foreach (var p in new[] { w0, w1 })
                if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }

    private static string ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(s).ReadToEnd();
    }

    /// <summary>The processes whose parent is <paramref name="pid"/> (from /proc).</summary>
    private static List<int> Children(int pid) =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsDigit)).Select(int.Parse!)
            .Where(p =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{p}/stat");
                    return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]) == pid;
                }
                catch (IOException) { return false; }
            }).ToList();

    [Fact]
    public void SIGTERM_to_the_launcher_stops_every_worker_and_exits_143()
    {
        using var dir = new Fixtures.TempDir();
        WriteFashionFixture(dir.Path);
        var run = Path.Combine(dir.Path, "run");
        var launcher = Fixtures.StartExperiments(Path.Combine(dir.Path, "launcher.log"), null,
            $"fashion-mnist --data-dir {dir.Path} --epochs 1000 --steps-per-epoch 5 --verbose 0 --threads 1 --workers 2 --output {run}".Split(' '));
        var clock = Stopwatch.StartNew();
        List<int> workers = [];
        while (clock.Elapsed < TimeSpan.FromMinutes(2) && !launcher.HasExited)
        {
            workers = Children(launcher.Id);
            if (workers.Count == 2 && File.Exists(Path.Combine(run, "config.json"))) break;  // both started, the chief has begun the run
            Thread.Sleep(50);
        }
        Assert.True(workers.Count == 2, File.ReadAllText(Path.Combine(dir.Path, "launcher.log")));
        Assert.True(ProcessSignals.Send(launcher.Id, System.Runtime.InteropServices.PosixSignal.SIGTERM));
        Assert.Equal(143, Fixtures.Finish(launcher, TimeSpan.FromMinutes(1)));
        foreach (var w in workers) Assert.False(Directory.Exists($"/proc/{w}") && !File.ReadAllText($"/proc/{w}/stat").Contains(") Z "), $"worker {w} is still running");
        Assert.Contains("SIGTERM received: the 2 worker(s) were stopped", File.ReadAllText(Path.Combine(dir.Path, "launcher.log")));
    }

    [Fact]
    public void A_worker_left_without_rows_takes_part_with_weight_zero()
    {
        keras.utils.set_random_seed(2);  // a fixed initialisation: the same comparison every run
        // two workers as two threads of this process; a batch of one row leaves worker 1 nothing to compute
        KerasNet.Keras.Models.Sequential Build() => keras.Sequential(
        [
            keras.layers.Conv2D(3, (3, 3), input_shape: (6, 6, 1)),
            keras.layers.BatchNormalization(),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation: "softmax"),
        ]);
        using var x = Fixtures.RandomTensor([1, 6, 6, 1], seed: 8);
        using var y = Tensor.FromArray([0f, 1f], 1, 2);
        var reference = Build();
        var single = Build();
        single.set_weights(reference.get_weights());
        single.compile(optimizer: keras.optimizers.SGD(0.1), loss: "categorical_crossentropy");
        single.train_on_batch(x, y);

        var trained = new KerasNet.Keras.Models.Sequential?[2];
        Fixtures.RunTwoWorkerThreads((i, strategy) =>
        {
            KerasNet.Keras.Models.Sequential m;
            using (strategy.scope())
            {
                m = Build();
                m.set_weights(reference.get_weights());
                m.compile(optimizer: keras.optimizers.SGD(0.1), loss: "categorical_crossentropy");
            }
            m.train_on_batch(x, y);
            trained[i] = m;
        });
        foreach (var m in trained)
        {
            double max = single.get_weights().Zip(m!.get_weights()).Max(p => ((p.First - p.Second).Abs().Max()).Item());
            Assert.True(max <= 1e-6, $"a worker differs from one process by {max:G3}");  // moving mean and variance included
        }
    }

    [Fact]
    public void TF_CONFIG_gives_ranks_chief_first_and_bad_configs_say_what_is_wrong()
    {
        var noIndex = Assert.Throws<ArgumentException>(() => KerasNet.Harness.Runner.Run(new KerasNet.Experiments.Experiments.FashionMnistExperiment(),
            new KerasNet.Harness.ExperimentOptions { Cluster = ["127.0.0.1:1", "127.0.0.1:2"], Output = Path.GetTempPath() }, TextWriter.Null));
        Assert.Contains("--task-index", noIndex.Message);
        var spec = ClusterSpec.FromTfConfig("""{"cluster": {"chief": ["a:1"], "worker": ["b:2", "c:3"]}, "task": {"type": "worker", "index": 1}}""");
        Assert.Equal(2, spec.Rank);
        Assert.Equal(("a", 1), spec.Store);
        Assert.Equal("c", spec.LocalHost);
        var plain = ClusterSpec.FromTfConfig(ClusterSpec.TfConfig(["127.0.0.1:5000", "127.0.0.1:5001"], 0));
        Assert.Equal(0, plain.Rank);
        Assert.Equal(2, plain.Workers.Count);
        Assert.Contains("task", Assert.Throws<ArgumentException>(() => ClusterSpec.FromTfConfig("""{"cluster": {"worker": ["a:1"]}}""")).Message);
        Assert.Contains("host:port", Assert.Throws<ArgumentException>(() => ClusterSpec.FromTfConfig("""{"cluster": {"worker": ["nohost"]}, "task": {"type": "worker", "index": 0}}""")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterSpec(["a:1"], 3));
        Assert.Contains("TF_CONFIG", Assert.Throws<ArgumentException>(() => ClusterSpec.FromTfConfig("{not json")).Message);
    }
}
