using System.Runtime.InteropServices;

namespace KerasNet.Native;

/// <summary>Owns one open HDF5 file id (hid_t, ≥ 0); closed exactly once, by Dispose or, as a last resort, the finalizer.</summary>
internal sealed class H5FileHandle : SafeHandle
{
    public H5FileHandle() : base(new IntPtr(-1), ownsHandle: true) { }

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>Whether the last close reported an error (e.g. the disk filled while HDF5 flushed).</summary>
    internal bool CloseFailed { get; private set; }

    protected override bool ReleaseHandle()
    {
        CloseFailed = NativeMethods.knt_h5_close(handle) < 0;
        return true;
    }
}
