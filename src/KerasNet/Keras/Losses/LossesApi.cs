namespace KerasNet.Keras.Losses;

/// <summary>keras.losses</summary>
public sealed class LossesApi
{
    public CategoricalCrossentropy CategoricalCrossentropy(bool from_logits = false) => new(from_logits);
    public SparseCategoricalCrossentropy SparseCategoricalCrossentropy(bool from_logits = false) => new(from_logits);
    public BinaryCrossentropy BinaryCrossentropy(bool from_logits = false) => new(from_logits);
    public MeanSquaredError MeanSquaredError() => new();
}
