using KerasNet.Engine;
using static KerasNet.TF.TensorFlowApi;

namespace KerasNet.Tests.TF;

public class ImageApiTests
{
    [Fact]
    public void Bilinear_resize_uses_half_pixel_centres_like_TensorFlow_2()
    {
        using var scope = new TensorScope();
        // 1x2 → 1x4: sources at (x + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25 (clamped to [0, 1])
        var img = Tensor.FromArray(new float[] { 0, 8 }, 1, 2, 1);
        var r = tf.image.resize(img, (1, 4)).ToArray<float>();
        Assert.Equal(new float[] { 0, 2, 6, 8 }, r);
        // 2x2 → 3x3: the middle samples (0.5, 0.5): the average of all four
        var sq = Tensor.FromArray(new float[] { 0, 4, 8, 12 }, 2, 2, 1);
        var r3 = tf.image.resize(sq, (3, 3)).ToArray<float>();
        Assert.Equal(6f, r3[4], 5);
        Assert.Equal(0f, r3[0], 5);   // source -1/6 clamps to 0
        Assert.Equal(DType.Float32, tf.image.resize(sq, (3, 3)).DType);
    }

    [Fact]
    public void Nearest_resize_picks_floor_of_half_pixel_centres_and_keeps_the_dtype()
    {
        using var scope = new TensorScope();
        // 4 → 3: scale 4/3, sources floor((x + 0.5) * 4/3) = 0, 2, 3
        var img = Tensor.FromArray(new byte[] { 10, 20, 30, 40 }, 1, 4, 1);
        var r = tf.image.resize(img, (1, 3), method: "nearest");
        Assert.Equal(DType.UInt8, r.DType);
        Assert.Equal(new byte[] { 10, 30, 40 }, r.ToArray<byte>());
    }

    [Fact]
    public void Convert_dtype_flip_and_one_hot()
    {
        using var scope = new TensorScope();
        var img = Tensor.FromArray(new byte[] { 0, 51, 255, 102 }, 1, 2, 2);
        Assert.Equal(new float[] { 0, 0.2f, 1, 0.4f }, tf.image.convert_image_dtype(img, tf.float32).ToArray<float>());
        Assert.Equal(new byte[] { 255, 102, 0, 51 }, tf.image.flip_left_right(img).ToArray<byte>());
        var tall = Tensor.FromArray(new byte[] { 1, 2, 3 }, 3, 1, 1);
        Assert.Equal(new byte[] { 3, 2, 1 }, tf.image.flip_up_down(tall).ToArray<byte>());
        Assert.Equal(new float[] { 0, 0, 1, 0 }, tf.one_hot(2, 4).ToArray<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => tf.one_hot(-1, 4));
    }

    [Fact]
    public void Decoding_bad_files_in_a_parallel_pipeline_names_each_file_on_the_consumer()
    {
        using var dir = new Fixtures.TempDir();
        var good = Path.Combine(dir.Path, "good.png");
        var pixels = Tensor.FromArray(Enumerable.Range(0, 4 * 5 * 3).Select(i => (byte)i).ToArray(), 4, 5, 3);
        File.WriteAllBytes(good, Image.Encode(pixels, ".png"));
        var jpeg = Image.Encode(pixels, ".jpg");
        var bad = new Dictionary<string, byte[]>
        {
            ["empty.jpg"] = [],
            ["truncated.jpg"] = jpeg[..(jpeg.Length / 2)],
            ["text.jpg"] = "not an image"u8.ToArray(),
        };
        foreach (var (name, bytes) in bad) File.WriteAllBytes(Path.Combine(dir.Path, name), bytes);

        var decoded = tf.image.decode_png(tf.io.read_file(good), channels: 3);
        Assert.Equal(pixels.ToArray<byte>(), decoded.ToArray<byte>());

        foreach (var name in bad.Keys)
        {
            var path = Path.Combine(dir.Path, name);
            var ds = tf.data.Dataset.from_tensor_slices(new[] { good, path, good })
                .map(p => tf.image.decode_jpeg(tf.io.read_file(p), channels: 3), num_parallel_calls: 2);
            var e = Assert.Throws<InvalidDataException>(() => { foreach (var t in ds) t.Dispose(); });
            Assert.Contains(path, e.Message);
        }
        var missing = Path.Combine(dir.Path, "missing.jpg");
        Assert.Contains(missing, Assert.Throws<IOException>(() => tf.io.read_file(missing)).Message);
    }
}
