using KerasNet.Engine;
using KerasNet.Keras.Preprocessing;
using KerasNet.TF.Data;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Preprocessing;

public class ImageDataGeneratorTests
{
    private static readonly ImageDataGenerator Plain = new();

    /// <summary>A 5×5 single-channel image that is 0 everywhere but 1 at (r, c).</summary>
    private static Tensor Dot(int r, int c, int size = 5)
    {
        var v = new float[size * size];
        v[r * size + c] = 1;
        return Tensor.FromArray(v, size, size, 1);
    }

    private static (int R, int C) Peak(Tensor img)
    {
        var v = img.ToArray<float>();
        int size = (int)img.Shape[1];
        int i = Array.IndexOf(v, v.Max());
        return (i / size, i % size);
    }

    private static ImageDataGenerator.Transform T(double theta = 0, double tx = 0, double ty = 0, double shear = 0, double zx = 1,
        double zy = 1, bool fh = false, bool fv = false) => new(theta, tx, ty, shear, zx, zy, fh, fv);

    [Fact]
    public void Rotation_by_90_degrees_moves_a_pixel_where_the_matrix_says()
    {
        using var scope = new TensorScope();
        // centre o = 2: out(r, c) = in(2o - c, r) for θ = 90°; so in(0, 1) lands at out(1, 4)
        var out90 = Plain.apply_transform(Dot(0, 1), T(theta: 90));
        Assert.Equal((1, 4), Peak(out90));
        Assert.Equal(1f, out90.Max().Item() is var m ? (float)m : 0, 4);
    }

    [Fact]
    public void Shift_flip_and_zoom_move_the_pattern_as_specified()
    {
        using var scope = new TensorScope();
        // shift: out(r, c) = in(r + tx, c + ty): in(3, 2) shows at out(1, 3) for tx = 2, ty = -1
        Assert.Equal((1, 3), Peak(Plain.apply_transform(Dot(3, 2), T(tx: 2, ty: -1))));
        Assert.Equal((3, 4 - 1), Peak(Plain.apply_transform(Dot(3, 1), T(fh: true))));
        Assert.Equal((4 - 3, 1), Peak(Plain.apply_transform(Dot(3, 1), T(fv: true))));
        // zoom 0.5 about the centre: out(r, c) = in(o + 0.5 (r - o), ...): in(3, 2) shows at out(4, 2)
        Assert.Equal((4, 2), Peak(Plain.apply_transform(Dot(3, 2), T(zx: 0.5, zy: 0.5))));
    }

    [Theory]
    [InlineData("constant", new float[] { 2, 3, 4, -1, -1 })]
    [InlineData("nearest", new float[] { 2, 3, 4, 4, 4 })]
    [InlineData("reflect", new float[] { 2, 3, 4, 4, 3 })]
    [InlineData("wrap", new float[] { 2, 3, 4, 0, 1 })]
    public void Fill_modes_fill_what_the_shift_uncovers_as_Keras_describes(string mode, float[] expectedRow)
    {
        using var scope = new TensorScope();
        var g = new ImageDataGenerator(fill_mode: mode, cval: -1);
        var row = Tensor.FromArray(new float[] { 0, 1, 2, 3, 4 }, 1, 5, 1);
        var shifted = g.apply_transform(row, T(ty: 2)).ToArray<float>();
        Assert.Equal(expectedRow, shifted);
    }

    [Fact]
    public void Random_transforms_draw_within_the_ranges()
    {
        var g = new ImageDataGenerator(rotation_range: 50, width_shift_range: 0.2, height_shift_range: 0.2, shear_range: 0.2,
            zoom_range: 0.3, horizontal_flip: true);
        var rng = new Random(1);
        var ts = Enumerable.Range(0, 500).Select(_ => g.get_random_transform((150, 100), rng)).ToList();
        Assert.All(ts, t => Assert.InRange(t.theta, -50, 50));
        Assert.All(ts, t => Assert.InRange(t.tx, -30, 30));   // 0.2 × height 150
        Assert.All(ts, t => Assert.InRange(t.ty, -20, 20));   // 0.2 × width 100
        Assert.All(ts, t => Assert.InRange(t.zx, 0.7, 1.3));
        Assert.InRange(ts.Count(t => t.flip_horizontal), 200, 300);
        Assert.DoesNotContain(ts, t => t.flip_vertical);
    }

    [Fact]
    public void Flow_keeps_labels_with_their_images_reshuffles_each_epoch_and_is_repeatable_with_a_seed()
    {
        // image i is filled with the value i; its label is i
        int n = 10;
        var x = Tensor.FromArray(Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat((float)i, 4 * 4 * 3)).ToArray(), n, 4, 4, 3);
        var y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), n);
        var g = new ImageDataGenerator(rescale: 0.5, horizontal_flip: true);
        var flow = g.flow(x, y, batch_size: 4, seed: 3);
        Assert.Equal(3, flow.EpochLength);
        var batches = flow.Take(6).ToList();
        Assert.Equal(new long[] { 4, 4, 4, 3 }, batches[0].Item1.Shape);
        Assert.Equal(2, batches[2].Item1.Shape[0]);  // the last batch of an epoch is smaller
        foreach (var (bx, by) in batches)
        {
            var labels = by.ToArray<float>();
            var firstPixels = bx.Reshape(bx.Shape[0], -1).Narrow(1, 0, 1).ToArray<float>();
            for (int i = 0; i < labels.Length; i++) Assert.Equal(labels[i] * 0.5f, firstPixels[i]);
        }
        var epoch1 = batches.Take(3).SelectMany(b => b.Item2.ToArray<float>()).ToList();
        var epoch2 = batches.Skip(3).SelectMany(b => b.Item2.ToArray<float>()).ToList();
        Assert.Equal(Enumerable.Range(0, n).Select(i => (float)i), epoch1.Order());
        Assert.NotEqual(epoch1, epoch2);
        var again = g.flow(x, y, batch_size: 4, seed: 3).Take(3).SelectMany(b => b.Item2.ToArray<float>()).ToList();
        Assert.Equal(epoch1, again);
        foreach (var b in batches) Elements.Dispose(b);
    }

    private static string ClassTree(Fixtures.TempDir dir, int perClass)
    {
        foreach (var (cls, value) in new[] { ("cats", 40), ("dogs", 200) })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, cls));
            for (int i = 0; i < perClass; i++)
                keras.utils.save_img(Path.Combine(dir.Path, cls, $"{cls}.{i}.png"), Tensor.Full([6, 8, 3], value + i));
        }
        return dir.Path;
    }

    [Fact]
    public void Flow_from_directory_labels_by_sorted_class_folder()
    {
        using var dir = new Fixtures.TempDir();
        ClassTree(dir, 3);
        var it = new ImageDataGenerator(rescale: 1.0 / 255).flow_from_directory(dir.Path, target_size: (4, 4), class_mode: "binary",
            batch_size: 6, shuffle: false);
        Assert.Equal(new Dictionary<string, int> { ["cats"] = 0, ["dogs"] = 1 }, it.class_indices);
        var (bx, by) = it.First();
        Assert.Equal(new long[] { 6, 4, 4, 3 }, bx.Shape);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1 }, by.ToArray<float>());
        Assert.Equal(40 / 255f, bx.Narrow(0, 0, 1).Max().Item(), 5);
        Assert.Equal(202 / 255f, bx.Narrow(0, 5, 1).Max().Item(), 5);
        var cat = new ImageDataGenerator().flow_from_directory(dir.Path, target_size: (4, 4), batch_size: 2, shuffle: false).First();
        Assert.Equal(new float[] { 1, 0, 1, 0 }, cat.Item2.ToArray<float>());
        Elements.Dispose((bx, by));
        Elements.Dispose(cat);
        Assert.Throws<ArgumentException>(() => new ImageDataGenerator().flow_from_directory(Path.Combine(dir.Path, "cats")));
    }

    [Fact]
    public void Image_dataset_from_directory_splits_without_overlap()
    {
        using var dir = new Fixtures.TempDir();
        ClassTree(dir, 5);
        var train = keras.utils.image_dataset_from_directory(dir.Path, image_size: (4, 4), batch_size: 4, seed: 1, validation_split: 0.2,
            subset: "training", label_mode: "categorical");
        var val = keras.utils.image_dataset_from_directory(dir.Path, image_size: (4, 4), batch_size: 4, seed: 1, validation_split: 0.2,
            subset: "validation", label_mode: "categorical");
        var trainValues = train.SelectMany(b => { var v = b.Item1.Reshape(b.Item1.Shape[0], -1).Narrow(1, 0, 1).ToArray<float>(); Elements.Dispose(b); return v; }).ToList();
        var valValues = val.SelectMany(b => { var v = b.Item1.Reshape(b.Item1.Shape[0], -1).Narrow(1, 0, 1).ToArray<float>(); Elements.Dispose(b); return v; }).ToList();
        Assert.Equal(8, trainValues.Count);
        Assert.Equal(2, valValues.Count);
        Assert.Empty(trainValues.Intersect(valValues));
        var (x, y) = train.First();
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal(new long[] { 4, 2 }, y.Shape);
        Elements.Dispose((x, y));
    }

    [Fact]
    public void Fit_trains_on_a_generator_with_steps_per_epoch_and_validation_steps()
    {
        keras.utils.set_random_seed(3);  // a fixed initialisation: the accuracy check is the same every run
        int n = 24;
        var x = Tensor.FromArray(Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat(i % 2 == 0 ? -0.5f : 0.5f, 8 * 8 * 3)).ToArray(), n, 8, 8, 3);
        var y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % 2)).ToArray(), n);
        var model = keras.Sequential([keras.layers.Flatten(input_shape: (8, 8, 3)), keras.layers.Dense(1, activation: "sigmoid")]);
        model.compile(optimizer: keras.optimizers.RMSprop(0.01), loss: "binary_crossentropy", metrics: ["accuracy"]);
        var g = new ImageDataGenerator(horizontal_flip: true);
        var h = model.fit(g.flow(x, y, batch_size: 6, seed: 1), epochs: 3, steps_per_epoch: 5, verbose: 0,
            validation_data: g.flow(x, y, batch_size: 6, seed: 2), validation_steps: 2);
        Assert.Equal(3, h.history["loss"].Count);
        Assert.True(h.history["val_accuracy"][^1] == 1.0, string.Join("; ", h.history.Select(kv => kv.Key + "=" + string.Join(",", kv.Value.Select(v => v.ToString("F3"))))));
        // a finite dataset without repeat() runs out: Keras stops with a warning
        var finite = KerasNet.TF.TensorFlowApi.tf.data.Dataset.from_tensor_slices(x, y).batch(6);
        var short_ = model.fit(finite, epochs: 3, steps_per_epoch: 3, verbose: 0);
        Assert.Equal(2, short_.epoch.Count);
        var batches = new BatchCounter();
        model.fit(finite, epochs: 1, verbose: 0, callbacks: [batches]);
        Assert.Equal(4, batches.Count);  // one pass of 24 samples in batches of 6
    }

    private sealed class BatchCounter : KerasNet.Keras.Callbacks.Callback
    {
        public int Count;

        public override void on_train_batch_end(int batch, IDictionary<string, double>? logs = null) => Count++;
    }

    [Fact]
    public void Input_wait_counts_the_time_fit_waits_for_batches()
    {
        using var x = Tensor.Zeros([8, 2]);
        using var y = Tensor.Zeros([8, 1]);
        using var model = keras.Sequential([keras.layers.Dense(1, input_shape: 2)]);
        model.compile(optimizer: "sgd", loss: "mse");
        // each batch takes 40 ms to produce, without prefetch: fit waits at least that long for each of 4
        var slow = KerasNet.TF.TensorFlowApi.tf.data.Dataset.from_tensor_slices(x, y).batch(2)
            .map(b => { Thread.Sleep(40); return b; });
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var h = model.fit(slow, epochs: 1, verbose: 0);
        wall.Stop();
        // at least the 4 sleeps (timer granularity aside), at most the whole fit; the wait for the end of
        // the data after the last batch counts as input wait too, so it is no part of any step
        Assert.InRange(h.InputWaitSeconds, 4 * 0.040 * 0.9, wall.Elapsed.TotalSeconds);
        // a ready input costs next to nothing to wait for
        var ready = KerasNet.TF.TensorFlowApi.tf.data.Dataset.from_tensor_slices(x, y).batch(2);
        var fast = model.fit(ready, epochs: 1, verbose: 0);
        Assert.True(fast.InputWaitSeconds < 4 * 0.040 * 0.5, $"waited {fast.InputWaitSeconds:F3} s for in-memory batches");
    }
}

public class ImageDataGeneratorFlipFoldingTests
{
    [Fact]
    public void A_flip_folded_into_the_affine_pass_equals_flipping_afterwards()
    {
        using var scope = new TensorScope();
        var g = new ImageDataGenerator();
        var img = Fixtures.RandomTensor([7, 6, 3], seed: 4);
        var t = new ImageDataGenerator.Transform(30, 1.5, -2, 10, 0.9, 1.2, false, false);
        var affineThenFlip = g.apply_transform(img, t).IndexSelect(1, Tensor.ReversedRange(6)).IndexSelect(0, Tensor.ReversedRange(7));
        var folded = g.apply_transform(img, t with { flip_horizontal = true, flip_vertical = true });
        var a = affineThenFlip.ToArray<float>();
        var b = folded.ToArray<float>();
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-4, $"{i}: {a[i]} vs {b[i]}");
    }
}
