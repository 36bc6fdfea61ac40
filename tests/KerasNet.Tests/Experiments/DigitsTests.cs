using System.Text.Json;
using KerasNet.Engine;
using KerasNet.Experiments.Experiments;
using KerasNet.Harness;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Experiments;

public class DigitsTests
{
    /// <summary>The digits layout with <paramref name="n"/> 28×28 grey images, labels cycling through <paramref name="classes"/> (grey level by label).</summary>
    internal static string WriteDigits(string dir, int n, int classes = 3)
    {
        using var scope = new TensorScope();
        var rng = new Random(9);
        var labels = Enumerable.Range(0, n).Select(i => (float)(i % classes)).ToArray();
        var pixels = new float[n * 28 * 28];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < 28 * 28; p++) pixels[i * 784 + p] = (float)Math.Clamp(30 + 80 * labels[i] + rng.Next(-25, 25), 0, 255);
        DigitsPrepare.Write(dir, Tensor.FromArray(pixels, n, 28, 28).AsType(DType.UInt8), Tensor.FromArray(labels, n));
        return dir;
    }

    [Fact]
    public void The_layout_round_trips_labels_sorted_as_get_dummies_sorts_them()
    {
        using var dir = new Fixtures.TempDir();
        WriteDigits(dir.Path, 12, classes: 3);
        Assert.Equal("filename,label", File.ReadLines(Path.Combine(dir.Path, "train.csv")).First());
        var rows = DigitsData.Read(dir.Path);
        Assert.Equal(12, rows.Count);
        Assert.Equal(Path.Combine(dir.Path, "Images", "train", "4.png"), rows[4].Path);
        Assert.Equal("1", rows[4].Label);
        Assert.Equal(["2", "9", "10"], DigitsData.Classes(["10", "2", "9", "2"]));  // get_dummies sorts numbers as numbers, not "10" first
        Assert.Equal(["cat", "dog"], DigitsData.Classes(["dog", "cat"]));
        using var y = DigitsData.OneHot(["2", "10", "2"], ["2", "9", "10"]);
        Assert.Equal([1f, 0, 0, 0, 0, 1, 1, 0, 0], y.ToArray<float>());
        // the images decode as the grey levels written, RGB at 224 as load_img(target_size=(224, 224)) gives them
        using var scope = new TensorScope();
        var x = DigitsData.LoadImages([rows[0].Path, rows[1].Path], 224, TextWriter.Null);
        Assert.Equal([2L, 224, 224, 3], x.Shape);
        Assert.InRange(x.Narrow(0, 1, 1).Mean().Item(), 85, 135);
    }

    [Fact]
    public void A_csv_with_quoted_names_images_beside_it_reads_and_bad_rows_are_named()
    {
        using var dir = new Fixtures.TempDir();
        using (var img = Tensor.Zeros([5, 5, 1])) keras.utils.save_img(Path.Combine(dir.Path, "a, b.png"), img);
        File.WriteAllText(Path.Combine(dir.Path, "train.csv"), "filename,label\n\"a, b.png\",3\n\"a, b.png\",4\n");
        var rows = DigitsData.Read(dir.Path);
        Assert.Equal(Path.Combine(dir.Path, "a, b.png"), rows[0].Path);
        Assert.Equal("4", rows[1].Label);

        File.WriteAllText(Path.Combine(dir.Path, "train.csv"), "filename,label\nmissing.png,1\n");
        var e = Assert.Throws<FileNotFoundException>(() => DigitsData.Read(dir.Path));
        Assert.Contains("line 2: no image", e.Message);
        Assert.Contains("missing.png", e.Message);
        File.WriteAllText(Path.Combine(dir.Path, "train.csv"), "name,class\nx.png,1\n");
        Assert.Contains("the columns filename and label", Assert.Throws<InvalidDataException>(() => DigitsData.Read(dir.Path)).Message);
        File.Delete(Path.Combine(dir.Path, "train.csv"));
        Assert.Contains("digits-prepare", Assert.Throws<FileNotFoundException>(() => DigitsData.Read(dir.Path)).Message);
    }

    [Fact]
    public void Features_runs_end_to_end_the_scripts_mlp_on_the_split()
    {
        using var dir = new Fixtures.TempDir();
        var data = WriteDigits(Path.Combine(dir.Path, "digits"), 20);
        var run = Path.Combine(dir.Path, "run");
        var said = new StringWriter();
        Assert.Equal(0, Runner.Run(new DigitsVgg16Features(), new ExperimentOptions
        {
            DataDir = data, Backbone = "mobilenet", Weights = null, Epochs = 2, Output = run, Verbose = 0,
        }, said));
        Assert.Contains("20 images of 3 classes (0, 1, 2)", said.ToString());
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(14, config.RootElement.GetProperty("train_images").GetInt32());  // train_test_split(test_size=0.3): ceil(6) test
        Assert.Equal(6, config.RootElement.GetProperty("validation_images").GetInt32());
        Assert.Equal(7 * 7 * 256, config.RootElement.GetProperty("features").GetInt32());  // MobileNet α 0.25 at 224: 7×7×256
        var model = keras.models.load_model(Path.Combine(run, "model.keras"));
        Assert.Equal(["Dense", "Dense", "Dense", "Dense", "Activation"], model.layers.Select(l => l.GetType().Name));
        Assert.Equal(7 * 7 * 256 * 1000 + 1000 + 1000 * 500 + 500 + 500 * 150 + 150 + 150 * 3 + 3, model.count_params());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "training_log.csv")).Length);
    }

    [Fact]
    public void Finetune_runs_end_to_end_and_prints_the_validation_log_loss()
    {
        using var dir = new Fixtures.TempDir();
        var data = WriteDigits(Path.Combine(dir.Path, "digits"), 10);
        var run = Path.Combine(dir.Path, "run");
        var said = new StringWriter();
        Assert.Equal(0, Runner.Run(new DigitsVgg16Finetune(), new ExperimentOptions
        {
            DataDir = data, Backbone = "mobilenet", Weights = null, Epochs = 1, Output = run, Verbose = 0,
        }, said));
        var line = said.ToString().Split('\n').Single(l => l.StartsWith("log_loss of the 2 validation predictions: "));
        double score = double.Parse(line.Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal(score, metrics.RootElement.GetProperty("val_log_loss").GetDouble(), 5);
        Assert.InRange(score, 0.01, 20);
        // layers[:8] of MobileNet + the new head: the input and the first 7 layers
        Assert.Matches(@"frozen: input_\d+, conv1, conv1_bn, conv1_relu, conv_dw_1, conv_dw_1_bn, conv_dw_1_relu, conv_pw_1\n", said.ToString());
    }

    [Fact]
    public void The_vgg16_model_is_vgg16_with_top_less_its_predictions_layer_plus_a_new_softmax()
    {
        var model = DigitsVgg16Finetune.Build("vgg16", weights: null, classes: 10);
        // Keras's VGG16 with top: 138,357,544 parameters; its predictions layer 4096·1000 + 1000; the new one 4096·10 + 10
        Assert.Equal(138_357_544L - 4_097_000 + 40_970, model.count_params());
        Assert.Equal("fc2", model.layers[^2].name);
        Assert.IsType<KerasNet.Keras.Layers.InputLayer>(model.layers[0]);
        Assert.Equal(["block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2", "block2_pool", "block3_conv1"],
            model.layers.Skip(1).Where(l => !l.trainable).Select(l => l.name));
        model.Dispose();
    }
}
