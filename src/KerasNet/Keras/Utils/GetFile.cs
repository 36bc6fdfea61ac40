using System.Net;
using System.Security.Cryptography;

namespace KerasNet.Keras.Utils;

/// <summary>
/// keras.utils.get_file: a file from the local cache, else downloaded from <c>origin</c>. Looked for in
/// the data-dir option (<c>DIR/cache_subdir/fname</c>, <c>DIR/fname</c>, <c>DIR/keras/cache_subdir/fname</c>), then
/// <c>$KERAS_HOME/cache_subdir/fname</c> (~/.keras). Downloads resume a partial file when the server
/// honours Range requests, show a progress bar, are checked against <c>file_hash</c> (sha256 or md5,
/// chosen by length as Keras's "auto") and renamed into place only when complete.
/// </summary>
public static class GetFile
{
    /// <summary>The HTTP client downloads use (replaceable in tests).</summary>
    internal static HttpClient Http { get; set; } = new() { Timeout = TimeSpan.FromMinutes(30) };

    public static string Get(string fname, string origin, string? file_hash = null, string cache_subdir = "datasets",
        string hash_algorithm = "auto", string? cache_dir = null, bool force_download = false, TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(fname);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        log ??= Console.Out;
        var target = Path.Combine(cache_dir ?? KerasConfig.KerasHome, cache_subdir, fname);
        if (!force_download)
        {
            foreach (var candidate in Candidates(fname, cache_subdir, target))
            {
                if (!File.Exists(candidate)) continue;
                if (file_hash is null || ValidateFile(candidate, file_hash, hash_algorithm)) return candidate;
                log.WriteLine($"A local file was found at {candidate}, but its hash does not match {file_hash}; downloading it again.");
            }
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException && cache_dir is null)
        {
            throw new IOException($"Cannot use the Keras cache {KerasConfig.KerasHomeSource} to download '{fname}' into: {e.Message} " +
                                  $"Set KERAS_HOME to a folder you can write, or put the file at {target} by hand.", e);
        }
        var part = target + ".part";
        log.WriteLine($"Downloading data from {origin}");
        try
        {
            Download(origin, part, log);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new IOException(
                $"Cannot download '{fname}' from {origin}: {e.Message}. If this machine is offline, download the file " +
                $"elsewhere and put it at {target}" +
                (KerasConfig.DataDir is { } d ? $" or {Path.Combine(d, cache_subdir, fname)}" : "") + ".", e);
        }
        if (file_hash is not null && !ValidateFile(part, file_hash, hash_algorithm))
        {
            var actual = HashFile(part, Algorithm(file_hash, hash_algorithm));
            File.Delete(part);
            throw new InvalidDataException(
                $"Incomplete or corrupted file detected: '{fname}' from {origin} has {Algorithm(file_hash, hash_algorithm)} {actual}, expected {file_hash}. The download was deleted.");
        }
        File.Move(part, target, overwrite: true);
        return target;
    }

    private static IEnumerable<string> Candidates(string fname, string cacheSubdir, string target)
    {
        if (KerasConfig.DataDir is { Length: > 0 } d)
        {
            yield return Path.Combine(d, cacheSubdir, fname);
            yield return Path.Combine(d, fname);
            yield return Path.Combine(d, "keras", cacheSubdir, fname);  // a data folder holding a ~/.keras-like "keras"
        }
        yield return target;
    }

    private static void Download(string origin, string part, TextWriter log)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, origin);
        if (have > 0) request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(have, null);
        using var response = Http.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // the partial file is already complete (or bigger than the resource): start over
            File.Delete(part);
            Download(origin, part, log);
            return;
        }
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed) have = 0;
        long? total = response.Content.Headers.ContentLength is { } len ? len + have : null;
        using var input = response.Content.ReadAsStream();
        using var output = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
        var bar = total is { } t ? new Progbar((int)Math.Min(int.MaxValue, t), verbose: 1, output: log) : null;
        var buffer = new byte[1 << 16];
        long done = have;
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
            done += n;
            bar?.update((int)Math.Min(int.MaxValue, done));
        }
        if (total is { } expected && done != expected)
            throw new IOException($"connection closed after {done} of {expected} bytes (run again to resume)");
    }

    private static string Algorithm(string hash, string algorithm) =>
        algorithm == "auto" ? (hash.Length == 64 ? "sha256" : "md5") : algorithm;

    public static bool ValidateFile(string path, string fileHash, string algorithm = "auto") =>
        string.Equals(HashFile(path, Algorithm(fileHash, algorithm)), fileHash, StringComparison.OrdinalIgnoreCase);

    public static string HashFile(string path, string algorithm = "sha256")
    {
        using var stream = File.OpenRead(path);
        byte[] digest = algorithm switch
        {
            "sha256" => SHA256.HashData(stream),
            "md5" => MD5.HashData(stream),
            _ => throw new ArgumentException($"Unknown hash algorithm '{algorithm}' (sha256, md5 or auto)."),
        };
        return Convert.ToHexStringLower(digest);
    }
}
