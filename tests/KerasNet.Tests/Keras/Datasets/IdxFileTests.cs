using System.IO.Compression;
using KerasNet.Keras;
using KerasNet.Keras.Datasets;

namespace KerasNet.Tests.Keras.Datasets;

public class IdxFileTests
{
    internal static byte[] Idx(long[] shape, byte[] data)
    {
        var header = new List<byte> { 0, 0, 0x08, (byte)shape.Length };
        foreach (var d in shape) header.AddRange(BitConverter.GetBytes((int)d).Reverse());
        return header.Concat(data).ToArray();
    }

    internal static void WriteGz(string path, byte[] content)
    {
        using var f = File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        gz.Write(content);
    }

    [Fact]
    public void Reads_shape_and_values()
    {
        using var dir = new Fixtures.TempDir();
        var p = Path.Combine(dir.Path, "a.gz");
        WriteGz(p, Idx([2, 2, 3], Enumerable.Range(0, 12).Select(i => (byte)i).ToArray()));
        var t = IdxFile.ReadUInt8(p);
        Assert.Equal(new long[] { 2, 2, 3 }, t.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)i), t.ToArray<byte>());
    }

    [Fact]
    public void Truncated_data_names_the_file()
    {
        using var dir = new Fixtures.TempDir();
        var p = Path.Combine(dir.Path, "short.gz");
        WriteGz(p, Idx([10, 28, 28], new byte[100]));
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadUInt8(p));
        Assert.Contains(p, e.Message);
        Assert.Contains("7840", e.Message);
    }

    [Fact]
    public void Not_gzip_or_not_idx_names_the_file()
    {
        using var dir = new Fixtures.TempDir();
        var notGz = Path.Combine(dir.Path, "plain.gz");
        File.WriteAllText(notGz, "this is not gzip at all");
        Assert.Contains(notGz, Assert.Throws<InvalidDataException>(() => IdxFile.ReadUInt8(notGz)).Message);
        var notIdx = Path.Combine(dir.Path, "text.gz");
        WriteGz(notIdx, "hello world"u8.ToArray());
        Assert.Contains(notIdx, Assert.Throws<InvalidDataException>(() => IdxFile.ReadUInt8(notIdx)).Message);
    }

    [Fact]
    public void Fashion_mnist_loads_from_the_configured_data_dir_first()
    {
        using var dir = new Fixtures.TempDir();
        var fm = Path.Combine(dir.Path, "fashion-mnist");
        Directory.CreateDirectory(fm);
        WriteGz(Path.Combine(fm, "train-images-idx3-ubyte.gz"), Idx([3, 28, 28], new byte[3 * 784]));
        WriteGz(Path.Combine(fm, "train-labels-idx1-ubyte.gz"), Idx([3], [1, 2, 3]));
        WriteGz(Path.Combine(fm, "t10k-images-idx3-ubyte.gz"), Idx([2, 28, 28], new byte[2 * 784]));
        WriteGz(Path.Combine(fm, "t10k-labels-idx1-ubyte.gz"), Idx([2], [4, 5]));
        var saved = KerasConfig.DataDir;
        KerasConfig.DataDir = dir.Path;
        try
        {
            var ((xTrain, yTrain), (xTest, yTest)) = new FashionMnist().load_data();
            Assert.Equal(new long[] { 3, 28, 28 }, xTrain.Shape);
            Assert.Equal(new byte[] { 1, 2, 3 }, yTrain.ToArray<byte>());
            Assert.Equal(new long[] { 2, 28, 28 }, xTest.Shape);
            Assert.Equal(new byte[] { 4, 5 }, yTest.ToArray<byte>());
        }
        finally
        {
            KerasConfig.DataDir = saved;
        }
    }

    [Fact]
    public void Search_path_names_the_data_dir_keras_home_and_the_debian_package()
    {
        var saved = KerasConfig.DataDir;
        KerasConfig.DataDir = "/some/where";
        try
        {
            var dirs = FashionMnist.SearchPath();
            Assert.Equal("/some/where/fashion-mnist", dirs[0]);
            Assert.Contains(dirs, d => d.EndsWith(Path.Combine("datasets", "fashion-mnist")) && d.StartsWith(KerasConfig.KerasHome));
            Assert.Equal(FashionMnist.DebianDirectory, dirs[^1]);
        }
        finally
        {
            KerasConfig.DataDir = saved;
        }
    }
}
