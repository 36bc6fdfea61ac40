using KerasNet.Engine;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Saving;

/// <summary>
/// Keras's HDF5 weights layout (what <c>model.save_weights("x.h5")</c> writes in Keras 2 and what
/// <c>~/.keras/models/*.h5</c> files hold): root attributes layer_names, backend, keras_version; one
/// group per layer with attribute weight_names ("conv1/kernel:0", ...) naming datasets inside the group.
/// A layer's weights are listed trainable first, then non-trainable, as Keras does.
/// </summary>
public static class H5Weights
{
    public const string FormatVersion = "KerasNet 0.1 (Keras 2 HDF5 weights layout)";

    private static IReadOnlyList<Variable> OrderedWeights(Layer layer) =>
        layer.trainable_weights.Concat(layer.non_trainable_weights).ToList();

    public static void Save(Model model, string path)
    {
        if (!model.built) throw new InvalidOperationException($"Model '{model.name}' is not built: nothing to save.");
        AtomicFile.Write(path, tmp =>
        {
            using var f = H5File.Create(tmp);
            Write(f, "/", model);
            f.Close();
        });
    }

    /// <summary>Writes the weights layout into group <paramref name="root"/> ("/" for save_weights, "/model_weights" in a full model).</summary>
    internal static void Write(H5File f, string root, Model model)
    {
        string g = root.TrimEnd('/');
        if (g != "") f.CreateGroup(g);
        var layers = model.layers;
        f.WriteStrings(root, "layer_names", layers.Select(l => l.name).ToList());
        f.WriteString(root, "backend", "tensorflow");
        f.WriteString(root, "keras_version", FormatVersion);
        foreach (var layer in layers)
        {
            f.CreateGroup($"{g}/{layer.name}");
            var weights = OrderedWeights(layer);
            var names = weights.Select(w => w.path + ":0").ToList();
            f.WriteStrings($"{g}/{layer.name}", "weight_names", names);
            for (int i = 0; i < weights.Count; i++)
            {
                using var scope = new TensorScope();
                var value = weights[i].numpy();
                f.WriteFloats($"{g}/{layer.name}/{names[i]}", value.ToArray<float>(), value.Shape);
            }
        }
    }

    /// <summary>
    /// Loads weights. By topology (default): the file's layers that have weights are matched, in order,
    /// with the model's layers that have weights. By name: each file layer sets the model layer of that
    /// name, if any. With skip_mismatch (by name only), layers whose weight count or shapes differ are
    /// skipped. Every mismatch otherwise is an error naming the layer and both shapes.
    /// </summary>
    public static void Load(Model model, string path, bool byName = false, bool skipMismatch = false)
    {
        if (skipMismatch && !byName)
            throw new ArgumentException("skip_mismatch=true requires by_name=true (as in Keras).");
        using var f = H5File.Open(path);
        var root = f.Exists("/model_weights") ? "/model_weights" : "";  // a full-model .h5 keeps weights there
        Read(f, root, model, byName, skipMismatch, path);
    }

    internal static void Read(H5File f, string root, Model model, bool byName, bool skipMismatch, string path)
    {
        var layerNames = f.ReadStrings(root == "" ? "/" : root, "layer_names")
                         ?? throw new InvalidDataException($"{path}: not a Keras weights file (no 'layer_names' attribute).");
        var saved = new List<(string Name, string[] WeightNames)>();
        foreach (var name in layerNames)
            saved.Add((name, f.ReadStrings($"{root}/{name}", "weight_names") ?? []));

        if (byName)
        {
            var index = model.layers.GroupBy(l => l.name).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var (name, weightNames) in saved)
            {
                if (!index.TryGetValue(name, out var targets)) continue;
                foreach (var layer in targets)
                    Assign(f, root, name, weightNames, layer, path, skipMismatch);
            }
            return;
        }

        var withWeights = saved.Where(s => s.WeightNames.Length > 0).ToList();
        var layers = model.layers.Where(l => l.variables.Count > 0).ToList();
        if (withWeights.Count != layers.Count)
            throw new InvalidDataException(
                $"{path}: layer count mismatch: the model '{model.name}' has {layers.Count} layers with weights, the file has {withWeights.Count} " +
                $"({string.Join(", ", withWeights.Select(s => s.Name).Take(8))}{(withWeights.Count > 8 ? ", ..." : "")}).");
        for (int k = 0; k < layers.Count; k++)
            Assign(f, root, withWeights[k].Name, withWeights[k].WeightNames, layers[k], path, skipMismatch: false);
    }

    private static void Assign(H5File f, string root, string savedName, string[] weightNames, Layer layer, string path,
        bool skipMismatch)
    {
        var targets = OrderedWeights(layer);
        if (targets.Count != weightNames.Length)
        {
            if (skipMismatch) return;
            throw new InvalidDataException(
                $"{path}: weight count mismatch for layer '{layer.name}' (saved as '{savedName}'): the layer expects {targets.Count} weight(s), the file has {weightNames.Length}.");
        }
        var shapes = weightNames.Select(w => f.DatasetShape($"{root}/{savedName}/{w}")).ToList();
        for (int i = 0; i < targets.Count; i++)
        {
            if (shapes[i].SequenceEqual(targets[i].shape)) continue;
            if (skipMismatch) return;
            throw new InvalidDataException(
                $"{path}: shape mismatch in layer '{layer.name}' for weight '{targets[i].path}': the layer expects {Tensor.FormatShape(targets[i].shape)}, " +
                $"the file has {Tensor.FormatShape(shapes[i])} ('{savedName}/{weightNames[i]}').");
        }
        for (int i = 0; i < targets.Count; i++)
        {
            using var scope = new TensorScope();
            var data = f.ReadFloats($"{root}/{savedName}/{weightNames[i]}", targets[i].NumElements);
            targets[i].assign(Tensor.FromArrayExact(data, shapes[i]));
        }
    }
}
