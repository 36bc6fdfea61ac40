using KerasNet.Engine;

namespace KerasNet.Keras.Losses;

/// <summary>
/// A Keras loss: per-sample values from (y_true, y_pred), reduced as Keras's default
/// "sum_over_batch_size" (the mean over the batch). Accepted by name where a Loss is expected:
/// <c>loss: "categorical_crossentropy"</c>.
/// </summary>
public abstract class Loss
{
    /// <summary>Keras's fuzz factor for probabilities (keras.backend.epsilon()).</summary>
    public const double Epsilon = 1e-7;

    protected Loss(string name) => this.name = name;

    public string name { get; }

    /// <summary>Per-sample losses, shape (batch,).</summary>
    public abstract Tensor Call(Tensor y_true, Tensor y_pred);

    /// <summary>The scalar loss: the mean of <see cref="Call"/> over the batch.</summary>
    public Tensor Compute(Tensor y_true, Tensor y_pred)
    {
        if (y_true.Shape.Length == 0 || y_pred.Shape.Length == 0 || y_true.Shape[0] != y_pred.Shape[0])
            throw new ArgumentException(
                $"{name}: y_true {Tensor.FormatShape(y_true.Shape)} and y_pred {Tensor.FormatShape(y_pred.Shape)} must have the same batch size.");
        if (y_pred.DType != DType.Float32)
        {
            // mixed precision: the loss is computed in float32
            var logits = y_pred.KerasLogits;
            y_pred = y_pred.AsType(DType.Float32);
            y_pred.KerasLogits = logits is null ? null : MixedPrecision.Policy.Cast(logits, DType.Float32);
        }
        return Call(y_true, y_pred).Mean();
    }

    public static Loss Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "binary_crossentropy" => new BinaryCrossentropy(),
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        _ => throw new ArgumentException(
            $"Unknown loss '{identifier}'. Known: categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error."),
    };

    public static implicit operator Loss(string identifier) => Get(identifier);

    /// <summary>y_true as float32 with y_pred's shape where Keras would squeeze or expand it ((N,) vs (N, 1)).</summary>
    protected static Tensor AlignTarget(Tensor y_true, Tensor y_pred, string lossName)
    {
        var t = y_true.DType == DType.Float32 ? y_true : y_true.AsType(DType.Float32);
        if (t.Shape.SequenceEqual(y_pred.Shape)) return t;
        if (t.NumElements == y_pred.NumElements && (t.NDim == y_pred.NDim - 1 || t.NDim == y_pred.NDim + 1))
            return t.Reshape(y_pred.Shape);
        throw new ArgumentException(
            $"{lossName}: y_true shape {Tensor.FormatShape(y_true.Shape)} is incompatible with y_pred shape {Tensor.FormatShape(y_pred.Shape)}.");
    }
}
