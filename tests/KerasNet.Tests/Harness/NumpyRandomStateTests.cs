using System.Diagnostics;
using KerasNet.Harness;

namespace KerasNet.Tests.Harness;

public class NumpyRandomStateTests
{
    private static string Python(string script)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
        return output.Trim();
    }

    [RequiresPythonModuleFact("numpy")]
    public void Raw_draws_and_permutations_equal_numpys_RandomState()
    {
        // the first outputs after a reseed, past the 624-word state refill
        var raw = Python("import numpy as np; r = np.random.RandomState(42); print(' '.join(str(v) for v in r.randint(0, 2**32, size=700, dtype=np.uint64)))");
        var ours = new NumpyRandomState(42);
        Assert.Equal(raw.Split(' ').Select(uint.Parse), Enumerable.Range(0, 700).Select(_ => ours.NextUInt32()));
        foreach (var (n, seed) in new[] { (10, 42), (1000, 42), (49000, 42), (3000, 0), (7, 123456789) })
        {
            var expected = Python($"import numpy as np; print(' '.join(map(str, np.random.RandomState({seed}).permutation({n}))))");
            Assert.Equal(expected.Split(' ').Select(int.Parse), new NumpyRandomState((uint)seed).permutation(n));
        }
    }

    [Fact]
    public void Interval_stays_within_its_bound_and_reaches_both_ends()
    {
        var r = new NumpyRandomState(1);
        var seen = Enumerable.Range(0, 2000).Select(_ => r.Interval(4)).ToHashSet();
        Assert.Equal([0u, 1u, 2u, 3u, 4u], seen.Order());
        Assert.Equal(0u, r.Interval(0));
    }
}
