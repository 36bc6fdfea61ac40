using KerasNet.Engine;

namespace KerasNet.Keras.Metrics;

/// <summary>Fraction of predictions above <c>threshold</c> that match 0/1 labels.</summary>
public sealed class BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5) : MeanMetricWrapper(name)
{
    protected override Tensor Values(Tensor y_true, Tensor y_pred)
    {
        var y = y_true.AsType(DType.Float32).Reshape(y_pred.Shape);
        return y_pred.Gt(threshold).AsType(DType.Float32).Eq(y);
    }
}

/// <summary>Fraction of samples whose arg-max prediction equals the arg-max of the one-hot label.</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : MeanMetricWrapper(name)
{
    protected override Tensor Values(Tensor y_true, Tensor y_pred) => y_true.ArgMax(-1).Eq(y_pred.ArgMax(-1));
}

/// <summary>Fraction of samples whose arg-max prediction equals the integer label.</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanMetricWrapper(name)
{
    protected override Tensor Values(Tensor y_true, Tensor y_pred) =>
        y_pred.ArgMax(-1).Eq(y_true.Reshape(-1).AsType(DType.Int64));
}
