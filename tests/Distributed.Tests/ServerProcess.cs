using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Net.Client;

namespace ReferralNet.Distributed.Tests;

/// <summary>
/// A ReferralNet server in an operating-system process of its own: <c>dotnet ReferralNet.Server.dll</c> from
/// services/Server's build output, configured the way a Deployment configures it (environment variables, e.g.
/// <c>ReferralNet__Services__0</c>), listening on a loopback port. It shares nothing with the test process or with other
/// servers but what it is told (addresses, the development signing key) and the network.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    // A server must not outlive the test run: a normal exit and an unhandled exception pass through ProcessExit.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private string? _errorHeader;

    static ServerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            Kill(process);
        }
    };

    private ServerProcess(string name, IReadOnlyDictionary<string, string> settings, Uri address)
    {
        Name = name;
        _settings = settings;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        var start = StartInfo(settings, []);
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Read(e.Data);
        _process.ErrorDataReceived += (_, e) => Read(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The {Name} server exited before it listened:\n{Log}"));
    }

    /// <summary>The service the process runs, in messages.</summary>
    public string Name { get; }

    /// <summary>Where it listens (gRPC, HTTP/2 cleartext).</summary>
    public Uri Address { get; }

    /// <summary>An HTTP/2 channel to it.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Its process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What it logged at Error or Critical level so far, each with its message.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Everything it wrote so far.</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>The Server's build output that the tests run: services/Server/bin/&lt;configuration&gt;/net10.0.</summary>
    public static string ServerAssembly { get; } = FindServerAssembly();

    /// <summary>
    /// Starts a server on <paramref name="address"/> with <paramref name="settings"/> (configuration keys in their
    /// environment-variable form); <see cref="ListeningAsync"/> tells when it listens.
    /// </summary>
    public static ServerProcess Start(string name, Uri address, IReadOnlyDictionary<string, string> settings)
    {
        var server = new ServerProcess(name, settings, address);
        server._process.Start();
        Running[server._process.Id] = server._process;
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Completes when the server logs that it listens; fails when it exits first or takes too long.</summary>
    public Task ListeningAsync() => _listening.Task.WaitAsync(StartTimeout);

    /// <summary>
    /// Runs one of the server's commands (e.g. <c>dev-token --member …</c>) as a process of its own on this server's
    /// configuration and data folder, as an operator runs it beside the server, and returns what it printed on
    /// standard output. The command changes no schema: migrations are the server's.
    /// </summary>
    public async Task<string> RunCommandAsync(params string[] arguments)
    {
        var start = StartInfo(_settings, arguments);
        start.Environment["ReferralNet__Database__MigrateOnStart"] = "false";
        using var command = Process.Start(start) ?? throw new InvalidOperationException("The command did not start.");
        var output = command.StandardOutput.ReadToEndAsync();
        var error = command.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await command.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(command);
            throw new TimeoutException($"{string.Join(' ', arguments)} did not finish within {StartTimeout.TotalSeconds:F0} s.");
        }

        Assert.True(command.ExitCode == 0, $"{string.Join(' ', arguments)} exited with {command.ExitCode}: {await error}");
        return (await output).Trim();
    }

    /// <summary>Stops the server as Kubernetes stops a pod (SIGTERM, then a kill when it does not stop in time).</summary>
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _ = Terminate(_process.Id, Sigterm);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(_process);
            }
        }

        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);

        // The console logger's simple format: "fail: Category[event]" on one line, the message indented on the next.
        if (_errorHeader is { } header)
        {
            _errors.Enqueue($"{header} {line.Trim()}");
            _errorHeader = null;
        }
        else if (line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
        {
            _errorHeader = line;
        }

        if (Listening().Match(line) is { Success: true } listening)
        {
            _listening.TrySetResult(new Uri(listening.Groups[1].Value));
        }
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> settings, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerAssembly)!,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(ServerAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only what the test says configures the server: nothing inherited from the environment the tests run in.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ReferralNet__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static string FindServerAssembly()
    {
        var configuration = typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReferralNet.sln")))
            {
                var assembly = Path.Combine(directory.FullName, "services", "Server", "bin", configuration, "net10.0", "ReferralNet.Server.dll");
                return File.Exists(assembly) ? assembly : throw new FileNotFoundException($"The server is not built: {assembly}");
            }
        }

        throw new DirectoryNotFoundException("ReferralNet.sln not found above the test assembly.");
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

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Terminate(int processId, int signal);

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
