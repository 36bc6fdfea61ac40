using KerasNet.Keras.Losses;

namespace KerasNet.Keras.Metrics;

/// <summary>Turns compile()'s metric names into metrics, resolving "accuracy"/"acc" as Keras does.</summary>
internal static class MetricResolver
{
    /// <summary>
    /// "accuracy" means binary accuracy for a binary loss or a single output unit, sparse categorical
    /// accuracy for a sparse loss or integer labels, otherwise categorical accuracy. The metric keeps
    /// the name the user wrote ("acc" stays "acc").
    /// </summary>
    public static Metric Resolve(string identifier, Loss loss, long[] yTrueShape, long[] yPredShape)
    {
        var id = identifier.ToLowerInvariant();
        switch (id)
        {
            case "accuracy" or "acc":
            {
                bool binary = loss is BinaryCrossentropy || yPredShape[^1] == 1;
                bool sparse = loss is SparseCategoricalCrossentropy ||
                              yTrueShape.Length < yPredShape.Length ||
                              (yTrueShape[^1] == 1 && yPredShape[^1] > 1);
                if (binary) return new BinaryAccuracy(identifier);
                if (sparse) return new SparseCategoricalAccuracy(identifier);
                return new CategoricalAccuracy(identifier);
            }
            case "binary_accuracy": return new BinaryAccuracy();
            case "categorical_accuracy": return new CategoricalAccuracy();
            case "sparse_categorical_accuracy": return new SparseCategoricalAccuracy();
            default:
                throw new ArgumentException(
                    $"Unknown metric '{identifier}'. Known: accuracy (acc), binary_accuracy, categorical_accuracy, sparse_categorical_accuracy.");
        }
    }
}
