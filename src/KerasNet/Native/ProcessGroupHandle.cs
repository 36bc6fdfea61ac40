using System.Runtime.InteropServices;

namespace KerasNet.Native;

/// <summary>Owns a native c10d process group (knt_group): its store connection and Gloo context.</summary>
internal sealed class ProcessGroupHandle : SafeHandle
{
    public ProcessGroupHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal ProcessGroupHandle(IntPtr raw) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(raw);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.knt_group_free(handle);
        return true;
    }
}
