using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.TF.Distribute;

namespace KerasNet.Harness;

/// <summary>Runs one experiment into its own run folder and records config, history and metrics.</summary>
public static class Runner
{
    public static int Run(Experiment experiment, ExperimentOptions options, TextWriter output)
    {
        if (options.TaskIndex is not null && options.Cluster is null)
            throw new ArgumentException("--task-index applies with --cluster (the workers' host:port list); without it the cluster comes from TF_CONFIG.");
        if (options.StepsPerEpoch is <= 0)
            throw new ArgumentException($"--steps-per-epoch must be a positive number of steps, got {options.StepsPerEpoch}.");
        if (options.Epochs is < 0)
            throw new ArgumentException($"--epochs must be ≥ 0, got {options.Epochs}.");
        if (options.Cluster is not null) options = options with { MultiWorker = true };
        bool distributed = options.Replicas is not null || options.Workers is not null || options.MultiWorker;
        if (distributed && !experiment.SupportsDistribution)
            throw new ArgumentException("--replicas, --workers, --multi-worker and --cluster apply to the experiments that train under a distribution strategy: fashion-mnist and oct-retina.");
        // --output names the run folder itself, so a killed run started again with it resumes from its backup
        var runDir = options.Output ?? Path.Combine("runs", $"{experiment.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        options = options with { Output = runDir };
        // the launcher holds the folder for the workers it starts; any other process opens it itself (a worker of a
        // cluster started by hand: its chief, once the cluster says which one that is)
        bool heldByLauncher = options.MultiWorker && Environment.GetEnvironmentVariable(RunFolder.HeldVariable) == "1";
        using var folder = options.MultiWorker ? null : RunFolder.Open(runDir, experiment, options);
        if (folder?.ContinuedFrom is { } had)
            output.WriteLine($"{runDir}: continuing the finished run from epoch {had} to {options.Epochs}");
        if (options.Workers is not null && !options.MultiWorker)
            return WorkerLauncher.Run(experiment, options, output);

        if (options.Threads is { } t) Runtime.NumThreads = t;
        if (options.DataDir is { } d) KerasConfig.DataDir = d;
        KerasApi.keras.utils.set_random_seed(options.Seed);
        KerasApi.keras.mixed_precision.set_global_policy(options.Precision);

        Directory.CreateDirectory(runDir);
        using var strategy = CreateStrategy(options);
        var context = new ExperimentContext(options, runDir, output, strategy);
        bool chief = strategy is not { IsChief: false };  // worker 0 writes the run's records
        using var chiefFolder = options.MultiWorker && chief && !heldByLauncher ? RunFolder.Open(runDir, experiment, options) : null;
        var failurePath = Path.Combine(runDir, RunRecords.FailureFile);
        if (chief)
        {
            // the run is a run from its first moment: a kill leaves it "incomplete", a failure "failed"
            RunRecords.WriteJson(Path.Combine(runDir, "config.json"), Config(experiment, options, context));
            File.Delete(failurePath);
        }

        var clock = Stopwatch.StartNew();
        ExperimentResult result;
        try
        {
            result = experiment.Run(context);
        }
        catch (Exception e) when (chief)
        {
            RunRecords.WriteJson(failurePath, new Dictionary<string, object>
            {
                ["error"] = e.Message,
                ["type"] = e.GetType().FullName ?? e.GetType().Name,
                ["failed_at_utc"] = DateTime.UtcNow.ToString("o"),
                ["after_seconds"] = clock.Elapsed.TotalSeconds,
            });
            throw;
        }
        clock.Stop();
        if (!chief) return 0;

        RunRecords.WriteJson(Path.Combine(runDir, "config.json"), Config(experiment, options, context));
        RunRecords.WriteAtomically(Path.Combine(runDir, "history.csv"), RunRecords.HistoryCsv(result.History));
        if (result.History.Count > 0)
            RunRecords.WriteAtomically(Path.Combine(runDir, "learning_curves.svg"), LearningCurves.Svg(result.History, experiment.Name));
        var metrics = new Dictionary<string, object>(result.Metrics.ToDictionary(kv => kv.Key, kv => (object)kv.Value))
        {
            ["wall_seconds"] = clock.Elapsed.TotalSeconds,
            ["article"] = experiment.ArticleResult,
        };
        RunRecords.WriteJson(Path.Combine(runDir, "metrics.json"), metrics);
        output.WriteLine($"Run recorded in {runDir}");
        return 0;
    }

    private static Dictionary<string, object> Config(Experiment experiment, ExperimentOptions options, ExperimentContext context)
    {
        var config = new Dictionary<string, object>(context.Config)
        {
            ["experiment"] = experiment.Name,
            ["seed"] = options.Seed,
            ["precision"] = options.Precision,
            ["backbone"] = experiment.UsesBackbone ? options.Backbone : "",
            ["weights"] = experiment.UsesBackbone ? options.Weights ?? "none" : "",
            ["threads"] = Runtime.NumThreads,
            ["machine"] = $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {Environment.OSVersion}",
            ["dotnet"] = Environment.Version.ToString(),
            ["engine"] = Runtime.BuildInfo.Split('\n')[0],
            ["blas"] = Runtime.LoadedBlas(),
        };
        if (context.Strategy is { } s)
        {
            config["strategy"] = s.GetType().Name;
            config["replicas"] = s.num_replicas_in_sync;
            config["workers"] = s.WorkerCount;
        }
        return config;
    }

    /// <summary>The strategy the options ask for; disposing it ends its replica threads or leaves the worker group.</summary>
    private static Strategy? CreateStrategy(ExperimentOptions o)
    {
        if (o.Cluster is { } cluster)
            return new MultiWorkerMirroredStrategy(new ClusterSpec(cluster,
                o.TaskIndex ?? throw new ArgumentException("--cluster needs --task-index (this worker's position in the list).")));
        if (o.MultiWorker) return new MultiWorkerMirroredStrategy();
        if (o.Replicas is { } n) return MirroredStrategy.OnCpuReplicas(n);
        return null;
    }
}
