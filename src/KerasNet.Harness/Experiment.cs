namespace KerasNet.Harness;

/// <summary>
/// One reproduced article script. Subclasses read like the seed script: hyperparameters as constants
/// at the top, then build, compile, fit, evaluate. The harness supplies data location, overrides and
/// the run folder.
/// </summary>
public abstract class Experiment
{
    /// <summary>The command-line name, e.g. "fashion-mnist".</summary>
    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>What the article reports, for side-by-side comparison (e.g. "test acc 0.90").</summary>
    public abstract string ArticleResult { get; }

    /// <summary>Whether --backbone and --weights mean anything to this experiment (the pretrained ones).</summary>
    public virtual bool UsesBackbone => false;

    /// <summary>The backbone when --backbone is not given: the script's own network (VGG16 for the Keras articles).</summary>
    public virtual string DefaultBackbone => "vgg16";

    /// <summary>
    /// Whether the experiment trains a model, so that its finished run folder is not trained again;
    /// the ones that only prepare data or evaluate redo their work on every start.
    /// </summary>
    public virtual bool Trains => true;

    /// <summary>Whether the experiment trains under a tf.distribute strategy (--replicas, --workers).</summary>
    public virtual bool SupportsDistribution => false;

    /// <summary>Runs the experiment and returns its final metrics; prints as the article does.</summary>
    public abstract ExperimentResult Run(ExperimentContext context);
}

/// <summary>Overrides common to every experiment; null means "the article's value".</summary>
public sealed record ExperimentOptions
{
    public string? DataDir { get; init; }
    public int? Epochs { get; init; }
    public int? StepsPerEpoch { get; init; }
    public int Seed { get; init; } = 42;
    public string? Output { get; init; }
    public int? Threads { get; init; }
    public int Verbose { get; init; } = 1;

    /// <summary>The pretrained network of the transfer-learning experiments: "vgg16" or "mobilenet" (α 0.25).</summary>
    public string Backbone { get; init; } = "vgg16";

    /// <summary>catsdogs-prepare --sizes: images per class for training, validation and test (default the article's 1500, 500, 500).</summary>
    public (int Train, int Validation, int Test)? SplitSizes { get; init; }

    /// <summary>digits-prepare --count: how many images to write (default all).</summary>
    public int? Count { get; init; }

    /// <summary>Run folders an evaluation reads (catsdogs-evaluate); empty means every finished run under runs/.</summary>
    public IReadOnlyList<string> Runs { get; init; } = [];

    /// <summary>
    /// --weights of the pretrained base: "imagenet" (default: the cache, else a verified download), a path to
    /// a Keras .h5 file, or "none" for random initialisation (as Keras's weights=None; smoke runs only).
    /// </summary>
    public string? Weights { get; init; } = "imagenet";

    /// <summary>--replicas: train under MirroredStrategy with this many logical CPU replicas.</summary>
    public int? Replicas { get; init; }

    /// <summary>--workers: launch this many worker processes on 127.0.0.1 under MultiWorkerMirroredStrategy.</summary>
    public int? Workers { get; init; }

    /// <summary>--multi-worker: this process is one worker of the cluster described by $TF_CONFIG.</summary>
    public bool MultiWorker { get; init; }

    /// <summary>--cluster host:port,host:port,… with --task-index i: the cluster without TF_CONFIG (implies --multi-worker).</summary>
    public IReadOnlyList<string>? Cluster { get; init; }

    public int? TaskIndex { get; init; }

    /// <summary>The Keras dtype policy: "float32" or "mixed_bfloat16".</summary>
    public string Precision { get; init; } = "float32";
}

/// <summary>What an experiment gets to run with.</summary>
public sealed class ExperimentContext(ExperimentOptions options, string runDirectory, TextWriter output,
    KerasNet.TF.Distribute.Strategy? strategy = null)
{
    /// <summary>The distribution strategy to train under (--replicas, --multi-worker), or null for plain training.</summary>
    public KerasNet.TF.Distribute.Strategy? Strategy { get; } = strategy;

    /// <summary>How the strategy's replicas read in the article's line ("2 CPU replicas", "2 workers").</summary>
    public string ReplicaDescription => Strategy switch
    {
        KerasNet.TF.Distribute.MultiWorkerMirroredStrategy m => $"{m.WorkerCount} workers",
        { } s => $"{s.num_replicas_in_sync} CPU replica(s)",
        null => "1 CPU replica(s)",
    };

    public ExperimentOptions Options { get; } = options;

    /// <summary>The folder this run writes its records into.</summary>
    public string RunDirectory { get; } = runDirectory;

    public TextWriter Out { get; } = output;

    /// <summary>Hyperparameters the experiment actually used, recorded in config.json.</summary>
    public Dictionary<string, object> Config { get; } = new();
}

/// <summary>A finished run: final metrics and the per-epoch history.</summary>
public sealed class ExperimentResult
{
    public Dictionary<string, double> Metrics { get; } = new();

    public Dictionary<string, List<double>> History { get; init; } = new();

    /// <summary>
    /// A training run's result: its history, best and final validation accuracy (printed, with the best epoch, to
    /// <paramref name="log"/>) and training images per second of step time (<paramref name="imagesPerEpoch"/> a pass).
    /// </summary>
    public static ExperimentResult Of(KerasNet.Keras.Callbacks.History history, TextWriter log, double imagesPerEpoch)
    {
        var result = new ExperimentResult { History = history.history };
        if (history.history.TryGetValue("val_accuracy", out var acc) && acc.Count > 0)
        {
            result.Metrics["best_val_accuracy"] = acc.Max();
            result.Metrics["final_val_accuracy"] = acc[^1];
            log.WriteLine($"best validation accuracy {acc.Max():F4} (epoch {acc.IndexOf(acc.Max()) + 1}), final {acc[^1]:F4}");
        }
        result.Metrics["train_images_per_second"] = history.StepSeconds > 0 ? imagesPerEpoch * history.epoch.Count / history.StepSeconds : 0;
        return result;
    }
}
