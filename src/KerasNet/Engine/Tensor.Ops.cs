using KerasNet.Native;

namespace KerasNet.Engine;

// Elementwise math, reductions and shape operations. All return new tensors (in the current scope)
// and are recorded by autograd when an input requires gradients.
public sealed partial class Tensor
{
    private static readonly string[] BinaryNames =
        ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "gt", "lt", "ge", "le", "rsub", "rdiv"];

    private static readonly string[] UnaryNames =
        ["neg", "exp", "log", "sqrt", "square", "abs", "floor", "round", "sign", "rsqrt"];

    private Tensor Binary(BinaryOp op, Tensor other) =>
        Wrap(NativeMethods.knt_binary((int)op, Handle, other.Handle), BinaryNames[(int)op], this, other);

    private Tensor Binary(BinaryOp op, double s) =>
        Wrap(NativeMethods.knt_binary_scalar((int)op, Handle, s), BinaryNames[(int)op], this);

    private Tensor Unary(UnaryOp op) => Wrap(NativeMethods.knt_unary((int)op, Handle), UnaryNames[(int)op], this);

    public Tensor Add(Tensor other) => Binary(BinaryOp.Add, other);
    public Tensor Sub(Tensor other) => Binary(BinaryOp.Sub, other);
    public Tensor Mul(Tensor other) => Binary(BinaryOp.Mul, other);
    public Tensor Div(Tensor other) => Binary(BinaryOp.Div, other);
    public Tensor Pow(Tensor other) => Binary(BinaryOp.Pow, other);
    public Tensor Pow(double exponent) => Binary(BinaryOp.Pow, exponent);
    public Tensor Maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
    public Tensor Minimum(Tensor other) => Binary(BinaryOp.Minimum, other);
    public Tensor Maximum(double s) => Binary(BinaryOp.Maximum, s);
    public Tensor Minimum(double s) => Binary(BinaryOp.Minimum, s);
    public Tensor Eq(Tensor other) => Binary(BinaryOp.Eq, other);
    public Tensor Ne(Tensor other) => Binary(BinaryOp.Ne, other);
    public Tensor Gt(Tensor other) => Binary(BinaryOp.Gt, other);
    public Tensor Lt(Tensor other) => Binary(BinaryOp.Lt, other);
    public Tensor Eq(double s) => Binary(BinaryOp.Eq, s);
    public Tensor Gt(double s) => Binary(BinaryOp.Gt, s);
    public Tensor Lt(double s) => Binary(BinaryOp.Lt, s);
    public Tensor Ge(double s) => Binary(BinaryOp.Ge, s);
    public Tensor Le(double s) => Binary(BinaryOp.Le, s);

    public Tensor Neg() => Unary(UnaryOp.Neg);
    public Tensor Exp() => Unary(UnaryOp.Exp);
    public Tensor Log() => Unary(UnaryOp.Log);
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor Square() => Unary(UnaryOp.Square);
    public Tensor Abs() => Unary(UnaryOp.Abs);
    public Tensor Floor() => Unary(UnaryOp.Floor);
    public Tensor Round() => Unary(UnaryOp.Round);
    public Tensor Sign() => Unary(UnaryOp.Sign);

    public Tensor Clamp(double min, double max) => Wrap(NativeMethods.knt_clamp(Handle, min, max), "clamp", this);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator +(Tensor a, double s) => a.Binary(BinaryOp.Add, s);
    public static Tensor operator -(Tensor a, double s) => a.Binary(BinaryOp.Sub, s);
    public static Tensor operator *(Tensor a, double s) => a.Binary(BinaryOp.Mul, s);
    public static Tensor operator /(Tensor a, double s) => a.Binary(BinaryOp.Div, s);
    public static Tensor operator +(double s, Tensor a) => a.Binary(BinaryOp.Add, s);
    public static Tensor operator -(double s, Tensor a) => a.Binary(BinaryOp.RSub, s);
    public static Tensor operator *(double s, Tensor a) => a.Binary(BinaryOp.Mul, s);
    public static Tensor operator /(double s, Tensor a) => a.Binary(BinaryOp.RDiv, s);
    public static Tensor operator -(Tensor a) => a.Neg();

    // ---- reductions (no axes: over all elements)

    private unsafe Tensor Reduce(ReduceOp op, string name, int[] axes, bool keepDims)
    {
        Span<long> dims = stackalloc long[axes.Length];
        for (int i = 0; i < axes.Length; i++) dims[i] = axes[i];
        fixed (long* d = dims)
            return Wrap(NativeMethods.knt_reduce((int)op, Handle, d, axes.Length, keepDims ? 1 : 0), name, this);
    }

    public Tensor Sum(params int[] axes) => Reduce(ReduceOp.Sum, "sum", axes, false);
    public Tensor Sum(int axis, bool keepDims) => Reduce(ReduceOp.Sum, "sum", [axis], keepDims);
    public Tensor Mean(params int[] axes) => Reduce(ReduceOp.Mean, "mean", axes, false);
    public Tensor Mean(int axis, bool keepDims) => Reduce(ReduceOp.Mean, "mean", [axis], keepDims);
    public Tensor Max(params int[] axes) => Reduce(ReduceOp.Max, "amax", axes, false);
    public Tensor Min(params int[] axes) => Reduce(ReduceOp.Min, "amin", axes, false);

    public Tensor ArgMax(int axis = -1) => Wrap(NativeMethods.knt_argmax(Handle, axis), "argmax", this);

    // ---- shapes

    /// <summary>Same elements in a new shape; one dimension may be -1 (inferred).</summary>
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape)
        {
            var raw = NativeMethods.knt_reshape(Handle, s, shape.Length);
            if (raw == IntPtr.Zero)
                throw new TensorOpException("reshape", NativeMethods.LastError(), [Shape, shape]);
            return WrapUnchecked(raw, "reshape");
        }
    }

    public unsafe Tensor Permute(params long[] dims)
    {
        fixed (long* d = dims)
            return Wrap(NativeMethods.knt_permute(Handle, d, dims.Length), "permute", this);
    }

    public Tensor Contiguous() => Wrap(NativeMethods.knt_contiguous(Handle), "contiguous", this);

    /// <summary>Elements <paramref name="start"/> .. start+length-1 along <paramref name="axis"/> (a view).</summary>
    public Tensor Narrow(int axis, long start, long length) =>
        Wrap(NativeMethods.knt_narrow(Handle, axis, start, length), "narrow", this);

    /// <summary>Rows <paramref name="index"/> (int64) along <paramref name="axis"/>, copied.</summary>
    public Tensor IndexSelect(int axis, Tensor index) =>
        Wrap(NativeMethods.knt_index_select(Handle, axis, index.Handle), "index_select", this, index);

    public static unsafe Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat needs at least one tensor.", nameof(tensors));
        using var handles = new BorrowedHandles(tensors);
        fixed (IntPtr* p = handles.Raw)
        {
            var raw = NativeMethods.knt_cat(p, handles.Raw.Length, axis);
            if (raw == IntPtr.Zero) throw Failure("cat", tensors.ToArray());
            return WrapUnchecked(raw, "cat");
        }
    }

    public Tensor MatMul(Tensor other) => Wrap(NativeMethods.knt_matmul(Handle, other.Handle), "matmul", this, other);

    public Tensor AsType(DType dtype) => Wrap(NativeMethods.knt_to_dtype(Handle, (int)dtype), "to", this);

    public Tensor Clone() => Wrap(NativeMethods.knt_clone(Handle), "clone", this);

    /// <summary>The same data, cut off from autograd history.</summary>
    public Tensor Detach() => Wrap(NativeMethods.knt_detach(Handle), "detach", this);

    public Tensor OneHot(long numClasses) => Wrap(NativeMethods.knt_one_hot(Handle, numClasses), "one_hot", this);

    // ---- in-place updates (optimizers and variable assignment; call with gradients disabled)

    internal void AddInPlace(Tensor other, double alpha = 1) =>
        Check(NativeMethods.knt_inplace((int)InplaceOp.Add, Handle, other.Handle, alpha), "add_", this, other);

    internal void SubInPlace(Tensor other, double alpha = 1) =>
        Check(NativeMethods.knt_inplace((int)InplaceOp.Sub, Handle, other.Handle, alpha), "sub_", this, other);

    internal void MulInPlace(Tensor other) =>
        Check(NativeMethods.knt_inplace((int)InplaceOp.Mul, Handle, other.Handle, 1), "mul_", this, other);

    internal void MaximumInPlace(Tensor other) =>
        Check(NativeMethods.knt_inplace((int)InplaceOp.Maximum, Handle, other.Handle, 1), "maximum_", this, other);

    /// <summary>Copies <paramref name="source"/> (broadcast to this shape, cast to this dtype) into this tensor's memory, in place (torch's copy_): e.g. filling rows of one preallocated batch from several threads.</summary>
    public void CopyFrom(Tensor source) =>
        Check(NativeMethods.knt_inplace((int)InplaceOp.Copy, Handle, source.Handle, 1), "copy_", this, source);

    internal void MulInPlace(double s) => Check(NativeMethods.knt_inplace_scalar((int)InplaceOp.Mul, Handle, s), "mul_", this);

    internal void AddInPlace(double s) => Check(NativeMethods.knt_inplace_scalar((int)InplaceOp.Add, Handle, s), "add_", this);

    internal void Fill(double s) => Check(NativeMethods.knt_inplace_scalar((int)InplaceOp.Fill, Handle, s), "fill_", this);

    /// <summary>this += value * t1 * t2</summary>
    internal void AddcmulInPlace(Tensor t1, Tensor t2, double value) =>
        Check(NativeMethods.knt_addcmul_(Handle, t1.Handle, t2.Handle, value), "addcmul_", this, t1, t2);

    /// <summary>this += value * t1 / t2</summary>
    internal void AddcdivInPlace(Tensor t1, Tensor t2, double value) =>
        Check(NativeMethods.knt_addcdiv_(Handle, t1.Handle, t2.Handle, value), "addcdiv_", this, t1, t2);
}
