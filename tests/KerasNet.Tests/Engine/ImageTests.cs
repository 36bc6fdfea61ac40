using System.Diagnostics;
using KerasNet.Engine;

namespace KerasNet.Tests.Engine;

/// <summary>Decoding as Keras (PIL) does, and refusing what PIL refuses: decompression bombs and truncated JPEGs.</summary>
public class ImageTests
{
    /// <summary>A colourful size×size RGB JPEG, encoded here.</summary>
    private static byte[] Jpeg(int size)
    {
        var px = new byte[size * size * 3];
        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
        {
            int i = (r * size + c) * 3;
            px[i] = (byte)(r * 255 / size);
            px[i + 1] = (byte)(c * 255 / size);
            px[i + 2] = (byte)((r * 7 + c * 13) % 256);
        }
        using var img = Tensor.FromArray(px, size, size, 3);
        return Image.Encode(img, ".jpg");
    }

    /// <summary>The offset of the first SOFn marker's height field.</summary>
    private static int SofDims(byte[] j)
    {
        for (int i = 2; i + 9 < j.Length;)
        {
            if (j[i] != 0xFF) throw new InvalidDataException("not a marker");
            byte m = j[i + 1];
            int len = (j[i + 2] << 8) | j[i + 3];
            if (m is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) return i + 5;
            i += 2 + len;
        }
        throw new InvalidDataException("no SOF");
    }

    private static double RssMb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;

    [Fact]
    public void A_jpeg_declaring_20000_by_20000_pixels_is_refused_before_anything_is_allocated()
    {
        var bomb = Jpeg(16);
        int at = SofDims(bomb);
        bomb[at] = 20000 >> 8; bomb[at + 1] = 20000 & 0xFF;      // height
        bomb[at + 2] = 20000 >> 8; bomb[at + 3] = 20000 & 0xFF;  // width
        double before = RssMb();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => Image.Decode(bomb, source: "bomb.jpg"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(RssMb() - before < 200, "a 20000×20000 image was allocated");   // it would be 1.2 GB
        Assert.Contains("bomb.jpg", e.Message);
        Assert.Contains("decompression bomb", e.Message);
        Assert.Contains("20000x20000", e.Message);
        Assert.Contains("178956970", e.Message);
    }

    [Fact]
    public void A_png_declaring_too_many_pixels_is_refused_from_its_header()
    {
        using var small = Tensor.Zeros([8, 8, 3], DType.UInt8);
        var png = Image.Encode(small, ".png");
        // IHDR width and height (big-endian) at 16 and 20
        foreach (int o in new[] { 16, 20 }) { png[o] = 0; png[o + 1] = 0; png[o + 2] = 0x4E; png[o + 3] = 0x20; }  // 20000
        var e = Assert.Throws<InvalidDataException>(() => Image.Decode(png, source: "bomb.png"));
        Assert.Contains("PNG header declares 20000x20000", e.Message);
    }

    [Fact]
    public void The_pixel_limit_can_be_raised_lowered_and_lifted()
    {
        long previous = Image.MaxImagePixels;
        Assert.Equal(2 * 89478485L, previous);   // PIL's: DecompressionBombError past twice MAX_IMAGE_PIXELS
        var jpeg = Jpeg(16);
        try
        {
            Image.MaxImagePixels = 255;          // 16×16 = 256 pixels
            var e = Assert.Throws<InvalidDataException>(() => Image.Decode(jpeg));
            Assert.Contains("more than the limit of 255", e.Message);
            Image.MaxImagePixels = 256;
            using (var ok = Image.Decode(jpeg)) Assert.Equal(new long[] { 16, 16, 3 }, ok.Shape);
            Image.MaxImagePixels = 0;            // no limit
            using (var ok = Image.Decode(jpeg)) Assert.Equal(new long[] { 16, 16, 3 }, ok.Shape);
            Assert.Throws<ArgumentOutOfRangeException>(() => Image.MaxImagePixels = -1);
        }
        finally
        {
            Image.MaxImagePixels = previous;
        }
    }

    [Fact]
    public void A_truncated_jpeg_is_refused_even_when_an_embedded_thumbnail_supplies_an_end_marker()
    {
        var main = Jpeg(64);
        var thumb = Jpeg(8);
        // SOI, an APP1 "Exif" segment carrying the thumbnail (with its own FF D9), then the main image's segments
        var app1 = new List<byte> { 0xFF, 0xE1, 0, 0 };
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(thumb);
        int len = app1.Count - 2;
        app1[2] = (byte)(len >> 8);
        app1[3] = (byte)(len & 0xFF);
        var whole = new List<byte> { 0xFF, 0xD8 };
        whole.AddRange(app1);
        whole.AddRange(main.Skip(2));
        var full = whole.ToArray();
        using (var ok = Image.Decode(full)) Assert.Equal(new long[] { 64, 64, 3 }, ok.Shape);  // the whole file is fine
        var cut = full[..(full.Length * 3 / 4)];    // its bottom quarter gone; the thumbnail's FF D9 remains
        Assert.Contains(cut.Select((b, i) => (b, i)), p => p.b == 0xFF && p.i + 1 < cut.Length && cut[p.i + 1] == 0xD9);
        var e = Assert.Throws<InvalidDataException>(() => Image.Decode(cut, source: "cut.jpg"));
        Assert.Contains("cut.jpg", e.Message);
        Assert.Contains("truncated JPEG", e.Message);
    }

    [Fact]
    public void Jpeg_channels_follow_the_request()
    {
        var jpeg = Jpeg(12);
        using var rgb = Image.Decode(jpeg, channels: 3);
        using var rgba = Image.Decode(jpeg, channels: 4);
        using var grey = Image.Decode(jpeg, channels: 1);
        using var stored = Image.Decode(jpeg, channels: 0);
        Assert.Equal(new long[] { 12, 12, 4 }, rgba.Shape);
        Assert.Equal(new long[] { 12, 12, 1 }, grey.Shape);
        Assert.Equal(rgb.ToArray<byte>(), stored.ToArray<byte>());
        var a = rgba.ToArray<byte>();
        var b = rgb.ToArray<byte>();
        for (int i = 0; i < 144; i++)
        {
            Assert.Equal(b[i * 3], a[i * 4]);
            Assert.Equal(255, a[i * 4 + 3]);
        }
        // a greyscale JPEG as RGB: the grey value in every channel
        using var g = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (byte)(i * 4)).ToArray(), 8, 8, 1);
        using var asRgb = Image.Decode(Image.Encode(g, ".jpg"), channels: 3);
        var v = asRgb.ToArray<byte>();
        for (int i = 0; i < 64; i++) Assert.True(v[i * 3] == v[i * 3 + 1] && v[i * 3 + 1] == v[i * 3 + 2]);
    }

    [RequiresPythonModuleFact("PIL")]
    public void Jpeg_pixels_equal_PILs_exactly()
    {
        using var dir = new Fixtures.TempDir();
        var path = Path.Combine(dir.Path, "x.jpg");
        File.WriteAllBytes(path, Jpeg(37));
        var psi = new ProcessStartInfo("/usr/bin/python3",
            ["-c", "import sys; from PIL import Image; sys.stdout.buffer.write(Image.open(sys.argv[1]).convert('RGB').tobytes())", path])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        using var ours = Image.Read(path);
        Assert.Equal(ms.ToArray(), ours.ToArray<byte>());
    }
}
