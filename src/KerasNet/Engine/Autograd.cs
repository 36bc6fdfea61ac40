using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>Reverse-mode differentiation through libtorch's autograd engine.</summary>
public static class Autograd
{
    /// <summary>d loss / d input for each input (zeros where the loss does not depend on it).</summary>
    public static unsafe Tensor[] Grad(Tensor loss, IReadOnlyList<Tensor> inputs)
    {
        var raws = new IntPtr[inputs.Count];
        var outs = new IntPtr[inputs.Count];
        var added = new bool[inputs.Count];
        try
        {
            for (int i = 0; i < raws.Length; i++)
            {
                inputs[i].Handle.DangerousAddRef(ref added[i]);
                raws[i] = inputs[i].Handle.DangerousGetHandle();
            }
            fixed (IntPtr* pi = raws)
            fixed (IntPtr* po = outs)
            {
                if (NativeMethods.knt_grad(loss.Handle, pi, raws.Length, po) < 0)
                    throw Tensor.Failure("grad", loss);
            }
        }
        finally
        {
            for (int i = 0; i < raws.Length; i++)
                if (added[i]) inputs[i].Handle.DangerousRelease();
        }
        var grads = new Tensor[outs.Length];
        for (int i = 0; i < outs.Length; i++) grads[i] = Tensor.WrapUnchecked(outs[i]);
        return grads;
    }

    /// <summary>Disables gradient recording on this thread until disposed: <c>using (Autograd.NoGrad()) { ... }</c></summary>
    public static GradModeGuard NoGrad() => new(false);

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
