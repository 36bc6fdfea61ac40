using System.Text.Json;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using KerasNet.Keras;
using static KerasNet.KerasApi;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Tests.Experiments;

public class OctRetinaTests
{
    /// <summary>An OCT2017-shaped tree: train/ and test/ with a folder of small grey JPEGs per class.</summary>
    private static void WriteOctTree(string root, int trainPerClass, int testPerClass)
    {
        var rng = new Random(4);
        foreach (var (split, n) in new[] { ("train", trainPerClass), ("test", testPerClass) })
            foreach (var (label, c) in OctRetinaExperiment.Labels.Select((l, i) => (l, i)))
            {
                var dir = Path.Combine(root, split, label);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < n; i++)
                {
                    var pixels = Enumerable.Range(0, 40 * 60).SelectMany(_ => Enumerable.Repeat((float)(40 * c + rng.Next(30)), 3)).ToArray();
                    using var img = Tensor.FromArray(pixels, 40, 60, 3);
                    keras.utils.save_img(Path.Combine(dir, $"{label}-{c}{i}-1.jpeg"), img);
                }
            }
    }

    [Fact]
    public void Input_fn_labels_each_image_by_its_folder_and_resizes_to_224()
    {
        using var dir = new Fixtures.TempDir();
        WriteOctTree(dir.Path, 2, 0);
        var ds = OctRetinaExperiment.InputFn(Path.Combine(dir.Path, "train", "**", "*.jpeg"), shuffle: false, batchSize: 3, numEpochs: 1);
        var batches = ds.ToList();
        try
        {
            Assert.Equal([3, 3, 2], batches.Select(b => (int)b.Item1.Shape[0]));
            Assert.Equal([3L, 224, 224, 3], batches[0].Item1.Shape);
            Assert.Equal([3L, 4], batches[0].Item2.Shape);
            var labels = batches.SelectMany(b => b.Item2.ToArray<float>().Chunk(4).Select(r => Array.IndexOf(r, 1f))).ToList();
            // list_files without shuffle is sorted: CNV, CNV, DME, DME, DRUSEN, DRUSEN, NORMAL, NORMAL
            Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], labels);
            foreach (var b in batches)
            {
                Assert.True(b.Item1.Min().Item() >= 0 && b.Item1.Max().Item() <= 1, "convert_image_dtype scales to [0, 1]");
            }
        }
        finally
        {
            foreach (var b in batches) { b.Item1.Dispose(); b.Item2.Dispose(); }
        }
    }

    [Fact]
    public void The_model_freezes_all_but_the_last_four_base_layers()
    {
        var model = OctRetinaExperiment.BuildModel("mobilenet", weights: null);
        // MobileNet α0.25 at 224: conv_pw_13 256·256 + its batch norm's gamma/beta 512 + Dense 7·7·256·4 + 4
        Assert.Equal(65_536 + 512 + 50_180, model.trainable_weights.Sum(v => v.NumElements));
        Assert.Equal(268_724, model.count_params());
        Assert.Equal([null, 4], model.output.shape.Dims);

        // the article's VGG16: block5's three convolutions (3 × 2,359,808) and the Dense (7·7·512·4 + 4) train
        var vgg = OctRetinaExperiment.BuildModel("vgg16", weights: null);
        Assert.Equal(14_714_688 + 100_356, vgg.count_params());
        Assert.Equal(3 * 2_359_808 + 100_356, vgg.trainable_weights.Sum(v => v.NumElements));
    }

    [Fact]
    public void Oct_retina_runs_end_to_end_under_two_CPU_replicas_on_a_synthetic_OCT2017()
    {
        using var dir = new Fixtures.TempDir();
        var data = Path.Combine(dir.Path, "OCT2017");
        WriteOctTree(data, 5, 2);
        // the base's weights: random, written with our own save_weights (no ImageNet weights on a fresh clone)
        var weights = Path.Combine(dir.Path, "mobilenet_random.h5");
        keras.applications.MobileNet(input_shape: (224, 224, 3), alpha: 0.25, include_top: false, weights: null).save_weights(weights);
        var run = Path.Combine(dir.Path, "run");
        var previous = KerasConfig.DataDir;
        var log = new StringWriter();
        try
        {
            Assert.Equal(0, Runner.Run(new OctRetinaExperiment(), new ExperimentOptions
            {
                DataDir = data, Backbone = "mobilenet", Weights = weights, Replicas = 2, Verbose = 0, Output = run,
            }, log));
        }
        finally
        {
            KerasConfig.DataDir = previous;
        }
        var text = log.ToString();
        Assert.Contains("Training on 20 images", text);
        Assert.Contains("images/second with 2 CPU replica(s)", text);
        Assert.Contains("(8 images in", text);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        double acc = metrics.RootElement.GetProperty("test_accuracy").GetDouble();
        // the same model and weights, each test image decoded, scaled and resized on its own and classified
        // directly: evaluate's accuracy must be the share of those predictions that match the folder's label
        using (var scope = new KerasNet.Engine.TensorScope())
        {
            using var model = OctRetinaExperiment.BuildModel("mobilenet", weights);
            model.load_weights(Path.Combine(run, "final_weights.h5"));
            var files = Directory.GetFiles(Path.Combine(data, "test"), "*.jpeg", SearchOption.AllDirectories);
            Assert.Equal(8, files.Length);
            int right = 0;
            foreach (var f in files)
            {
                var image = tf.image.resize(tf.image.convert_image_dtype(KerasNet.Engine.Image.Read(f), KerasNet.Engine.DType.Float32), (224, 224));
                var p = model.predict(image.Reshape(1, 224, 224, 3)).ArgMax(-1).AsType(KerasNet.Engine.DType.Float64).Item();
                if (OctRetinaExperiment.Labels[(int)p] == Path.GetFileName(Path.GetDirectoryName(f))) right++;
            }
            Assert.Equal(right / 8.0, acc, 6);
        }
        Assert.True(metrics.RootElement.GetProperty("images_per_second").GetDouble() > 0);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(2, config.RootElement.GetProperty("replicas").GetInt32());
        Assert.True(File.Exists(Path.Combine(run, "final_weights.h5")));
    }

    [Fact]
    public void Two_workers_each_decode_half_of_the_epochs_images_and_two_replicas_decode_each_once()
    {
        using var dir = new Fixtures.TempDir();
        var data = Path.Combine(dir.Path, "oct");
        WriteOctTree(data, 8, 1);  // 32 training images: one global batch of 32
        var replicas = Path.Combine(dir.Path, "replicas");
        var previous = KerasConfig.DataDir;
        try
        {
            Assert.Equal(0, Runner.Run(new OctRetinaExperiment(), new ExperimentOptions
            {
                DataDir = data, Backbone = "mobilenet", Weights = null, Replicas = 2, Verbose = 0, Output = replicas,
            }, TextWriter.Null));
        }
        finally
        {
            KerasConfig.DataDir = previous;
        }
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(replicas, "metrics.json"))))
            Assert.Equal(32, metrics.RootElement.GetProperty("images_decoded_first_epoch").GetDouble());

        var workers = Path.Combine(dir.Path, "workers");
        var log = Path.Combine(dir.Path, "workers.log");
        var p = Fixtures.StartExperiments(log, null, "oct-retina", "--data-dir", data, "--backbone", "mobilenet", "--weights", "none",
            "--workers", "2", "--verbose", "0", "--output", workers);
        Assert.True(Fixtures.Finish(p, TimeSpan.FromMinutes(3)) == 0, File.ReadAllText(log));
        var said0 = File.ReadAllText(log);
        var said1 = File.ReadAllText(Path.Combine(workers, "worker-1.log"));
        Assert.True(said0.Contains("worker 0 of 2, epoch 1: 16 images decoded, 16 rows batched, of the epoch's 32"), said0);
        Assert.True(said1.Contains("worker 1 of 2, epoch 1: 16 images decoded, 16 rows batched, of the epoch's 32"), said1);
    }

    [RequiresSharedFileFact(SharedData.MobileNetWeights)]
    public void Two_worker_processes_read_the_batches_in_process_replicas_read()
    {
        // Every process must shuffle file pipelines the same way, or workers compute rows of different
        // batches. One Adam step makes weights sensitive to rounding, but BatchNormalization's moving mean
        // after it depends only on which images each replica saw (with real weights the features depend on
        // the image; random weights saturate and would not show it).
        var weights = SharedData.Find(SharedData.MobileNetWeights)!;
        var data = SharedData.Find("oct2017-samples");
        Assert.NotNull(data);
        using var dir = new Fixtures.TempDir();
        var replicas = Path.Combine(dir.Path, "replicas");
        var previous = KerasConfig.DataDir;
        try
        {
            Assert.Equal(0, Runner.Run(new OctRetinaExperiment(), new ExperimentOptions
            {
                DataDir = data, Backbone = "mobilenet", Weights = weights, Replicas = 2, Verbose = 0, Output = replicas,
            }, TextWriter.Null));
        }
        finally
        {
            KerasConfig.DataDir = previous;
        }
        var workers = Path.Combine(dir.Path, "workers");
        var log = Path.Combine(dir.Path, "workers.log");
        var p = Fixtures.StartExperiments(log, null, "oct-retina", "--data-dir", data!, "--backbone", "mobilenet", "--weights", weights,
            "--workers", "2", "--verbose", "0", "--output", workers);
        Assert.True(Fixtures.Finish(p, TimeSpan.FromMinutes(3)) == 0, File.ReadAllText(log));

        Tensor MovingMean(string run)
        {
            var model = OctRetinaExperiment.BuildModel("mobilenet", weights: null);
            model.load_weights(Path.Combine(run, "final_weights.h5"));
            return ((KerasNet.Keras.Layers.BatchNormalization)model.get_layer("conv_pw_13_bn")).moving_mean.numpy();
        }
        using var a = MovingMean(replicas);
        using var b = MovingMean(workers);
        using var diff = (a - b).Abs().Max();
        Assert.True(diff.Item() <= 1e-6, $"moving means differ by {diff.Item():G3}: the workers saw other batches");
    }

    [Fact]
    public void Missing_or_empty_data_folders_give_clear_errors()
    {
        using var dir = new Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "train", "CNV"));
        var e = Assert.Throws<FileNotFoundException>(() => new OctRetinaExperiment().Run(
            new ExperimentContext(new ExperimentOptions { DataDir = dir.Path, Backbone = "mobilenet", Weights = null }, dir.Path, TextWriter.Null)));
        Assert.Contains(Path.Combine(dir.Path, "train"), e.Message);
        // images in a folder that is not a class: refused before training, naming it
        WriteOctTree(dir.Path, 1, 1);
        Directory.Move(Path.Combine(dir.Path, "train", "DME"), Path.Combine(dir.Path, "train", "dme-extra"));
        var stray = Assert.Throws<InvalidDataException>(() => new OctRetinaExperiment().Run(
            new ExperimentContext(new ExperimentOptions { DataDir = dir.Path, Backbone = "mobilenet", Weights = null }, dir.Path, TextWriter.Null)));
        Assert.Contains("has images in dme-extra/: the class folders must be named CNV, DME, DRUSEN, NORMAL", stray.Message);
        var home = Environment.GetEnvironmentVariable("KERAS_HOME");
        try
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", dir.Path);
            var missing = Assert.Throws<DirectoryNotFoundException>(() => OctRetinaExperiment.Root(new ExperimentOptions()));
            Assert.Contains("--data-dir", missing.Message);
            Assert.Contains("rscbjbr9sj", missing.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", home);
        }
    }
}
