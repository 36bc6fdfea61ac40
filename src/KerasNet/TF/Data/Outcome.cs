namespace KerasNet.TF.Data;

/// <summary>
/// One element travelling through a pipeline: a value, or the error that producing it raised. Errors
/// travel as values so that a failure on any worker thread reaches the consumer in order, and so that
/// <c>ignore_errors()</c> can drop exactly the failed elements.
/// </summary>
internal readonly struct Outcome<T>
{
    private Outcome(T value, Exception? error)
    {
        Value = value;
        Error = error;
    }

    public T Value { get; }
    public Exception? Error { get; }
    public bool Failed => Error is not null;

    public static Outcome<T> Ok(T value) => new(value, null);
    public static Outcome<T> Fail(Exception e) => new(default!, e);
}
