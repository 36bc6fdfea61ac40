using System.Text.RegularExpressions;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace KerasNet.Harness;

/// <summary>
/// The harness's charts, drawn by OxyPlot and exported as SVG: round ticks, titled axes, the legend under the plot area
/// (never over the data), a log axis for losses that span more than a decade. Each SVG gets its own ids, so several
/// can sit in one HTML page.
/// </summary>
public static partial class Charts
{
    private static readonly OxyColor[] Palette =
        new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" }.Select(OxyColor.Parse).ToArray();

    private static int _ids;

    /// <summary>
    /// Arial's metrics are the ones OxyPlot's SVG export lays text out with; Liberation Sans (Debian fonts-liberation2) is
    /// metric-compatible, so labels, titles and legends keep their places where the viewer has either.
    /// </summary>
    public const string Font = "Arial";

    public static OxyColor Color(int i) => Palette[i % Palette.Length];

    /// <summary>A line chart over epochs (1-based): one series per (name, values); NaN values left out.</summary>
    public static PlotModel EpochLines(string title, string yTitle, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, bool logWhenWide = false)
    {
        var model = new PlotModel { Title = title, TitleFontSize = 14, DefaultFont = Charts.Font };
        int epochs = series.Count == 0 ? 1 : Math.Max(1, series.Max(s => s.Values.Count));
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "epoch", Minimum = 1, Maximum = Math.Max(2, epochs), MinimumMajorStep = 1, MinimumMinorStep = 1,
            StringFormat = "0", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColor.FromRgb(220, 220, 220),
        });
        var finite = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        bool log = logWhenWide && finite.Count > 0 && finite.Min() > 0 && finite.Max() / finite.Min() > 10;
        Axis y = log ? new LogarithmicAxis { Title = yTitle + " (log scale)" } : new LinearAxis { Title = yTitle };
        y.Position = AxisPosition.Left;
        y.AxisTitleDistance = 10;
        y.MajorGridlineStyle = LineStyle.Dot;
        y.MajorGridlineColor = OxyColor.FromRgb(220, 220, 220);
        model.Axes.Add(y);
        for (int i = 0; i < series.Count; i++)
        {
            var line = new LineSeries { Title = series[i].Name, Color = Color(i), StrokeThickness = 2, MarkerType = epochs <= 30 ? MarkerType.Circle : MarkerType.None, MarkerSize = 2.5 };
            for (int e = 0; e < series[i].Values.Count; e++)
                if (double.IsFinite(series[i].Values[e]) && (!log || series[i].Values[e] > 0)) line.Points.Add(new DataPoint(e + 1, series[i].Values[e]));
            model.Series.Add(line);
        }
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.BottomCenter, LegendOrientation = LegendOrientation.Vertical,
            LegendBorderThickness = 0, LegendItemSpacing = 12,
        });
        return model;
    }

    /// <summary>The chart as an SVG element (no XML declaration), its clip-path ids unique in the process.</summary>
    public static string Svg(PlotModel model, double width, double height)
    {
        // the vertical-alignment workaround places text by its own offsets instead of dominant-baseline, which image viewers (librsvg) ignore
        var svg = SvgExporter.ExportToString(model, width, height, false, ChartTextMeasurer.Create(), useVerticalTextAlignmentWorkaround: true);
        svg = XmlDeclaration().Replace(svg, "");
        int id = Interlocked.Increment(ref _ids);
        return ClipId().Replace(svg, m => $"knt{id}_{m.Value}").Trim();
    }

    /// <summary>Charts side by side in one standalone SVG document.</summary>
    public static string Row(IReadOnlyList<PlotModel> models, double width, double height)
    {
        var sb = new System.Text.StringBuilder(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{width * models.Count}\" height=\"{height}\" style=\"background:white\">"));
        for (int i = 0; i < models.Count; i++)
        {
            var inner = Svg(models[i], width, height);
            sb.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"<svg x=\"{width * i}\" y=\"0\"")).Append(inner.AsSpan(4));
        }
        return sb.Append("</svg>").ToString();
    }

    [GeneratedRegex(@"<\?xml[^>]*\?>")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"clipPath\d+")]
    private static partial Regex ClipId();
}
