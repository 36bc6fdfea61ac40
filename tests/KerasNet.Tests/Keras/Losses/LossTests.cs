using KerasNet.Engine;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Layers;

namespace KerasNet.Tests.Keras.Losses;

public class LossTests
{
    [Fact]
    public void Categorical_crossentropy_on_probabilities_is_minus_log_of_the_true_class_mean_over_batch()
    {
        using var scope = new TensorScope();
        var yTrue = Tensor.FromArray(new float[] { 0, 1, 0, 0, 0, 1 }, 2, 3);
        var yPred = Tensor.FromArray(new float[] { 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f }, 2, 3);
        double expected = (-Math.Log(0.95) - Math.Log(0.1)) / 2;
        Assert.Equal(expected, new CategoricalCrossentropy().Compute(yTrue, yPred).Item(), 5);
    }

    [Fact]
    public void Categorical_crossentropy_clips_zero_probabilities_to_epsilon()
    {
        using var scope = new TensorScope();
        var yTrue = Tensor.FromArray(new float[] { 1, 0 }, 1, 2);
        var yPred = Tensor.FromArray(new float[] { 0, 1 }, 1, 2);
        Assert.Equal(-Math.Log(1e-7), new CategoricalCrossentropy().Compute(yTrue, yPred).Item(), 3);
    }

    [Fact]
    public void Softmax_output_uses_its_logits_and_agrees_with_from_logits()
    {
        using var scope = new TensorScope();
        var logits = Tensor.FromArray(new float[] { 2, -1, 0.5f, 0, 3, -2 }, 2, 3);
        var yTrue = Tensor.FromArray(new float[] { 1, 0, 0, 0, 0, 1 }, 2, 3);
        var probs = new Activation("softmax").Apply(logits);
        double fromLogits = new CategoricalCrossentropy(from_logits: true).Compute(yTrue, logits).Item();
        double fromProbs = new CategoricalCrossentropy().Compute(yTrue, probs).Item();
        var p = probs.ToArray<float>();
        double byHand = (-Math.Log(p[0]) - Math.Log(p[5])) / 2;
        Assert.Equal(byHand, fromLogits, 5);
        Assert.Equal(fromLogits, fromProbs, 6);
        // sparse labels give the same value
        var labels = Tensor.FromArray(new long[] { 0, 2 }, 2);
        Assert.Equal(fromLogits, new SparseCategoricalCrossentropy().Compute(labels, probs).Item(), 6);
    }

    [Fact]
    public void Binary_crossentropy_matches_the_formula_and_the_sigmoid_logits_path()
    {
        using var scope = new TensorScope();
        var logits = Tensor.FromArray(new float[] { 1.5f, -0.3f, 4f }, 3, 1);
        var y = Tensor.FromArray(new float[] { 1, 0, 0 }, 3);  // (N,) against (N, 1) predictions
        var probs = new Activation("sigmoid").Apply(logits);
        var p = probs.ToArray<float>();
        double byHand = -(Math.Log(p[0]) + Math.Log(1 - p[1]) + Math.Log(1 - p[2])) / 3;
        Assert.Equal(byHand, new BinaryCrossentropy().Compute(y, probs).Item(), 5);
        Assert.Equal(byHand, new BinaryCrossentropy(from_logits: true).Compute(y, logits).Item(), 5);
        // plain probabilities (no logits kept) use the clipped formula
        var plain = Tensor.FromArray(p, 3, 1);
        Assert.Equal(byHand, new BinaryCrossentropy().Compute(y, plain).Item(), 5);
    }

    [Fact]
    public void Losses_resolve_by_name()
    {
        Loss a = "categorical_crossentropy", b = "binary_crossentropy", c = "sparse_categorical_crossentropy";
        Assert.IsType<CategoricalCrossentropy>(a);
        Assert.IsType<BinaryCrossentropy>(b);
        Assert.IsType<SparseCategoricalCrossentropy>(c);
        var e = Assert.Throws<ArgumentException>(() => (Loss)"hinge-ish");
        Assert.Contains("hinge-ish", e.Message);
    }

    [Fact]
    public void Sparse_labels_out_of_range_fractional_or_NaN_name_the_loss_the_value_and_the_range()
    {
        using var scope = new TensorScope();
        var pred = Tensor.FromArray(new float[] { 0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f }, 2, 3);
        var loss = new KerasNet.Keras.Losses.SparseCategoricalCrossentropy();
        var e = Assert.Throws<ArgumentException>(() => loss.Compute(Tensor.FromArray(new long[] { 0, 5 }, 2), pred));
        Assert.Contains("sparse_categorical_crossentropy: label 5 is out of range for 3 classes", e.Message);
        Assert.Contains("[0, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => loss.Compute(Tensor.FromArray(new float[] { -1, 1 }, 2), pred));
        Assert.Contains("label -1", e.Message);
        e = Assert.Throws<ArgumentException>(() => loss.Compute(Tensor.FromArray(new float[] { 1.5f, 1 }, 2), pred));
        Assert.Contains("fractional one such as 1.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => loss.Compute(Tensor.FromArray(new float[] { float.NaN, 1 }, 2), pred));
        Assert.Contains("NaN", e.Message);
        // whole-number float labels are fine, as in Keras
        var ok = loss.Compute(Tensor.FromArray(new float[] { 2, 2 }, 2), pred).Item();
        Assert.Equal(-(Math.Log(0.5) + Math.Log(0.8)) / 2, ok, 5);
    }
}
