namespace KerasNet.TF.Data;

/// <summary>
/// One element travelling through a pipeline: a value, or the error that producing it raised. Errors
/// travel as values so that a failure on any worker thread reaches the consumer in order, and so that
/// <c>ignore_errors()</c> can drop exactly the failed elements. A deferred element (a map that another
/// worker's rows need, under input sharding) carries its unmapped input instead: the consumer forces it
/// if it turns out to need it after all, else drops it.
/// </summary>
internal readonly struct Outcome<T>
{
    private Outcome(T value, Exception? error, Deferred? deferred)
    {
        Value = value;
        Error = error;
        Later = deferred;
    }

    public T Value { get; }
    public Exception? Error { get; }
    public bool Failed => Error is not null;

    /// <summary>The deferred computation of this element, when it was not computed.</summary>
    public Deferred? Later { get; }

    public bool IsDeferred => Later is not null;

    public static Outcome<T> Ok(T value) => new(value, null, null);
    public static Outcome<T> Fail(Exception e) => new(default!, e, null);
    public static Outcome<T> Defer(Func<Outcome<T>> force, Action drop) => new(default!, null, new Deferred(force, drop));

    /// <summary>A deferred element: <see cref="Force"/> computes it, <see cref="Drop"/> frees its input; one of the two, once.</summary>
    public sealed class Deferred(Func<Outcome<T>> force, Action drop)
    {
        public Outcome<T> Force() => force();

        public void Drop() => drop();
    }

    /// <summary>This element computed: itself, or its deferred computation run now.</summary>
    public Outcome<T> Forced() => Later is { } d ? d.Force() : this;

    /// <summary>Frees what the element holds: its value, or a deferred element's input.</summary>
    public void Discard()
    {
        if (Later is { } d) d.Drop();
        else Elements.Dispose(Value);
    }
}
