using System.Diagnostics;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Infrastructure;

/// <summary>The real executable started against a port nobody listens on, as an operator would start it.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("")]
    [InlineData("migrate")]
    public async Task Without_a_database_it_retries_until_the_limit_then_exits_1_with_one_critical_line(string command)
    {
        var port = Ports.Free();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AssetForge.dll"));
        if (command.Length > 0) info.ArgumentList.Add(command);
        info.Environment["ConnectionStrings__AssetForge"] = $"Host=127.0.0.1;Port={port};Username=postgres;Database=assetforge";
        info.Environment["Database__StartupTimeoutSeconds"] = "3";
        info.Environment["Logging__Format"] = "text";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Ports.Free()}";
        foreach (var (key, value) in Tokens.HostSettings) info.Environment[key.Replace(":", "__")] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        clock.Stop();
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 1, $"exit code {process.ExitCode}: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var critical = Assert.Single(lines, l => l.Contains("crit:", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{port}", critical);
        Assert.Contains("refused", critical, StringComparison.OrdinalIgnoreCase);
        // One line per attempt, and no stack trace anywhere.
        Assert.True(lines.Count(l => l.Contains("not reachable (attempt", StringComparison.Ordinal)) >= 2, output);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        // The limit was honoured: 3 s of waiting, plus the runtime's start-up on a busy machine.
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.5, 30);
    }
}
