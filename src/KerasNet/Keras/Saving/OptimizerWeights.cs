using KerasNet.Engine;
using KerasNet.Keras.Models;
using KerasNet.Keras.Optimizers;

namespace KerasNet.Keras.Saving;

/// <summary>
/// The optimizer's state in a model file, so training continues exactly where it stopped: the step count and
/// every slot (Adam's m and v, RMSprop's rms, SGD's momentum) of every trained weight. Stored as a list of
/// (name, value) pairs: "Adam/iterations:0", then "Adam/{slot}/{index}/{weight path}:0", index counting the
/// trained weights in model order. Python Keras reads the weights whatever these names; a state written by
/// Python Keras (other names, other orders) is not restored and a warning says so.
/// </summary>
internal static class OptimizerWeights
{
    public static List<(string Name, float[] Data, long[] Shape)> Collect(Model model)
    {
        var opt = model.optimizer!;
        var trained = model.TrainedWeights();
        var (iterations, slots) = opt.GetState(trained);
        var list = new List<(string, float[], long[])> { ($"{opt.name}/iterations:0", [iterations], []) };
        foreach (var (key, (data, shape)) in slots.OrderBy(kv => int.Parse(kv.Key.Split('/')[0])).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var parts = key.Split('/');
            int index = int.Parse(parts[0]);
            list.Add(($"{opt.name}/{parts[1]}/{index}/{trained[index].path}:0", data, shape));
        }
        return list;
    }

    /// <summary>Restores a state that <see cref="Collect"/> wrote; false when the names are not ours (nothing is changed then).</summary>
    public static bool Restore(Model model, IReadOnlyList<(string Name, Func<(float[] Data, long[] Shape)> Read)> weights, string where)
    {
        var opt = model.optimizer!;
        var trained = model.TrainedWeights();
        long? iterations = null;
        var slots = new Dictionary<string, (float[], long[])>();
        foreach (var (name, read) in weights)
        {
            var parts = name.Split('/');
            if (parts.Length == 2 && parts[1] is "iterations:0" or "iteration:0")
            {
                iterations = (long)Math.Round(read().Data[0]);
                continue;
            }
            if (parts.Length < 4 || !int.TryParse(parts[2], out int index) || index < 0 || index >= trained.Count) return false;
            var path = string.Join('/', parts[3..]);
            if (path != trained[index].path + ":0") return false;
            var (data, shape) = read();
            if (!shape.SequenceEqual(trained[index].shape))
                throw new InvalidDataException(
                    $"{where}: optimizer slot '{name}' has shape {Tensor.FormatShape(shape)}, the weight {Tensor.FormatShape(trained[index].shape)}.");
            slots[$"{index}/{parts[1]}"] = (data, shape);
        }
        if (iterations is null) return false;
        opt.SetState(trained, iterations.Value, slots);
        return true;
    }

    public static void WarnNotRestored(string where, int count) =>
        Console.Error.WriteLine(
            $"WARNING: {where}: the file holds {count} optimizer weights in a layout KerasNet does not map (written by Python Keras); " +
            "the optimizer starts from fresh state (step 0, zero moments), as Keras does when it cannot load an optimizer state.");
}
