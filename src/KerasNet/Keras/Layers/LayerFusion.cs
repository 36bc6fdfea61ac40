using KerasNet.Engine;

namespace KerasNet.Keras.Layers;

/// <summary>
/// Pairs of layers the model runners (Sequential, Functional) run as one, where the second is the first's only reader
/// (the first's output is not a model output, not tapped by Grad-CAM, not read by another layer); the results and
/// gradients are those of the two layers run apart:
/// <list type="bullet">
/// <item>Conv2D(activation: "relu") then MaxPooling2D: convolution, pooling, then ReLU in place on the pooled values.
/// ReLU is monotonic, so max_pool(relu(x)) equals relu(max_pool(x)) exactly, and so do the gradients (a window whose
/// maximum is ≤ 0 passes no gradient either way; otherwise both pass it to the same, first, maximum). With a 2×2 pool
/// ReLU and its backward touch a quarter of the values.</item>
/// <item>BatchNormalization then ReLU (max_value or none, no slope, no threshold; MobileNet's ReLU6): the clamp runs in
/// the normalization's own pass (inference), or right after it.</item>
/// </list>
/// While a pair runs, each of its two layers asks <see cref="IsFusedProducer"/> / <see cref="IsFusedConsumer"/> (per thread:
/// replicas on threads each run their own).
/// </summary>
internal static class LayerFusion
{
    [ThreadStatic] private static Layer? _producer;
    [ThreadStatic] private static Layer? _consumer;
    private static long _runs;

    /// <summary>How many fused pairs have run in this process (tests check where fusion applies).</summary>
    public static long Runs => Interlocked.Read(ref _runs);

    /// <summary>Whether <paramref name="producer"/> then <paramref name="consumer"/> (its only reader) run fused.</summary>
    public static bool Applies(Layer producer, Layer consumer)
    {
        if (Layer.OutputTap is { } tap && ReferenceEquals(tap.Layer, producer)) return false;
        return (producer, consumer) switch
        {
            (Conv2D { activation: "relu" }, MaxPooling2D) => true,
            (BatchNormalization, ReLU { negative_slope: 0, threshold: 0 }) => true,
            _ => false,
        };
    }

    /// <summary>Runs the pair; the producer's own output (not materialized in full where fused) is freed.</summary>
    public static Tensor Run(Layer producer, bool producerTraining, Layer consumer, bool consumerTraining, Tensor x)
    {
        var (outerProducer, outerConsumer) = (_producer, _consumer);
        _producer = producer;
        _consumer = consumer;
        try
        {
            var mid = producer.Apply(x, producerTraining);
            var y = consumer.Apply(mid, consumerTraining);
            Tensor.Release(mid, y);
            Interlocked.Increment(ref _runs);
            return y;
        }
        finally
        {
            (_producer, _consumer) = (outerProducer, outerConsumer);
        }
    }

    /// <summary>Asked by a producer layer: its consumer does part of its work (Conv2D: the ReLU).</summary>
    internal static bool IsFusedProducer(Layer layer) => ReferenceEquals(_producer, layer);

    /// <summary>Asked by a consumer layer: it does its producer's leftover work, or its own was done (ReLU after BatchNormalization).</summary>
    internal static bool IsFusedConsumer(Layer layer) => ReferenceEquals(_consumer, layer);

    /// <summary>The ReLU a fused BatchNormalization applies in its own pass: (0, max_value or +∞).</summary>
    internal static (double Low, double High)? ClampAfter(BatchNormalization bn) =>
        IsFusedProducer(bn) && _consumer is ReLU relu ? (0, relu.max_value ?? double.PositiveInfinity) : null;
}
