using System.Collections.Concurrent;

namespace KerasNet.Engine;

/// <summary>
/// Which tensors a stretch of code created and did not dispose — the leak check of the tests, and a
/// tool for users chasing one. Every tensor gets a serial number when it is made; while a tracker is
/// open, tensors made are recorded with the op that made them until they are disposed (explicitly or
/// by their scope). A tensor that only the garbage collector frees still counts as not disposed, so the
/// answer does not depend on when the finalizer runs, and tensors made before the tracker started (an
/// earlier test's garbage) never count.
/// <code>
/// using var leaks = TensorTracker.Start();
/// model.fit(x, y);
/// leaks.AssertNoSurvivors();   // throws listing the survivors by op
/// </code>
/// </summary>
public sealed class TensorTracker : IDisposable
{
    private static readonly object Gate = new();
    private static long _serial;
    private static int _open;
    private static readonly ConcurrentDictionary<long, string> Recorded = new();

    private readonly long _after;
    private bool _disposed;

    private TensorTracker(long after) => _after = after;

    /// <summary>Starts recording: what <see cref="Survivors"/> reports is made from now on.</summary>
    public static TensorTracker Start()
    {
        Runtime.EnsureInitialized();
        lock (Gate)
        {
            _open++;
            return new TensorTracker(Interlocked.Read(ref _serial));
        }
    }

    internal static long NextSerial() => Interlocked.Increment(ref _serial);

    internal static void Created(long serial, string op)
    {
        if (Volatile.Read(ref _open) > 0) Recorded[serial] = op;
    }

    internal static void Disposed(long serial)
    {
        if (Volatile.Read(ref _open) > 0) Recorded.TryRemove(serial, out _);
    }

    /// <summary>The tensors made since <see cref="Start"/> and not disposed, oldest first: (serial, op).</summary>
    public IReadOnlyList<(long Serial, string Op)> Survivors
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Recorded.Where(kv => kv.Key > _after).OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)).ToList();
        }
    }

    /// <summary>How many tensors made since <see cref="Start"/> are still not disposed.</summary>
    public int Count => Survivors.Count;

    /// <summary>The survivors counted by op, e.g. "2 × conv2d, 1 × add".</summary>
    public string Summary()
    {
        var s = Survivors;
        return s.Count == 0 ? "none"
            : string.Join(", ", s.GroupBy(x => x.Op).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));
    }

    /// <summary>Throws when more than <paramref name="allowed"/> tensors made since Start are still alive, naming them by op.</summary>
    public void AssertNoSurvivors(int allowed = 0)
    {
        var s = Survivors;
        if (s.Count != allowed)
            throw new InvalidOperationException(
                $"{s.Count} tensor(s) created since the tracker started are not disposed (expected {allowed}): {Summary()}.");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // the last tracker closed: nothing records any more, and a later tracker only reads serials above its start
        lock (Gate)
            if (--_open == 0) Recorded.Clear();
    }
}
