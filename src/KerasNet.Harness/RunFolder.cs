using System.Text.Json;
using KerasNet.Keras.Callbacks;

namespace KerasNet.Harness;

/// <summary>A run folder the harness refuses to use, with what to do instead (exit code 2: bad input).</summary>
public sealed class RunFolderException(string message) : ArgumentException(message);

/// <summary>
/// One run folder, opened for one process: a lock that a second process on the same folder is refused by
/// (an advisory lock on .lock, released by the kernel when its owner dies, so a killed run leaves no stale
/// lock; the owner's pid and start time in .lock.owner), a finished run recognised instead of retrained,
/// another experiment's folder refused, and the temporaries a killed process left removed.
/// A run's records commit in this order, so a kill at any point leaves a folder that the next start
/// resumes or repairs: per epoch, best_weights.h5 (ModelCheckpoint) and the training_log.csv row (CSVLogger),
/// then the backup (BackupAndRestore, last: its state.json is the epoch's commit point); after the last epoch,
/// model.keras, history.csv, learning curves, and metrics.json last (the run's commit point: a folder with
/// metrics.json is finished). The backup is kept in a finished run, so it can be continued with more epochs.
/// </summary>
public sealed class RunFolder : IDisposable
{
    public const string LockFile = ".lock", OwnerFile = ".lock.owner", BackupFolder = "backup";

    /// <summary>Set for the worker processes the launcher starts: the launcher holds their run folder's lock.</summary>
    public const string HeldVariable = "KERASNET_RUN_FOLDER_HELD";

    private FileStream? _lock;

    // what .NET reports when the lock is held: EWOULDBLOCK from flock (11 on Linux, 35 on macOS), a sharing violation on Windows
    private static bool Held(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020);

    public string Directory { get; }

    /// <summary>The epochs a finished run had before this start continues it with more (null when it is not a continuation).</summary>
    public int? ContinuedFrom { get; private set; }

    private RunFolder(string directory) => Directory = directory;

    /// <summary>
    /// Opens <paramref name="directory"/> for a run of <paramref name="experiment"/>: creates it, takes its lock,
    /// checks that it is not another experiment's or a finished run (unless --epochs asks for more epochs than it
    /// has and its backup can continue it), and removes temporaries left by a killed process.
    /// </summary>
    public static RunFolder Open(string directory, Experiment experiment, ExperimentOptions options)
    {
        System.IO.Directory.CreateDirectory(directory);
        var folder = new RunFolder(directory);
        try
        {
            folder.Lock();
            folder.Check(experiment, options);
            KerasNet.Keras.Saving.AtomicFile.RemoveStaleTemporaries(directory);
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    private void Lock()
    {
        var path = Path.Combine(Directory, LockFile);
        try
        {
            // FileShare.None is an exclusive flock on Unix (LockFileEx on Windows): held until this process ends
            _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (Held(e))
        {
            var owner = File.Exists(Path.Combine(Directory, OwnerFile)) ? File.ReadAllText(Path.Combine(Directory, OwnerFile)).Trim() : "another process";
            throw new RunFolderException($"{Directory} is in use by {owner}: one run folder takes one run at a time. Wait for it to end, stop it, or choose another --output.");
        }
        RunRecords.WriteAtomically(Path.Combine(Directory, OwnerFile),
            $"process {Environment.ProcessId} on {Environment.MachineName} (started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC)\n");
    }

    private void Check(Experiment experiment, ExperimentOptions options)
    {
        var config = RunRecords.ReadJsonObject(Path.Combine(Directory, "config.json"));
        if (config is { } c && c.TryGetProperty("experiment", out var name) && name.GetString() is { } other && other != experiment.Name)
            throw new RunFolderException($"{Directory} holds a {other} run, not {experiment.Name}: choose another --output (or delete {Directory} to reuse the name).");
        if (config is { } cb && experiment.UsesBackbone && cb.TryGetProperty("backbone", out var bb) && bb.GetString() is { Length: > 0 } backbone
            && backbone != options.Backbone)
            throw new RunFolderException($"{Directory} holds a --backbone {backbone} run, not {options.Backbone}: choose another --output, or run it again with --backbone {backbone}.");
        // new, killed or failed: it resumes from its backup; evaluating or preparing again just redoes the work
        if (!experiment.Trains || !File.Exists(Path.Combine(Directory, "metrics.json"))) return;

        int? done = config is { } ce && ce.TryGetProperty("epochs", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null;
        var metrics = RunRecords.ReadJsonObject(Path.Combine(Directory, "metrics.json"));
        var best = metrics is { } m && m.TryGetProperty("best_val_accuracy", out var b) && b.ValueKind == JsonValueKind.Number
            ? $", best val_accuracy {b.GetDouble():F4}" : "";
        var what = $"{Directory} is a finished {experiment.Name} run ({(done is { } d ? $"{d} epochs" : "epochs not recorded")}{best})";
        var backup = Path.Combine(Directory, BackupFolder);
        int? backedUp = BackupAndRestore.BackedUpEpoch(backup) is { } last ? last + 1 : null;
        if (options.Epochs is { } wanted && done is { } had && wanted > had && backedUp == had)
        {
            ContinuedFrom = had;
            File.Delete(Path.Combine(Directory, "metrics.json"));  // unfinished again until the new last epoch commits
            return;
        }
        var start = $"to start over, delete {Directory} or choose another --output";
        if (backedUp is not null && done is not null)
            throw new RunFolderException($"{what}; nothing to do. To train it on, run again with --epochs N (more than {done}); {start}.");
        throw new RunFolderException($"{what}; nothing to do. It keeps no backup to continue from: {start}.");
    }


    public void Dispose()
    {
        if (_lock is null) return;
        File.Delete(Path.Combine(Directory, OwnerFile));
        _lock.Dispose();  // the lock file itself stays: deleting it would let a third process lock a different file
        _lock = null;
    }
}
