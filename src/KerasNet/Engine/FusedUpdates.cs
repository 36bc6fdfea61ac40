using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>
/// One-pass optimizer updates in the native layer: the Keras formulas' elementwise ops run as one loop over the
/// variable, its gradient and its slots (float32, one layout), instead of one full pass per op. Each returns false
/// when the tensors do not qualify (another dtype, different strides); the optimizer then runs its unfused ops.
/// </summary>
internal static class FusedUpdates
{
    private static long _applied;

    /// <summary>How many variable updates have run fused in this process (tests check the fused path is taken).</summary>
    public static long Applied => Interlocked.Read(ref _applied);

    private static bool Done(int status)
    {
        if (status != 1) return false;
        Interlocked.Increment(ref _applied);
        return true;
    }

    /// <summary>Keras RMSprop (not centered): v = ρv + (1-ρ)g²; with momentum m = μm + lr·g/√(v+ε), w -= m; else w -= lr·g/√(v+ε).</summary>
    public static bool RMSprop(Tensor variable, Tensor grad, Tensor velocity, Tensor? momentum, double lr, double rho, double mu, double epsilon)
    {
        using var m = new NN.Optional(momentum);
        int status = NativeMethods.knt_rmsprop_update(variable.Handle, grad.Handle, velocity.Handle, m.Raw, lr, rho, mu, epsilon);
        Tensor.Check(status, "rmsprop_update", variable, grad, velocity);
        return Done(status);
    }

    /// <summary>Keras Adam (not amsgrad): m = β1m + (1-β1)g; v = β2v + (1-β2)g²; w -= α·m/(√v + ε).</summary>
    public static bool Adam(Tensor variable, Tensor grad, Tensor m, Tensor v, double alpha, double beta1, double beta2, double epsilon)
    {
        int status = NativeMethods.knt_adam_update(variable.Handle, grad.Handle, m.Handle, v.Handle, alpha, beta1, beta2, epsilon);
        Tensor.Check(status, "adam_update", variable, grad, m);
        return Done(status);
    }

    /// <summary>Zeros of <paramref name="like"/>'s shape, dtype and (for a dense tensor) strides.</summary>
    public static Tensor ZerosLike(Tensor like) => Tensor.Wrap(NativeMethods.knt_zeros_like(like.Handle), "zeros_like", like);
}
