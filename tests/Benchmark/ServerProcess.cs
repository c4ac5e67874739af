using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Grpc.Net.Client;

namespace ReferralNet.Benchmark;

/// <summary>
/// A ReferralNet host in a child process (this executable with <see cref="ServeMode.Argument"/>), so that its CPU time
/// can be read apart from the load generator's.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // /proc counts CPU time in ticks of 10 ms, so a window must be several ticks long for "idle" to mean anything.
    private static readonly TimeSpan SettleWindow = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan IdleCpuPerWindow = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(10);

    // A child must not outlive the benchmark: a normal exit, an unhandled exception and SIGTERM all pass through
    // ProcessExit. A SIGKILL of the benchmark does not, but it closes the child's input, and the child stops on that.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private int? _serverErrors;

    static ServerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        // Closing the input first lets a server delete its data folder; killing is for one that does not stop.
        foreach (var process in Running.Values)
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Its end of the pipe is gone: it has exited.
            }
        }

        foreach (var process in Running.Values)
        {
            if (!process.WaitForExit(StopTimeout))
            {
                Kill(process);
            }
        }
    };

    private ServerProcess(string name, Process process, ServerInfo info)
    {
        Name = name;
        _process = process;
        Info = info;
        Channel = GrpcChannel.ForAddress(info.Address);
    }

    /// <summary>What the server is used for, in messages.</summary>
    public string Name { get; }

    /// <summary>Address and tokens.</summary>
    public ServerInfo Info { get; }

    /// <summary>An HTTP/2 channel to the server.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>CPU time the server process has used so far.</summary>
    public TimeSpan Cpu
    {
        get
        {
            _process.Refresh();
            return _process.HasExited
                ? throw new InvalidOperationException($"The {Name} server exited with code {_process.ExitCode} during the run.")
                : _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts a server process and waits until it listens.</summary>
    /// <param name="name">What the server is used for, in messages.</param>
    /// <param name="serviceUsers">Generated service users the server seeds before it listens (its start waits for them).</param>
    public static async Task<ServerProcess> StartAsync(string name, int serviceUsers = 0)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable."))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Started as `dotnet ReferralNet.Benchmark.dll` the process is the dotnet host, which needs the assembly again.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add(ServeMode.Argument);
        start.Environment["ReferralNet__Cases__DemoPopulation"] = serviceUsers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        Running[process.Id] = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name} server] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        try
        {
            // Seeding writes about a dozen rows per service user; a slow machine manages a few thousand users a second.
            var info = await ReadyAsync(process).WaitAsync(StartTimeout + TimeSpan.FromMilliseconds(2.0 * serviceUsers));
            return new ServerProcess(name, process, info);
        }
        catch
        {
            Kill(process);
            Running.TryRemove(process.Id, out _);
            throw;
        }
    }

    /// <summary>
    /// The server's CPU time once it has gone idle: work a round leaves behind (audit chaining, outbox dispatch) belongs
    /// to that round, and must not run into the next one. Null when it was still busy after the longest wait.
    /// </summary>
    public async Task<(TimeSpan Cpu, TimeSpan? Settled)> SettledCpuAsync()
    {
        var settling = Stopwatch.StartNew();
        var last = Cpu;
        while (settling.Elapsed < MaxSettle)
        {
            await Task.Delay(SettleWindow);
            var now = Cpu;
            if (now - last <= IdleCpuPerWindow)
            {
                return (now, settling.Elapsed);
            }

            last = now;
        }

        return (last, null);
    }

    /// <summary>Stops the server by closing its input; returns how many errors the server logged.</summary>
    public async Task<int> StopAsync()
    {
        if (_serverErrors is { } known)
        {
            return known;
        }

        _process.StandardInput.Close();
        var errors = -1;
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(ServeMode.ServerErrorsPrefix, StringComparison.Ordinal))
                {
                    errors = int.Parse(line[ServeMode.ServerErrorsPrefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"The {Name} server did not stop within {StopTimeout.TotalSeconds:F0} s; killed.");
        }
        finally
        {
            Kill(_process);
            Running.TryRemove(_process.Id, out _);
        }

        if (errors < 0)
        {
            await Console.Error.WriteLineAsync($"The {Name} server ended without reporting its errors.");
        }

        _serverErrors = errors < 0 ? 1 : errors;
        return _serverErrors.Value;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await StopAsync();
        _process.Dispose();
    }

    private static async Task<ServerInfo> ReadyAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(ServeMode.ReadyPrefix, StringComparison.Ordinal))
            {
                return JsonSerializer.Deserialize<ServerInfo>(line[ServeMode.ReadyPrefix.Length..])
                    ?? throw new InvalidOperationException("The server process sent an empty description.");
            }

            await Console.Error.WriteLineAsync(line);
        }

        await process.WaitForExitAsync();
        throw new InvalidOperationException($"The server process exited with code {process.ExitCode} before it listened.");
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }
}
