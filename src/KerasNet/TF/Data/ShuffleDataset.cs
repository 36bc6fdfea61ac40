namespace KerasNet.TF.Data;

/// <summary>
/// tf.data's shuffle: fill a buffer with the first buffer_size elements, then repeatedly emit a uniformly
/// chosen buffered element and refill its slot from the input; finally drain the buffer in random order.
/// A seed makes the order repeatable; each pass draws anew unless reshuffle_each_iteration is false.
/// </summary>
internal sealed class ShuffleDataset<T>(Dataset<T> input, int bufferSize, int? seed, bool reshuffle) : Dataset<T>
{
    internal override Options? EffectiveOptions => input.EffectiveOptions;

    internal override Dataset<T>? ForWorker(WorkerShard s) => input.ForWorker(s) is { } i ? new ShuffleDataset<T>(i, bufferSize, seed, reshuffle) : null;

    private readonly int _buffer = bufferSize > 0 ? bufferSize : throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "shuffle buffer_size must be positive.");
    private readonly int _unseeded = Random.Shared.Next();

    public override long cardinality() => input.cardinality();

    internal override IEnumerable<Outcome<T>> Produce(int pass)
    {
        int passSeed = Engine.Seeds.Combine(seed ?? _unseeded, reshuffle ? pass : 0);
        var rng = new Random(passSeed);
        var buffer = new List<Outcome<T>>(Math.Min(_buffer, 1 << 16));
        try
        {
            foreach (var o in input.Produce(pass))
            {
                if (buffer.Count < _buffer)
                {
                    buffer.Add(o);
                    continue;
                }
                int i = rng.Next(buffer.Count);
                var chosen = buffer[i];
                buffer[i] = o;
                yield return chosen;
            }
            while (buffer.Count > 0)
            {
                int i = rng.Next(buffer.Count);
                var chosen = buffer[i];
                buffer[i] = buffer[^1];
                buffer.RemoveAt(buffer.Count - 1);
                yield return chosen;
            }
        }
        finally
        {
            // the consumer stopped early: the buffered elements are ours to free
            foreach (var o in buffer) Elements.Dispose(o.Value);
        }
    }
}
