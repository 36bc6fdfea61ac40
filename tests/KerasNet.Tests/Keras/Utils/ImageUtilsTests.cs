using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Utils;

public class ImageUtilsTests
{
    /// <summary>A 6×6 RGB image whose pixel (r, c) is (10r, 10c, 7) — positions can be read back from values.</summary>
    private static Tensor Pattern()
    {
        var px = new byte[6 * 6 * 3];
        for (int r = 0; r < 6; r++)
        for (int c = 0; c < 6; c++)
        {
            px[(r * 6 + c) * 3] = (byte)(10 * r);
            px[(r * 6 + c) * 3 + 1] = (byte)(10 * c);
            px[(r * 6 + c) * 3 + 2] = 7;
        }
        return Tensor.FromArray(px, 6, 6, 3);
    }

    [Fact]
    public void Png_round_trips_and_load_img_nearest_follows_PIL()
    {
        using var dir = new Fixtures.TempDir();
        using var scope = new TensorScope();
        var path = Path.Combine(dir.Path, "p.png");
        keras.utils.save_img(path, Pattern());
        var img = keras.utils.load_img(path);
        Assert.Equal(Pattern().ToArray<byte>(), img.ToArray<byte>());
        // 6 → 4 with PIL's nearest: source = scale/2 + k·scale with scale 1.5 → 0.75, 2.25, 3.75, 5.25 → rows/cols 0, 2, 3, 5
        var small = keras.utils.img_to_array(keras.utils.load_img(path, target_size: (4, 4)));
        Assert.Equal(DType.Float32, small.DType);
        var v = small.ToArray<float>();
        int[] src = [0, 2, 3, 5];
        for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
        {
            Assert.Equal(10 * src[r], v[(r * 4 + c) * 3]);
            Assert.Equal(10 * src[c], v[(r * 4 + c) * 3 + 1]);
        }
        var grey = keras.utils.load_img(path, color_mode: "grayscale");
        Assert.Equal(new long[] { 6, 6, 1 }, grey.Shape);
    }

    [Fact]
    public void Bad_image_files_are_errors_naming_the_file()
    {
        using var dir = new Fixtures.TempDir();
        var empty = Path.Combine(dir.Path, "empty.jpg");
        File.WriteAllBytes(empty, []);
        Assert.Contains(empty, Assert.Throws<InvalidDataException>(() => keras.utils.load_img(empty)).Message);

        var text = Path.Combine(dir.Path, "text.jpg");
        File.WriteAllText(text, "definitely not a JPEG");
        Assert.Contains(text, Assert.Throws<InvalidDataException>(() => keras.utils.load_img(text)).Message);

        var jpeg = KerasNet.Engine.Image.Encode(Pattern(), ".jpg");
        var truncated = Path.Combine(dir.Path, "truncated.jpg");
        File.WriteAllBytes(truncated, jpeg[..(jpeg.Length * 2 / 3)]);
        var e = Assert.Throws<InvalidDataException>(() => keras.utils.load_img(truncated));
        Assert.Contains(truncated, e.Message);
        Assert.Contains("truncated", e.Message);

        var missing = Path.Combine(dir.Path, "missing.jpg");
        Assert.Contains(missing, Assert.Throws<IOException>(() => keras.utils.load_img(missing)).Message);
    }
}
