namespace KerasNet.TF.Data;

internal sealed class TakeDataset<T>(Dataset<T> input, long count) : Dataset<T>
{
    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<T>? ForWorker(WorkerShard s) => input.ForWorker(s) is { } i ? new TakeDataset<T>(i, count) : null;

    public override long cardinality()
    {
        long c = input.cardinality();
        return count < 0 ? c : c == InfiniteCardinality ? count : c < 0 ? c : Math.Min(c, count);
    }

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        if (count == 0) yield break;
        long n = 0;
        foreach (var o in input.Produce(pass))
        {
            yield return o;
            if (count >= 0 && ++n >= count) yield break;
        }
    }
}

internal sealed class SkipDataset<T>(Dataset<T> input, long count) : Dataset<T>
{
    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<T>? ForWorker(WorkerShard s) => input.ForWorker(s) is { } i ? new SkipDataset<T>(i, count) : null;

    public override long cardinality()
    {
        long c = input.cardinality();
        return c < 0 ? c : Math.Max(0, c - count);
    }

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        long n = 0;
        foreach (var o in input.Produce(pass))
        {
            if (n++ < count)
            {
                Elements.Dispose(o.Value);
                continue;
            }
            yield return o;
        }
    }
}

/// <summary>Pairs elements of two datasets; ends with the shorter.</summary>
internal sealed class ZipDataset<A, B>(Dataset<A> a, Dataset<B> b) : Dataset<(A, B)>
{
    public override long cardinality()
    {
        long x = a.cardinality(), y = b.cardinality();
        if (x == InfiniteCardinality) return y;
        if (y == InfiniteCardinality) return x;
        return x < 0 || y < 0 ? UnknownCardinality : Math.Min(x, y);
    }

    internal override IEnumerable<Outcome<(A, B)>> Produce(int pass)
    {
        using var ea = a.Produce(pass).GetEnumerator();
        using var eb = b.Produce(pass).GetEnumerator();
        while (ea.MoveNext() && eb.MoveNext())
        {
            var x = ea.Current;
            var y = eb.Current;
            if (x.Failed || y.Failed)
            {
                Elements.Dispose(x.Value);
                Elements.Dispose(y.Value);
                yield return Outcome<(A, B)>.Fail(x.Error ?? y.Error!);
            }
            else yield return Outcome<(A, B)>.Ok((x.Value, y.Value));
        }
    }
}

/// <summary>Drops failed elements and records why, so a run can report what it skipped.</summary>
public sealed class IgnoreErrorsDataset<T> : Dataset<T>
{
    private readonly Dataset<T> _input;
    private readonly bool _log;
    private readonly List<string> _ignored = new();

    internal IgnoreErrorsDataset(Dataset<T> input, bool log)
    {
        _input = input;
        _log = log;
    }

    /// <summary>The messages of the elements dropped so far (e.g. "cat.666.jpg: cannot decode image: ...").</summary>
    public IReadOnlyList<string> Ignored
    {
        get { lock (_ignored) return _ignored.ToList(); }
    }

    public override long cardinality() => UnknownCardinality;

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        foreach (var o in _input.Produce(pass))
        {
            if (!o.Failed)
            {
                yield return o;
                continue;
            }
            lock (_ignored) _ignored.Add(o.Error!.Message);
            if (_log) Console.Error.WriteLine($"ignore_errors: skipped an element: {o.Error!.Message}");
        }
    }
}
