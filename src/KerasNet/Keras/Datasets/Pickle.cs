using System.Buffers.Binary;
using System.Text;

namespace KerasNet.Keras.Datasets;

/// <summary>
/// A reader for the Python pickles Keras's datasets ship (CIFAR-10's batches: Python 2 cPickle, protocol 2): dicts,
/// lists, tuples, ints, floats, strings and bytes, and numpy arrays (numpy.core.multiarray._reconstruct + its state).
/// Only data is built: a global other than numpy's array and dtype constructors (or Python 3's _codecs.encode for bytes)
/// is refused, so a pickle cannot run code. Strings of Python 2 (str) come back as byte[], as Keras reads them with
/// encoding="bytes"; dict keys are compared as text.
/// </summary>
internal static class Pickle
{
    /// <summary>A numpy array: its shape, its dtype ('u1', '&lt;i8', …) and raw bytes.</summary>
    public sealed class NdArray
    {
        public long[] Shape = [];
        public string DType = "";
        public byte[] Data = [];
    }

    private sealed record Global(string Module, string Name);

    private sealed class DTypeObject(string descr)
    {
        public string Descr = descr;
    }

    private sealed class Mark;

    private static readonly Mark MarkObject = new();

    public static object? Load(string path)
    {
        try
        {
            return Load(File.ReadAllBytes(path), path);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidCastException or EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: not a pickle this reader understands, or cut short ({e.Message}).", e);
        }
    }

    public static object? Load(byte[] b, string source)
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        int p = 0;
        object? Pop() { var v = stack[^1]; stack.RemoveAt(stack.Count - 1); return v; }
        List<object?> PopMark()
        {
            int m = stack.FindLastIndex(o => ReferenceEquals(o, MarkObject));
            if (m < 0) throw new InvalidDataException($"{source}: pickle has no MARK for a collection at byte {p}.");
            var items = stack.GetRange(m + 1, stack.Count - m - 1);
            stack.RemoveRange(m, stack.Count - m);
            return items;
        }
        string Line()
        {
            int end = Array.IndexOf(b, (byte)'\n', p);
            var s = Encoding.ASCII.GetString(b, p, end - p);
            p = end + 1;
            return s;
        }
        int I32() { var v = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(p)); p += 4; return v; }
        byte[] Bytes(long n) { var v = b.AsSpan(p, checked((int)n)).ToArray(); p += (int)n; return v; }

        while (true)
        {
            byte op = b[p++];
            switch ((char)op)
            {
                case '\x80': p++; break;  // PROTO n
                case '.': return stack.Count > 0 ? Pop() : null;  // STOP
                case '(': stack.Add(MarkObject); break;
                case '}': stack.Add(new Dictionary<object, object?>(KeyComparer.Instance)); break;
                case ']': stack.Add(new List<object?>()); break;
                case ')': stack.Add(Array.Empty<object?>()); break;
                case 'N': stack.Add(null); break;
                case '\x88': stack.Add(true); break;
                case '\x89': stack.Add(false); break;
                case 'K': stack.Add((long)b[p++]); break;
                case 'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(p))); p += 2; break;
                case 'J': stack.Add((long)I32()); break;
                case '\x8a':  // LONG1
                {
                    int n = b[p++];
                    long v = 0;
                    for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[p + i];
                    if (n > 0 && n < 8 && (b[p + n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                    p += n;
                    stack.Add(v);
                    break;
                }
                case 'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(b.AsSpan(p))); p += 8; break;
                case 'U': stack.Add(Bytes(b[p++])); break;  // SHORT_BINSTRING: Python 2 str, read as bytes
                case 'T': stack.Add(Bytes(I32())); break;  // BINSTRING
                case 'C': stack.Add(Bytes(b[p++])); break;  // SHORT_BINBYTES
                case 'B': stack.Add(Bytes(I32())); break;  // BINBYTES
                case 'X': { int n = I32(); stack.Add(Encoding.UTF8.GetString(b, p, n)); p += n; break; }  // BINUNICODE
                case '\x8c': { int n = b[p++]; stack.Add(Encoding.UTF8.GetString(b, p, n)); p += n; break; }  // SHORT_BINUNICODE
                case 'q': memo[b[p++]] = stack[^1]; break;  // BINPUT
                case 'r': memo[I32()] = stack[^1]; break;  // LONG_BINPUT
                case 'h': stack.Add(memo[b[p++]]); break;  // BINGET
                case 'j': stack.Add(memo[I32()]); break;  // LONG_BINGET
                case '\x94': memo[memo.Count] = stack[^1]; break;  // MEMOIZE
                case 'c': { var module = Line(); var name = Line(); stack.Add(new Global(module, name)); break; }
                case 't': stack.Add(PopMark().ToArray()); break;
                case '\x85': stack.Add(new[] { Pop() }); break;
                case '\x86': { var b2 = Pop(); var a = Pop(); stack.Add(new[] { a, b2 }); break; }
                case '\x87': { var c3 = Pop(); var b2 = Pop(); var a = Pop(); stack.Add(new[] { a, b2, c3 }); break; }
                case 'a': { var v = Pop(); ((List<object?>)stack[^1]!).Add(v); break; }
                case 'e': { var items = PopMark(); ((List<object?>)stack[^1]!).AddRange(items); break; }
                case 's': { var v = Pop(); var k = Pop()!; ((Dictionary<object, object?>)stack[^1]!)[k] = v; break; }
                case 'u':
                {
                    var items = PopMark();
                    var d = (Dictionary<object, object?>)stack[^1]!;
                    for (int i = 0; i + 1 < items.Count; i += 2) d[items[i]!] = items[i + 1];
                    break;
                }
                case 'R': { var args = (object?[])Pop()!; var f = (Global)Pop()!; stack.Add(Reduce(f, args, source)); break; }
                case 'b': { var state = Pop(); Build(stack[^1], state, source); break; }
                default:
                    throw new InvalidDataException($"{source}: pickle opcode 0x{op:x2} at byte {p - 1} is not one this reader supports.");
            }
        }
    }

    private static object Reduce(Global f, object?[] args, string source) => (f.Module, f.Name) switch
    {
        ("numpy.core.multiarray" or "numpy._core.multiarray", "_reconstruct") => new NdArray(),
        ("numpy", "dtype") => new DTypeObject(Text(args[0])),
        ("_codecs", "encode") => Encoding.Latin1.GetBytes((string)args[0]!),  // Python 3's protocol-2 bytes
        _ => throw new InvalidDataException($"{source}: the pickle calls {f.Module}.{f.Name}; only numpy arrays and plain data are read."),
    };

    private static void Build(object? target, object? state, string source)
    {
        switch (target)
        {
            case NdArray a when state is object?[] s && s.Length >= 5:
                a.Shape = ((object?[])s[1]!).Select(d => (long)d!).ToArray();
                a.DType = s[2] is DTypeObject dt ? dt.Descr : throw new InvalidDataException($"{source}: a numpy array without a dtype.");
                if ((bool)s[3]!) throw new InvalidDataException($"{source}: Fortran-ordered arrays are not supported.");
                a.Data = s[4] switch
                {
                    byte[] bytes => bytes,
                    string text => Encoding.Latin1.GetBytes(text),
                    _ => throw new InvalidDataException($"{source}: numpy array data of an unexpected kind."),
                };
                break;
            case DTypeObject d when state is object?[] s && s.Length > 1 && s[1] is { } order && Text(order) is "<" or ">" or "|" or "=":
                d.Descr = (Text(order) == "|" || Text(order) == "=" ? "" : Text(order)) + d.Descr;
                break;
            case DTypeObject:
                break;
            default:
                throw new InvalidDataException($"{source}: the pickle builds an object this reader does not know ({target?.GetType().Name}).");
        }
    }

    /// <summary>A Python 2 str (bytes) or 3 str as text.</summary>
    public static string Text(object? v) => v switch
    {
        string s => s,
        byte[] b => Encoding.Latin1.GetString(b),
        _ => throw new InvalidDataException($"expected a string in the pickle, found {v?.GetType().Name ?? "None"}."),
    };

    /// <summary>Dict keys compare as text, whether Python 2 str (bytes) or unicode.</summary>
    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();
        public new bool Equals(object? x, object? y) => x is (string or byte[]) && y is (string or byte[]) ? Text(x) == Text(y) : object.Equals(x, y);
        public int GetHashCode(object o) => o is string or byte[] ? Text(o).GetHashCode() : o.GetHashCode();
    }
}
