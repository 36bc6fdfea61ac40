using System.Globalization;
using System.Text;
using KerasNet.Keras.Layers;

namespace KerasNet.Keras.Models;

/// <summary>Renders model.summary() in Keras 2's classic layout.</summary>
internal static class Summary
{
    public static string Render(Model model, int lineLength = 65)
    {
        if (!model.built)
            throw new InvalidOperationException(
                $"This model ('{model.name}') has not yet been built. Build the model first by calling build() or by calling the model on a batch of data, or give the first layer an input_shape.");
        int[] positions = [(int)(lineLength * .45), (int)(lineLength * .85), lineLength];
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(model.name).Append("\"\n");
        sb.Append('_', lineLength).Append('\n');
        sb.Append(Row(["Layer (type)", "Output Shape", "Param #"], positions)).Append('\n');
        sb.Append('=', lineLength).Append('\n');
        var layers = model.layers;
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            string shape = l is InputLayer input ? $"[{input.BatchInputShape}]" : l.output_shape?.ToString() ?? "multiple";
            sb.Append(Row([$"{l.name} ({l.ClassName})", shape, l.count_params().ToString()], positions)).Append('\n');
            sb.Append(i == layers.Count - 1 ? '=' : '_', lineLength).Append('\n');
        }
        if (layers.Count == 0) sb.Append('=', lineLength).Append('\n');
        long trainable = model.trainable_weights.Sum(w => w.NumElements);
        long nonTrainable = model.non_trainable_weights.Sum(w => w.NumElements);
        sb.Append($"Total params: {Count(trainable + nonTrainable)}\n");
        sb.Append($"Trainable params: {Count(trainable)}\n");
        sb.Append($"Non-trainable params: {Count(nonTrainable)}\n");
        sb.Append('_', lineLength);
        return sb.ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    // Keras's print_row: each field cut to its column, at least one space between columns.
    private static string Row(string[] fields, int[] positions)
    {
        var line = new StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0 && line.Length > 0) line.Length--;
            if (i > 0) line.Append(' ');
            line.Append(fields[i]);
            if (line.Length > positions[i]) line.Length = positions[i];
            line.Append(' ', positions[i] - line.Length);
        }
        return line.ToString();
    }
}
