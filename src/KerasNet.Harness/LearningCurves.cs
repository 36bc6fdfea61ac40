using System.Globalization;
using System.Text;

namespace KerasNet.Harness;

/// <summary>
/// The article's learning-curve figure as a standalone SVG: accuracy and loss per epoch, training vs
/// validation, side by side. Readable in any browser, no program needed.
/// </summary>
public static class LearningCurves
{
    private const int PanelWidth = 420, PanelHeight = 300, Margin = 45;

    public static string Svg(IReadOnlyDictionary<string, List<double>> history, string title)
    {
        var sb = new StringBuilder();
        int width = 2 * PanelWidth + 20;
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{PanelHeight + 40}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"16\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>");
        Panel(sb, history, "accuracy", "Accuracy", 0);
        Panel(sb, history, "loss", "Loss", PanelWidth + 20);
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void Panel(StringBuilder sb, IReadOnlyDictionary<string, List<double>> h, string key, string label, int x0)
    {
        var series = new List<(string Name, List<double> Values, string Color)>();
        if (h.TryGetValue(key, out var train)) series.Add(("Train " + label, train, "#1f77b4"));
        if (h.TryGetValue("val_" + key, out var val)) series.Add(("Validation " + label, val, "#ff7f0e"));
        int y0 = 30, w = PanelWidth - 2 * Margin, ht = PanelHeight - 2 * Margin;
        sb.Append(CultureInfo.InvariantCulture, $"<g transform=\"translate({x0},{y0})\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{PanelWidth / 2}\" y=\"12\" text-anchor=\"middle\">{label}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{w}\" height=\"{ht}\" fill=\"none\" stroke=\"#888\"/>");
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        if (all.Count == 0)
        {
            sb.Append("</g>");
            return;
        }
        double lo = all.Min(), hi = all.Max();
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        int epochs = series.Max(s => s.Values.Count);
        double X(int e) => Margin + (epochs <= 1 ? w / 2.0 : e * (double)w / (epochs - 1));
        double Y(double v) => Margin + ht - (v - lo) / (hi - lo) * ht;
        for (int i = 0; i <= 4; i++)
        {
            double v = lo + (hi - lo) * i / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin - 4}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\">{v:G3}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + w / 2}\" y=\"{Margin + ht + 30}\" text-anchor=\"middle\">Epoch (1-{epochs})</text>");
        int legend = 0;
        foreach (var (name, values, color) in series)
        {
            var points = string.Join(" ", values.Select((v, e) => (v, e)).Where(p => double.IsFinite(p.v))
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.e):F1},{Y(p.v):F1}")));
            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"><title>{Escape(name)}</title></polyline>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + 8}\" y=\"{Margin + 16 + 14 * legend++}\" fill=\"{color}\">{Escape(name)}</text>");
        }
        sb.Append("</g>");
    }

    internal static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
