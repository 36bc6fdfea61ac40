using SkiaSharp;

namespace KerasNet.Harness;

/// <summary>Images side by side with a caption under each, as one PNG (the report's augmentation preview).</summary>
public static class ImageStrip
{
    /// <summary>Writes the tiles (RGB values 0-255, height × width × 3, all the same size) left to right.</summary>
    public static void WritePng(string path, IReadOnlyList<(float[] Rgb, string Caption)> tiles, int height, int width)
    {
        if (tiles.Count == 0) throw new ArgumentException("ImageStrip: no images.");
        const int Gap = 8, CaptionHeight = 22;
        using var bitmap = new SKBitmap(new SKImageInfo(tiles.Count * (width + Gap) - Gap, height + CaptionHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var paint = new SKPaint { Typeface = HeatmapOverlay.CaptionTypeface, TextSize = 14, IsAntialias = true, Color = SKColors.Black, TextAlign = SKTextAlign.Center };
        for (int t = 0; t < tiles.Count; t++)
        {
            var rgb = tiles[t].Rgb;
            if (rgb.Length != height * width * 3) throw new ArgumentException($"ImageStrip: image {t} is not {height}×{width} RGB.");
            using var tile = HeatmapOverlay.Bitmap(rgb.Select(v => (byte)Math.Clamp(Math.Round(v), 0, 255)).ToArray(), height, width);
            float x = t * (width + Gap);
            canvas.DrawBitmap(tile, x, 0);
            canvas.DrawText(tiles[t].Caption, x + width / 2f, height + 16, paint);
        }
        canvas.Flush();
        HeatmapOverlay.SavePng(path, bitmap);
    }
}
