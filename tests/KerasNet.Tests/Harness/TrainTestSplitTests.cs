using KerasNet.Harness;

namespace KerasNet.Tests.Harness;

public class TrainTestSplitTests
{
    [Theory]
    [InlineData(49000, 0.3, 14700)]
    [InlineData(10, 0.3, 3)]
    [InlineData(11, 0.3, 4)]   // ceil(3.3)
    [InlineData(3000, 0.2, 600)]
    public void Test_part_is_the_ceiling_and_the_parts_cover_every_row_once(int n, double testSize, int nTest)
    {
        var (train, test) = TrainTestSplit.Indices(n, testSize, 42);
        Assert.Equal(nTest, test.Length);
        Assert.Equal(n - nTest, train.Length);
        Assert.Equal(Enumerable.Range(0, n), train.Concat(test).Order());
    }

    [Fact]
    public void The_test_rows_lead_the_permutation_as_in_ShuffleSplit()
    {
        var p = new NumpyRandomState(42).permutation(20);
        var (train, test) = TrainTestSplit.Indices(20, 0.25, 42);
        Assert.Equal(p[..5], test);
        Assert.Equal(p[5..], train);
        Assert.NotEqual(Enumerable.Range(0, 5), test);  // shuffled, not the first rows
    }

    [Fact]
    public void Impossible_splits_are_refused()
    {
        Assert.Contains("cannot be split", Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(1, 0.3, 42)).Message);
        Assert.Contains("test_size must be in (0, 1)", Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(10, 1.5, 42)).Message);
        Assert.Contains("random_state", Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(10, 0.3, -1)).Message);
    }
}
