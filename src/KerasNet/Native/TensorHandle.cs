using System.Runtime.InteropServices;

namespace KerasNet.Native;

/// <summary>Owns one native at::Tensor handle; released exactly once, by Dispose or, as a last resort, the finalizer.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr raw) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(raw);

    public override bool IsInvalid => handle == IntPtr.Zero;

    private long _pressure;

    /// <summary>
    /// Tells the GC this handle keeps <paramref name="bytes"/> of native memory alive, so tensors that
    /// are left to the finalizer (user code outside any scope) are collected before memory piles up.
    /// </summary>
    internal void AddMemoryPressure(long bytes)
    {
        if (bytes <= 0 || _pressure > 0) return;
        _pressure = bytes;
        GC.AddMemoryPressure(bytes);
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.knt_free(handle);
        if (_pressure > 0) GC.RemoveMemoryPressure(_pressure);
        return true;
    }
}
