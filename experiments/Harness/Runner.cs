using System.Diagnostics;
using KerasNet.Engine;
using KerasNet.Keras;

namespace KerasNet.Experiments.Harness;

/// <summary>Runs one experiment into its own run folder and records config, history and metrics.</summary>
public static class Runner
{
    public static int Run(Experiment experiment, ExperimentOptions options, TextWriter output)
    {
        if (options.Threads is { } t) Runtime.NumThreads = t;
        if (options.DataDir is { } d) KerasConfig.DataDir = d;
        KerasApi.keras.utils.set_random_seed(options.Seed);
        KerasApi.keras.mixed_precision.set_global_policy(options.Precision);

        // --output names the run folder itself, so a killed run started again with it resumes from its backup
        var runDir = options.Output ?? Path.Combine("runs", $"{experiment.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(runDir);
        var context = new ExperimentContext(options, runDir, output);

        var clock = Stopwatch.StartNew();
        var result = experiment.Run(context);
        clock.Stop();

        var config = new Dictionary<string, object>(context.Config)
        {
            ["experiment"] = experiment.Name,
            ["seed"] = options.Seed,
            ["precision"] = options.Precision,
            ["backbone"] = options.Backbone,
            ["threads"] = Runtime.NumThreads,
            ["machine"] = $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {Environment.OSVersion}",
            ["dotnet"] = Environment.Version.ToString(),
            ["engine"] = Runtime.BuildInfo.Split('\n')[0],
            ["blas"] = Runtime.LoadedBlas(),
        };
        RunRecords.WriteJson(Path.Combine(runDir, "config.json"), config);
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
}
