using System.Diagnostics;
using System.Text;
using KerasNet.Keras;
using KerasNet.Keras.Datasets;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Datasets;

public class Cifar10Tests
{
    /// <summary>
    /// Writes CIFAR-10's layout with numpy's own pickler (the independent reference): dicts with b"data" (N, 3072) uint8,
    /// b"labels", b"batch_label", b"filenames", pickled at protocol 2 as in the published files; and the .tar.gz of them.
    /// </summary>
    private static void WriteCifar(string folder, int perBatch)
    {
        var script = $$"""
            import numpy as np, pickle, os, tarfile
            root = {{"\"" + folder + "\""}}
            d = os.path.join(root, "cifar-10-batches-py")
            os.makedirs(d, exist_ok=True)
            for i, name in enumerate(["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]):
                n = {{perBatch}}
                data = ((np.arange(n * 3072).reshape(n, 3072) * (i + 3)) % 251).astype(np.uint8)
                labels = [int((k + i) % 10) for k in range(n)]
                with open(os.path.join(d, name), "wb") as f:
                    pickle.dump({b"batch_label": b"batch " + str(i).encode(), b"labels": labels, b"data": data,
                                 b"filenames": [b"f%d.png" % k for k in range(n)]}, f, protocol=2)
            with tarfile.open(os.path.join(root, "cifar-10-python.tar.gz"), "w:gz") as t:
                t.add(d, arcname="cifar-10-batches-py")
            """;
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", script]) { RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    [RequiresPythonModuleFact("numpy")]
    public void Load_data_reads_numpys_pickles_into_channels_last_images_as_Keras_does()
    {
        using var dir = new Fixtures.TempDir();
        WriteCifar(dir.Path, 4);
        var previous = KerasConfig.DataDir;
        try
        {
            KerasConfig.DataDir = dir.Path;
            var ((xTrain, yTrain), (xTest, yTest)) = keras.datasets.cifar10.load_data();
            Assert.Equal(new long[] { 20, 32, 32, 3 }, xTrain.Shape);
            Assert.Equal(new long[] { 20, 1 }, yTrain.Shape);
            Assert.Equal(new long[] { 4, 32, 32, 3 }, xTest.Shape);
            // image k of batch i: value (j · (i + 3)) mod 251 at row-major channels-first index j = c · 1024 + row · 32 + col
            var x = xTrain.ToArray<byte>();
            int k = 5, batch = 1, inBatch = 1, row = 7, col = 30, ch = 2;  // the 6th training image is the 2nd of data_batch_2
            long j = inBatch * 3072 + ch * 1024 + row * 32 + col;
            Assert.Equal((byte)(j * (batch + 3) % 251), x[((k * 32 + row) * 32 + col) * 3 + ch]);
            Assert.Equal(new byte[] { 0, 1, 2, 3, 1, 2, 3, 4 }, yTrain.ToArray<byte>()[..8]);
            Assert.Equal(new byte[] { 5, 6, 7, 8 }, yTest.ToArray<byte>());
        }
        finally
        {
            KerasConfig.DataDir = previous;
        }

        // the archive extracts to the same batches
        var into = Path.Combine(dir.Path, "extracted");
        Cifar10.Extract(Path.Combine(dir.Path, "cifar-10-python.tar.gz"), into);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Path, "cifar-10-batches-py", "test_batch")),
            File.ReadAllBytes(Path.Combine(into, "cifar-10-batches-py", "test_batch")));
    }

    [Fact]
    public void Python_2_strings_read_as_bytes_and_code_in_a_pickle_is_refused()
    {
        // {'labels': [3, 300], 'batch_label': 'x'} as Python 2's cPickle writes it (SHORT_BINSTRING keys, BININT1/BININT2)
        var py2 = new List<byte> { 0x80, 2, (byte)'}', (byte)'q', 1, (byte)'(', (byte)'U', 6 };
        py2.AddRange("labels"u8.ToArray());
        py2.AddRange(new byte[] { (byte)']', (byte)'(', (byte)'K', 3, (byte)'M', 0x2c, 0x01, (byte)'e', (byte)'U', 11 });
        py2.AddRange("batch_label"u8.ToArray());
        py2.AddRange(new byte[] { (byte)'U', 1, (byte)'x', (byte)'u', (byte)'.' });
        var d = (Dictionary<object, object?>)Pickle.Load([.. py2], "py2")!;
        Assert.Equal(new object?[] { 3L, 300L }, ((List<object?>)d["labels"]!).ToArray());
        Assert.Equal("x"u8.ToArray(), (byte[])d["batch_label"]!);

        // os.system("…") as a pickle: a global the reader does not build
        var bytes = new List<byte> { (byte)'c' };
        bytes.AddRange(Encoding.ASCII.GetBytes("os\nsystem\n"));
        bytes.AddRange(new byte[] { (byte)'U', 7 });
        bytes.AddRange(Encoding.ASCII.GetBytes("echo hi"));
        bytes.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
        var e = Assert.Throws<InvalidDataException>(() => Pickle.Load([.. bytes], "evil"));
        Assert.Contains("the pickle calls os.system; only numpy arrays and plain data are read", e.Message);
    }

    [Fact]
    public void Offline_the_error_names_the_archive_the_url_and_where_to_put_it()
    {
        using var dir = new Fixtures.TempDir();
        var home = Environment.GetEnvironmentVariable("KERAS_HOME");
        var previousHttp = KerasNet.Keras.Utils.GetFile.Http;
        try
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", dir.Path);
            KerasNet.Keras.Utils.GetFile.Http = new HttpClient(new RefusingHandler());
            var e = Assert.Throws<IOException>(() => keras.datasets.cifar10.load_data());
            Assert.Contains(Cifar10.Archive, e.Message);
            Assert.Contains(Cifar10.Origin, e.Message);
            Assert.Contains(Path.Combine(dir.Path, "datasets", Cifar10.Archive), e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", home);
            KerasNet.Keras.Utils.GetFile.Http = previousHttp;
        }
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Network is unreachable (test)");

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Network is unreachable (test)");
    }
}
