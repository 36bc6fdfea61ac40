using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>Reverse-mode differentiation through libtorch's autograd engine.</summary>
public static class Autograd
{
    /// <summary>d loss / d input for each input (zeros where the loss does not depend on it).</summary>
    public static unsafe Tensor[] Grad(Tensor loss, IReadOnlyList<Tensor> inputs)
    {
        var outs = new IntPtr[inputs.Count];
        using (var handles = new BorrowedHandles(inputs))
        fixed (IntPtr* pi = handles.Raw)
        fixed (IntPtr* po = outs)
        {
            if (NativeMethods.knt_grad(loss.Handle, pi, outs.Length, po) < 0)
                throw Tensor.Failure("grad", loss);
        }
        var grads = new Tensor[outs.Length];
        for (int i = 0; i < outs.Length; i++) grads[i] = Tensor.WrapUnchecked(outs[i], "grad");
        return grads;
    }

    /// <summary>Disables gradient recording on this thread until disposed: <c>using (Autograd.NoGrad()) { ... }</c></summary>
    public static GradModeGuard NoGrad() => new(false);

    /// <summary>Whether this thread records gradients now.</summary>
    public static bool IsGradEnabled
    {
        get
        {
            Runtime.EnsureInitialized();
            return NativeMethods.knt_grad_enabled() != 0;
        }
    }

    /// <summary>Enables gradient recording on this thread until disposed.</summary>
    public static GradModeGuard EnableGrad() => new(true);

    public readonly struct GradModeGuard : IDisposable
    {
        private readonly int _previous;

        internal GradModeGuard(bool enabled)
        {
            Runtime.EnsureInitialized();
            _previous = NativeMethods.knt_set_grad_enabled(enabled ? 1 : 0);
        }

        public void Dispose() => NativeMethods.knt_set_grad_enabled(_previous);
    }
}
