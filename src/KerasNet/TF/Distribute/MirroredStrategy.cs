using KerasNet.Engine;

namespace KerasNet.TF.Distribute;

/// <summary>
/// tf.distribute.MirroredStrategy: synchronous training on several devices of one machine. Devices
/// are "/cpu:N" logical CPU replicas (each replica on its own thread with its share of the cores,
/// all reading the same weights, which on one device is what mirroring amounts to) or "/gpu:N" where
/// the engine has CUDA. Without devices it uses one replica on the CPU, as TensorFlow does on a
/// machine without GPUs.
/// </summary>
public sealed class MirroredStrategy : Strategy
{
    public MirroredStrategy(IEnumerable<string>? devices = null)
    {
        var list = (devices ?? ["/cpu:0"]).ToList();
        if (list.Count == 0) throw new ArgumentException("MirroredStrategy: the device list is empty.");
        foreach (var d in list)
        {
            var name = Normalize(d);
            if (name.StartsWith("/gpu:"))
                throw new NotSupportedException(
                    $"MirroredStrategy: device '{d}' needs a CUDA build of libtorch; this engine ({Runtime.BuildInfo.Split('\n')[0]}) runs on the CPU. Use logical CPU replicas (\"/cpu:0\", \"/cpu:1\", ...).");
            if (!name.StartsWith("/cpu:") || !int.TryParse(name.AsSpan(5), out var index) || index < 0)
                throw new ArgumentException($"MirroredStrategy: '{d}' is not a device name (\"/cpu:N\" or \"/gpu:N\").");
        }
        var duplicates = list.Select(Normalize).GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0) throw new ArgumentException($"MirroredStrategy: device {duplicates[0]} is listed twice.");
        extended_devices = list.Select(Normalize).ToList();
    }

    /// <summary><paramref name="replicas"/> logical CPU replicas: "/cpu:0" … "/cpu:N-1".</summary>
    public static MirroredStrategy OnCpuReplicas(int replicas) => replicas < 1
        ? throw new ArgumentOutOfRangeException(nameof(replicas), replicas, "MirroredStrategy needs at least one replica.")
        : new MirroredStrategy(Enumerable.Range(0, replicas).Select(i => $"/cpu:{i}"));

    /// <summary>The replicas' devices, normalised ("/cpu:0").</summary>
    public IReadOnlyList<string> extended_devices { get; }

    public override int LocalReplicas => extended_devices.Count;

    // "/device:CPU:0", "CPU:0", "/cpu:0" all name the same device
    private static string Normalize(string d)
    {
        var s = d.Trim().ToLowerInvariant();
        if (s.StartsWith("/device:")) s = "/" + s["/device:".Length..];
        if (!s.StartsWith('/')) s = "/" + s;
        return s;
    }
}
