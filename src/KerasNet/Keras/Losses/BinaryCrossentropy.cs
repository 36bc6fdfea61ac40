using KerasNet.Engine;

namespace KerasNet.Keras.Losses;

/// <summary>
/// -(y·log p + (1-y)·log(1-p)) averaged over the last axis. From probabilities, p is clipped to
/// [ε, 1-ε]; from logits (or a sigmoid layer's output, whose input we keep) the stable logits form is used.
/// </summary>
public sealed class BinaryCrossentropy(bool from_logits = false) : Loss("binary_crossentropy")
{
    public bool from_logits { get; } = from_logits;

    public override Tensor Call(Tensor y_true, Tensor y_pred)
    {
        var y = AlignTarget(y_true, y_pred, name);
        Tensor elementwise;
        if (from_logits)
            elementwise = NN.BinaryCrossentropyWithLogits(y_pred, y);
        else if (y_pred.KerasLogits is { } logits)
            elementwise = NN.BinaryCrossentropyWithLogits(logits, y);
        else
        {
            var p = y_pred.Clamp(Epsilon, 1 - Epsilon);
            elementwise = -(y * p.Log() + (1.0 - y) * (1.0 - p).Log());
        }
        return elementwise.NDim > 1 ? elementwise.Mean(-1) : elementwise;
    }
}
