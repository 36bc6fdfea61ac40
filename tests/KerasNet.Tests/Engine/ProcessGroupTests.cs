using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KerasNet.Engine;

namespace KerasNet.Tests.Engine;

public class ProcessGroupTests
{
    /// <summary>Two ranks of one group, each joined on its own thread (joining blocks until both are there).</summary>
    private static (ProcessGroup, ProcessGroup) Pair(TimeSpan timeout)
    {
        // rank 0 binds any free port itself; rank 1 joins once that port is known
        var bound = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        ProcessGroup? g1 = null;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try
            {
                if (!bound.Task.Wait(timeout)) throw new TimeoutException("rank 0 never listened");
                g1 = new ProcessGroup("127.0.0.1", bound.Task.Result, "127.0.0.1", 1, 2, timeout);
            }
            catch (Exception e) { error = e; }
        });
        t.Start();
        var g0 = new ProcessGroup("127.0.0.1", 0, "127.0.0.1", 0, 2, timeout, onListening: p => bound.TrySetResult(p));
        t.Join();
        if (error is not null) throw error;
        Assert.Equal(bound.Task.Result, g0.StorePort);
        Assert.NotEqual(0, g0.StorePort);
        return (g0, g1!);
    }

    private static void Both(Action a, Action b)
    {
        Exception? error = null;
        var t = new Thread(() => { try { b(); } catch (Exception e) { error = e; } });
        t.Start();
        a();
        t.Join();
        if (error is not null) throw error;
    }

    [Fact]
    public void All_reduce_sums_and_broadcast_copies_across_ranks()
    {
        var (g0, g1) = Pair(TimeSpan.FromSeconds(30));
        using (g0)
        using (g1)
        {
            using var a0 = Tensor.FromArray([1f, 2f, 3f], 3);
            using var b0 = Tensor.FromArray([10f, 20f, 30f, 40f], 2, 2);
            using var a1 = Tensor.FromArray([0.5f, -2f, 4f], 3);
            using var b1 = Tensor.FromArray([1f, 1f, 1f, 1f], 2, 2);
            Both(() => g0.AllReduceSum([a0, b0]), () => g1.AllReduceSum([a1, b1]));
            Assert.Equal([1.5f, 0f, 7f], a0.ToArray<float>());
            Assert.Equal([1.5f, 0f, 7f], a1.ToArray<float>());
            Assert.Equal([11f, 21f, 31f, 41f], b1.ToArray<float>());

            using var c0 = Tensor.FromArray([7f, 8f], 2);
            using var c1 = Tensor.FromArray([0f, 0f], 2);
            Both(() => g0.Broadcast([c0], root: 0), () => g1.Broadcast([c1], root: 0));
            Assert.Equal([7f, 8f], c1.ToArray<float>());
            Both(g0.Barrier, g1.Barrier);
        }
    }

    [Fact]
    public void A_rank_that_leaves_makes_the_other_fail_at_once_with_a_clear_error()
    {
        var (g0, g1) = Pair(TimeSpan.FromSeconds(60));
        using (g0)
        {
            g1.Dispose();  // its sockets close, as when a worker process dies
            using var t = Tensor.FromArray([1f], 1);
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<CollectiveException>(() => g0.AllReduceSum([t]));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"failed only after {clock.Elapsed}");
            Assert.Contains("Worker 0 of 2", e.Message);
            Assert.Contains("all-reduce failed", e.Message);
        }
    }

    [Fact]
    public void Joining_a_group_nobody_hosts_times_out_naming_the_address()
    {
        int port = Fixtures.FreePort();
        var e = Assert.Throws<CollectiveException>(() => new ProcessGroup("127.0.0.1", port, "127.0.0.1", 1, 2, TimeSpan.FromSeconds(2)));
        Assert.Contains($"127.0.0.1:{port}", e.Message);
    }

    [Fact]
    public void Broadcast_keeps_each_tensors_dtype_exactly()
    {
        var (g0, g1) = Pair(TimeSpan.FromSeconds(30));
        using (g0)
        using (g1)
        {
            long big = (1L << 40) + 1;   // not representable in float32
            using var l0 = Tensor.FromArray([big, -3L], 2);
            using var f0 = Tensor.FromArray([0.1f], 1);
            using var l1 = Tensor.Zeros([2], DType.Int64);
            using var f1 = Tensor.Zeros([1]);
            Both(() => g0.Broadcast([l0, f0], root: 0), () => g1.Broadcast([l1, f1], root: 0));
            Assert.Equal(new[] { big, -3L }, l1.ToArray<long>());
            Assert.Equal(DType.Int64, l1.DType);
            Assert.Equal(0.1f, f1.ToArray<float>()[0]);
        }
    }
}
