using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>
/// Process-wide engine settings. On first use: intra-op threads = core count (override with
/// KERASNET_NUM_THREADS), glibc malloc kept from returning memory to the OS on every step, and
/// denormals flushed to zero on every thread that runs kernels, as TensorFlow's CPU kernels do.
/// </summary>
public static class Runtime
{
    private static readonly object Gate = new();
    private static bool _initialized;

    public static void EnsureInitialized()
    {
        if (_initialized) return;
        lock (Gate)
        {
            if (_initialized) return;
            int threads = Environment.ProcessorCount;
            var env = Environment.GetEnvironmentVariable("KERASNET_NUM_THREADS");
            if (!string.IsNullOrEmpty(env))
            {
                if (!int.TryParse(env, out threads) || threads < 1)
                    throw new InvalidOperationException($"KERASNET_NUM_THREADS must be a positive integer, got '{env}'.");
            }
            try
            {
                CheckAbi();
                if (NativeMethods.knt_init(threads) < 0)
                    throw new InvalidOperationException("Engine initialisation failed: " + NativeMethods.LastError());
                var pixels = Environment.GetEnvironmentVariable("KERASNET_MAX_IMAGE_PIXELS");
                if (!string.IsNullOrEmpty(pixels))
                {
                    if (!long.TryParse(pixels, out var limit) || limit < 0)
                        throw new InvalidOperationException($"KERASNET_MAX_IMAGE_PIXELS must be a whole number ≥ 0 (0 = no limit), got '{pixels}'.");
                    NativeMethods.knt_image_max_pixels(limit);
                }
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    "The native engine (libkntnative.so over Debian's libtorch) could not be loaded. " +
                    "Install the system packages with `bash src/native/install-deps.sh` and rebuild. " + e.Message, e);
            }
            _initialized = true;
        }
    }

    /// <summary>The version of the C ABI (src/native/include/knt.h, KNT_ABI_VERSION) these bindings are written for.</summary>
    public const int AbiVersion = 7;

    private static void CheckAbi()
    {
        int found;
        try
        {
            found = NativeMethods.knt_abi_version();
        }
        catch (EntryPointNotFoundException)
        {
            found = 1;  // libraries before the version export
        }
        if (found != AbiVersion)
            throw new InvalidOperationException(
                $"The native engine libkntnative.so is stale: it implements ABI version {found}, these bindings need {AbiVersion}. " +
                "Rebuild it: `dotnet build` (runs src/native/build.sh), or delete src/native/build and build again.");
    }

    /// <summary>Intra-op threads libtorch uses for each kernel.</summary>
    public static int NumThreads
    {
        get
        {
            EnsureInitialized();
            return NativeMethods.knt_get_num_threads();
        }
        set
        {
            EnsureInitialized();
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Threads must be ≥ 1.");
            if (NativeMethods.knt_set_num_threads(value) < 0)
                throw new InvalidOperationException("set_num_threads: " + NativeMethods.LastError());
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with kernels issued from this thread single-threaded (OpenMP's
    /// per-thread setting), then restores the thread: input-pipeline workers use it so that n workers
    /// occupy n cores, not n × cores threads, without slowing whatever runs on that pool thread later.
    /// </summary>
    public static T SingleThreaded<T>(Func<T> work) => WithThreadLocalThreads(1, work);

    /// <summary>Runs <paramref name="work"/> with kernels issued from this thread using <paramref name="threads"/> threads (a replica's share of the cores).</summary>
    public static void WithThreadLocalThreads(int threads, Action work) => WithThreadLocalThreads(threads, () =>
    {
        work();
        return 0;
    });

    private static T WithThreadLocalThreads<T>(int threads, Func<T> work)
    {
        EnsureInitialized();
        int previous = NativeMethods.knt_get_num_threads();
        NativeMethods.knt_set_thread_local_threads(threads);
        try
        {
            return work();
        }
        finally
        {
            NativeMethods.knt_set_thread_local_threads(previous);
        }
    }

    /// <summary>Seeds the engine's generator (initializers, dropout, shuffling).</summary>
    public static void ManualSeed(ulong seed)
    {
        EnsureInitialized();
        if (NativeMethods.knt_manual_seed(seed) < 0)
            throw new InvalidOperationException("manual_seed: " + NativeMethods.LastError());
    }

    /// <summary>The engine generator's state (initializers, dropout masks, shuffles), to save and restore.</summary>
    public static byte[] GetRngState()
    {
        EnsureInitialized();
        using var t = Tensor.WrapNew(NativeMethods.knt_rng_get_state(), "rng_get_state", []);
        return t.ToArray<byte>();
    }

    public static void SetRngState(byte[] state)
    {
        EnsureInitialized();
        using var t = Tensor.FromArray(state, state.Length);
        if (NativeMethods.knt_rng_set_state(t.Handle) < 0)
            throw new ArgumentException("Not a generator state: " + NativeMethods.LastError());
    }

    /// <summary>
    /// Native tensor handles alive right now in the whole process, including garbage the finalizer has not
    /// freed yet: a coarse gauge (benchmarks plot it). To check that code frees what it makes, use
    /// <see cref="TensorTracker"/>, which counts only what was made in its window.
    /// </summary>
    public static long LiveTensors
    {
        get
        {
            EnsureInitialized();
            return NativeMethods.knt_live_tensors();
        }
    }

    /// <summary>libtorch's version and build configuration, plus the BLAS library actually loaded.</summary>
    public static string BuildInfo
    {
        get
        {
            EnsureInitialized();
            var info = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(NativeMethods.knt_build_info()) ?? "";
            return info + "BLAS loaded: " + LoadedBlas() + "\n";
        }
    }

    /// <summary>The BLAS shared object mapped into this process (OpenBLAS is required for speed).</summary>
    public static string LoadedBlas()
    {
        try
        {
            var libs = File.ReadLines("/proc/self/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .Where(p => p.Contains("blas", StringComparison.OrdinalIgnoreCase))
                .Distinct()
                .Select(p => p.StartsWith("/") && new FileInfo(p).LinkTarget is { } t ? $"{p} -> {t}" : p);
            var s = string.Join(", ", libs);
            return s.Length > 0 ? s : "none mapped";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
