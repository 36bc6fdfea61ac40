using OxyPlot;
using SkiaSharp;

namespace KerasNet.Harness;

/// <summary>
/// Measures chart text for OxyPlot's SVG export with the real font (Liberation Sans, Arial's metric twin, from Debian
/// fonts-liberation2; else DejaVu Sans), so titles, tick labels and legends are laid out for the widths a browser
/// draws. It draws nothing: the SVG exporter renders, this only measures.
/// </summary>
internal sealed class ChartTextMeasurer : RenderContextBase
{
    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)?> Faces = new(() =>
    {
        foreach (var (regular, bold) in new[]
                 {
                     ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
                     ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
                     ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
                 })
            if (File.Exists(regular) && File.Exists(bold) && SKTypeface.FromFile(regular) is { } r && SKTypeface.FromFile(bold) is { } b)
                return (r, b);
        return null;
    });

    /// <summary>The measurer, or null (OxyPlot's own estimate) when none of the fonts is installed.</summary>
    public static ChartTextMeasurer? Create() => Faces.Value is null ? null : new ChartTextMeasurer();

    public override OxySize MeasureText(string text, string fontFamily = null!, double fontSize = 10, double fontWeight = 500)
    {
        if (string.IsNullOrEmpty(text)) return OxySize.Empty;
        var (regular, bold) = Faces.Value!.Value;
        using var paint = new SKPaint { Typeface = fontWeight >= 600 ? bold : regular, TextSize = (float)fontSize, IsAntialias = true };
        var lines = text.Split('\n');
        double width = lines.Max(l => paint.MeasureText(l));
        return new OxySize(width, lines.Length * paint.FontSpacing);
    }

    public override int ClipCount => 0;
    public override void PushClip(OxyRect clippingRectangle) { }
    public override void PopClip() { }
    public override void DrawEllipse(OxyRect rect, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode) { }
    public override void DrawLine(IList<ScreenPoint> points, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[] dashArray = null!, LineJoin lineJoin = LineJoin.Miter) { }
    public override void DrawPolygon(IList<ScreenPoint> points, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[] dashArray = null!, LineJoin lineJoin = LineJoin.Miter) { }
    public override void DrawRectangle(OxyRect rect, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode) { }
    public override void DrawText(ScreenPoint p, string text, OxyColor fill, string fontFamily = null!, double fontSize = 10, double fontWeight = 500, double rotate = 0,
        HorizontalAlignment halign = HorizontalAlignment.Left, VerticalAlignment valign = VerticalAlignment.Top, OxySize? maxSize = null) { }
}
