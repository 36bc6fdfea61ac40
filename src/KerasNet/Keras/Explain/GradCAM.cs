using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Explain;

/// <summary>What Grad-CAM says about one image: the class explained, its probability, the map (rows × columns of the layer, 0-1).</summary>
public sealed record GradCAMExplanation(int ClassIndex, double Probability, float[,] Heatmap, string LayerName);

/// <summary>
/// Grad-CAM (Selvaraju et al., 2017), as Keras's "Grad-CAM class activation visualization" example computes it: the
/// gradient of the class score with respect to a convolutional layer's output A (N, H, W, K), averaged over H and W into
/// one weight α_k per channel; the map is ReLU(Σ_k α_k A_k), divided by its maximum. The class score is the model's
/// output for the class (for a single sigmoid unit: p for class 1, 1 - p for class 0). The layer is the last
/// convolution (Conv2D, DepthwiseConv2D, SeparableConv2D) of the model, nested models included, with the batch
/// normalization, activation and residual sum that finish its block (ResNet: conv5_block3_out); or the one named. Images go in as the model takes them (preprocessed).
/// </summary>
public sealed class GradCAM
{
    private readonly Model _model;

    public GradCAM(Model model, string? layer_name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var all = Flatten(model).ToList();
        if (layer_name is not null)
            Layer = all.FirstOrDefault(l => l.name == layer_name)
                    ?? throw new ArgumentException($"GradCAM: model '{model.name}' has no layer '{layer_name}' (its conv layers: {string.Join(", ", all.Where(IsConv).Select(l => l.name))}).");
        else
        {
            int last = all.FindLastIndex(l => IsConv(l));
            if (last < 0) throw new ArgumentException($"GradCAM: model '{model.name}' has no convolutional layer to explain with; name one with layer_name.");
            // then the normalisation, activation and residual sum that finish the block (ResNet's conv5_block3_out)
            int chosen = last;
            for (int i = last + 1; i < all.Count && all[i] is ReLU or Activation or BatchNormalization or LeakyReLU or Add; i++)
                if (all[i] is not Add) chosen = i;
            Layer = all[chosen];
        }
    }

    /// <summary>The layer whose output the maps are made of.</summary>
    public Layer Layer { get; }

    public string layer_name => Layer.name;

    private static bool IsConv(Layer l) => l is Conv2D or DepthwiseConv2D or SeparableConv2D;

    /// <summary>Every layer in forward order, the layers of nested models in place of the model.</summary>
    private static IEnumerable<Layer> Flatten(Model m)
    {
        foreach (var l in m.layers)
        {
            if (l is Model inner)
                foreach (var x in Flatten(inner)) yield return x;
            else yield return l;
        }
    }

    /// <summary>The normalised map for one image ((H, W, C) or (1, H, W, C)) and the class (default: the predicted one).</summary>
    public float[,] heatmap(Tensor image, int? class_index = null) => explain(image, class_index).Heatmap;

    /// <summary>The map with the class it explains and that class's probability.</summary>
    public GradCAMExplanation explain(Tensor image, int? class_index = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Shape.Length == 3) image = image.Reshape(1, image.Shape[0], image.Shape[1], image.Shape[2]);
        if (image.Shape.Length != 4 || image.Shape[0] != 1)
            throw new ArgumentException($"GradCAM: one image, (H, W, C) or (1, H, W, C), not ({string.Join(", ", image.Shape)}).");
        using var scope = new TensorScope();
        Tensor? activations = null;
        Layer.OutputTap = (Layer, y =>
        {
            if (y.Shape.Length != 4)
                throw new ArgumentException($"GradCAM: layer '{Layer.name}' outputs ({string.Join(", ", y.Shape)}), not a (batch, rows, columns, channels) map.");
            var leaf = y.Detach();
            leaf.RequiresGrad = true;
            leaf.KeptByObserver = true;  // the model frees activations after their last reader: this one is read here after the pass
            activations = leaf;
            return leaf;
        });
        Tensor output;
        try
        {
            using (Autograd.EnableGrad()) output = _model.Apply(image.AsType(DType.Float32), training: false);
        }
        finally
        {
            Layer.OutputTap = null;
        }
        if (activations is null) throw new InvalidOperationException($"GradCAM: layer '{Layer.name}' did not run in model '{_model.name}'.");
        var probs = output.AsType(DType.Float32).Reshape(-1).ToArray<float>();
        bool binary = probs.Length == 1;
        int classes = binary ? 2 : probs.Length;
        int c = class_index ?? (binary ? (probs[0] > 0.5f ? 1 : 0) : Array.IndexOf(probs, probs.Max()));
        if (c < 0 || c >= classes) throw new ArgumentException($"GradCAM: class {c} is out of range for the model's {classes} classes.");
        double p = binary ? (c == 1 ? probs[0] : 1 - probs[0]) : probs[c];
        Tensor score;
        using (Autograd.EnableGrad())
        {
            var flat = output.Reshape(1, -1);
            score = binary ? (c == 1 ? flat.Sum() : (1.0 - flat).Sum()) : flat.Narrow(1, c, 1).Sum();
        }
        var grads = Autograd.Grad(score, [activations])[0];
        using (Autograd.NoGrad())
        {
            var alpha = grads.Mean(1, 2).Reshape(1, 1, 1, -1);  // one weight per channel
            var cam = NN.Relu((activations.Detach() * alpha).Sum(3)).Reshape(activations.Shape[1], activations.Shape[2]);
            var values = cam.ToArray<float>();
            float max = values.Max();
            int h = (int)activations.Shape[1], w = (int)activations.Shape[2];
            var map = new float[h, w];
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) map[i, j] = max > 0 ? values[i * w + j] / max : 0;
            return new GradCAMExplanation(c, p, map, Layer.name);
        }
    }
}
