namespace KerasNet.Harness;

/// <summary>
/// scikit-learn's <c>train_test_split(X, y, test_size=…, random_state=…)</c> as its ShuffleSplit computes it: n_test =
/// ceil(test_size · n), n_train = n - n_test, one <c>RandomState(random_state).permutation(n)</c>; the test rows are the
/// permutation's first n_test, the training rows the rest, in permutation order.
/// </summary>
public static class TrainTestSplit
{
    /// <summary>The row indices of the training and the test part.</summary>
    public static (int[] Train, int[] Test) Indices(int n, double test_size, int random_state)
    {
        if (n < 2) throw new ArgumentException($"train_test_split: {n} sample(s) cannot be split into a training and a test part.");
        if (!(test_size > 0 && test_size < 1)) throw new ArgumentException($"train_test_split: test_size must be in (0, 1), got {test_size}.");
        if (random_state < 0) throw new ArgumentException($"train_test_split: random_state must be ≥ 0, got {random_state}.");
        int nTest = (int)Math.Ceiling(test_size * n), nTrain = n - nTest;
        if (nTrain == 0) throw new ArgumentException($"train_test_split: with n_samples={n} and test_size={test_size} the training part would be empty.");
        var p = new NumpyRandomState((uint)random_state).permutation(n);
        return (p[nTest..], p[..nTest]);
    }
}
