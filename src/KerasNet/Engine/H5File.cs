using System.Text;
using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>
/// An open HDF5 file (libhdf5 in the native layer, every call serialised there): the few operations
/// Keras's weights layout needs. The file id is owned by a SafeHandle, so it is closed exactly once.
/// </summary>
internal sealed unsafe class H5File : IDisposable
{
    private readonly H5FileHandle _id;

    private readonly bool _created;

    private H5File(string path, H5FileHandle id, bool created = false)
    {
        Path = path;
        _id = id;
        _created = created;
    }

    public string Path { get; }

    public static H5File Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such weights file.", path);
        Runtime.EnsureInitialized();
        var id = NativeMethods.knt_h5_open(path, 0);
        if (id.IsInvalid) throw new InvalidDataException($"{path}: {NativeMethods.LastError()}");
        return new H5File(path, id);
    }

    /// <summary>
    /// A new file, built in memory and written to <paramref name="path"/> by <see cref="Close"/> (through .NET, so a full
    /// disk or a read-only folder is an IOException there, and HDF5 holds no half-flushed file); Dispose without Close
    /// writes nothing.
    /// </summary>
    public static H5File Create(string path)
    {
        Runtime.EnsureInitialized();
        var id = NativeMethods.knt_h5_open(path, 1);
        if (id.IsInvalid) throw new IOException($"{path}: {NativeMethods.LastError()}");
        return new H5File(path, id, created: true);
    }

    private Exception Error(string what) => new InvalidDataException($"{Path}: {what}: {NativeMethods.LastError()}");

    public bool Exists(string path)
    {
        int r = NativeMethods.knt_h5_exists(_id, path);
        if (r < 0) throw Error($"looking up '{path}'");
        return r == 1;
    }

    public void CreateGroup(string path)
    {
        if (NativeMethods.knt_h5_create_group(_id, path) < 0) throw Error($"creating group '{path}'");
    }

    /// <summary>A string-array attribute; null when absent. Keras splits long ones into attr0, attr1, ...</summary>
    public string[]? ReadStrings(string path, string attr)
    {
        var whole = ReadStringsOnce(path, attr);
        if (whole is not null) return whole;
        if (ReadStringsOnce(path, attr + "0") is not { } first) return null;
        var all = new List<string>(first);
        for (int i = 1; ReadStringsOnce(path, attr + i) is { } more; i++) all.AddRange(more);
        return all.ToArray();
    }

    private string[]? ReadStringsOnce(string path, string attr)
    {
        long need = NativeMethods.knt_h5_read_strings(_id, path, attr, null, 0);
        if (need == -2) return null;
        if (need < 0) throw Error($"reading attribute '{attr}' of '{path}'");
        if (need == 0) return [];
        var buf = new byte[need];
        fixed (byte* p = buf)
            if (NativeMethods.knt_h5_read_strings(_id, path, attr, p, need) < 0)
                throw Error($"reading attribute '{attr}' of '{path}'");
        var parts = Encoding.UTF8.GetString(buf).Split('\0');
        return parts[..^1];  // the joined form ends with a NUL
    }

    public void WriteStrings(string path, string attr, IReadOnlyList<string> values)
    {
        var joined = Encoding.UTF8.GetBytes(string.Concat(values.Select(v => v + "\0")));
        fixed (byte* p = joined)
            if (NativeMethods.knt_h5_write_strings(_id, path, attr, p, values.Count) < 0)
                throw Error($"writing attribute '{attr}' of '{path}'");
    }

    public void WriteString(string path, string attr, string value)
    {
        if (NativeMethods.knt_h5_write_string(_id, path, attr, value) < 0)
            throw Error($"writing attribute '{attr}' of '{path}'");
    }

    /// <summary>A scalar variable-length UTF-8 string attribute (how h5py stores a str; long JSON configs fit).</summary>
    public void WriteVlenString(string path, string attr, string value)
    {
        if (NativeMethods.knt_h5_write_vlen_string(_id, path, attr, value) < 0)
            throw Error($"writing attribute '{attr}' of '{path}'");
    }

    /// <summary>A string attribute (fixed or variable length, scalar or a one-element array); null when absent.</summary>
    public string? ReadString(string path, string attr) => ReadStringsOnce(path, attr) is { Length: > 0 } s ? s[0] : null;

    public long[] DatasetShape(string path)
    {
        long* dims = stackalloc long[16];
        int n = NativeMethods.knt_h5_dataset_shape(_id, path, dims, 16);
        if (n < 0) throw Error($"reading the shape of '{path}'");
        if (n > 16) throw new InvalidDataException($"{Path}: dataset '{path}' has {n} dimensions; weights have at most 16.");
        return new ReadOnlySpan<long>(dims, n).ToArray();
    }

    public float[] ReadFloats(string path, long count)
    {
        var data = new float[count];
        fixed (float* p = data)
            if (NativeMethods.knt_h5_read_f32(_id, path, p, count) < 0)
                throw Error($"reading '{path}'");
        return data;
    }

    public void WriteFloats(string path, float[] data, long[] shape)
    {
        fixed (float* p = data)
        fixed (long* s = shape)
            if (NativeMethods.knt_h5_write_f32(_id, path, p, s, shape.Length) < 0)
                throw Error($"writing '{path}'");
    }

    /// <summary>
    /// Closes the file now. A created file is written to its path here: a failed write (no space left, read-only) is the
    /// IOException .NET reports, and the partial file is removed; HDF5's in-memory file is closed either way.
    /// </summary>
    public void Close()
    {
        if (_id.IsClosed) return;
        byte[]? image = null;
        if (_created)
        {
            long size = NativeMethods.knt_h5_file_image(_id, null, 0);
            if (size < 0) throw new IOException($"{Path}: {NativeMethods.LastError()}");
            image = new byte[size];
            fixed (byte* p = image)
                if (NativeMethods.knt_h5_file_image(_id, p, size) != size) throw new IOException($"{Path}: {NativeMethods.LastError()}");
        }
        _id.Dispose();
        if (_id.CloseFailed) throw new IOException($"{Path}: closing the HDF5 file failed: {NativeMethods.LastError()}");
        if (image is null) return;
        try
        {
            using var file = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.None);
            file.Write(image);
        }
        catch (IOException)
        {
            File.Delete(Path);
            throw;
        }
    }

    public void Dispose() => _id.Dispose();
}
