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
        CheckLabels(y_true, classes);
        var labels = y_true.Reshape(-1);
        if (labels.DType is DType.Float32 or DType.Float64) labels = labels.AsType(DType.Int64);
        var oneHot = labels.OneHot(classes);
        return -(oneHot * CategoricalCrossentropy.LogProbabilities(y_pred, from_logits)).Sum(-1);
    }

    // Labels must be whole numbers in [0, classes): one-hot would otherwise fail without naming the loss, or
    // (fractional, NaN) silently train on truncated labels.
    private void CheckLabels(Tensor y_true, long classes)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var v = y_true.AsType(DType.Float64).Reshape(-1);
        double min = v.Min().Item(), max = v.Max().Item();
        if (double.IsNaN(min) || double.IsNaN(max))
            throw new ArgumentException($"{name}: a label is NaN; labels must be integers in [0, {classes - 1}].");
        if (min < 0 || max >= classes)
            throw new ArgumentException(
                $"{name}: label {(min < 0 ? min : max)} is out of range for {classes} classes (the model's last dimension); labels must be integers in [0, {classes - 1}].");
        bool floating = y_true.DType is DType.Float32 or DType.Float64 or DType.BFloat16 or DType.Float16;
        if (floating && (v - v.Round()).Abs().Max().Item() > 0)
            throw new ArgumentException($"{name}: labels must be whole numbers (class indices), got a fractional one such as {Fraction(v)}.");
    }

    private static double Fraction(Tensor v) => v.ToArray<double>().First(x => x != Math.Round(x));
}
