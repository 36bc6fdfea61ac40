using System.Globalization;
using System.Text;
using SkiaSharp;

namespace KerasNet.Harness;

/// <summary>
/// A Grad-CAM map drawn on its image as Keras's Grad-CAM example does it: the map scaled to the image (bilinear),
/// coloured with the jet colormap, blended at 40 % over the image; plus a caption (class and probability) in a band
/// at the top. Written as PNG; the raw map as CSV (one line per row of the layer's grid).
/// </summary>
public static class HeatmapOverlay
{
    /// <summary>The overlay as an RGB image (height × width × 3 bytes) from RGB pixels in 0-255 and a map in 0-1.</summary>
    public static byte[] Blend(float[] rgb, int height, int width, float[,] map, double alpha = 0.4)
    {
        if (rgb.Length != height * width * 3) throw new ArgumentException($"HeatmapOverlay: {rgb.Length} values are not a {height}×{width} RGB image.");
        var scaled = Resize(map, height, width);
        var output = new byte[rgb.Length];
        for (int i = 0; i < height * width; i++)
        {
            var (r, g, b) = Jet(scaled[i]);
            output[i * 3] = Byte((1 - alpha) * rgb[i * 3] + alpha * 255 * r);
            output[i * 3 + 1] = Byte((1 - alpha) * rgb[i * 3 + 1] + alpha * 255 * g);
            output[i * 3 + 2] = Byte((1 - alpha) * rgb[i * 3 + 2] + alpha * 255 * b);
        }
        return output;
    }

    private static byte Byte(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    /// <summary>Matplotlib's jet: blue (0) through cyan, yellow, to red (1).</summary>
    public static (double R, double G, double B) Jet(double x) =>
        (Math.Clamp(1.5 - Math.Abs(4 * x - 3), 0, 1), Math.Clamp(1.5 - Math.Abs(4 * x - 2), 0, 1), Math.Clamp(1.5 - Math.Abs(4 * x - 1), 0, 1));

    /// <summary>The map resampled to height × width, bilinearly, cell centres aligned (half-pixel), as image resizing does.</summary>
    public static float[] Resize(float[,] map, int height, int width)
    {
        int h = map.GetLength(0), w = map.GetLength(1);
        var output = new float[height * width];
        for (int y = 0; y < height; y++)
        {
            double sy = Math.Clamp((y + 0.5) * h / height - 0.5, 0, h - 1);
            int y0 = (int)sy, y1 = Math.Min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++)
            {
                double sx = Math.Clamp((x + 0.5) * w / width - 0.5, 0, w - 1);
                int x0 = (int)sx, x1 = Math.Min(x0 + 1, w - 1);
                double fx = sx - x0;
                output[y * width + x] = (float)((1 - fy) * ((1 - fx) * map[y0, x0] + fx * map[y0, x1]) + fy * ((1 - fx) * map[y1, x0] + fx * map[y1, x1]));
            }
        }
        return output;
    }

    /// <summary>Writes the overlay with its caption as a PNG (through a temporary, atomically).</summary>
    public static void WritePng(string path, byte[] rgb, int height, int width, string caption)
    {
        using var bitmap = Bitmap(rgb, height, width);
        using (var canvas = new SKCanvas(bitmap))
        {
            float size = Math.Max(10, height / 12f);
            using var font = new SKPaint { Typeface = CaptionTypeface, TextSize = size, IsAntialias = true, Color = SKColors.White };
            using var band = new SKPaint { Color = new SKColor(0, 0, 0, 160) };
            canvas.DrawRect(0, 0, width, size * 1.4f, band);
            canvas.DrawText(caption, size * 0.3f, size * 1.05f, font);
        }
        SavePng(path, bitmap);
    }

    /// <summary>An opaque bitmap of RGB bytes (height × width × 3).</summary>
    internal static SKBitmap Bitmap(byte[] rgb, int height, int width)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            pixels[i * 4] = rgb[i * 3];
            pixels[i * 4 + 1] = rgb[i * 3 + 1];
            pixels[i * 4 + 2] = rgb[i * 3 + 2];
            pixels[i * 4 + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    /// <summary>The bitmap as a PNG file, written atomically.</summary>
    internal static void SavePng(string path, SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        KerasNet.Keras.Saving.AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>The raw map: one CSV line per row of the layer's grid, values 0-1 with 6 decimals.</summary>
    public static string Csv(float[,] map)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < map.GetLength(0); i++)
        {
            for (int j = 0; j < map.GetLength(1); j++)
            {
                if (j > 0) sb.Append(',');
                sb.Append(map[i, j].ToString("F6", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The captions' font: DejaVu Sans (Debian fonts-dejavu-core), else whatever Skia has.</summary>
    internal static SKTypeface CaptionTypeface => Typeface.Value;

    private static readonly Lazy<SKTypeface> Typeface = new(() =>
    {
        foreach (var f in new[] { "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" })
            if (File.Exists(f) && SKTypeface.FromFile(f) is { } t) return t;
        return SKTypeface.Default;
    });
}
