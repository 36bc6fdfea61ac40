using System.Collections.Concurrent;

namespace KerasNet.TF.Data;

/// <summary>Runs the input on a background thread, up to buffer_size elements ahead of the consumer.</summary>
internal sealed class PrefetchDataset<T>(Dataset<T> input, int bufferSize) : Dataset<T>
{
    private readonly int _size = bufferSize == TensorFlowApi.Autotune ? 2 :
        bufferSize > 0 ? bufferSize : throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "prefetch buffer_size must be positive or AUTOTUNE.");

    public override long cardinality() => input.cardinality();

    public override long? EpochLength => input.EpochLength;

    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<T>? ForWorker(WorkerShard s) => input.ForWorker(s) is { } i ? new PrefetchDataset<T>(i, bufferSize) : null;

    internal override Dataset<T>? DeferringUnneeded(Func<long, bool> needed) =>
        input.DeferringUnneeded(needed) is { } i ? new PrefetchDataset<T>(i, bufferSize) : null;

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        using var queue = new BlockingCollection<Outcome<T>>(_size);
        using var stop = new CancellationTokenSource();
        var producer = new Thread(() => Engine.Runtime.SingleThreaded(() =>
        {
            try
            {
                foreach (var o in input.Produce(pass))
                {
                    try { queue.Add(o, stop.Token); }
                    catch (OperationCanceledException)
                    {
                        o.Discard();
                        return 0;
                    }
                }
            }
            catch (Exception e)
            {
                try { queue.Add(Outcome<T>.Fail(e), stop.Token); } catch (OperationCanceledException) { }
            }
            finally
            {
                queue.CompleteAdding();
            }
            return 0;
        })) { IsBackground = true, Name = "prefetch" };
        producer.Start();
        try
        {
            foreach (var o in queue.GetConsumingEnumerable()) yield return o;
        }
        finally
        {
            stop.Cancel();
            producer.Join();
            while (queue.TryTake(out var left)) left.Discard();
        }
    }
}
