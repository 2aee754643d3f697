using System.Diagnostics;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Infrastructure;

/// <summary>The real executable as an operator starts it: the runtime settings it ships with, a fresh start, and a start against a port nobody listens on.</summary>
public sealed class StartupTests
{
    [Fact]
    public void The_executable_collects_garbage_on_one_workstation_heap_not_one_server_heap_per_core()
    {
        // NativeAOT compiles the same MSBuild setting (ServerGarbageCollection) into the binary as writes this file.
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "AssetForge.runtimeconfig.json")));
        var settings = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(settings.GetProperty("System.GC.Server").GetBoolean());
    }

    [Theory]
    [InlineData("")]
    [InlineData("migrate")]
    public async Task Without_a_database_it_retries_until_the_limit_then_exits_1_with_one_critical_line(string command)
    {
        var port = Ports.Free();
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await RunAsync(port, command, ("Database__StartupTimeoutSeconds", "3"));
        clock.Stop();

        Assert.True(exitCode == 1, $"exit code {exitCode}: {output}");
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

    [Theory]
    [InlineData("", "Database__StartupTimeoutSeconds", "-1", "between 0 and 3600")]
    [InlineData("migrate", "Database__StartupTimeoutSeconds", "soon", "'soon'")]
    [InlineData("", "Pipelines__Events__ReadConcurrency", "0", "between 1 and 256")]
    public async Task A_bad_setting_stops_it_naming_the_key_before_it_waits_for_the_database(string command, string variable, string value, string says)
    {
        // The settings are validated before the database is first tried (and so before any migration would run).
        var (exitCode, output) = await RunAsync(Ports.Free(), command, (variable, value));

        Assert.True(exitCode != 0, $"exit code {exitCode}: {output}");
        Assert.Contains(variable.Replace("__", ":", StringComparison.Ordinal), output);
        Assert.Contains(says, output);
        Assert.DoesNotContain("not reachable (attempt", output);
    }

    [Fact]
    public async Task A_fresh_start_writes_no_data_protection_key_and_logs_no_warning_about_one()
    {
        // A container starts with an empty $HOME every time. Bearer tokens need no Data Protection keys, so none may be
        // created there (nor the Warning that it is stored unencrypted logged) on every start.
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateMigratedDatabaseAsync();
        var home = Directory.CreateTempSubdirectory("assetforge-home-");
        try
        {
            var info = StartInfo(database, "", ("HOME", home.FullName), ("Logging__LogLevel__Default", "Information"));
            using var process = Process.Start(info)!;
            var output = new System.Text.StringBuilder();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    output.AppendLine(line);
                    if (line.Contains("Application started", StringComparison.Ordinal)) break;
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
            var log = output.ToString() + await process.StandardError.ReadToEndAsync();
            Assert.Contains("Application started", log);
            Assert.DoesNotContain("DataProtection", log);
            Assert.Empty(home.EnumerateFileSystemInfos("*", SearchOption.AllDirectories));
        }
        finally
        {
            home.Delete(recursive: true);
            await server.DropDatabaseAsync(database);
        }
    }

    private static ProcessStartInfo StartInfo(string connectionString, string command, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AssetForge.dll"));
        if (command.Length > 0) info.ArgumentList.Add(command);
        info.Environment["ConnectionStrings__AssetForge"] = connectionString;
        info.Environment["Logging__Format"] = "text";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Ports.Free()}";
        info.Environment["Management__Urls"] = "";
        foreach (var (key, value) in Tokens.HostSettings) info.Environment[key.Replace(":", "__")] = value;
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return info;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(int databasePort, string command, params (string Name, string Value)[] environment)
    {
        var info = StartInfo($"Host=127.0.0.1;Port={databasePort};Username=postgres;Database=assetforge", command, environment);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
