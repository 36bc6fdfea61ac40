using KerasNet.Engine;

namespace KerasNet.Tests;

internal static class Fixtures
{
    public static float[] Random(int n, int seed = 3, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    public static Tensor RandomTensor(long[] shape, int seed = 3, double scale = 1) =>
        Tensor.FromArray(Random((int)shape.Aggregate(1L, (a, d) => a * d), seed, scale), shape);

    /// <summary>A fresh temporary directory, deleted by Dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "knt-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
