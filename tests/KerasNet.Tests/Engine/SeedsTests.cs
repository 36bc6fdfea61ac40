using KerasNet.Engine;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Tests.Engine;

public class SeedsTests
{
    // Repeatability across runs and across workers: .NET's HashCode, used here before, is seeded randomly per
    // process, so a run (or a worker) started again shuffled differently with the same --seed.
    // The two Combine values were computed independently, by a Python SplitMix64 (Vigna's constants, the
    // same folding). The shuffle order is a change detector: recorded from this implementation, it fails
    // when the shuffle changes, on purpose or not (a change means old runs no longer repeat).
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
