using System.Runtime.InteropServices;

namespace KerasNet.Native;

/// <summary>Owns one native at::Tensor handle; released exactly once, by Dispose or, as a last resort, the finalizer.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr raw) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(raw);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.knt_free(handle);
        return true;
    }
}
