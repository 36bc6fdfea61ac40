using System.Text;
using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>
/// An n-dimensional array in the engine (a libtorch CPU tensor), used both as the data arrays a
/// Keras script handles (images, labels) and inside models. Image tensors are NHWC.
/// A tensor created inside a <see cref="TensorScope"/> is disposed by it; one created outside is
/// disposed by <see cref="Dispose"/> or, failing that, by the garbage collector.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;

    /// <summary>
    /// The native handle, for a call into the engine. A disposed tensor is an ObjectDisposedException that
    /// says so, with the shape and how to keep a tensor alive, instead of the marshaller's bare 'TensorHandle'.
    /// </summary>
    internal TensorHandle Handle => _handle.IsClosed ? throw UsedAfterDispose() : _handle;

    private ObjectDisposedException UsedAfterDispose() => new(nameof(Tensor),
        $"A tensor{(_shape is { } s ? " of shape " + FormatShape(s) : "")} was used after it was disposed, by Dispose() or because " +
        "the TensorScope it was made in ended (fit, evaluate and predict free every tensor of a step when the step ends). " +
        "To keep a tensor beyond its scope, call MoveToOuterScope() or ReleaseFromScope() on it.");
    private long[]? _shape;
    private DType? _dtype;

    /// <summary>The scope that will dispose this tensor, if any.</summary>
    internal TensorScope? Scope;

    /// <summary>
    /// For the output of a softmax or sigmoid activation: its input. Losses use it to compute
    /// cross-entropy from logits, as TensorFlow's Keras does with <c>_keras_logits</c>.
    /// </summary>
    internal Tensor? KerasLogits;

    /// <summary>Kept when a model frees its intermediate activations: someone outside the forward pass reads it (Grad-CAM's tapped layer output).</summary>
    internal bool KeptByObserver;

    /// <summary>Where the data came from (tf.io.read_file sets the path), for error messages downstream.</summary>
    public string? Source { get; set; }

    static Tensor() => Runtime.EnsureInitialized();

    /// <summary>This tensor's serial number: tensors are numbered in the order they are made (see <see cref="TensorTracker"/>).</summary>
    internal readonly long Serial;

    private Tensor(IntPtr raw, string op)
    {
        _handle = new TensorHandle(raw);
        Serial = TensorTracker.NextSerial();
        TensorTracker.Created(Serial, op);
        if (TensorScope.Current is null)
            _handle.AddMemoryPressure(NumElements * DType.ElementSize());  // left to the GC: let it see the size
        else
            TensorScope.Register(this);
    }

    // ---- results of native calls

    internal static Tensor Wrap(IntPtr raw, string op, Tensor a) =>
        raw != IntPtr.Zero ? new Tensor(raw, op) : throw Failure(op, a);

    internal static Tensor Wrap(IntPtr raw, string op, Tensor a, Tensor? b) =>
        raw != IntPtr.Zero ? new Tensor(raw, op) : throw Failure(op, a, b);

    internal static Tensor Wrap(IntPtr raw, string op, Tensor a, Tensor? b, Tensor? c) =>
        raw != IntPtr.Zero ? new Tensor(raw, op) : throw Failure(op, a, b, c);

    internal static Tensor WrapNew(IntPtr raw, string op, ReadOnlySpan<long> shape) =>
        raw != IntPtr.Zero ? new Tensor(raw, op) : throw new TensorOpException(op, NativeMethods.LastError(), [shape.ToArray()]);

    /// <summary>A handle the caller has already checked (non-null), made by <paramref name="op"/>.</summary>
    internal static Tensor WrapUnchecked(IntPtr raw, string op) => new(raw, op);

    internal static void Check(int status, string op, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        if (status < 0) throw Failure(op, a, b, c);
    }

    internal static TensorOpException Failure(string op, params Tensor?[] inputs)
    {
        var message = NativeMethods.LastError();
        var shapes = inputs.Where(t => t is not null).Select(t => t!.SafeShape()).ToArray();
        return new TensorOpException(op, message, shapes);
    }

    private long[] SafeShape()
    {
        try { return Shape; }
        catch (ObjectDisposedException) { return []; }
    }

    // ---- metadata

    /// <summary>The dimensions, outermost first (NHWC for images).</summary>
    public long[] Shape
    {
        get
        {
            if (_shape is null)
            {
                Span<long> buf = stackalloc long[16];
                int n;
                unsafe
                {
                    fixed (long* p = buf) n = NativeMethods.knt_shape(Handle, p, buf.Length);
                }
                if (n < 0) throw Failure("shape", this);
                _shape = buf[..n].ToArray();
            }
            return _shape;
        }
    }

    public int NDim => Shape.Length;

    public long NumElements
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    public DType DType
    {
        get
        {
            if (_dtype is null)
            {
                int code = NativeMethods.knt_dtype(Handle);
                if (code < 0) throw Failure("dtype", this);
                _dtype = (DType)code;
            }
            return _dtype.Value;
        }
    }

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get => NativeMethods.knt_requires_grad(Handle) == 1;
        set => Check(NativeMethods.knt_set_requires_grad(Handle, value ? 1 : 0), "requires_grad_", this);
    }

    public bool IsDisposed => _handle.IsClosed;

    // ---- creation

    /// <summary>A tensor holding a copy of <paramref name="data"/>, laid out row-major in <paramref name="shape"/>.</summary>
    public static unsafe Tensor FromArray<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        if (shape.Length == 0) shape = [data.Length];
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension in shape {FormatShape(shape)}.", nameof(shape));
            n *= d;
        }
        if (n != data.Length)
            throw new ArgumentException($"{data.Length} values cannot fill shape {FormatShape(shape)} ({n} elements).", nameof(data));
        fixed (T* p = data)
        fixed (long* s = shape)
            return WrapNew(NativeMethods.knt_from_data(p, s, shape.Length, (int)DTypeExtensions.Of<T>()), "from_data", shape);
    }

    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromArray((ReadOnlySpan<T>)data, shape);

    /// <summary>As <see cref="FromArray{T}(T[], long[])"/>, but an empty shape means a scalar (a file's rank-0 dataset), not a vector.</summary>
    internal static Tensor FromArrayExact<T>(T[] data, long[] shape) where T : unmanaged =>
        shape.Length == 0 ? FromArray(data, 1).Reshape() : FromArray(data, shape);

    /// <summary>A 0-d tensor.</summary>
    /// <summary>A 0-d tensor (shape []).</summary>
    public static unsafe Tensor Scalar(double value, DType dtype = DType.Float32) =>
        WrapNew(NativeMethods.knt_full(null, 0, (int)dtype, value), "full", []);

    /// <summary>Indices n-1, n-2, ..., 0 (int64): reverses an axis with IndexSelect.</summary>
    public static Tensor ReversedRange(long n)
    {
        var idx = new long[n];
        for (long i = 0; i < n; i++) idx[i] = n - 1 - i;
        return FromArray(idx, n);
    }

    public static unsafe Tensor Full(long[] shape, double value, DType dtype = DType.Float32)
    {
        fixed (long* s = shape)
            return WrapNew(NativeMethods.knt_full(s, shape.Length, (int)dtype, value), "full", shape);
    }

    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32) => Full(shape, 0, dtype);

    public static Tensor Ones(long[] shape, DType dtype = DType.Float32) => Full(shape, 1, dtype);

    /// <summary>Float32 values drawn uniformly from [low, high) by the engine's seeded generator.</summary>
    public static unsafe Tensor RandomUniform(long[] shape, double low = 0, double high = 1)
    {
        fixed (long* s = shape)
            return WrapNew(NativeMethods.knt_rand_uniform(s, shape.Length, low, high), "uniform", shape);
    }

    /// <summary>Float32 values drawn from N(mean, stddev²) by the engine's seeded generator.</summary>
    public static unsafe Tensor RandomNormal(long[] shape, double mean = 0, double stddev = 1)
    {
        fixed (long* s = shape)
            return WrapNew(NativeMethods.knt_rand_normal(s, shape.Length, mean, stddev), "normal", shape);
    }

    /// <summary>A random permutation of 0..n-1 (int64).</summary>
    public static Tensor RandPerm(long n) => WrapNew(NativeMethods.knt_randperm(n), "randperm", [n]);

    public static Tensor Arange(long start, long end, DType dtype = DType.Int64) =>
        WrapNew(NativeMethods.knt_arange(start, end, (int)dtype), "arange", [end - start]);

    // ---- data out

    /// <summary>A row-major copy of the elements. T must match <see cref="DType"/>.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var want = DTypeExtensions.Of<T>();
        if (want != DType)
            throw new InvalidOperationException(
                $"ToArray<{typeof(T).Name}> on a {DType.KerasName()} tensor of shape {FormatShape(Shape)}: convert with AsType first.");
        var result = new T[NumElements];
        fixed (T* p = result)
            Check(NativeMethods.knt_copy_out(Handle, p, (long)result.Length * sizeof(T)), "copy_out", this);
        return result;
    }

    /// <summary>The elements' bytes, row-major, whatever the dtype (for hashing and raw files).</summary>
    public unsafe byte[] ToBytes()
    {
        var result = new byte[NumElements * DType.ElementSize()];
        fixed (byte* p = result)
            Check(NativeMethods.knt_copy_out(Handle, p, result.Length), "copy_out", this);
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        Check(NativeMethods.knt_item(Handle, out var v), "item", this);
        return v;
    }

    // ---- lifetime

    /// <summary>Keeps this tensor alive past the current scope: the enclosing scope (if any) now owns it.</summary>
    public Tensor MoveToOuterScope()
    {
        var parent = Scope?.Parent;
        KerasLogits = null;
        Scope = null;
        if (parent is null) Handle.AddMemoryPressure(NumElements * DType.ElementSize());
        else parent.Adopt(this);
        return this;
    }

    /// <summary>
    /// Takes this tensor out of its scope for a new owner that disposes it deterministically (pipeline
    /// elements); unlike <see cref="ReleaseFromScope"/> it does not ask the GC to watch its size.
    /// </summary>
    internal Tensor Unscoped()
    {
        KerasLogits = null;
        Scope = null;
        return this;
    }

    /// <summary>Takes this tensor out of every scope: it lives until disposed (or collected).</summary>
    public Tensor ReleaseFromScope()
    {
        KerasLogits = null;
        Scope = null;
        Handle.AddMemoryPressure(NumElements * DType.ElementSize());
        return this;
    }

    /// <summary>
    /// Frees <paramref name="intermediate"/> now if nothing downstream still reads it through this handle:
    /// not when it is <paramref name="produced"/> itself or that tensor's logits. Autograd keeps its own
    /// references to what backward needs, so this is safe while training too; freeing activations as
    /// soon as the next layer has consumed them keeps the allocator's memory hot, as Python's refcounting does.
    /// </summary>
    internal static void Release(Tensor intermediate, Tensor produced)
    {
        if (ReferenceEquals(intermediate, produced) || ReferenceEquals(produced.KerasLogits, intermediate) || intermediate.KeptByObserver) return;
        intermediate.Dispose();
    }

    public void Dispose()
    {
        Scope = null;
        if (_handle.IsClosed) return;
        TensorTracker.Disposed(Serial);
        _handle.Dispose();
    }

    // ---- formatting

    public static string FormatShape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        var sb = new StringBuilder();
        sb.Append("Tensor(shape=").Append(FormatShape(Shape)).Append(", dtype=").Append(DType.KerasName());
        if (NumElements <= 16 && DType is DType.Float32 or DType.Int64 or DType.UInt8 or DType.Int32)
        {
            using var f = AsType(DType.Float64);
            sb.Append(", values=[").Append(string.Join(", ", f.ToArray<double>().Select(v => v.ToString("G6")))).Append(']');
        }
        return sb.Append(')').ToString();
    }
}
