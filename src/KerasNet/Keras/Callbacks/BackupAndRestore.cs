using System.Text.Json;
using KerasNet.Engine;

namespace KerasNet.Keras.Callbacks;

/// <summary>
/// Makes training survive a kill (SIGINT, kill -9, a crash): at the end of every epoch it backs up
/// the weights, the optimizer's state and step count, the learning rate, the engine's random state
/// (shuffles, dropout) and the history so far into <c>backup_dir</c>; a fit started again with the same
/// folder resumes after the last completed epoch and ends with the history an uninterrupted run would
/// have. The backup is committed by writing state.json last (atomically), so a kill during a save leaves
/// the previous backup intact. It is deleted when training ends normally (delete_checkpoint).
/// </summary>
public sealed class BackupAndRestore(string backup_dir, bool delete_checkpoint = true) : Callback
{
    private string StatePath => Path.Combine(backup_dir, "state.json");

    private sealed record State(int Epoch, string Weights, string Optimizer, string Rng, double LearningRate, long Iterations,
        List<int> HistoryEpochs, Dictionary<string, List<double>> History);

    public override void on_train_begin(IDictionary<string, double>? logs = null)
    {
        if (!File.Exists(StatePath)) return;
        var state = JsonSerializer.Deserialize<State>(File.ReadAllText(StatePath))
                    ?? throw new InvalidDataException($"{StatePath}: empty backup state.");
        var m = model!;
        m.load_weights(Path.Combine(backup_dir, state.Weights));
        var optimizer = m.optimizer ?? throw new InvalidOperationException("BackupAndRestore needs a compiled model.");
        optimizer.SetState(m.variables, state.Iterations, ReadOptimizer(Path.Combine(backup_dir, state.Optimizer)));
        optimizer.learning_rate = state.LearningRate;
        Runtime.SetRngState(Convert.FromBase64String(state.Rng));
        if (m.history is { } h)
        {
            h.epoch.Clear();
            h.epoch.AddRange(state.HistoryEpochs);
            h.history.Clear();
            foreach (var (k, v) in state.History) h.history[k] = new List<double>(v);
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
        // History records this epoch after us (it is the last callback): include it here.
        var h = m.history;
        var epochs = new List<int>(h?.epoch ?? []) { epoch };
        var hist = (h?.history ?? new()).ToDictionary(kv => kv.Key, kv => new List<double>(kv.Value));
        foreach (var (k, v) in logs ?? new Dictionary<string, double>())
        {
            if (!hist.TryGetValue(k, out var list)) hist[k] = list = new();
            list.Add(v);
        }
        var state = new State(epoch, weights, optimizerFile, Convert.ToBase64String(Runtime.GetRngState()), m.optimizer.learning_rate,
            iterations, epochs, hist);
        var tmp = StatePath + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(tmp, JsonSerializer.Serialize(state));
        File.Move(tmp, StatePath, overwrite: true);  // the commit point
        foreach (var old in Directory.GetFiles(backup_dir).Where(f => Path.GetFileName(f) is var n && (n.StartsWith("weights-") || n.StartsWith("optimizer-")) && n != weights && n != optimizerFile))
            File.Delete(old);
    }

    public override void on_train_end(IDictionary<string, double>? logs = null)
    {
        if (WritesFiles && delete_checkpoint && Directory.Exists(backup_dir)) Directory.Delete(backup_dir, recursive: true);
    }

    private static void WriteOptimizer(string path, Dictionary<string, (float[] Data, long[] Shape)> slots)
    {
        var tmp = path + ".tmp-" + Environment.ProcessId;
        using (var w = new BinaryWriter(File.Create(tmp)))
        {
            w.Write(slots.Count);
            foreach (var (key, (data, shape)) in slots)
            {
                w.Write(key);
                w.Write(shape.Length);
                foreach (var d in shape) w.Write(d);
                w.Write(data.Length);
                foreach (var x in data) w.Write(x);
            }
        }
        File.Move(tmp, path, overwrite: true);
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
