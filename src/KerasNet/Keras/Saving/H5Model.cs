using System.Text.Json.Nodes;
using KerasNet.Engine;
using KerasNet.Keras.Models;

namespace KerasNet.Keras.Saving;

/// <summary>
/// Keras's HDF5 full-model file (<c>model.save("m.h5")</c>): root attributes model_config (the model's JSON),
/// training_config (the compiled state), keras_version and backend; group model_weights (the save_weights layout);
/// group optimizer_weights (attribute weight_names and one dataset per name). Reads the files of standalone Keras
/// 2.0-2.4, tf.keras 2.x and Keras 3's legacy h5 writer.
/// </summary>
internal static class H5Model
{
    public static void Save(Model model, string path, bool includeOptimizer = true)
    {
        if (!model.built) throw new InvalidOperationException($"Model '{model.name}' is not built: nothing to save.");
        var config = ModelFiles.ModelJson(model).ToJsonString();
        var training = TrainingConfig.From(model);
        AtomicFile.Write(path, tmp =>
        {
            using var f = H5File.Create(tmp);
            f.WriteString("/", "keras_version", H5Weights.FormatVersion);
            f.WriteString("/", "backend", "tensorflow");
            f.WriteVlenString("/", "model_config", config);
            if (training is not null) f.WriteVlenString("/", "training_config", training.ToJsonString());
            H5Weights.Write(f, "/model_weights", model);
            if (includeOptimizer && training is not null)
            {
                var weights = OptimizerWeights.Collect(model);
                f.CreateGroup("/optimizer_weights");
                f.WriteStrings("/optimizer_weights", "weight_names", weights.Select(w => w.Name).ToList());
                foreach (var (name, data, shape) in weights) f.WriteFloats("/optimizer_weights/" + name, data, shape);
            }
            f.Close();
        });
    }

    public static Model Load(string path, bool compile)
    {
        using var f = H5File.Open(path);
        var configText = f.ReadString("/", "model_config")
                         ?? throw new InvalidDataException(
                             $"{path}: no 'model_config' attribute: this is not a Keras full-model file. If it holds weights only (model.save_weights), " +
                             "build the model (or keras.models.model_from_json its architecture) and call model.load_weights(path).");
        var json = Json.Parse(configText, path + " (model_config)") as JsonObject
                   ?? throw new InvalidDataException($"{path}: model_config is not a JSON object.");
        var model = ModelFiles.FromJson(json, path);
        try
        {
            if (!f.Exists("/model_weights"))
                throw new InvalidDataException($"{path}: no 'model_weights' group: the file has an architecture but no weights.");
            H5Weights.Read(f, "/model_weights", model, byName: false, skipMismatch: false, path);
            if (compile && f.ReadString("/", "training_config") is { } tc)
            {
                var training = Json.Parse(tc, path + " (training_config)") as JsonObject;
                if (training is not null && TrainingConfig.Apply(model, training, path) && f.Exists("/optimizer_weights"))
                {
                    var names = f.ReadStrings("/optimizer_weights", "weight_names") ?? [];
                    var weights = names.Select(n => (n, (Func<(float[], long[])>)(() =>
                    {
                        var shape = f.DatasetShape("/optimizer_weights/" + n);
                        return (f.ReadFloats("/optimizer_weights/" + n, shape.Aggregate(1L, (a, b) => a * b)), shape);
                    }))).ToList();
                    if (names.Length > 0 && !OptimizerWeights.Restore(model, weights, path)) OptimizerWeights.WarnNotRestored(path, names.Length);
                }
            }
            return model;
        }
        catch
        {
            model.Dispose();  // never a half-built model
            throw;
        }
    }
}
