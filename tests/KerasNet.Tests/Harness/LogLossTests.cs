using KerasNet.Harness;

namespace KerasNet.Tests.Harness;

public class LogLossTests
{
    [Fact]
    public void Mean_negative_log_probability_of_the_true_class()
    {
        float[] y = [1, 0, 0, 0, 1, 0];
        float[] p = [0.7f, 0.2f, 0.1f, 0.1f, 0.6f, 0.3f];
        double expected = -(Math.Log(0.7f) + Math.Log(0.6f)) / 2;
        Assert.Equal(expected, LogLoss.Compute(y, p, 3), 6);
    }

    [Fact]
    public void Rows_are_clipped_and_renormalised_as_scikit_learn_does()
    {
        // a zero probability for the true class is clipped to 1e-15, not infinite
        Assert.Equal(-Math.Log(1e-15 / (1 + 1e-15)), LogLoss.Compute([1, 0], [0f, 1f], 2), 9);
        // a row summing to 0.5 is scaled to sum 1
        Assert.Equal(-Math.Log(0.2), LogLoss.Compute([1, 0], [0.1f, 0.4f], 2), 6);
    }

    [Fact]
    public void Mismatched_rows_are_refused()
    {
        Assert.Contains("rows of 3", Assert.Throws<ArgumentException>(() => LogLoss.Compute([1, 0, 0], [1, 0], 3)).Message);
        Assert.Throws<ArgumentException>(() => LogLoss.Compute([], [], 2));
    }
}
