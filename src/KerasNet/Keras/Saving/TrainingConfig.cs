using System.Text.Json.Nodes;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Models;
using KerasNet.Keras.Optimizers;

namespace KerasNet.Keras.Saving;

/// <summary>
/// The compiled state as Keras files keep it (the .h5 root attribute <c>training_config</c>, the .keras
/// <c>compile_config</c>): optimizer config, loss and metrics. Reads every spelling Keras 2.0 to 3 wrote
/// ("lr" or "learning_rate", "Custom>Adamax", metrics as names or MeanMetricWrapper objects).
/// </summary>
public static class TrainingConfig
{
    public static JsonObject? From(Model model)
    {
        if (model.optimizer is null || model.loss is null) return null;
        return new JsonObject
        {
            ["loss"] = SerializeLoss(model.loss),
            ["metrics"] = new JsonArray(model.MetricNames.Select(m => (JsonNode)JsonValue.Create(m)).ToArray()),
            ["weighted_metrics"] = null,
            ["loss_weights"] = null,
            ["optimizer_config"] = SerializeOptimizer(model.optimizer),
        };
    }

    private static JsonNode SerializeLoss(Loss loss) => loss switch
    {
        CategoricalCrossentropy { from_logits: true } => Json.Object("CategoricalCrossentropy", new JsonObject { ["from_logits"] = true, ["name"] = loss.name }),
        BinaryCrossentropy { from_logits: true } => Json.Object("BinaryCrossentropy", new JsonObject { ["from_logits"] = true, ["name"] = loss.name }),
        SparseCategoricalCrossentropy { from_logits: true } => Json.Object("SparseCategoricalCrossentropy", new JsonObject { ["from_logits"] = true, ["name"] = loss.name }),
        _ => JsonValue.Create(loss.name),
    };

    public static JsonObject SerializeOptimizer(Optimizer o)
    {
        var c = new JsonObject { ["name"] = o.name, ["learning_rate"] = o.learning_rate, ["decay"] = o.decay, ["weight_decay"] = o.weight_decay };
        switch (o)
        {
            case Adam a:
                c["beta_1"] = a.beta_1; c["beta_2"] = a.beta_2; c["epsilon"] = a.epsilon; c["amsgrad"] = a.amsgrad;
                break;
            case RMSprop r:
                c["rho"] = r.rho; c["momentum"] = r.momentum; c["epsilon"] = r.epsilon; c["centered"] = r.centered;
                break;
            case SGD s:
                c["momentum"] = s.momentum; c["nesterov"] = s.nesterov;
                break;
        }
        return Json.Object(o.GetType().Name, c);
    }

    /// <summary>An optimizer from its config, or null (with the reason) when KerasNet does not have that optimizer.</summary>
    public static Optimizer? DeserializeOptimizer(JsonNode? node, string where, out string? missing)
    {
        missing = null;
        if (node is JsonValue v && v.TryGetValue(out string? id))
        {
            try { return Optimizer.Get(id); }
            catch (ArgumentException) { missing = id; return null; }
        }
        if (node is not JsonObject o) { missing = "(no optimizer_config)"; return null; }
        var cls = Json.ClassName(o, where);
        if (cls.StartsWith("Custom>", StringComparison.Ordinal)) cls = cls["Custom>".Length..];
        var c = o["config"] as JsonObject ?? new JsonObject();
        double D(string k, double def) => c[k] is JsonValue x && x.TryGetValue(out double d) ? d : def;
        bool B(string k) => c[k] is JsonValue x && x.TryGetValue(out bool b) && b;
        double lr = c.ContainsKey("learning_rate") ? LearningRate(c["learning_rate"], where) : D("lr", double.NaN);
        string name = c["name"]?.GetValue<string>() ?? cls;
        double? WeightDecay() => c["weight_decay"] is JsonValue w && w.TryGetValue(out double d) ? d : null;
        switch (cls)
        {
            case "Adam":
                return new Adam(double.IsNaN(lr) ? 0.001 : lr, D("beta_1", 0.9), D("beta_2", 0.999), D("epsilon", 1e-7), B("amsgrad"), D("decay", 0), name, WeightDecay());
            case "AdamW":
                return new Adam(double.IsNaN(lr) ? 0.001 : lr, D("beta_1", 0.9), D("beta_2", 0.999), D("epsilon", 1e-7), B("amsgrad"), 0, name, WeightDecay() ?? 0.004);
            case "RMSprop":
                return new RMSprop(double.IsNaN(lr) ? 0.001 : lr, D("rho", 0.9), D("momentum", 0), D("epsilon", 1e-7), B("centered"), D("decay", 0), name, WeightDecay());
            case "SGD":
                return new SGD(double.IsNaN(lr) ? 0.01 : lr, D("momentum", 0), B("nesterov"), D("decay", 0), name, WeightDecay());
            default:
                missing = cls;
                return null;
        }
    }

    private static double LearningRate(JsonNode? n, string where) => n switch
    {
        JsonValue v => v.GetValue<double>(),
        JsonObject sched => throw new NotSupportedException(
            $"{where}: the learning rate is a schedule ({Json.Short(sched)}); KerasNet reads constant learning rates only."),
        _ => double.NaN,
    };

    public static Loss DeserializeLoss(JsonNode? node, string where)
    {
        switch (node)
        {
            case JsonValue v:
                try { return Loss.Get(v.GetValue<string>()); }
                catch (ArgumentException e) { throw new NotSupportedException($"{where}: {e.Message}", e); }
            case JsonObject o:
                var cls = Json.ClassName(o, where);
                var c = o["config"] as JsonObject ?? new JsonObject();
                bool logits = c["from_logits"] is JsonValue l && l.GetValue<bool>();
                return cls switch
                {
                    "CategoricalCrossentropy" => new CategoricalCrossentropy(logits),
                    "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(logits),
                    "BinaryCrossentropy" => new BinaryCrossentropy(logits),
                    "MeanSquaredError" => new MeanSquaredError(),
                    _ => throw new NotSupportedException($"{where}: loss class '{cls}' is not available in KerasNet."),
                };
            case JsonArray { Count: 1 } one:
                return DeserializeLoss(one[0], where);
            default:
                throw new NotSupportedException($"{where}: cannot read the loss {Json.Short(node)} (several outputs' losses are not supported).");
        }
    }

    /// <summary>Metric names from ["accuracy"], [["accuracy"]] or MeanMetricWrapper objects.</summary>
    public static string[] DeserializeMetrics(JsonNode? node)
    {
        var names = new List<string>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonArray a: foreach (var x in a) Walk(x); break;
                case JsonValue v when v.TryGetValue(out string? s):
                    names.Add(s == "acc" ? "accuracy" : s);
                    break;
                case JsonObject o when MetricName(o) is { } name:
                    names.Add(name == "acc" ? "accuracy" : name);
                    break;
            }
        }
        Walk(node);
        return names.ToArray();
    }

    private static string? MetricName(JsonObject o) => o["config"] is JsonObject c && c["name"] is JsonValue v ? v.GetValue<string>() : null;

    /// <summary>Compiles <paramref name="model"/> from a training config; false (with a warning printed) when it cannot.</summary>
    public static bool Apply(Model model, JsonObject config, string where)
    {
        var optimizer = DeserializeOptimizer(config["optimizer_config"], where, out var missing);
        if (optimizer is null)
        {
            Console.Error.WriteLine(
                $"WARNING: {where}: the model was compiled with the optimizer '{missing}', which KerasNet does not have (Adam, RMSprop, SGD); " +
                "it is loaded uncompiled. Call model.compile(...) before training.");
            return false;
        }
        var loss = DeserializeLoss(config["loss"], where);
        var metrics = DeserializeMetrics(config["metrics"]);
        model.compile(optimizer, loss, metrics);
        return true;
    }
}
