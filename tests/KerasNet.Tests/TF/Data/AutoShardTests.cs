using KerasNet.Engine;
using KerasNet.Keras.Models;
using KerasNet.TF.Data;
using KerasNet.TF.Distribute;
using static KerasNet.KerasApi;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Tests.TF.Data;

/// <summary>Input sharding across the workers of a MultiWorkerMirroredStrategy: two workers as two threads of this process.</summary>
public class AutoShardTests
{
    private const int Elements = 40;

    /// <summary>Element i as a 4×4×1 image of value i / 40 and label i % 2; each call counted, per thread's worker.</summary>
    private sealed class Source
    {
        public readonly int[] Decoded = new int[3];  // [worker 0, worker 1, single process]
        public readonly System.Collections.Concurrent.ConcurrentBag<(int Worker, int Element)> Seen = new();

        public Dataset<(Tensor, Tensor)> Pipeline(int who, int batch, bool mapThenBatch, AutoShardPolicy? policy, int? count = null)
        {
            var ds = tf.data.Dataset.from_tensor_slices<int>([.. Enumerable.Range(0, Elements)]).shuffle(Elements, seed: 7).repeat(count);
            (Tensor, Tensor) Decode(int i)
            {
                Interlocked.Increment(ref Decoded[who]);
                Seen.Add((who, i));
                return (Tensor.Ones([4, 4, 1]) * (i / (double)Elements), Tensor.FromArray([(float)(i % 2)], 1));
            }
            var batched = mapThenBatch ? ds.map(Decode, num_parallel_calls: 2).batch(batch) : ds.map_and_batch(Decode, batch_size: batch);
            if (policy is { } p)
            {
                var options = tf.data.Options();
                options.experimental_distribute.auto_shard_policy = p;
                batched = batched.with_options(options);
            }
            return batched.prefetch(2);
        }
    }

    private static Sequential Build()
    {
        var m = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape: (4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1, activation: "sigmoid")]);
        return m;
    }

    /// <summary>Trains one process and two workers (threads) on the same pipeline; returns the largest weight difference.</summary>
    private static double TrainBoth(Source source, int batch, int steps, bool mapThenBatch, AutoShardPolicy? policy, int? count = null)
    {
        keras.utils.set_random_seed(3);
        var reference = Build();
        var start = reference.get_weights();
        var single = Build();
        single.set_weights(start);
        single.compile(optimizer: keras.optimizers.SGD(0.5), loss: "binary_crossentropy", metrics: ["accuracy"]);
        single.fit(source.Pipeline(2, batch, mapThenBatch, policy, count), epochs: 1, steps_per_epoch: steps, verbose: 0);

        var trained = new Sequential?[2];
        Fixtures.RunTwoWorkerThreads((i, strategy) =>
        {
            Sequential m;
            using (strategy.scope())
            {
                m = Build();
                m.set_weights(start);
                m.compile(optimizer: keras.optimizers.SGD(0.5), loss: "binary_crossentropy", metrics: ["accuracy"]);
            }
            m.fit(source.Pipeline(i, batch, mapThenBatch, policy, count), epochs: 1, steps_per_epoch: steps, verbose: 0);
            trained[i] = m;
        });
        return trained.Max(m => single.get_weights().Zip(m!.get_weights()).Max(p => ((p.First - p.Second).Abs().Max()).Item()));
    }

    [Theory]
    [InlineData(8, false)]   // map_and_batch, even shares: 4 + 4 rows
    [InlineData(5, true)]    // map then batch, shares of 3 and 2
    public void AUTO_workers_decode_only_their_rows_and_train_as_one_process(int batch, bool mapThenBatch)
    {
        // one shuffled pass of 40 elements, every batch trained
        var source = new Source();
        int steps = Elements / batch;
        double max = TrainBoth(source, batch, steps, mapThenBatch, policy: null, count: 1);
        Assert.True(max <= 1e-5, $"2 workers differ from 1 process by {max:G3}");
        var (_, mine0) = Strategy.Share(batch, 2, 0);
        Assert.Equal(Elements, source.Decoded[2]);
        Assert.Equal(steps * mine0, source.Decoded[0]);
        Assert.Equal(steps * (batch - mine0), source.Decoded[1]);
        // together the workers decoded each element once
        Assert.Equal(Enumerable.Range(0, Elements), source.Seen.Where(s => s.Worker < 2).Select(s => s.Element).Order());
    }

    [Fact]
    public void A_short_last_batch_is_divided_by_its_own_size_and_a_batch_of_one_leaves_worker_1_a_weightless_row()
    {
        // 40 elements in batches of 13: 13, 13, 13, 1 — the last one row, worker 1 has none
        var source = new Source();
        double max = TrainBoth(source, 13, steps: 4, mapThenBatch: false, policy: null, count: 1);
        Assert.True(max <= 1e-5, $"2 workers differ from 1 process by {max:G3}");
        Assert.Equal(Elements, source.Decoded[2]);
        Assert.Equal(7 + 7 + 7 + 1, source.Decoded[0]);
        Assert.Equal(6 + 6 + 6 + 1, source.Decoded[1]);  // its stand-in row of the last batch (weight 0)
    }

    [Theory]
    [InlineData(AutoShardPolicy.DATA)]
    [InlineData(AutoShardPolicy.OFF)]
    public void DATA_and_OFF_decode_every_element_on_every_worker_and_still_train_as_one_process(AutoShardPolicy policy)
    {
        var source = new Source();
        double max = TrainBoth(source, 8, steps: 5, mapThenBatch: false, policy, count: 1);
        Assert.True(max <= 1e-5, $"2 workers differ from 1 process by {max:G3}");
        Assert.Equal(Elements, source.Decoded[0]);
        Assert.Equal(Elements, source.Decoded[1]);
    }

    [Fact]
    public void FILE_deals_the_files_out_and_is_refused_where_there_are_none_or_too_few()
    {
        using var dir = new Fixtures.TempDir();
        for (int i = 0; i < 6; i++) File.WriteAllText(Path.Combine(dir.Path, $"{i}.txt"), "x");
        var options = tf.data.Options();
        options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.FILE;
        Assert.Equal(AutoShardPolicy.FILE, tf.data.Dataset.list_files(Path.Combine(dir.Path, "*.txt")).with_options(options).shuffle(3).options()
            .experimental_distribute.auto_shard_policy);
        Assert.Equal(AutoShardPolicy.AUTO, tf.data.Dataset.list_files(Path.Combine(dir.Path, "*.txt")).options().experimental_distribute.auto_shard_policy);
        Dataset<(Tensor, Tensor)> Files() => tf.data.Dataset.list_files(Path.Combine(dir.Path, "*.txt"), shuffle: false)
            .map_and_batch(f => (Tensor.Ones([1]) * double.Parse(Path.GetFileNameWithoutExtension(f)), Tensor.Zeros([1])), batch_size: 2)
            .with_options(options);
        var mine = Files().ForWorker(new WorkerShard(AutoShardPolicy.FILE, 2, 1))!;
        var batches = mine.Select(b => b.Item1.ToArray<float>()).ToList();
        Assert.Equal([[1f], [3f], [5f]], batches);  // worker 1 of 2: files 1, 3, 5, one row (its share of 2) per batch
        var e = Assert.Throws<InvalidOperationException>(() => Files().ForWorker(new WorkerShard(AutoShardPolicy.FILE, 7, 0)));
        Assert.Contains("has 6 file(s), fewer than the 7 workers", e.Message);
        var arrays = tf.data.Dataset.from_tensor_slices(Tensor.Zeros([4, 1]), Tensor.Zeros([4, 1])).batch(2).with_options(options);
        Assert.Contains("reads no files", Assert.Throws<InvalidOperationException>(() => arrays.ForWorker(new WorkerShard(AutoShardPolicy.FILE, 2, 0))).Message);
    }

    [Fact]
    public void Arrays_fed_to_fit_give_each_worker_only_its_rows()
    {
        keras.utils.set_random_seed(5);
        using var x = Fixtures.RandomTensor([24, 4, 4, 1], seed: 2);
        using var y = Tensor.FromArray([.. Enumerable.Range(0, 24).Select(i => (float)(i % 2))], 24, 1);
        var adapterRows = new long[2];
        Fixtures.RunTwoWorkerThreads((i, strategy) =>
        {
            using var adapter = new ArrayDataAdapter(x, y, 8, shuffle: false, steps: null, strategy);
            using var epoch = adapter.OpenEpoch(0);
            while (epoch.MoveNext())
            {
                adapterRows[i] += epoch.Current.X.Shape[0];
                Assert.Equal(8, WorkerRows.GlobalRowsOf(epoch.Current.X));
            }
        });
        Assert.Equal([12L, 12L], adapterRows);
    }
}
