using KerasNet.Engine;
using KerasNet.Keras.Callbacks;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Callbacks;

public class CallbacksTests
{
    private static Sequential Tiny(int seed = 1)
    {
        keras.utils.set_random_seed(seed);
        var m = keras.Sequential([keras.layers.Dense(6, activation: "relu", input_shape: 3), keras.layers.Dropout(0.2),
            keras.layers.Dense(1, activation: "sigmoid")]);
        m.compile(optimizer: keras.optimizers.RMSprop(0.01), loss: "binary_crossentropy", metrics: ["accuracy"]);
        return m;
    }

    private static (Tensor x, Tensor y) Data(int n = 40)
    {
        var x = Fixtures.RandomTensor([n, 3], seed: 2);
        var y = (x.Sum(1, keepDims: true).Gt(0.0)).AsType(DType.Float32);
        return (x, y);
    }

    private static void Drive(Callback cb, Model m, params double[] valLoss)
    {
        typeof(Callback).GetMethod("SetModel", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(cb, [m]);
        cb.on_train_begin();
        for (int e = 0; e < valLoss.Length && !m.stop_training; e++)
        {
            using (new TensorScope()) m.layers[0].variables[0].assign(Tensor.Full([3, 6], e));  // weights that say which epoch they are from
            cb.on_epoch_end(e, new Dictionary<string, double> { ["val_loss"] = valLoss[e], ["loss"] = 1 });
        }
        cb.on_train_end();
    }

    [Fact]
    public void ModelCheckpoint_saves_only_improvements_with_Keras_placeholders()
    {
        using var dir = new Fixtures.TempDir();
        var m = Tiny();
        Drive(new ModelCheckpoint(Path.Combine(dir.Path, "w.{epoch:02d}-{val_loss:.2f}.h5"), save_best_only: true), m, 1.0, 0.8, 0.9, 0.7);
        Assert.Equal(new[] { "w.01-1.00.h5", "w.02-0.80.h5", "w.04-0.70.h5" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        var fresh = Tiny(5);
        fresh.load_weights(Path.Combine(dir.Path, "w.02-0.80.h5"));
        Assert.All(fresh.layers[0].variables[0].numpy().ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.Equal("e5-0.1235", ModelCheckpoint.Format("e{epoch}-{loss:.4f}", 5, new Dictionary<string, double> { ["loss"] = 0.123456 }));
    }

    [Fact]
    public void ModelCheckpoint_on_a_resumed_run_starts_from_the_best_already_seen()
    {
        using var dir = new Fixtures.TempDir();
        var m = Tiny();
        var restored = new History();
        restored.history["val_loss"] = [0.9, 0.6];  // what BackupAndRestore put back
        m.history = restored;
        Drive(new ModelCheckpoint(Path.Combine(dir.Path, "w.{epoch:02d}.h5"), save_best_only: true), m, 0.7, 0.5);
        Assert.Equal(new[] { "w.02.h5" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));  // 0.7 is no improvement on 0.6
    }

    [Fact]
    public void EarlyStopping_waits_patience_epochs_and_restores_the_best_weights()
    {
        var m = Tiny();
        var es = new EarlyStopping(patience: 2, restore_best_weights: true);
        Drive(es, m, 1.0, 0.9, 0.95, 0.96, 0.5);
        Assert.True(m.stop_training);
        Assert.Equal(3, es.stopped_epoch);
        Assert.Equal(1, es.best_epoch);
        Assert.All(m.layers[0].variables[0].numpy().ToArray<float>(), v => Assert.Equal(1f, v));  // epoch 1's weights
        var strict = new EarlyStopping(patience: 1, min_delta: 0.2);
        m.stop_training = false;
        Drive(strict, m, 1.0, 0.85, 0.7);  // 0.85 is not better by more than 0.2
        Assert.Equal(1, strict.stopped_epoch);
    }

    [Fact]
    public void ReduceLROnPlateau_reduces_after_patience_respects_cooldown_and_min_lr()
    {
        var m = Tiny();
        var r = new ReduceLROnPlateau(factor: 0.5, patience: 1, cooldown: 1, min_lr: 0.003);
        var lrs = new List<double>();
        typeof(Callback).GetMethod("SetModel", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(r, [m]);
        r.on_train_begin();
        foreach (var (v, e) in new[] { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0 }.Select((v, e) => (v, e)))
        {
            var logs = new Dictionary<string, double> { ["val_loss"] = v };
            r.on_epoch_end(e, logs);
            lrs.Add(m.optimizer!.learning_rate);
            Assert.True(logs.ContainsKey("lr"));
        }
        // epoch 1 reduces (0.01 → 0.005) and starts a cooldown of 1; Keras counts the cooldown down before
        // checking it, so epoch 2 may reduce again: to the floor 0.003, where it stays
        Assert.Equal(new[] { 0.01, 0.005, 0.003, 0.003, 0.003, 0.003 }, lrs.Select(v => Math.Round(v, 6)));
        var longer = new ReduceLROnPlateau(factor: 0.5, patience: 1, cooldown: 2);
        var m2 = Tiny();
        typeof(Callback).GetMethod("SetModel", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(longer, [m2]);
        longer.on_train_begin();
        var lrs2 = new List<double>();
        for (int e = 0; e < 5; e++)
        {
            longer.on_epoch_end(e, new Dictionary<string, double> { ["val_loss"] = 1.0 });
            lrs2.Add(Math.Round(m2.optimizer!.learning_rate, 6));
        }
        Assert.Equal(new[] { 0.01, 0.005, 0.005, 0.0025, 0.0025 }, lrs2);  // one epoch held back by the cooldown
    }

    [Fact]
    public void CSVLogger_writes_Keras_layout_and_appends()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "log.csv");
        var (x, y) = Data();
        var m = Tiny();
        m.fit(x, y, epochs: 2, verbose: 0, validation_split: 0.25, callbacks: [new CSVLogger(path)]);
        var lines = File.ReadAllLines(path);
        Assert.Equal("epoch,accuracy,loss,val_accuracy,val_loss", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("0,", lines[1]);
        var history = m.history!.history;
        Assert.Equal(history["loss"][1], double.Parse(lines[2].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture));
        m.fit(x, y, epochs: 3, initial_epoch: 2, verbose: 0, validation_split: 0.25, callbacks: [new CSVLogger(path, append: true)]);
        lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("2,", lines[3]);
    }

    [Fact]
    public void TerminateOnNaN_stops_at_the_first_invalid_loss()
    {
        var (x, _) = Data();
        var y = x.Sum(1, keepDims: true) * 1e3;
        var m = keras.Sequential([keras.layers.Dense(1, input_shape: 3)]);
        m.compile(optimizer: keras.optimizers.SGD(1e3), loss: "mse");
        var h = m.fit(x, y, batch_size: 4, epochs: 5, verbose: 0, callbacks: [new TerminateOnNaN()]);
        Assert.Single(h.epoch);
        Assert.False(double.IsFinite(h.history["loss"][0]));
    }

    private sealed class KillAt(int epoch, int batch) : Callback
    {
        private int _epoch;
        public override void on_epoch_begin(int e, IDictionary<string, double>? logs = null) => _epoch = e;
        public override void on_train_batch_end(int b, IDictionary<string, double>? logs = null)
        {
            if (_epoch == epoch && b == batch) throw new OperationCanceledException("killed");
        }
    }

    [Fact]
    public void A_run_killed_mid_epoch_resumes_from_its_backup_and_ends_as_a_clean_run()
    {
        var (x, y) = Data(48);
        using var dir = new Fixtures.TempDir();
        var backup = Path.Combine(dir.Path, "backup");

        var clean = Tiny(1);
        var cleanHistory = clean.fit(x, y, batch_size: 8, epochs: 4, verbose: 0, validation_split: 0.25);

        var killed = Tiny(1);
        Assert.Throws<OperationCanceledException>(() =>
            killed.fit(x, y, batch_size: 8, epochs: 4, verbose: 0, validation_split: 0.25,
                callbacks: [new BackupAndRestore(backup), new KillAt(epoch: 2, batch: 1)]));
        Assert.True(File.Exists(Path.Combine(backup, "state.json")));

        var resumed = Tiny(99);  // another initialisation: everything must come from the backup
        var h = resumed.fit(x, y, batch_size: 8, epochs: 4, verbose: 0, validation_split: 0.25, callbacks: [new BackupAndRestore(backup)]);
        Assert.Equal(new[] { 0, 1, 2, 3 }, h.epoch);
        foreach (var key in cleanHistory.history.Keys)
            Assert.Equal(cleanHistory.history[key], h.history[key]);
        for (int i = 0; i < clean.variables.Count; i++)
            Assert.Equal(clean.variables[i].numpy().ToArray<float>(), resumed.variables[i].numpy().ToArray<float>());
        Assert.False(Directory.Exists(backup));  // deleted once training completed
    }

    /// <summary>Fails in on_epoch_end of one epoch: after ModelCheckpoint and CSVLogger wrote it, before the backup commits it.</summary>
    private sealed class FailAtEpochEnd(int epoch) : Callback
    {
        public override void on_epoch_end(int e, IDictionary<string, double>? logs = null)
        {
            if (e == epoch) throw new OperationCanceledException("killed between the records and the commit");
        }
    }

    [Fact]
    public void An_epoch_logged_but_not_committed_is_redone_and_its_records_equal_an_uninterrupted_runs()
    {
        var (x, y) = Data(48);
        using var dir = new Fixtures.TempDir();
        List<Callback> Records(string folder) =>
        [
            new BackupAndRestore(Path.Combine(folder, "backup"), delete_checkpoint: false),
            new ModelCheckpoint(Path.Combine(folder, "best.h5"), monitor: "val_loss", save_best_only: true),
            new CSVLogger(Path.Combine(folder, "log.csv"), append: true),
        ];
        var clean = Path.Combine(dir.Path, "clean");
        Tiny(1).fit(x, y, batch_size: 8, epochs: 4, verbose: 0, validation_split: 0.25, callbacks: Records(clean));

        var killed = Path.Combine(dir.Path, "killed");
        Assert.Throws<OperationCanceledException>(() => Tiny(1).fit(x, y, batch_size: 8, epochs: 4, verbose: 0, validation_split: 0.25,
            callbacks: [.. Records(killed), new FailAtEpochEnd(2)]));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(killed, "log.csv")).Length);  // header + epochs 0-2: epoch 2 logged ...
        Assert.Equal(1, BackupAndRestore.BackedUpEpoch(Path.Combine(killed, "backup")));  // ... but not committed
        File.AppendAllText(Path.Combine(killed, "log.csv"), "3,0.5,0.");  // and a row a kill cut short

        Tiny(99).fit(x, y, batch_size: 8, epochs: 4, verbose: 0, validation_split: 0.25, callbacks: Records(killed));
        Assert.Equal(File.ReadAllText(Path.Combine(clean, "log.csv")), File.ReadAllText(Path.Combine(killed, "log.csv")));
        var a = Tiny(5);
        a.load_weights(Path.Combine(clean, "best.h5"));
        var b = Tiny(6);
        b.load_weights(Path.Combine(killed, "best.h5"));
        for (int i = 0; i < a.variables.Count; i++)
            Assert.Equal(a.variables[i].numpy().ToArray<float>(), b.variables[i].numpy().ToArray<float>());
    }

    [Fact]
    public void A_corrupt_backup_says_which_file_and_that_deleting_the_backup_starts_over()
    {
        var (x, y) = Data(16);
        using var dir = new Fixtures.TempDir();
        var backup = Path.Combine(dir.Path, "backup");
        Directory.CreateDirectory(backup);
        File.WriteAllText(Path.Combine(backup, "state.json"), "{\"Epoch\": 1, \"Weig");
        var e = Assert.Throws<InvalidDataException>(() => Tiny().fit(x, y, epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(backup)]));
        Assert.Contains(Path.Combine(backup, "state.json"), e.Message);
        Assert.Contains($"delete {backup} to start the training over", e.Message);

        File.WriteAllText(Path.Combine(backup, "state.json"),
            "{\"Epoch\":0,\"Weights\":\"weights-0.h5\",\"Optimizer\":\"optimizer-0.bin\",\"Rng\":\"\",\"LearningRate\":0.01,\"Iterations\":2,\"HistoryEpochs\":[0],\"History\":{}}");
        File.WriteAllText(Path.Combine(backup, "weights-0.h5"), "not hdf5");
        e = Assert.Throws<InvalidDataException>(() => Tiny().fit(x, y, epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(backup)]));
        Assert.Contains("the training backup of epoch 1 cannot be restored", e.Message);
        Assert.Contains($"delete {backup} to start the training over", e.Message);
    }

    [Fact]
    public void The_progress_bar_says_when_the_whole_run_will_end_from_the_second_epoch_on()
    {
        var output = new StringWriter();
        var now = TimeSpan.Zero;
        var bar = new ProgbarLogger(verbose: 2, output) { Clock = () => now };
        typeof(Callback).GetMethod("SetParams", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .Invoke(bar, [new Dictionary<string, object> { ["epochs"] = 100, ["steps"] = 100, ["verbose"] = 2 }]);
        bar.on_train_begin();
        bar.on_epoch_begin(7);  // a resumed run: epochs 8 to 100 left
        now += TimeSpan.FromSeconds(90);
        bar.on_epoch_end(7, new Dictionary<string, double> { ["loss"] = 0.5 });
        bar.on_epoch_begin(8);
        var lines = output.ToString().Split('\n');
        Assert.Equal("Epoch 8/100", lines[0]);
        Assert.Contains("Epoch 9/100 - run ETA 2:18:00", lines);  // 92 epochs of 90 s

        // with less than a minute left, Keras's line as it is
        var shortRun = new StringWriter();
        var quick = new ProgbarLogger(verbose: 2, shortRun) { Clock = () => now };
        typeof(Callback).GetMethod("SetParams", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .Invoke(quick, [new Dictionary<string, object> { ["epochs"] = 3, ["steps"] = 10, ["verbose"] = 2 }]);
        quick.on_train_begin();
        quick.on_epoch_begin(0);
        now += TimeSpan.FromSeconds(20);
        quick.on_epoch_end(0, new Dictionary<string, double> { ["loss"] = 0.5 });
        quick.on_epoch_begin(1);
        Assert.Contains("Epoch 2/3", shortRun.ToString().Split('\n'));  // 2 × 20 s left

        // the real clock moves forward by what passes (it once overflowed on machines up for a while)
        var clock = new ProgbarLogger().Clock;
        var t0 = clock();
        Thread.Sleep(50);
        Assert.InRange((clock() - t0).TotalSeconds, 0.045, 30);
    }
}
