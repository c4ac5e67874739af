using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ReferralNet.Testing;

/// <summary>
/// One PostgreSQL server for the whole test run: the one <c>REFERRALNET_TEST_POSTGRES</c> names (an admin connection
/// string), or else a private cluster started from the local binaries in a temporary folder, on a free loopback port,
/// with durability off (tests need speed, not crash safety). Each test collection gets a database of its own.
/// </summary>
public sealed class PostgresCluster
{
    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(StartAsync);
    private readonly string _adminConnectionString;

    private PostgresCluster(string adminConnectionString) => _adminConnectionString = adminConnectionString;

    /// <summary>The cluster of this test run, started on first use and stopped when the process exits.</summary>
    public static Task<PostgresCluster> Shared => SharedCluster.Value;

    /// <summary>
    /// Why PostgreSQL tests cannot run here, or null when they can. Under CI=true the answer is always null:
    /// a missing server must fail the run, not skip it.
    /// </summary>
    public static string? Unavailable =>
        Environment.GetEnvironmentVariable("REFERRALNET_TEST_POSTGRES") is { Length: > 0 } || FindBinaries() is not null || IsCi
            ? null
            : "PostgreSQL binaries not found (install the postgresql package or set REFERRALNET_TEST_POSTGRES)";

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresCluster> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("REFERRALNET_TEST_POSTGRES") is { Length: > 0 } configured)
        {
            return new PostgresCluster(configured);
        }

        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL is required (CI=true): no initdb under /usr/lib/postgresql/*/bin and REFERRALNET_TEST_POSTGRES is unset.");
        RemoveStoppedClusters();
        var root = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        var data = Path.Combine(root, "data");
        var port = FreePort();

        // initdb and postgres refuse to run as root; CI runs as root, so the cluster runs as the postgres user.
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await RunAsync("chown", null, "-R", $"{runAs}:", root);
        }

        await RunAsync(Path.Combine(binaries, "initdb"), runAs, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C");
        await RunAsync(Path.Combine(binaries, "pg_ctl"), runAs, "-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            using var stop = Process.Start(Command(Path.Combine(binaries, "pg_ctl"), runAs, "-D", data, "-m", "immediate", "stop"));
            stop?.WaitForExit(10_000);
        };
        return new PostgresCluster($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50");
    }

    private const string FolderPrefix = "referralnet-pg-";

    // A cluster folder is removed by a later run rather than at exit: the server may still be writing while the test
    // process ends. A folder whose data has no postmaster.pid has no running server, unless it is being set up right now by
    // another test process (test projects run in parallel): only folders untouched for ten minutes are removed.
    private static void RemoveStoppedClusters()
    {
        var settled = DateTime.UtcNow - TimeSpan.FromMinutes(10);
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (!File.Exists(Path.Combine(folder, "data", "postmaster.pid")) && Directory.GetLastWriteTimeUtc(folder) < settled)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo Command(string file, string? runAs, params string[] arguments)
    {
        var start = runAs is null ? new ProcessStartInfo(file) : new ProcessStartInfo("runuser", ["-u", runAs, "--", file]);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return start;
    }

    private static async Task RunAsync(string file, string? runAs, params string[] arguments)
    {
        using var process = Process.Start(Command(file, runAs, arguments)) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
