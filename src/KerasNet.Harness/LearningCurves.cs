namespace KerasNet.Harness;

/// <summary>
/// The article's learning-curve figure as a standalone SVG (OxyPlot, see <see cref="Charts"/>): accuracy and loss per
/// epoch, training vs validation, side by side; loss on a log axis when it spans more than a decade.
/// </summary>
public static class LearningCurves
{
    private const int PanelWidth = 480, PanelHeight = 370;

    public static string Svg(IReadOnlyDictionary<string, List<double>> history, string title) =>
        Charts.Row([Panel(history, "accuracy", "accuracy", title), Panel(history, "loss", "loss", title)], PanelWidth, PanelHeight);

    private static OxyPlot.PlotModel Panel(IReadOnlyDictionary<string, List<double>> h, string key, string label, string title)
    {
        var series = new List<(string, IReadOnlyList<double>)>();
        if (h.TryGetValue(key, out var train)) series.Add(("training " + label, train));
        if (h.TryGetValue("val_" + key, out var val)) series.Add(("validation " + label, val));
        return Charts.EpochLines($"{title}: {label}", label, series, logWhenWide: key == "loss");
    }

    internal static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
