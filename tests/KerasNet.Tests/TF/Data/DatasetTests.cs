using KerasNet.Engine;
using KerasNet.TF.Data;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Tests.TF.Data;

public class DatasetTests
{
    private static Tensor Range(int n) => Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), n);

    /// <summary>Consumes a dataset of scalar or vector tensors into their values, disposing each element.</summary>
    private static List<float[]> Values(IEnumerable<Tensor> ds)
    {
        var result = new List<float[]>();
        foreach (var t in ds)
        {
            result.Add(t.ToArray<float>());
            t.Dispose();
        }
        return result;
    }

    private static List<float> Flat(IEnumerable<Tensor> ds) => Values(ds).SelectMany(v => v).ToList();

    [Fact]
    public void Slices_batch_take_skip_and_repeat_give_the_expected_elements()
    {
        using var x = Range(10);
        var ds = tf.data.Dataset.from_tensor_slices(x);
        Assert.Equal(10, ds.cardinality());
        Assert.Equal(new[] { 4, 4, 2 }, Values(ds.batch(4)).Select(b => b.Length));
        Assert.Equal(new[] { 4, 4 }, Values(ds.batch(4, drop_remainder: true)).Select(b => b.Length));
        Assert.Equal(2, ds.batch(4, drop_remainder: true).cardinality());
        Assert.Equal(new float[] { 3, 4, 5 }, Flat(ds.skip(3).take(3)));
        Assert.Equal(20, Flat(ds.repeat(2)).Count);
        Assert.Equal(Dataset<Tensor>.InfiniteCardinality, ds.repeat().cardinality());
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1 }, Flat(ds.repeat().take(12)));
    }

    [Fact]
    public void Pairs_batch_component_wise()
    {
        using var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 6, 2);
        using var y = Tensor.FromArray(new long[] { 0, 1, 2, 3, 4, 5 }, 6);
        var batches = tf.data.Dataset.from_tensor_slices(x, y).batch(4).ToList();
        Assert.Equal(new long[] { 4, 2 }, batches[0].Item1.Shape);
        Assert.Equal(new long[] { 4, 5 }, batches[1].Item2.ToArray<long>());
        Assert.Equal(new float[] { 8, 9, 10, 11 }, batches[1].Item1.ToArray<float>());
        foreach (var b in batches) Elements.Dispose(b);
    }

    [Fact]
    public void Shuffle_is_a_permutation_repeatable_with_a_seed_and_new_each_pass()
    {
        using var x = Range(50);
        var ds = tf.data.Dataset.from_tensor_slices(x).shuffle(20, seed: 7);
        var first = Flat(ds);
        var second = Flat(ds);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), first.Order());
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (float)i), first);
        Assert.NotEqual(first, second);  // reshuffled each iteration
        Assert.Equal(first, Flat(tf.data.Dataset.from_tensor_slices(x).shuffle(20, seed: 7)));  // same seed, same order
        var fixedOrder = tf.data.Dataset.from_tensor_slices(x).shuffle(20, seed: 7, reshuffle_each_iteration: false);
        Assert.Equal(Flat(fixedOrder), Flat(fixedOrder));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), Flat(tf.data.Dataset.from_tensor_slices(x).shuffle(1)));
    }

    [Fact]
    public void Shuffle_buffer_only_reaches_as_far_as_its_size()
    {
        using var x = Range(100);
        for (int s = 0; s < 20; s++)
        {
            var order = Flat(tf.data.Dataset.from_tensor_slices(x).shuffle(3, seed: s));
            for (int i = 0; i < order.Count; i++)
                Assert.True(order[i] <= i + 2, $"element {order[i]} came out at position {i} from a buffer of 3");
        }
    }

    [Fact]
    public void Parallel_map_keeps_the_order_when_deterministic()
    {
        using var x = Range(40);
        var rng = new Random(3);
        var delays = Enumerable.Range(0, 40).Select(_ => rng.Next(0, 5)).ToArray();
        var ds = tf.data.Dataset.from_tensor_slices(x).map(t =>
        {
            Thread.Sleep(delays[(int)t.Item()]);
            return t * 2;
        }, num_parallel_calls: 4);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (float)(2 * i)), Flat(ds));
        var loose = tf.data.Dataset.from_tensor_slices(x).map(t => t * 2, num_parallel_calls: tf.data.AUTOTUNE, deterministic: false);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (float)(2 * i)), Flat(loose).Order());
    }

    [Fact]
    public void Prefetch_and_zip_pass_elements_through()
    {
        using var x = Range(7);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (float)i), Flat(tf.data.Dataset.from_tensor_slices(x).prefetch(2)));
        var zipped = tf.data.Dataset.zip(tf.data.Dataset.from_tensor_slices(x), tf.data.Dataset.from_tensor_slices(new[] { "a", "b", "c" })).ToList();
        Assert.Equal(new[] { "a", "b", "c" }, zipped.Select(p => p.Item2));
        Assert.Equal(2f, (float)zipped[2].Item1.Item());
        foreach (var p in zipped) p.Item1.Dispose();
    }

    [Fact]
    public void Memory_cache_runs_the_map_once_and_file_cache_survives_the_dataset()
    {
        using var x = Range(5);
        int calls = 0;
        var ds = tf.data.Dataset.from_tensor_slices(x).map(t => { Interlocked.Increment(ref calls); return t + 1; }).cache();
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, Flat(ds));
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, Flat(ds));
        Assert.Equal(5, calls);

        using var dir = new Fixtures.TempDir();
        var file = Path.Combine(dir.Path, "cache.bin");
        calls = 0;
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, Flat(tf.data.Dataset.from_tensor_slices(x).map(t => { calls++; return t + 1; }).cache(file)));
        Assert.True(File.Exists(file));
        var fresh = tf.data.Dataset.from_tensor_slices(x).map(t => { calls++; return t + 1; }).cache(file);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, Flat(fresh));
        Assert.Equal(5, calls);  // the second dataset read the file
        // an interrupted first pass leaves no cache behind
        var partial = Path.Combine(dir.Path, "partial.bin");
        Flat(tf.data.Dataset.from_tensor_slices(x).cache(partial).take(2));
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public void List_files_globs_across_folders_sorted_or_shuffled_and_empty_is_an_error()
    {
        using var dir = new Fixtures.TempDir();
        foreach (var p in new[] { "train/CNV/a.jpeg", "train/DME/b.jpeg", "train/DME/deep/c.jpeg", "train/x.txt" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir.Path, p))!);
            File.WriteAllText(Path.Combine(dir.Path, p), "x");
        }
        var sorted = tf.data.Dataset.list_files(Path.Combine(dir.Path, "train/**/*.jpeg"), shuffle: false).ToList();
        Assert.Equal(new[] { "train/CNV/a.jpeg", "train/DME/b.jpeg", "train/DME/deep/c.jpeg" },
            sorted.Select(p => Path.GetRelativePath(dir.Path, p)));
        Assert.Equal(2, tf.data.Dataset.list_files(Path.Combine(dir.Path, "train/*/*.jpeg"), shuffle: false).Count());
        var a = tf.data.Dataset.list_files(Path.Combine(dir.Path, "train/**/*.jpeg"), seed: 4).ToList();
        Assert.Equal(sorted.Order(), a.Order());
        Assert.Throws<FileNotFoundException>(() => tf.data.Dataset.list_files(Path.Combine(dir.Path, "train/**/*.png")));
        Assert.Throws<DirectoryNotFoundException>(() => tf.data.Dataset.list_files(Path.Combine(dir.Path, "nope/*.jpeg")));
    }

    [Fact]
    public void Errors_surface_in_order_and_ignore_errors_skips_and_counts_them()
    {
        using var x = Range(10);
        Tensor Fail(Tensor t) => (int)t.Item() % 4 == 3 ? throw new InvalidDataException($"element {(int)t.Item()} is bad") : t * 1;
        var ds = tf.data.Dataset.from_tensor_slices(x).map(Fail, num_parallel_calls: 2);
        var seen = new List<float>();
        var e = Assert.Throws<InvalidDataException>(() => { foreach (var t in ds) { seen.Add((float)t.Item()); t.Dispose(); } });
        Assert.Equal("element 3 is bad", e.Message);
        Assert.Equal(new float[] { 0, 1, 2 }, seen);
        var skipping = ds.ignore_errors(log_warning: false);
        Assert.Equal(new float[] { 0, 1, 2, 4, 5, 6, 8, 9 }, Flat(skipping));
        Assert.Equal(new[] { "element 3 is bad", "element 7 is bad" }, skipping.Ignored);
        // through prefetch, from its background thread
        Assert.Throws<InvalidDataException>(() => Flat(ds.prefetch(2)));
    }

    [Fact]
    public void The_OCT_scripts_fused_forms_and_a_lookup_table()
    {
        var table = tf.lookup.index_table_from_tensor(["CNV", "DME", "DRUSEN", "NORMAL"]);
        var paths = new[] { "/d/train/DME/1.jpeg", "/d/train/NORMAL/2.jpeg", "/d/train/CNV/3.jpeg" };
        var ds = tf.data.Dataset.from_tensor_slices(paths)
            .shuffle_and_repeat(4, count: 2, seed: 1)
            .map_and_batch(p =>
            {
                var label = table.lookup(tf.strings.split(p, "/")[^2]);
                return (Tensor.Zeros([2]), tf.one_hot(label, 4));
            }, batch_size: 2);
        var batches = ds.ToList();
        Assert.Equal(3, batches.Count);   // 6 elements in batches of 2
        Assert.Equal(new long[] { 2, 4 }, batches[0].Item2.Shape);
        Assert.Equal(6, batches.Sum(b => b.Item2.Sum().Item()));
        foreach (var b in batches) Elements.Dispose(b);
        var e = Assert.Throws<KeyNotFoundException>(() => table.lookup("MISC"));
        Assert.Contains("MISC", e.Message);
        Assert.Contains("DRUSEN", e.Message);
    }

    [Fact]
    public void A_pipeline_frees_every_tensor_whether_run_to_the_end_or_stopped_early()
    {
        using var x = Range(64);
        using var leaks = TensorTracker.Start();
        var ds = tf.data.Dataset.from_tensor_slices(x).shuffle(16, seed: 1).map(t => t * 3, num_parallel_calls: 2).batch(8).prefetch(2);
        Flat(ds);
        Flat(ds.take(2));
        leaks.AssertNoSurvivors();
    }
}
