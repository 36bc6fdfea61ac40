namespace KerasNet.Engine;

/// <summary>
/// Derives per-pass, per-batch seeds from a user's seed. It must give the same value in every process:
/// .NET's HashCode is randomised per process, so a seed combined with it would shuffle differently on
/// every run and on every worker. SplitMix64's finaliser mixes the parts instead.
/// </summary>
internal static class Seeds
{
    public static int Combine(params long[] parts)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        foreach (var p in parts) h = Mix(h ^ (ulong)p);
        return (int)(h ^ (h >> 32));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
