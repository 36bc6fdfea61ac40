using System.Buffers.Binary;
using System.IO.Compression;
using KerasNet.Engine;

namespace KerasNet.Keras.Datasets;

/// <summary>Reads the gzip-compressed IDX files MNIST-style data sets ship as.</summary>
public static class IdxFile
{
    /// <summary>The uint8 tensor stored in <paramref name="path"/>; any corruption is an error naming the file.</summary>
    public static Tensor ReadUInt8(string path)
    {
        byte[] raw;
        try
        {
            using var file = File.OpenRead(path);
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            raw = ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid gzip file ({e.Message}).", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: truncated gzip data.", e);
        }
        if (raw.Length < 4)
            throw new InvalidDataException($"{path}: too short for an IDX header ({raw.Length} bytes).");
        if (raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08)
            throw new InvalidDataException($"{path}: not an IDX file of unsigned bytes (magic {raw[0]:x2}{raw[1]:x2}{raw[2]:x2}{raw[3]:x2}).");
        int ndim = raw[3];
        if (ndim is < 1 or > 4 || raw.Length < 4 + 4 * ndim)
            throw new InvalidDataException($"{path}: bad IDX header ({ndim} dimensions).");
        var shape = new long[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * i, 4));
            if (shape[i] < 0) throw new InvalidDataException($"{path}: negative dimension in IDX header.");
            count *= shape[i];
        }
        int offset = 4 + 4 * ndim;
        if (raw.Length - offset != count)
            throw new InvalidDataException(
                $"{path}: header promises {count} values of shape {Tensor.FormatShape(shape)}, file holds {raw.Length - offset} (truncated or corrupt).");
        return Tensor.FromArray(raw.AsSpan(offset), shape);
    }
}
