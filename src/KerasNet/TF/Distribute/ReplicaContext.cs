using KerasNet.Engine;
using KerasNet.Keras;

namespace KerasNet.TF.Distribute;

/// <summary>
/// What one replica's thread sees during a distributed step: its own copies of the variables layers
/// update outside the optimizer (BatchNormalization's moving statistics), so replicas running at once
/// never write the same tensor; the strategy then assigns their mean.
/// </summary>
internal sealed class ReplicaContext : IDisposable
{
    [ThreadStatic] private static ReplicaContext? _current;

    /// <summary>The replica this thread runs, or null outside a distributed step.</summary>
    public static ReplicaContext? Current
    {
        get => _current;
        set => _current = value;
    }

    public Dictionary<Variable, Tensor> Locals { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>This replica's copy of <paramref name="v"/> (made on first use), to update in place.</summary>
    public Tensor Local(Variable v)
    {
        if (!Locals.TryGetValue(v, out var t))
        {
            using (Autograd.NoGrad())
            using (var detached = v.Value.Detach())
                t = detached.Clone().Unscoped();
            Locals[v] = t;
        }
        return t;
    }

    public void Dispose()
    {
        foreach (var t in Locals.Values) t.Dispose();
        Locals.Clear();
    }
}
