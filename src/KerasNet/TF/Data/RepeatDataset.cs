namespace KerasNet.TF.Data;

internal sealed class RepeatDataset<T>(Dataset<T> input, int? count) : Dataset<T>
{
    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<T>? ForWorker(WorkerShard s) => input.ForWorker(s) is { } i ? new RepeatDataset<T>(i, count) : null;

    public override long cardinality()
    {
        if (count is null) return input.cardinality() == 0 ? 0 : InfiniteCardinality;
        long c = input.cardinality();
        return c < 0 ? c : c * count.Value;
    }

    public override long? EpochLength => input.EpochLength;

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        // each repetition is a new pass of the input, so shuffles upstream draw anew
        for (int r = 0; count is null || r < count; r++)
        {
            bool any = false;
            foreach (var o in input.Produce(pass * 100_003 + r))
            {
                any = true;
                yield return o;
            }
            if (!any) yield break;  // repeating an empty dataset forever would hang
        }
    }
}
