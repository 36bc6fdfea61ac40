using System.Text.Json;
using KerasNet.Engine;

namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Makes training survive a kill (SIGINT, kill -9, a crash): at the end of every epoch it backs up
/// the weights, the optimizer's state and step count, the learning rate, the engine's random state
/// (shuffles, dropout) and the history so far into <c>backup_dir</c>; a fit started again with the same
/// folder resumes after the last completed epoch and ends with the history an uninterrupted run would
/// have. The backup is committed by writing state.json last (atomically), so a kill during a save leaves
/// the previous backup intact. Its on_epoch_end runs after every other callback's, wherever it is listed:
/// an epoch is committed only once ModelCheckpoint, CSVLogger and the rest have written their records of it,
/// so a kill before the commit makes the resumed fit redo that epoch and rewrite those records (CSVLogger
/// drops rows of epochs it redoes). Temporaries left by a killed process are removed when the next fit
/// begins. It is deleted when training ends normally (delete_checkpoint).
/// </summary>
public sealed class BackupAndRestore(string backup_dir, bool delete_checkpoint = true) : Callback
{
    private string StatePath => Path.Combine(backup_dir, "state.json");

    private sealed record State(int Epoch, string Weights, string Optimizer, string Rng, double LearningRate, long Iterations,
        List<int> HistoryEpochs, Dictionary<string, List<double>> History, double StepSeconds = 0, double InputWaitSeconds = 0);

    internal override bool EndsEpochLast => true;

    /// <summary>The epoch the backup holds (0-based, the last one committed), or null when there is none.</summary>
    public static int? BackedUpEpoch(string backup_dir)
    {
        var path = Path.Combine(backup_dir, "state.json");
        return File.Exists(path) ? Read(path).Epoch : null;
    }

    private static State Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<State>(File.ReadAllText(path)) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the training backup is unreadable ({e.Message}); delete {Path.GetDirectoryName(path)} to start the training over.", e);
        }
    }

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        if (WritesFiles) Saving.AtomicFile.RemoveStaleTemporaries(backup_dir);  // a killed save's leftovers
        if (!File.Exists(StatePath)) return;
        var state = Read(StatePath);
        var m = model!;
        var optimizer = m.optimizer ?? throw new InvalidOperationException("BackupAndRestore needs a compiled model.");
        string weights = Path.Combine(backup_dir, state.Weights), optimizerFile = Path.Combine(backup_dir, state.Optimizer);
        try
        {
            m.load_weights(weights);
            optimizer.SetState(m.variables, state.Iterations, ReadOptimizer(optimizerFile));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or EndOfStreamException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{backup_dir}: the training backup of epoch {state.Epoch + 1} cannot be restored ({e.Message}); delete {backup_dir} to start the training over.", e);
        }
        optimizer.learning_rate = state.LearningRate;
        Runtime.SetRngState(Convert.FromBase64String(state.Rng));
        if (m.history is { } h)
        {
            h.epoch.Clear();
            h.epoch.AddRange(state.HistoryEpochs);
            h.history.Clear();
            foreach (var (k, v) in state.History) h.history[k] = new List<double>(v);
            h.StepSeconds = state.StepSeconds;
            h.InputWaitSeconds = state.InputWaitSeconds;
        }
        m.ResumeAtEpoch = state.Epoch + 1;
        Console.WriteLine($"BackupAndRestore: resuming from the backup after epoch {state.Epoch + 1} in {backup_dir}");
    }

    public override void on_epoch_end(int epoch, IDictionary<string, double>? logs = null)
    {
        if (!WritesFiles) return;
        var m = model!;
        Directory.CreateDirectory(backup_dir);
        string weights = $"weights-{epoch}.h5", optimizerFile = $"optimizer-{epoch}.bin";
        m.save_weights(Path.Combine(backup_dir, weights));
        var (iterations, slots) = m.optimizer!.GetState(m.variables);
        WriteOptimizer(Path.Combine(backup_dir, optimizerFile), slots);
        // History has recorded this epoch already (this callback ends each epoch last)
        var h = m.history;
        var epochs = new List<int>(h?.epoch ?? []);
        var hist = (h?.history ?? new()).ToDictionary(kv => kv.Key, kv => new List<double>(kv.Value));
        if (h is null)
        {
            epochs.Add(epoch);
            foreach (var (k, v) in logs ?? new Dictionary<string, double>()) hist[k] = [v];
        }
        var state = new State(epoch, weights, optimizerFile, Convert.ToBase64String(Runtime.GetRngState()), m.optimizer.learning_rate,
            iterations, epochs, hist, h?.StepSeconds ?? 0, h?.InputWaitSeconds ?? 0);
        Saving.AtomicFile.WriteAllText(StatePath, JsonSerializer.Serialize(state));  // the commit point
        foreach (var old in Directory.GetFiles(backup_dir).Where(f => Path.GetFileName(f) is var n && (n.StartsWith("weights-") || n.StartsWith("optimizer-")) && n != weights && n != optimizerFile))
            File.Delete(old);
    }

    public override void on_train_end(IDictionary<string, double>? logs = null)
    {
        if (WritesFiles && delete_checkpoint && Directory.Exists(backup_dir)) Directory.Delete(backup_dir, recursive: true);
    }

    private static void WriteOptimizer(string path, Dictionary<string, (float[] Data, long[] Shape)> slots)
    {
        Saving.AtomicFile.Write(path, tmp =>
        {
            using var w = new BinaryWriter(File.Create(tmp));
            w.Write(slots.Count);
            foreach (var (key, (data, shape)) in slots)
            {
                w.Write(key);
                w.Write(shape.Length);
                foreach (var d in shape) w.Write(d);
                w.Write(data.Length);
                foreach (var x in data) w.Write(x);
            }
        });
    }

    private static Dictionary<string, (float[], long[])> ReadOptimizer(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        var slots = new Dictionary<string, (float[], long[])>();
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var key = r.ReadString();
            var shape = new long[r.ReadInt32()];
            for (int d = 0; d < shape.Length; d++) shape[d] = r.ReadInt64();
            var data = new float[r.ReadInt32()];
            for (int j = 0; j < data.Length; j++) data[j] = r.ReadSingle();
            slots[key] = (data, shape);
        }
        return slots;
    }
}
