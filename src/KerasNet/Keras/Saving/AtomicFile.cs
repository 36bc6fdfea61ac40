namespace KerasNet.Keras.Saving;

/// <summary>
/// Writes a file through a temporary sibling (PATH.tmp-PID-THREAD) and a rename, so a crash never leaves a
/// half-written file. A failed write (no space left, read-only folder) removes the temporary and is an
/// IOException that leads with the cause and names the file: "No space left on device writing runs/x/best_weights.h5".
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (dir is not null) Directory.CreateDirectory(dir);
        var tmp = full + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        try
        {
            writeTo(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not WriteFailedException)
        {
            throw new WriteFailedException($"{Cause(e, tmp)} writing {path}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"{Cause(e, tmp)} writing {path}", e);
        }
        finally
        {
            try
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
            catch (IOException) { }  // the original error says more
        }
    }

    public static void WriteAllText(string path, string content) => Write(path, tmp => File.WriteAllText(tmp, content));

    public static void WriteAllBytes(string path, byte[] content) => Write(path, tmp => File.WriteAllBytes(tmp, content));

    /// <summary>
    /// Removes the temporaries (NAME.tmp-PID or NAME.tmp-PID-THREAD) in <paramref name="folder"/> whose process has
    /// ended: what a killed writer left. A live process's temporaries are left alone. Returns how many were removed.
    /// </summary>
    public static int RemoveStaleTemporaries(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var file in Directory.GetFiles(folder, "*.tmp-*"))
        {
            var name = Path.GetFileName(file);
            var owner = name[(name.LastIndexOf(".tmp-", StringComparison.Ordinal) + 5)..].Split('-')[0];
            if (!int.TryParse(owner, out var pid) || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException) { }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>.NET's message without the temporary's name ("No space left on device : '/x/y.tmp-1-1'" → "No space left on device").</summary>
    private static string Cause(Exception e, string tmp)
    {
        var m = e.Message;
        foreach (var cut in new[] { $" : '{tmp}'", $" '{tmp}'", $": '{tmp}'", tmp })
        {
            int i = m.IndexOf(cut, StringComparison.Ordinal);
            if (i >= 0) m = (m[..i] + m[(i + cut.Length)..]).Trim().TrimEnd('.', ':').Trim();
        }
        return m.Length > 0 ? m : e.GetType().Name;
    }

    /// <summary>A write that failed, its message already leading with the cause and naming the file.</summary>
    public sealed class WriteFailedException(string message, Exception inner) : IOException(message, inner);
}
