using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Layers;

/// <summary>Keras 3's image preprocessing layers: where a pixel goes, only in training, seeded, and saved with the model.</summary>
public class ImagePreprocessingLayersTests
{
    /// <summary>A 5 × 5 single-channel image, 0 everywhere but 100 at (row, col).</summary>
    private static Tensor Dot(int row, int col, int size = 5)
    {
        var v = new float[size * size];
        v[row * size + col] = 100;
        return Tensor.FromArray(v, 1, size, size, 1);
    }

    private static (int, int) Brightest(Tensor t)
    {
        var v = t.ToArray<float>();
        int w = (int)t.Shape[2], i = Array.IndexOf(v, v.Max());
        return (i / w, i % w);
    }

    [Fact]
    public void Rotation_translation_and_zoom_move_a_pixel_where_Keras_moves_it_and_only_in_training()
    {
        using var scope = new TensorScope();
        // a quarter turn counter-clockwise: the top-right corner goes to the top-left
        var rotate = new RandomRotation(0.25, 0.25, fill_mode: "constant");
        Assert.Equal((0, 0), Brightest(rotate.Apply(Dot(0, 4), training: true)));
        Assert.Equal(100f, rotate.Apply(Dot(0, 4), training: true).ToArray<float>()[0], 3);
        Assert.Equal(Dot(0, 4).ToArray<float>(), rotate.Apply(Dot(0, 4), training: false).ToArray<float>());  // inference: as it is
        // a fifth of the height down, a fifth of the width left: (1, 3) → (2, 2)
        var shift = new RandomTranslation(0.2, -0.2, 0.2, -0.2, fill_mode: "constant");
        Assert.Equal((2, 2), Brightest(shift.Apply(Dot(1, 3), training: true)));
        // zoom in ×2 (z = -0.5): (1, 1), one step from the centre, goes two steps out to (0, 0)
        var zoom = new RandomZoom(-0.5, -0.5, fill_mode: "constant");
        Assert.Equal((0, 0), Brightest(zoom.Apply(Dot(1, 1), training: true)));
        Assert.Equal((2, 2), Brightest(zoom.Apply(Dot(2, 2), training: true)));
    }

    [Fact]
    public void Flips_happen_half_the_time_from_a_seed_and_repeat_with_it()
    {
        using var scope = new TensorScope();
        int Flipped(RandomFlip f) => Enumerable.Range(0, 40).Count(_ => Brightest(f.Apply(Dot(1, 0), training: true)) == (1, 4));
        var a = new RandomFlip("horizontal", seed: 3);
        var b = new RandomFlip("horizontal", seed: 3);
        var seqA = Enumerable.Range(0, 20).Select(_ => Brightest(a.Apply(Dot(1, 0), training: true))).ToList();
        var seqB = Enumerable.Range(0, 20).Select(_ => Brightest(b.Apply(Dot(1, 0), training: true))).ToList();
        Assert.Equal(seqA, seqB);
        Assert.All(seqA, p => Assert.True(p == (1, 0) || p == (1, 4)));  // left-right only, never up-down
        Assert.InRange(Flipped(new RandomFlip("horizontal", seed: 5)), 10, 30);
        var vertical = new RandomFlip("vertical", seed: 1);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Contains(Brightest(vertical.Apply(Dot(1, 0), training: true)), new[] { (1, 0), (3, 0) }));
    }

    [Fact]
    public void Contrast_and_brightness_follow_their_formulas_and_clip_to_the_value_range()
    {
        using var scope = new TensorScope();
        var pixels = new float[] { 10, 50, 90, 130, 170, 250 };
        var x = Tensor.FromArray(pixels, 1, 2, 3, 1);
        var y = new RandomContrast(0.5, seed: 2).Apply(x, training: true).ToArray<float>();
        double mean = pixels.Average();
        double c = (y[1] - mean) / (pixels[1] - mean);  // the factor drawn, read back
        Assert.InRange(c, 0.5, 1.5);
        for (int i = 0; i < pixels.Length; i++)
            Assert.Equal(Math.Clamp((pixels[i] - mean) * c + mean, 0, 255), y[i], 3);
        var z = new RandomBrightness(0.2, seed: 4).Apply(x, training: true).ToArray<float>();
        double delta = z[0] - pixels[0];
        Assert.InRange(delta, -0.2 * 255, 0.2 * 255);
        for (int i = 0; i < pixels.Length; i++) Assert.Equal(Math.Clamp(pixels[i] + delta, 0, 255), z[i], 3);
        Assert.Equal(pixels, new RandomBrightness(0.2).Apply(x, training: false).ToArray<float>());
    }

    [Fact]
    public void Crops_and_resizing_take_the_windows_Keras_takes()
    {
        using var scope = new TensorScope();
        var v = Enumerable.Range(0, 30).Select(i => (float)i).ToArray();
        var x = Tensor.FromArray(v, 1, 5, 6, 1);  // value = row * 6 + col
        var centre = new CenterCrop(3, 2).Apply(x);
        Assert.Equal(new long[] { 1, 3, 2, 1 }, centre.Shape);
        Assert.Equal(new float[] { 8, 9, 14, 15, 20, 21 }, centre.ToArray<float>());  // rows 1-3, columns 2-3
        var small = Tensor.FromArray(new float[] { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30 }, 1, 4, 4, 1);
        var resized = new Resizing(2, 2).Apply(small).ToArray<float>();
        Assert.Equal(new float[] { 5, 9, 21, 25 }, resized);  // half-pixel bilinear: the mean of each 2 × 2 block
        var crop = new RandomCrop(2, 3, seed: 1);
        for (int k = 0; k < 10; k++)
        {
            var w = crop.Apply(x, training: true).ToArray<float>();
            int r0 = (int)w[0] / 6, c0 = (int)w[0] % 6;
            Assert.Equal(new float[] { w[0], w[0] + 1, w[0] + 2, w[0] + 6, w[0] + 7, w[0] + 8 }, w);  // a contiguous 2 × 3 window
            Assert.InRange(r0, 0, 3);
            Assert.InRange(c0, 0, 3);
        }
        Assert.Equal(new long[] { 1, 2, 3, 1 }, crop.Apply(x, training: false).Shape);  // inference: the centred window, resized
    }

    [Fact]
    public void Resized_crops_take_windows_of_the_area_and_ratio_asked_and_colour_jitter_follows_torchvisions_formulas()
    {
        using var scope = new TensorScope();
        var crop = new RandomResizedCrop(4, 4, scale: (0.25, 0.5), ratio: (0.5, 2.0), seed: 3);
        for (int k = 0; k < 50; k++)
        {
            var (top, left, h, w) = crop.Window(40, 60);
            Assert.InRange(h * w, 0.25 * 2400 * 0.85, 0.5 * 2400 * 1.15);  // the area fraction (rounding aside)
            Assert.InRange((double)w / h, 0.5 * 0.85, 2.0 * 1.15);
            Assert.InRange(top, 0, 40 - h);
            Assert.InRange(left, 0, 60 - w);
        }
        var x = Fixtures.RandomTensor([2, 40, 60, 3], seed: 2).Abs() * 100.0;
        Assert.Equal(new long[] { 2, 4, 4, 3 }, crop.Apply(x, training: true).Shape);
        Assert.Equal(new long[] { 2, 4, 4, 3 }, crop.Apply(x, training: false).Shape);
        // saturation 0 … 2 around each pixel's grey: a grey pixel stays, a coloured one keeps its grey level
        var pixels = Tensor.FromArray(new float[] { 100, 100, 100, 200, 50, 10 }, 1, 1, 2, 3);
        var jitter = new RandomColorJitter(saturation_factor: 1.0, seed: 5);
        var y = jitter.Apply(pixels, training: true).ToArray<float>();
        Assert.Equal(new float[] { 100, 100, 100 }, y[..3]);
        double grey = 0.299 * 200 + 0.587 * 50 + 0.114 * 10, s = (y[3] - grey) / (200 - grey);
        Assert.InRange(s, 0, 2);
        Assert.Equal(Math.Clamp(grey + (50 - grey) * s, 0, 255), y[4], 3);
        Assert.Equal(pixels.ToArray<float>(), new RandomColorJitter().Apply(pixels, training: true).ToArray<float>());  // ColorJitter(): identity
        Assert.Throws<ArgumentException>(() => new RandomColorJitter(hue_factor: 1.5));
    }

    [RequiresPythonModuleFact("colorsys")]
    public void Hue_turns_as_colorsys_computes_it_and_jitter_draws_within_half_the_factor()
    {
        using var scope = new TensorScope();
        // grey, the primaries, and random colours (0-255), turned by 0.3 of the circle; reference: Python's colorsys
        var rgb = new List<float> { 128, 128, 128, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0 };
        var rng = new Random(4);
        for (int i = 0; i < 60; i++) rgb.Add(rng.Next(0, 256));
        int n = rgb.Count / 3;
        var image = Tensor.FromArray(rgb.ToArray(), 1, n, 3);
        var ours = RandomHue.Turn(image, 0.3, (0, 255), "hue").ToArray<float>();
        var script = "import colorsys, sys\nv = [float(t) for t in sys.argv[1].split(',')]\nout = []\n" +
            "for i in range(0, len(v), 3):\n    h, s, x = colorsys.rgb_to_hsv(v[i] / 255, v[i + 1] / 255, v[i + 2] / 255)\n" +
            "    out += [c * 255 for c in colorsys.hsv_to_rgb((h + 0.3) % 1.0, s, x)]\nprint(' '.join(repr(c) for c in out))";
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", script, string.Join(',', rgb)]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var expected = p.StandardOutput.ReadToEnd().Trim().Split(' ').Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        p.WaitForExit();
        Assert.Equal(expected.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(expected[i] - ours[i]) < 2e-3, $"value {i}: {ours[i]} vs colorsys {expected[i]}");
        // red turned by a third is green; a turn of 0 or of the whole circle is the identity
        Assert.Equal(new float[] { 0, 255, 0 }, RandomHue.Turn(Tensor.FromArray(new float[] { 255, 0, 0 }, 1, 1, 3), 1.0 / 3, (0, 255), "hue").ToArray<float>().Select(v => MathF.Round(v, 2)));
        Assert.Equal(image.ToArray<float>(), new RandomHue(0.0).Apply(image, training: true).ToArray<float>());
        // RandomHue(f) turns by at most f / 2 (both ways); at inference not at all
        var layer = new RandomHue(0.2, seed: 3);
        var red = Tensor.FromArray(new float[] { 255, 0, 0 }, 1, 1, 3);
        var hues = Enumerable.Range(0, 200).Select(_ =>
        {
            var (h, _, _) = RandomHue.RgbToHsv(layer.Apply(red, training: true) / 255.0);
            double v = h.ToArray<float>()[0];
            return v > 0.5 ? v - 1 : v;
        }).ToList();
        Assert.InRange(hues.Min(), -0.1 - 1e-6, -0.05);
        Assert.InRange(hues.Max(), 0.05, 0.1 + 1e-6);
        Assert.Equal(red.ToArray<float>(), layer.Apply(red, training: false).ToArray<float>());
        var jittered = new RandomColorJitter(hue_factor: 0.5, seed: 1).Apply(red, training: true).ToArray<float>();
        Assert.NotEqual(red.ToArray<float>(), jittered);
    }

    [Fact]
    public void The_layers_take_images_of_another_size_after_their_first_call_as_in_a_tf_data_map()
    {
        using var scope = new TensorScope();
        var flip = new RandomFlip("horizontal", seed: 1);
        var crop = new CenterCrop(4, 4);
        foreach (var shape in new long[][] { [8, 8, 3], [10, 13, 3], [2, 6, 5, 3] })
        {
            var x = Tensor.Zeros(shape);
            Assert.Equal(shape, flip.Apply(x, training: true).Shape);
            Assert.Equal(shape.Length == 3 ? new long[] { 4, 4, 3 } : [2, 4, 4, 3], crop.Apply(x).Shape);
        }
    }

    [Fact]
    public void The_layers_train_inside_a_model_and_round_trip_through_model_save()
    {
        using var dir = new Fixtures.TempDir();
        var model = keras.Sequential([
            keras.layers.RandomFlip("horizontal", seed: 1, name: "flip"),
            keras.layers.RandomRotation(0.1, seed: 2),
            keras.layers.RandomZoom(0.2, seed: 3),
            keras.layers.RandomTranslation(0.1, 0.1, seed: 4),
            keras.layers.RandomContrast(0.2, seed: 5),
            keras.layers.RandomBrightness(0.1, seed: 6),
            keras.layers.RandomHue(0.1, seed: 8),
            keras.layers.RandomColorJitter(0.1, 0.1, 0.1, 0.1, seed: 9),
            keras.layers.RandomCrop(10, 10, seed: 7),
            keras.layers.Resizing(8, 8),
            keras.layers.CenterCrop(6, 6),
            keras.layers.Rescaling(1.0 / 255),
            keras.layers.Conv2D(2, 3, activation: "relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation: "sigmoid"),
        ]);
        model.build(new Shape(12, 12, 3));
        model.compile(optimizer: keras.optimizers.Adam(), loss: "binary_crossentropy");
        using var x = Fixtures.RandomTensor([8, 12, 12, 3], seed: 3).Abs() * 200.0;
        using var y = Tensor.FromArray(new float[] { 0, 1, 0, 1, 0, 1, 0, 1 }, 8, 1);
        var h = model.fit(x, y, batch_size: 4, epochs: 1, verbose: 0);
        Assert.True(double.IsFinite(h.history["loss"][0]));
        var path = Path.Combine(dir.Path, "m.keras");
        model.save(path);
        using var loaded = keras.models.load_model(path);
        Assert.Equal(model.to_json(), loaded.to_json());
        using var a = model.predict(x, verbose: 0);
        using var b = loaded.predict(x, verbose: 0);
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());  // inference: random layers are identities, crops deterministic
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_the_layer()
    {
        Assert.Contains("RandomFlip: mode", Assert.Throws<ArgumentException>(() => new RandomFlip("diagonal")).Message);
        Assert.Contains("fill_mode", Assert.Throws<ArgumentException>(() => new RandomZoom(0.1, fill_mode: "mirror")).Message);
        Assert.Contains("Resizing: height and width", Assert.Throws<ArgumentException>(() => new Resizing(0, 4)).Message);
        Assert.Contains("takes images", Assert.Throws<ArgumentException>(() => new RandomFlip().Apply(Tensor.Zeros([4, 4]), training: true)).Message);
    }
}
