using KerasNet.Engine;

namespace KerasNet.Tests.Engine;

public class TensorTests
{
    [Fact]
    public void FromArray_round_trips_values_shape_and_dtype()
    {
        using var scope = new TensorScope();
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        var b = Tensor.FromArray(new byte[] { 0, 255 }, 2);
        Assert.Equal(new byte[] { 0, 255 }, b.ToArray<byte>());
    }

    [Fact]
    public void Arithmetic_and_reductions_compute_elementwise()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 10, 20, 30, 40 }, 2, 2);
        Assert.Equal(new float[] { 11, 22, 33, 44 }, (a + b).ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2 }, (a / 2).ToArray<float>());
        Assert.Equal(new float[] { 1, 0, -1, -2 }, (2 - a).ToArray<float>());
        Assert.Equal(new float[] { 4, 6 }, a.Sum(0).ToArray<float>());
        Assert.Equal(2.5, a.Mean().Item(), 6);
        Assert.Equal(new long[] { 1, 1 }, a.ArgMax(1).ToArray<long>());
        Assert.Equal(new float[] { 7, 10, 15, 22 }, a.MatMul(a).ToArray<float>());
    }

    [Fact]
    public void ToArray_with_the_wrong_element_type_is_a_clear_error()
    {
        using var scope = new TensorScope();
        var t = Tensor.FromArray(new float[] { 1 }, 1);
        var e = Assert.Throws<InvalidOperationException>(() => t.ToArray<byte>());
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void FromArray_rejects_a_shape_that_does_not_match_the_data()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[] { 1, 2, 3 }, 2, 2));
        Assert.Contains("[2, 2]", e.Message);
    }

    [Fact]
    public void Native_errors_become_exceptions_with_op_message_and_shapes_and_the_engine_keeps_working()
    {
        using var scope = new TensorScope();
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 5]);
        var e = Assert.Throws<TensorOpException>(() => a.MatMul(b));
        Assert.Equal("matmul", e.Op);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 5]", e.Message);
        Assert.DoesNotContain("frame #", e.Message);  // no C++ backtrace
        Assert.False(string.IsNullOrWhiteSpace(e.EngineMessage));
        // the process and the engine still work
        Assert.Equal(new float[] { 2, 2, 2, 2, 2, 2 }, (Tensor.Ones([2, 3]) * 2).ToArray<float>());

        var r = Assert.Throws<TensorOpException>(() => a.Reshape(7));
        Assert.Contains("reshape", r.Message);
        var add = Assert.Throws<TensorOpException>(() => a + Tensor.Zeros([3, 2]));
        Assert.Equal("add", add.Op);
    }

    [Fact]
    public void Using_a_disposed_tensor_throws_instead_of_crashing()
    {
        var t = Tensor.Zeros([2]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
    }

    [Fact]
    public void Scope_frees_every_tensor_created_in_it_except_those_moved_out()
    {
        using var leaks = TensorTracker.Start();
        Tensor kept;
        using (var scope = new TensorScope())
        {
            var a = Tensor.Ones([3]);
            var b = a * 2 + 1;
            kept = (b - a).MoveToOuterScope();
            Assert.Equal(4, leaks.Count);  // a, a * 2, + 1, b - a
        }
        Assert.Equal([kept.Serial], leaks.Survivors.Select(s => s.Serial));
        Assert.Equal(new float[] { 2, 2, 2 }, kept.ToArray<float>());
        kept.Dispose();
        leaks.AssertNoSurvivors();
    }

    [Fact]
    public void The_tracker_counts_what_was_made_in_its_window_and_not_disposed_by_op()
    {
        var earlier = Tensor.Ones([2]);             // made before the window: never counted
        using var leaks = TensorTracker.Start();
        earlier.Dispose();
        var kept = Tensor.Zeros([3]);
        var sum = kept + kept;
        MakeGarbage();                                // made in the window, left to the finalizer
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // the finalized one still counts: it was never disposed, whenever the finalizer ran
        Assert.Equal(3, leaks.Count);
        Assert.Equal("2 × full, 1 × add", leaks.Summary());
        var e = Assert.Throws<InvalidOperationException>(() => leaks.AssertNoSurvivors());
        Assert.Contains("3 tensor(s)", e.Message);
        Assert.Contains("1 × add", e.Message);
        kept.Dispose();
        sum.Dispose();
        leaks.AssertNoSurvivors(allowed: 1);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MakeGarbage() => _ = Tensor.Ones([4]);

    [Fact]
    public void Nested_scopes_hand_moved_tensors_to_the_enclosing_scope()
    {
        using var leaks = TensorTracker.Start();
        using (var outer = new TensorScope())
        {
            Tensor inner;
            using (new TensorScope())
                inner = Tensor.Ones([2]).MoveToOuterScope();
            Assert.False(inner.IsDisposed);
            Assert.Equal([inner.Serial], leaks.Survivors.Select(s => s.Serial));
        }
        leaks.AssertNoSurvivors();
    }

    [Fact]
    public void Autograd_gives_the_derivative_of_a_simple_function()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }, 3);
        x.RequiresGrad = true;
        var loss = (x * x * x).Sum();  // d/dx = 3x²
        var g = Autograd.Grad(loss, [x])[0];
        Assert.Equal(new float[] { 3, 12, 27 }, g.ToArray<float>());
    }

    [Fact]
    public void Engine_threads_default_to_the_core_count_and_can_be_set()
    {
        var env = Environment.GetEnvironmentVariable("KERASNET_NUM_THREADS");
        Assert.Equal(string.IsNullOrEmpty(env) ? Environment.ProcessorCount : int.Parse(env), Runtime.NumThreads);
        int before = Runtime.NumThreads;
        try
        {
            Runtime.NumThreads = 1;
            Assert.Equal(1, Runtime.NumThreads);
            Assert.Throws<ArgumentOutOfRangeException>(() => Runtime.NumThreads = 0);
        }
        finally
        {
            Runtime.NumThreads = before;
        }
        using (var s = new TensorScope())
            Assert.Equal(64f, Tensor.Ones([64, 64]).MatMul(Tensor.Ones([64, 64])).ToArray<float>()[0]);
        Assert.StartsWith("torch 1.13", Runtime.BuildInfo);
        Assert.Contains("BLAS loaded: ", Runtime.BuildInfo);
    }
}
