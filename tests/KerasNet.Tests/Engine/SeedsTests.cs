using KerasNet.Engine;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Tests.Engine;

public class SeedsTests
{
    // The values below are what every process must compute. They were recorded from this implementation;
    // they guard repeatability across runs and across workers: .NET's HashCode, used here before, is seeded
    // randomly per process, so a run (or a worker) started again shuffled differently with the same --seed.
    [Fact]
    public void Derived_seeds_and_seeded_shuffles_are_the_same_in_every_process()
    {
        Assert.Equal(-427574684, Seeds.Combine(42, 0));
        Assert.Equal(1690779396, Seeds.Combine(42, 1, 0, 7));
        Assert.NotEqual(Seeds.Combine(42, 0), Seeds.Combine(42, 1));
        Assert.NotEqual(Seeds.Combine(1, 2), Seeds.Combine(2, 1));

        var order = tf.data.Dataset.from_tensor_slices(Enumerable.Range(0, 8).Select(i => $"f{i}").ToArray())
            .shuffle(8, seed: 42).ToList();
        Assert.Equal("f2,f3,f5,f0,f7,f4,f1,f6", string.Join(",", order));
    }
}
