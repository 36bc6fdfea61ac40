using System.Runtime.InteropServices;
using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>Sends SIGINT/SIGTERM/SIGHUP/SIGQUIT to a process (the worker launcher forwards the ones it receives).</summary>
public static class ProcessSignals
{
    /// <summary>The signal's number on Linux (SIGINT 2, SIGTERM 15, …): exit code 128 + it is how a shell reports a process it ended.</summary>
    public static int Number(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "SIGHUP, SIGINT, SIGQUIT or SIGTERM."),
    };

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>; false when it has already ended.</summary>
    public static bool Send(int pid, PosixSignal signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        return Posix.kill(pid, Number(signal)) == 0;
    }
}
