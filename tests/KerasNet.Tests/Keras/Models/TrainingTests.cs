using KerasNet.TF.Data;
using KerasNet.Engine;
using KerasNet.Keras.Callbacks;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Models;

public class TrainingTests
{
    /// <summary>Two Gaussian blobs in 2-D with 3 classes on a line: learnable by a small MLP.</summary>
    private static (Tensor x, Tensor yInt) Blobs(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * 2];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 3;
            x[2 * i] = (float)(y[i] * 2.0 - 2 + rng.NextDouble() * 0.8 - 0.4);
            x[2 * i + 1] = (float)(rng.NextDouble() * 0.8 - 0.4);
        }
        return (Tensor.FromArray(x, n, 2), Tensor.FromArray(y, n));
    }

    private static KerasNet.Keras.Models.Sequential Mlp() => keras.Sequential(
    [
        keras.layers.Dense(16, activation: "relu", input_shape: 2),
        keras.layers.Dense(3, activation: "softmax"),
    ]);

    [Fact]
    public void Fit_learns_a_separable_problem_and_records_history()
    {
        keras.utils.set_random_seed(1);
        var (x, yInt) = Blobs(300, 1);
        var y = keras.utils.to_categorical(yInt, 3);
        var model = Mlp();
        model.compile(optimizer: keras.optimizers.Adam(0.05), loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var history = model.fit(x, y, batch_size: 32, epochs: 15, verbose: 0, validation_split: 0.2);
        Assert.Equal(Enumerable.Range(0, 15), history.epoch);
        Assert.Equal(new[] { "accuracy", "loss", "val_accuracy", "val_loss" }, history.history.Keys.Order());
        Assert.True(history.history["loss"][^1] < history.history["loss"][0] / 3);
        Assert.True(history.history["val_accuracy"][^1] > 0.95, $"val acc {history.history["val_accuracy"][^1]}");
        var eval = model.evaluate(x, y, verbose: 0);
        Assert.True(eval["accuracy"] > 0.95);
        Assert.Equal(history.history["val_loss"][^1], model.evaluate(x.Narrow(0, 240, 60), y.Narrow(0, 240, 60), verbose: 0)["loss"], 4);
    }

    [Fact]
    public void Sparse_labels_with_sparse_loss_resolve_accuracy_to_sparse_categorical()
    {
        keras.utils.set_random_seed(2);
        var (x, yInt) = Blobs(240, 2);
        var model = Mlp();
        model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["acc"]);
        var h = model.fit(x, yInt, batch_size: 16, epochs: 20, verbose: 0);
        Assert.True(h.history["acc"][^1] > 0.9, $"acc {h.history["acc"][^1]}");
    }

    [Fact]
    public void Fit_evaluate_and_predict_free_every_native_tensor_they_create()
    {
        using var inputs = new TensorScope();  // the test's data, freed at the end
        var (x, yInt) = Blobs(100, 3);
        var y = keras.utils.to_categorical(yInt, 3);
        using var model = Mlp();
        model.compile(optimizer: "rmsprop", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        model.fit(x, y, batch_size: 10, epochs: 1, verbose: 0);  // creates optimizer slots once
        using (var leaks = TensorTracker.Start())
        {
            model.fit(x, y, batch_size: 10, epochs: 3, verbose: 0, validation_split: 0.1);
            model.evaluate(x, y, verbose: 0);
            leaks.AssertNoSurvivors();
            using (var p = model.predict(x, batch_size: 7))
            {
                Assert.Equal(new long[] { 100, 3 }, p.Shape);
                Assert.Equal([p.Serial], leaks.Survivors.Select(s => s.Serial));
            }
            leaks.AssertNoSurvivors();
        }
    }

    [Fact]
    public void A_model_disposed_after_fit_frees_every_tensor_made_since_it_was_built()
    {
        using var inputs = new TensorScope();  // the test's data, freed at the end
        var (x, yInt) = Blobs(60, 4);
        var y = keras.utils.to_categorical(yInt, 3);
        using var leaks = TensorTracker.Start();
        var model = keras.Sequential(
        [
            keras.layers.Dense(8, activation: "relu", input_shape: 2),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(3, activation: "softmax"),
        ]);
        model.compile(optimizer: keras.optimizers.Adam(), loss: "categorical_crossentropy", metrics: ["accuracy"]);
        model.fit(x, y, batch_size: 16, epochs: 2, verbose: 0);
        Assert.True(leaks.Count > 0, "weights and optimizer slots are alive while the model is");
        model.Dispose();
        leaks.AssertNoSurvivors();
        Assert.True(model.variables.All(v => v.IsDisposed));
        var e = Assert.Throws<ObjectDisposedException>(() => model.predict(x));
        Assert.Contains("disposed", e.Message);
        model.Dispose();  // twice is fine
    }

    [Fact]
    public void Predict_matches_calling_the_model_and_softmax_rows_sum_to_one()
    {
        using var scope = new TensorScope();
        var (x, _) = Blobs(20, 4);
        var model = Mlp();
        var p = model.predict(x, batch_size: 6);
        var direct = model.Apply(x).ToArray<float>();
        Assert.Equal(direct, p.ToArray<float>());
        var rows = p.Sum(1).ToArray<float>();
        Assert.All(rows, r => Assert.Equal(1.0, r, 5));
    }

    [Fact]
    public void Callbacks_see_every_hook_in_Keras_order_and_can_stop_training()
    {
        var (x, yInt) = Blobs(40, 5);
        var model = Mlp();
        model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy");
        var rec = new Recorder();
        var h = model.fit(x, yInt, batch_size: 20, epochs: 5, verbose: 0, callbacks: [rec]);
        Assert.Equal("train_begin epoch_begin:0 batch_begin:0 batch_end:0 batch_begin:1 batch_end:1 epoch_end:0 " +
                     "epoch_begin:1 batch_begin:0 batch_end:0 epoch_end:1 train_end", string.Join(" ", rec.Events));
        Assert.Equal(2, h.epoch.Count);  // Keras still ends the interrupted epoch
        Assert.Same(model, rec.model);
        Assert.Equal(5, rec.@params["epochs"]);
        Assert.Equal(2, rec.@params["steps"]);
    }

    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = new();
        public override void on_train_begin(IDictionary<string, double>? logs = null) => Events.Add("train_begin");
        public override void on_train_end(IDictionary<string, double>? logs = null) => Events.Add("train_end");
        public override void on_epoch_begin(int e, IDictionary<string, double>? logs = null) => Events.Add($"epoch_begin:{e}");
        public override void on_epoch_end(int e, IDictionary<string, double>? logs = null) => Events.Add($"epoch_end:{e}");
        public override void on_train_batch_begin(int b, IDictionary<string, double>? logs = null) => Events.Add($"batch_begin:{b}");
        public override void on_train_batch_end(int b, IDictionary<string, double>? logs = null)
        {
            Events.Add($"batch_end:{b}");
            if (Events.Count(e => e.StartsWith("batch_end")) == 3) model!.stop_training = true;
        }
    }

    [Fact]
    public void Initial_epoch_resumes_the_epoch_count()
    {
        var (x, yInt) = Blobs(30, 6);
        var model = Mlp();
        model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        var h = model.fit(x, yInt, epochs: 4, initial_epoch: 2, verbose: 0);
        Assert.Equal(new[] { 2, 3 }, h.epoch);
    }

    [Fact]
    public void Bad_calls_fail_with_clear_messages()
    {
        var model = Mlp();
        var x = Tensor.Zeros([10, 2]);
        var e1 = Assert.Throws<InvalidOperationException>(() => model.fit(x, Tensor.Zeros([10, 3])));
        Assert.Contains("compile()", e1.Message);
        model.compile(optimizer: "adam", loss: "categorical_crossentropy");
        var e2 = Assert.Throws<ArgumentException>(() => model.fit(x, Tensor.Zeros([9, 3]), verbose: 0));
        Assert.Contains("10 samples", e2.Message);
        Assert.Contains("9 samples", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => model.fit(x, Tensor.Zeros([10]), verbose: 0));
        Assert.Contains("to_categorical", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => model.fit(Tensor.Zeros([10, 5]), Tensor.Zeros([10, 3]), verbose: 0));
        Assert.Contains("(None, 5)", e4.Message);
        Assert.Throws<ArgumentException>(() => model.compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["f1-ish"]));
        // the model still trains after all that
        model.fit(x, Tensor.Zeros([10, 3]), verbose: 0);
    }

    [Fact]
    public void Progress_bar_prints_Keras_lines_when_output_is_redirected()
    {
        var (x, yInt) = Blobs(64, 7);
        var model = Mlp();
        model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var original = Console.Out;
        var sw = new StringWriter();
        Console.SetOut(sw);
        try { model.fit(x, yInt, batch_size: 16, epochs: 2, verbose: 1, validation_split: 0.25); }
        finally { Console.SetOut(original); }
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Matches(@"^3/3 \[==============================\] - \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$", lines[1]);
        Assert.Equal("Epoch 2/2", lines[2]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void Steps_of_zero_or_less_are_refused_rather_than_training_nothing()
    {
        using var scope = new TensorScope();
        var x = Tensor.Zeros([8, 2]);
        var y = Tensor.Zeros([8, 1]);
        using var model = keras.Sequential([keras.layers.Dense(1, input_shape: 2)]);
        model.compile(optimizer: "sgd", loss: "mse");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.fit(x, y, steps_per_epoch: 0, verbose: 0));
        Assert.Contains("steps_per_epoch must be a positive number of steps, got 0", e.Message);
        var ds = KerasNet.TF.TensorFlowApi.tf.data.Dataset.from_tensor_slices(x, y).batch(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.fit(ds, steps_per_epoch: -2, verbose: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.evaluate(ds, steps: 0, verbose: 0));
    }
}
