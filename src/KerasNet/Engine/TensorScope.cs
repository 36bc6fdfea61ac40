namespace KerasNet.Engine;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope and disposes them
/// when it ends, so a training step frees all its intermediates deterministically. Tensors that must
/// outlive the scope are moved out with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.ReleaseFromScope"/>. Scopes nest and must be disposed in reverse order.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly List<Tensor> _owned = new(128);
    private bool _disposed;

    public TensorScope()
    {
        Parent = _current;
        _current = this;
    }

    internal TensorScope? Parent { get; }

    internal static TensorScope? Current => _current;

    /// <summary>Tensors created in this scope and still owned by it.</summary>
    public int Count => _owned.Count(t => t.Scope == this);

    internal static void Register(Tensor t)
    {
        var s = _current;
        if (s is null) return;
        t.Scope = s;
        s._owned.Add(t);
    }

    internal void Adopt(Tensor t)
    {
        t.Scope = this;
        _owned.Add(t);
    }

    /// <summary>
    /// Ends this scope without disposing what it owns: the tensors are returned, owned by nobody, for the
    /// caller to hand to another scope (work done on another thread whose results the caller's step owns).
    /// </summary>
    internal List<Tensor> EndAndRelease()
    {
        if (_current != this)
            throw new InvalidOperationException("TensorScope ended out of order: end inner scopes first.");
        _disposed = true;
        _current = Parent;
        var kept = _owned.Where(t => t.Scope == this).ToList();
        foreach (var t in kept) t.Scope = null;
        _owned.Clear();
        return kept;
    }

    public void Dispose()
    {
        if (_disposed) return;
        if (_current != this)
            throw new InvalidOperationException("TensorScope disposed out of order: dispose inner scopes first.");
        _disposed = true;
        _current = Parent;
        foreach (var t in _owned)
            if (t.Scope == this)
                t.Dispose();
        _owned.Clear();
    }
}
