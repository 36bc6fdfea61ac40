using KerasNet.Keras.Saving;

namespace KerasNet.Keras.Models;

/// <summary>keras.models: load_model, save_model, model_from_json.</summary>
public sealed class ModelsApi
{
    /// <summary>
    /// Loads a whole model: a Keras HDF5 file (.h5, Keras 2.0 to 3) or a Keras 3 .keras archive. With compile, the
    /// optimizer (and its state), loss and metrics come back too; an optimizer KerasNet lacks loads the model
    /// uncompiled, with a warning.
    /// </summary>
    public Model load_model(string filepath, bool compile = true) => ModelFiles.Load(filepath, compile);

    public void save_model(Model model, string filepath, bool include_optimizer = true) => ModelFiles.Save(model, filepath, include_optimizer);

    /// <summary>A model (random weights) from its to_json() architecture.</summary>
    public Model model_from_json(string json_string)
    {
        var json = Json.Parse(json_string, "model_from_json") as System.Text.Json.Nodes.JsonObject
                   ?? throw new FormatException("model_from_json: the JSON must be an object {\"class_name\": ..., \"config\": ...}.");
        return ModelFiles.FromJson(json, "model_from_json");
    }

    /// <summary>A model from a config dictionary ({"class_name", "config"}).</summary>
    public Model model_from_config(System.Text.Json.Nodes.JsonObject config) => ModelFiles.FromJson(config, "model_from_config");
}
