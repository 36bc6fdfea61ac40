using KerasNet.Engine;

namespace KerasNet.TF.Data;

internal sealed class MapDataset<T, U>(Dataset<T> input, Func<T, U> fn, int? parallel, bool deterministic, Func<long, bool>? needed = null)
    : Dataset<U>
{
    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<U>? ForWorker(WorkerShard s) =>
        input.ForWorker(s) is { } i ? new MapDataset<T, U>(i, fn, parallel, deterministic, needed) : null;

    // only an ordered map keeps positions: an unordered one cannot tell which elements a batch will hold
    internal override Dataset<U>? DeferringUnneeded(Func<long, bool> rows) =>
        deterministic ? new MapDataset<T, U>(input, fn, parallel, deterministic, rows) : null;

    /// <summary>Whether the element at <paramref name="position"/> is left unmapped (another worker's row).</summary>
    private bool Defers(long position, Outcome<T> o) => needed is not null && !o.Failed && !needed(position);

    /// <summary>The deferred element: its input kept, mapped only if the consumer forces it.</summary>
    private Outcome<U> Deferred(Outcome<T> o)
    {
        var raw = o.Value;
        return Outcome<U>.Defer(() => Apply(fn, Outcome<T>.Ok(raw)), () => Elements.Dispose(raw));
    }

    public override long cardinality() => input.cardinality();

    public override long? EpochLength => input.EpochLength;

    private static Outcome<U> Apply(Func<T, U> fn, Outcome<T> o)
    {
        if (o.Failed) return Outcome<U>.Fail(o.Error!);
        try
        {
            // Each call runs in its own scope: what fn makes along the way (file bytes, decoded images) is
            // freed when it returns; what it returns belongs to the consumer, who disposes it.
            U result;
            using (var scope = new TensorScope())
            {
                result = fn(o.Value);
                foreach (var t in Elements.Tensors(result))
                    if (t.Scope == scope) t.Unscoped();
            }
            Elements.Dispose(o.Value, keep: result);  // the input is consumed; what fn passed through lives on
            return Outcome<U>.Ok(result);
        }
        catch (Exception e)
        {
            Elements.Dispose(o.Value);
            return Outcome<U>.Fail(e);
        }
    }

    internal override IEnumerable<Outcome<U>> Produce(int pass)
    {
        int n = parallel is null ? 1 : parallel.Value <= 0 ? Environment.ProcessorCount : parallel.Value;
        long position = 0;
        if (parallel is null || n == 1)
        {
            foreach (var o in input.Produce(pass)) yield return Defers(position++, o) ? Deferred(o) : Apply(fn, o);
            yield break;
        }
        // A sliding window of calls on the thread pool; worker threads run single-threaded kernels, so n
        // workers use n cores instead of n × cores threads. Twice n are in flight so that one slow element
        // at the head of an ordered window does not idle the other workers.
        var window = new LinkedList<Task<Outcome<U>>>();
        int inFlight = 2 * n;
        Task<Outcome<U>> Start(Outcome<T> o)
        {
            return Defers(position++, o) ? Task.FromResult(Deferred(o)) : Task.Run(() => Runtime.SingleThreaded(() => Apply(fn, o)));
        }
        using var source = input.Produce(pass).GetEnumerator();
        try
        {
            while (true)
            {
                while (window.Count < inFlight && source.MoveNext()) window.AddLast(Start(source.Current));
                if (window.Count == 0) yield break;
                Task<Outcome<U>> next;
                if (deterministic) next = window.First!.Value;
                else
                {
                    int i = Task.WaitAny(window.ToArray());
                    next = window.ElementAt(i);
                }
                window.Remove(next);
                yield return next.Result;
            }
        }
        finally
        {
            // the consumer stopped early: wait for calls in flight and free what they made
            foreach (var t in window)
            {
                try { t.Result.Discard(); } catch (Exception) { }
            }
        }
    }
}
