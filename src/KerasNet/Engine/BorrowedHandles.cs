namespace KerasNet.Engine;

/// <summary>
/// The raw native handles of some tensors for one native call that takes an array of them, each
/// held by a reference until disposed, so no finalizer can free a tensor while native code uses it.
/// </summary>
internal sealed class BorrowedHandles : IDisposable
{
    private readonly Native.TensorHandle?[] _handles;
    private readonly bool[] _added;

    public BorrowedHandles(IReadOnlyList<Tensor> tensors)
    {
        _handles = new Native.TensorHandle?[tensors.Count];
        _added = new bool[tensors.Count];
        Raw = new IntPtr[tensors.Count];
        try
        {
            for (int i = 0; i < Raw.Length; i++)
            {
                var h = _handles[i] = tensors[i].Handle;
                h.DangerousAddRef(ref _added[i]);
                Raw[i] = h.DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IntPtr[] Raw { get; }

    public void Dispose()
    {
        for (int i = 0; i < _added.Length; i++)
        {
            if (!_added[i]) continue;
            _handles[i]!.DangerousRelease();
            _added[i] = false;
        }
    }
}
