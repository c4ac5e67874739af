using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;

namespace ReferralNet.Benchmark;

/// <summary>One scenario: a call, and the server process that answers it.</summary>
/// <param name="Name">Shown in the table.</param>
/// <param name="Server">Whose CPU time the calls cost.</param>
/// <param name="Call">One call.</param>
internal sealed record Scenario(string Name, ServerProcess Server, Func<Task> Call);

/// <summary>One measured round of one scenario.</summary>
/// <param name="CallsPerSecond">Completed calls per second of the round.</param>
/// <param name="P50">Median latency in ms.</param>
/// <param name="P99">99th percentile latency in ms.</param>
/// <param name="Errors">Calls that failed.</param>
/// <param name="ServerCpuMicrosecondsPerCall">Server CPU time of the round, per call.</param>
/// <param name="ClientCpuMicrosecondsPerCall">This process's CPU time during the round (the callers), per call.</param>
internal sealed record Result(double CallsPerSecond, double P50, double P99, int Errors, double ServerCpuMicrosecondsPerCall, double ClientCpuMicrosecondsPerCall);

/// <summary>Drives a call with a number of callers for a while.</summary>
internal static class Load
{
    /// <summary>Failed calls by scenario and status, in warm-up and rounds, for the report under the table.</summary>
    public static ConcurrentDictionary<(string Scenario, StatusCode Status), int> Failures { get; } = new();

    /// <summary>Runs a round and reads the server's CPU time around it.</summary>
    public static async Task<Result> MeasureAsync(Scenario scenario, int callers, TimeSpan duration)
    {
        var cpuBefore = await scenario.Server.SettledCpuAsync();
        using var client = Process.GetCurrentProcess();
        var clientBefore = client.TotalProcessorTime;
        var (calls, errors, elapsed, latencies) = await RunAsync(scenario, callers, duration);
        client.Refresh();
        var clientCpu = client.TotalProcessorTime - clientBefore;
        var cpu = await scenario.Server.SettledCpuAsync() - cpuBefore;
        var all = latencies.Order().ToArray();
        return new Result(
            all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), errors,
            calls == 0 ? double.NaN : cpu.TotalMicroseconds / calls,
            calls == 0 ? double.NaN : clientCpu.TotalMicroseconds / calls);
    }

    /// <summary>Runs the scenario without measuring; returns the failed calls.</summary>
    public static async Task<int> WarmAsync(Scenario scenario, int callers, TimeSpan duration) =>
        (await RunAsync(scenario, callers, duration)).Errors;

    /// <summary>The median; the upper one of an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static async Task<(int Calls, int Errors, TimeSpan Elapsed, IEnumerable<double> Latencies)> RunAsync(Scenario scenario, int callers, TimeSpan duration)
    {
        var latencies = new List<double>[callers];
        var errors = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var mine = latencies[caller] = new List<double>(4096);
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await scenario.Call();
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref errors);
                    Failures.AddOrUpdate((scenario.Name, e.StatusCode), 1, (_, count) => count + 1);
                }
            }
        }));
        var elapsed = stopwatch.Elapsed;
        var succeeded = latencies.Sum(l => l.Count);
        return (succeeded + errors, errors, elapsed, latencies.SelectMany(l => l));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}
