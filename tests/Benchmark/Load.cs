using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;

namespace ReferralNet.Benchmark;

/// <summary>One scenario: a call, and the server process that answers it.</summary>
/// <param name="Name">Shown in the table.</param>
/// <param name="Server">Whose CPU time the calls cost.</param>
/// <param name="Call">One call.</param>
/// <param name="Prepare">
/// Records through the API what the given number of calls will consume (needs to refer, referrals to accept), before
/// a warm-up slice or round and outside its measurement; null when calls consume nothing.
/// </param>
internal sealed record Scenario(string Name, ServerProcess Server, Func<Task> Call, Func<int, Task>? Prepare = null);

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
    /// <summary>Measured rounds and warm-up slices of consuming scenarios that ended early because what was prepared ran out.</summary>
    public static ConcurrentDictionary<(string Scenario, bool Measured), int> EndedEarly { get; } = new();

    /// <summary>Per scenario, how long the server kept working after each measured round (null: still busy at the limit).</summary>
    public static ConcurrentDictionary<string, TimeSpan?[]> AfterRound { get; } = new();

    /// <summary>Failed calls by scenario and status, in warm-up and rounds, for the report under the table.</summary>
    public static ConcurrentDictionary<(string Scenario, StatusCode Status), int> Failures { get; } = new();

    // Before a scenario has run, what it consumes is prepared for this rate; a slice that runs dry ends early (below).
    private const double FirstGuessCallsPerSecond = 500;

    // The fastest rate each consuming scenario ran at, so that the next round's preparation covers it with a margin.
    private static readonly ConcurrentDictionary<string, double> PeakCallsPerSecond = new();

    /// <summary>Runs a round and reads the server's CPU time around it.</summary>
    public static async Task<Result> MeasureAsync(Scenario scenario, int callers, TimeSpan duration)
    {
        await PrepareAsync(scenario, callers, duration);
        var (cpuBefore, _) = await scenario.Server.SettledCpuAsync();
        using var client = Process.GetCurrentProcess();
        var clientBefore = client.TotalProcessorTime;
        var (calls, errors, elapsed, latencies) = await RunAsync(scenario, callers, duration, measured: true);
        client.Refresh();
        var clientCpu = client.TotalProcessorTime - clientBefore;
        var (cpuAfter, settled) = await scenario.Server.SettledCpuAsync();
        var cpu = cpuAfter - cpuBefore;
        AfterRound.AddOrUpdate(scenario.Name, [settled], (_, waits) => [.. waits, settled]);
        var all = latencies.Order().ToArray();
        return new Result(
            all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), errors,
            calls == 0 ? double.NaN : cpu.TotalMicroseconds / calls,
            calls == 0 ? double.NaN : clientCpu.TotalMicroseconds / calls);
    }

    /// <summary>Runs the scenario without measuring; returns the failed calls.</summary>
    public static async Task<int> WarmAsync(Scenario scenario, int callers, TimeSpan duration)
    {
        await PrepareAsync(scenario, callers, duration);
        return (await RunAsync(scenario, callers, duration, measured: false)).Errors;
    }

    /// <summary>The median; the upper one of an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    // Two and a half times the fastest rate seen, and one call more per caller for the calls still running at the end: the
    // rate still rises after a short warm-up (with 1.5 times, a round after a 2-s warm-up ran dry).
    private static Task PrepareAsync(Scenario scenario, int callers, TimeSpan duration) =>
        scenario.Prepare?.Invoke((int)Math.Ceiling(2.5 * PeakCallsPerSecond.GetValueOrDefault(scenario.Name, FirstGuessCallsPerSecond) * duration.TotalSeconds) + callers)
        ?? Task.CompletedTask;

    private static async Task<(int Calls, int Errors, TimeSpan Elapsed, IEnumerable<double> Latencies)> RunAsync(Scenario scenario, int callers, TimeSpan duration, bool measured)
    {
        var latencies = new List<double>[callers];
        var errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var dry = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var mine = latencies[caller] = new List<double>(4096);
            while (stopwatch.Elapsed < duration && Volatile.Read(ref dry) == 0)
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
                catch (PoolExhaustedException)
                {
                    // The calls made so far over the time they took are still a rate; callers spinning on an empty pool
                    // would only burn the cores the server needs.
                    if (Interlocked.Exchange(ref dry, 1) == 0)
                    {
                        EndedEarly.AddOrUpdate((scenario.Name, measured), 1, (_, count) => count + 1);
                    }
                }
            }
        }));
        var elapsed = stopwatch.Elapsed;
        var succeeded = latencies.Sum(l => l.Count);
        if (scenario.Prepare is not null)
        {
            var rate = (succeeded + errors) / elapsed.TotalSeconds;
            PeakCallsPerSecond.AddOrUpdate(scenario.Name, rate, (_, peak) => Math.Max(peak, rate));
        }

        return (succeeded + errors, errors, elapsed, latencies.SelectMany(l => l));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}

/// <summary>A consuming scenario's call found nothing prepared left to call on; the slice or round ends there.</summary>
internal sealed class PoolExhaustedException(string message) : Exception(message);
