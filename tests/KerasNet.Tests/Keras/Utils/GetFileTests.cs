using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using KerasNet.Keras.Utils;

namespace KerasNet.Tests.Keras.Utils;

/// <summary>get_file against a local HTTP server on 127.0.0.1.</summary>
public class GetFileTests
{
    private static readonly byte[] Payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 251)).ToArray();
    private static readonly string Sha256 = Convert.ToHexStringLower(SHA256.HashData(Payload));
    private static readonly string Md5 = Convert.ToHexStringLower(MD5.HashData(Payload));

    /// <summary>Serves <see cref="Payload"/>; can honour Range requests and cut the first response short.</summary>
    private sealed class Server : IDisposable
    {
        private HttpListener _listener = new();
        private readonly Thread _thread;

        public Server(bool honourRange = true, int cutFirstAfter = -1)
        {
            // HttpListener cannot bind port 0: the server binds a port itself, and takes another if that one
            // was taken in between (never a port checked free and used later by someone else)
            for (int attempt = 0; ; attempt++)
            {
                Port = Fixtures.FreePort();
                _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException) when (attempt < 20)
                {
                    _listener.Close();
                    _listener = new HttpListener();
                }
            }
            HonourRange = honourRange;
            CutFirstAfter = cutFirstAfter;
            _thread = new Thread(Serve) { IsBackground = true };
            _thread.Start();
        }

        public int Port { get; private set; }
        public bool HonourRange { get; }
        public int CutFirstAfter { get; }
        public List<string?> Ranges { get; } = new();
        public string Url => $"http://127.0.0.1:{Port}/weights.h5";

        private void Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = _listener.GetContext(); }
                catch (Exception) { return; }
                var range = ctx.Request.Headers["Range"];
                lock (Ranges) Ranges.Add(range);
                int start = 0;
                if (range is not null && HonourRange && range.StartsWith("bytes="))
                {
                    start = int.Parse(range[6..].TrimEnd('-'));
                    ctx.Response.StatusCode = 206;
                    ctx.Response.Headers["Content-Range"] = $"bytes {start}-{Payload.Length - 1}/{Payload.Length}";
                }
                ctx.Response.ContentLength64 = Payload.Length - start;
                try
                {
                    bool first;
                    lock (Ranges) first = Ranges.Count == 1;
                    if (first && CutFirstAfter >= 0)
                    {
                        ctx.Response.OutputStream.Write(Payload, start, CutFirstAfter);
                        ctx.Response.OutputStream.Flush();
                        ctx.Response.Abort();  // the connection drops mid-download
                        continue;
                    }
                    ctx.Response.OutputStream.Write(Payload, start, Payload.Length - start);
                    ctx.Response.Close();
                }
                catch (Exception) { }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }

    private static string Get(Fixtures.TempDir dir, string url, string? hash) =>
        GetFile.Get("weights.h5", url, hash, cache_subdir: "models", cache_dir: dir.Path, log: TextWriter.Null);

    [Fact]
    public void Downloads_checks_sha256_and_then_serves_the_cached_file()
    {
        using var server = new Server();
        using var dir = new Fixtures.TempDir();
        var path = Get(dir, server.Url, Sha256);
        Assert.Equal(Path.Combine(dir.Path, "models", "weights.h5"), path);
        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Equal(path, Get(dir, server.Url, Sha256));
        Assert.Single(server.Ranges);  // the second call did not download again
        Assert.Equal(path, Get(dir, server.Url, Md5));  // md5 chosen by length, as Keras's "auto"
    }

    [Fact]
    public void A_hash_mismatch_is_an_error_and_keeps_nothing()
    {
        using var server = new Server();
        using var dir = new Fixtures.TempDir();
        var e = Assert.Throws<InvalidDataException>(() => Get(dir, server.Url, new string('0', 64)));
        Assert.Contains(Sha256, e.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "models")));
    }

    [Fact]
    public void An_interrupted_download_resumes_with_a_range_request()
    {
        using var server = new Server(honourRange: true, cutFirstAfter: 100_000);
        using var dir = new Fixtures.TempDir();
        Assert.Throws<IOException>(() => Get(dir, server.Url, Sha256));
        var part = Path.Combine(dir.Path, "models", "weights.h5.part");
        Assert.True(File.Exists(part));
        var path = Get(dir, server.Url, Sha256);
        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Null(server.Ranges[0]);
        Assert.Matches(@"^bytes=\d+-$", server.Ranges[1]);
        Assert.True(int.Parse(server.Ranges[1]![6..^1]) > 0);  // resumed from the bytes already on disk
        Assert.False(File.Exists(part));
    }

    [Fact]
    public void A_server_that_ignores_ranges_gets_a_fresh_download()
    {
        using var server = new Server(honourRange: false, cutFirstAfter: 50_000);
        using var dir = new Fixtures.TempDir();
        Assert.Throws<IOException>(() => Get(dir, server.Url, Sha256));
        var path = Get(dir, server.Url, Sha256);
        Assert.Equal(Payload, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_stale_cached_file_is_downloaded_again()
    {
        using var server = new Server();
        using var dir = new Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "models"));
        File.WriteAllText(Path.Combine(dir.Path, "models", "weights.h5"), "old and wrong");
        var path = Get(dir, server.Url, Sha256);
        Assert.Equal(Payload, File.ReadAllBytes(path));
    }

    [Fact]
    public void Offline_names_the_file_the_url_and_where_to_put_it()
    {
        using var dir = new Fixtures.TempDir();
        var url = $"http://127.0.0.1:{Fixtures.FreePort()}/weights.h5";  // nothing listens there
        var e = Assert.Throws<IOException>(() => Get(dir, url, Sha256));
        Assert.Contains("weights.h5", e.Message);
        Assert.Contains(url, e.Message);
        Assert.Contains(Path.Combine(dir.Path, "models", "weights.h5"), e.Message);
    }

    [Fact]
    public void An_unusable_KERAS_HOME_is_named_with_what_to_do()
    {
        using var dir = new Fixtures.TempDir();
        var file = Path.Combine(dir.Path, "a-file");
        File.WriteAllText(file, "");
        var home = Environment.GetEnvironmentVariable("KERAS_HOME");
        try
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", Path.Combine(file, "keras"));  // under a file: no folder can be made there
            var e = Assert.Throws<IOException>(() => KerasNet.Keras.Utils.GetFile.Get("w.h5", "http://127.0.0.1:9/w.h5", cache_subdir: "models", log: TextWriter.Null));
            Assert.Contains($"Cannot use the Keras cache $KERAS_HOME ({Path.Combine(file, "keras")})", e.Message);
            Assert.Contains("Set KERAS_HOME to a folder you can write", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", home);
        }
    }
}
