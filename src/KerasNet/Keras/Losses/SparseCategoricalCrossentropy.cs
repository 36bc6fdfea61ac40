using KerasNet.Engine;

namespace KerasNet.Keras.Losses;

/// <summary>Categorical cross-entropy for integer labels, shape (batch,) or (batch, 1).</summary>
public sealed class SparseCategoricalCrossentropy(bool from_logits = false) : Loss("sparse_categorical_crossentropy")
{
    public bool from_logits { get; } = from_logits;

    public override Tensor Call(Tensor y_true, Tensor y_pred)
    {
        long classes = y_pred.Shape[^1];
        if (y_true.NumElements != y_pred.Shape[0])
            throw new ArgumentException(
                $"sparse_categorical_crossentropy: y_true shape {Tensor.FormatShape(y_true.Shape)} must hold one integer label per sample of y_pred {Tensor.FormatShape(y_pred.Shape)}.");
        var labels = y_true.Reshape(-1);
        if (labels.DType is DType.Float32 or DType.Float64) labels = labels.AsType(DType.Int64);
        var oneHot = labels.OneHot(classes);
        return -(oneHot * CategoricalCrossentropy.LogProbabilities(y_pred, from_logits)).Sum(-1);
    }
}
