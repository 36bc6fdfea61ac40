using KerasNet.Engine;
using KerasNet.Harness;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Harness;

public class ExplainerTests
{
    [Fact]
    public void Overlays_blend_the_jet_colored_map_at_40_percent_and_resizing_keeps_a_constant_map()
    {
        Assert.Equal((0.0, 0.0, 0.5), HeatmapOverlay.Jet(0));
        Assert.Equal((0.5, 0.0, 0.0), HeatmapOverlay.Jet(1));
        Assert.Equal((0.5, 1.0, 0.5), HeatmapOverlay.Jet(0.5));
        var flat = new float[3, 3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) flat[i, j] = 0.25f;
        Assert.All(HeatmapOverlay.Resize(flat, 10, 7), v => Assert.Equal(0.25f, v, 6));
        var ramp = new float[1, 2] { { 0f, 1f } };
        var wide = HeatmapOverlay.Resize(ramp, 1, 4);  // cell centres at 0.5 and 2.5 of 4 pixels: 0, 0.25, 0.75, 1
        Assert.Equal(new[] { 0f, 0.25f, 0.75f, 1f }, wide);
        var one = HeatmapOverlay.Blend([100f, 100f, 100f], 1, 1, new float[1, 1] { { 1f } });
        Assert.Equal(new byte[] { (byte)Math.Round(0.6 * 100 + 0.4 * 127.5), 60, 60 }, one);
    }

    [Fact]
    public void Explain_writes_a_png_overlay_and_the_raw_map_per_image_for_a_saved_model()
    {
        using var dir = new Fixtures.TempDir();
        keras.utils.set_random_seed(3);
        var model = keras.Sequential([keras.layers.Conv2D(4, 3, activation: "relu", input_shape: (20, 24, 3), name: "conv"),
            keras.layers.MaxPooling2D(2), keras.layers.Flatten(), keras.layers.Dense(1, activation: "sigmoid")]);
        var path = Path.Combine(dir.Path, "m.keras");
        model.save(path);
        File.WriteAllText(Path.Combine(dir.Path, "labels.txt"), "cat\ndog\n");
        var images = Path.Combine(dir.Path, "images");
        Directory.CreateDirectory(images);
        foreach (var name in new[] { "a.jpg", "b.png" })
        {
            using var img = Fixtures.RandomTensor([30, 30, 3], seed: name[0]).Abs() * 200.0;
            keras.utils.save_img(Path.Combine(images, name), img);
        }
        var results = new Explainer(path).Run(Predictor.Images([images]), null, "dog", Path.Combine(dir.Path, "out"), TextWriter.Null);
        Assert.Equal(2, results.Count);
        foreach (var r in results)
        {
            Assert.Equal("dog", r.Label);
            Assert.Equal("conv", r.Layer);
            using var png = keras.utils.load_img(r.Png);
            Assert.Equal(new long[] { 20, 24, 3 }, png.Shape);  // drawn at the model's input size
            var rows = File.ReadAllLines(r.Csv);
            Assert.Equal(18, rows.Length);  // the conv layer's 18 × 22 grid
            Assert.All(rows, row => Assert.Equal(22, row.Split(',').Length));
        }
        Assert.Contains("neither a class name (cat, dog) nor a class index",
            Assert.Throws<ArgumentException>(() => new Explainer(path).Run(Predictor.Images([images]), null, "bird", null, TextWriter.Null)).Message);
    }
}
