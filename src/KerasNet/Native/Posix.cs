using System.Runtime.InteropServices;

namespace KerasNet.Native;

/// <summary>The C library calls .NET does not expose (sending a signal other than SIGKILL).</summary>
internal static class Posix
{
    [DllImport("libc", SetLastError = true)] internal static extern int kill(int pid, int sig);
}
