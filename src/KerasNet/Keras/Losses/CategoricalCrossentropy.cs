using KerasNet.Engine;

namespace KerasNet.Keras.Losses;

/// <summary>
/// -Σ y_true·log(y_pred) over the last axis, for one-hot labels. From probabilities, y_pred is
/// renormalised and clipped to [ε, 1-ε]; from logits (or when y_pred came out of a softmax layer,
/// whose input we keep, as TensorFlow's Keras does) it is computed with a stable log-softmax.
/// </summary>
public sealed class CategoricalCrossentropy(bool from_logits = false) : Loss("categorical_crossentropy")
{
    public bool from_logits { get; } = from_logits;

    public override Tensor Call(Tensor y_true, Tensor y_pred)
    {
        if (!y_true.Shape.SequenceEqual(y_pred.Shape))
            throw new ArgumentException(
                $"categorical_crossentropy: y_true shape {Tensor.FormatShape(y_true.Shape)} must equal y_pred shape {Tensor.FormatShape(y_pred.Shape)}. " +
                "One-hot encode the labels (keras.utils.to_categorical) or use sparse_categorical_crossentropy for integer labels.");
        var target = y_true.DType == DType.Float32 ? y_true : y_true.AsType(DType.Float32);
        return -(target * LogProbabilities(y_pred, from_logits)).Sum(-1);
    }

    internal static Tensor LogProbabilities(Tensor y_pred, bool fromLogits)
    {
        if (fromLogits) return NN.LogSoftmax(y_pred, -1);
        if (y_pred.KerasLogits is { } logits) return NN.LogSoftmax(logits, -1);
        var p = y_pred / y_pred.Sum(-1, keepDims: true);
        return p.Clamp(Epsilon, 1 - Epsilon).Log();
    }
}
