using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Explain;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Explain;

public class GradCAMTests
{
    private static (int Row, int Col) ArgMax(float[,] map)
    {
        (int, int) best = (0, 0);
        for (int i = 0; i < map.GetLength(0); i++)
            for (int j = 0; j < map.GetLength(1); j++)
                if (map[i, j] > map[best.Item1, best.Item2]) best = (i, j);
        return best;
    }

    [Fact]
    public void The_map_of_a_class_peaks_where_its_evidence_is_planted_even_beside_stronger_evidence_for_the_other()
    {
        // channel 0 sees red, channel 1 green; "red" (class 0) is read from channel 0 only and "green" from channel 1,
        // through a nested base model, global pooling and softmax
        var input = keras.Input(new Shape(16, 16, 3));
        var features = keras.layers.Conv2D(2, 1, activation: "relu", use_bias: false, name: "features");
        var baseModel = keras.Model(input, features.Apply(input), name: "base");
        var dense = keras.layers.Dense(2, activation: "softmax", name: "head");
        var model = keras.Sequential([baseModel, keras.layers.GlobalAveragePooling2D(), dense]);
        features.set_weights([Tensor.FromArray([1f, 0f, 0f, 1f, 0f, 0f], 1, 1, 3, 2)]);
        dense.set_weights([Tensor.FromArray([3f, -3f, -3f, 3f], 2, 2), Tensor.Zeros([2])]);

        var pixels = new float[16 * 16 * 3];
        for (int r = 2; r < 6; r++) for (int c = 2; c < 6; c++) pixels[(r * 16 + c) * 3 + 0] = 1f;    // red in the top left
        for (int r = 10; r < 14; r++) for (int c = 9; c < 13; c++) pixels[(r * 16 + c) * 3 + 1] = 2f;  // brighter green lower right
        using var image = Tensor.FromArray(pixels, 16, 16, 3);

        var cam = new GradCAM(model);
        Assert.Equal("features", cam.layer_name);  // found inside the nested base
        var red = cam.explain(image, class_index: 0);
        var (rr, rc) = ArgMax(red.Heatmap);
        Assert.InRange(rr, 2, 5);
        Assert.InRange(rc, 2, 5);
        Assert.Equal(0f, red.Heatmap[11, 10]);  // the green evidence counts against red: ReLU leaves nothing there
        var green = cam.explain(image);  // the predicted class
        Assert.Equal(1, green.ClassIndex);
        var (gr, gc) = ArgMax(green.Heatmap);
        Assert.InRange(gr, 10, 13);
        Assert.InRange(gc, 9, 12);
        Assert.Equal(1f, green.Heatmap[gr, gc]);
        Assert.Equal(1.0, red.Probability + green.Probability, 6);
    }

    [Fact]
    public void The_map_equals_its_definition_with_gradients_from_finite_differences()
    {
        keras.utils.set_random_seed(7);
        var input = keras.Input(new Shape(8, 8, 2));
        var c1 = keras.layers.Conv2D(3, 3, activation: "relu", name: "c1");
        var c2 = keras.layers.Conv2D(2, 3, name: "c2");
        var flatten = keras.layers.Flatten();
        var dense = keras.layers.Dense(1, activation: "sigmoid");
        var model = keras.Model(input, dense.Apply(flatten.Apply(c2.Apply(c1.Apply(input)))));
        using var x = Fixtures.RandomTensor([1, 8, 8, 2], seed: 5);
        var a = c2.Apply(c1.Apply(x)).ToArray<float>();  // (1, 4, 4, 2)
        double Score(float[] act, int cls)
        {
            using var t = Tensor.FromArray(act, 1, 4, 4, 2);
            var p = dense.Apply(flatten.Apply(t)).ToArray<float>()[0];
            return cls == 1 ? p : 1 - p;
        }
        foreach (int cls in new[] { 0, 1 })
        {
            // α_k = mean over the 4 × 4 positions of d score / d A[i, j, k], by central differences
            var alpha = new double[2];
            const float h = 1e-2f;
            for (int e = 0; e < a.Length; e++)
            {
                var up = (float[])a.Clone();
                var down = (float[])a.Clone();
                up[e] += h;
                down[e] -= h;
                alpha[e % 2] += (Score(up, cls) - Score(down, cls)) / (2 * h) / 16;
            }
            var expected = new double[16];
            for (int p = 0; p < 16; p++) expected[p] = Math.Max(0, alpha[0] * a[p * 2] + alpha[1] * a[p * 2 + 1]);
            double max = expected.Max();
            var map = new GradCAM(model).explain(x, class_index: cls);
            Assert.Equal("c2", map.LayerName);
            for (int p = 0; p < 16; p++)
                Assert.True(Math.Abs(map.Heatmap[p / 4, p % 4] - (max > 0 ? expected[p] / max : 0)) < 2e-3,
                    $"class {cls}, position {p}: {map.Heatmap[p / 4, p % 4]} vs {expected[p] / max}");
        }
    }

    [Fact]
    public void Bad_requests_name_the_layer_the_class_or_the_shape()
    {
        var model = keras.Sequential([keras.layers.Dense(2, input_shape: 4)]);
        Assert.Contains("has no convolutional layer", Assert.Throws<ArgumentException>(() => new GradCAM(model)).Message);
        var conv = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape: (6, 6, 1), name: "c"), keras.layers.Flatten(), keras.layers.Dense(3, activation: "softmax")]);
        Assert.Contains("has no layer 'nope' (its conv layers: c)", Assert.Throws<ArgumentException>(() => new GradCAM(conv, "nope")).Message);
        using var image = Tensor.Zeros([6, 6, 1]);
        Assert.Contains("class 3 is out of range for the model's 3 classes",
            Assert.Throws<ArgumentException>(() => new GradCAM(conv).explain(image, class_index: 3)).Message);
        using var two = Tensor.Zeros([2, 6, 6, 1]);
        Assert.Contains("one image", Assert.Throws<ArgumentException>(() => new GradCAM(conv).heatmap(two)).Message);
    }
}
