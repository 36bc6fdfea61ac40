using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>
/// A group of cooperating processes on libtorch's c10d: rendezvous through a TCPStore that rank 0
/// hosts, collectives through ProcessGroupGloo. When a peer dies its sockets close and the next
/// collective throws <see cref="CollectiveException"/> at once; a peer that hangs is given up on after
/// the timeout.
/// </summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    private readonly ProcessGroupHandle _handle;

    /// <param name="storeHost">rank 0's address, where the store listens</param>
    /// <param name="storePort">the store's port; on rank 0, 0 asks for any free port (see <paramref name="onListening"/>)</param>
    /// <param name="localHost">this process's address for Gloo's connections</param>
    /// <param name="onListening">rank 0 only: called with the port the store listens on, before the others are waited for</param>
    public ProcessGroup(string storeHost, int storePort, string localHost, int rank, int size, TimeSpan timeout,
        Action<int>? onListening = null)
    {
        Runtime.EnsureInitialized();
        Rank = rank;
        Size = size;
        Timeout = timeout;
        StorePort = storePort;
        var listening = new Listening(port =>
        {
            StorePort = port;
            onListening?.Invoke(port);
        });
        var ctx = System.Runtime.InteropServices.GCHandle.Alloc(listening);
        IntPtr raw;
        try
        {
            raw = NativeMethods.knt_group_create(storeHost, storePort, localHost, rank, size,
                (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds), &OnListening, System.Runtime.InteropServices.GCHandle.ToIntPtr(ctx));
        }
        finally
        {
            ctx.Free();
        }
        if (listening.Error is { } error)
        {
            if (raw != IntPtr.Zero) NativeMethods.knt_group_free(raw);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
        if (raw == IntPtr.Zero)
            throw new CollectiveException(
                $"Worker {rank} of {size} could not join the group at {storeHost}:{StorePort} (local address {localHost}) within {timeout.TotalSeconds:F0} s: {NativeMethods.LastError()}");
        _handle = new ProcessGroupHandle(raw);
    }

    /// <summary>The port of the rendezvous store (on rank 0 the one it bound, when it was asked for port 0).</summary>
    public int StorePort { get; private set; }

    // the callback's state: exceptions never cross into native code; they are rethrown once the call returns
    private sealed class Listening(Action<int> report)
    {
        public Exception? Error;

        public void Report(int port)
        {
            try { report(port); }
            catch (Exception e) { Error = e; }
        }
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static void OnListening(int port, IntPtr ctx) =>
        ((Listening)System.Runtime.InteropServices.GCHandle.FromIntPtr(ctx).Target!).Report(port);

    public int Rank { get; }

    public int Size { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Sums each float32 tensor over the group, in place (one coalesced collective).</summary>
    public void AllReduceSum(IReadOnlyList<Tensor> tensors) => Collective(tensors, "all-reduce",
        (p, n) => NativeMethods.knt_group_allreduce_sum(_handle, p, n));

    /// <summary>Overwrites each tensor with rank <paramref name="root"/>'s value, in place.</summary>
    public void Broadcast(IReadOnlyList<Tensor> tensors, int root = 0) => Collective(tensors, "broadcast",
        (p, n) => NativeMethods.knt_group_broadcast(_handle, p, n, root));

    /// <summary>Waits until every process reaches this call.</summary>
    public void Barrier()
    {
        if (NativeMethods.knt_group_barrier(_handle) < 0) throw Failure("barrier");
    }

    private unsafe delegate int Call(IntPtr* tensors, int n);

    private unsafe void Collective(IReadOnlyList<Tensor> tensors, string what, Call call)
    {
        using var handles = new BorrowedHandles(tensors);
        fixed (IntPtr* p = handles.Raw)
            if (call(p, handles.Raw.Length) < 0)
                throw Failure(what);
    }

    private CollectiveException Failure(string what) => new(
        $"Worker {Rank} of {Size}: {what} failed — another worker died, hung for more than {Timeout.TotalSeconds:F0} s, or is unreachable. {NativeMethods.LastError()}");

    public void Dispose() => _handle.Dispose();
}

/// <summary>A collective operation across processes failed (a peer died, timed out, or could not be reached).</summary>
public sealed class CollectiveException(string message) : IOException(message);
