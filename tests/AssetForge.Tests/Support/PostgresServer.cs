using System.Diagnostics;
using AssetForge.Infrastructure.Data;
using DotNet.Testcontainers.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Testcontainers.PostgreSql;

namespace AssetForge.Tests.Support;

/// <summary>
/// One PostgreSQL server for the whole test run, found in this order: ASSETFORGE_TEST_DATABASE (a connection
/// string), a Testcontainers postgres:15 container when a Docker engine answers, or a throwaway local cluster
/// (initdb + pg_ctl on a free port in a temp dir, as the postgres user when running as root) removed at exit.
/// Each test class gets its own database, cloned from a template that the real migrations built once.
/// </summary>
public sealed class PostgresServer
{
    private const string Template = "assetforge_test_template";
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private static readonly SemaphoreSlim CreateLock = new(1, 1);
    private static int _counter;

    private readonly NpgsqlConnectionStringBuilder _admin;

    private PostgresServer(string adminConnectionString, string source)
    {
        _admin = new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false };
        Source = source;
    }

    /// <summary>Where the server came from: "environment", "testcontainers" or "local cluster".</summary>
    public string Source { get; }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A new, empty database (no migrations).</summary>
    public Task<string> CreateEmptyDatabaseAsync() => CreateDatabaseAsync(template: "template0");

    /// <summary>A new database with every migration applied.</summary>
    public Task<string> CreateMigratedDatabaseAsync() => CreateDatabaseAsync(Template);

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = database, Pooling = true }.ConnectionString;

    private async Task<string> CreateDatabaseAsync(string template)
    {
        var name = $"assetforge_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await CreateLock.WaitAsync();
        try
        {
            await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        }
        finally
        {
            CreateLock.Release();
        }
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// Drops a database this server made, with whatever sessions still hold it: a run creates a database per
    /// test class, and leaving them all on disk until the cluster goes costs a gigabyte and more per run.
    /// </summary>
    public Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        return name is not null && name.StartsWith("assetforge_test_", StringComparison.Ordinal) && name != Template
            ? ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
            : Task.CompletedTask;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var server = await FromEnvironment() ?? await FromTestcontainers() ?? await LocalCluster.StartAsync();
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS \"{Template}\"");
        await server.ExecuteAsync($"CREATE DATABASE \"{Template}\"");
        Migrations.Apply(server.ConnectionStringFor(Template) + ";Pooling=false", NullLogger.Instance);
        return server;
    }

    private static Task<PostgresServer?> FromEnvironment()
    {
        var cs = Environment.GetEnvironmentVariable("ASSETFORGE_TEST_DATABASE");
        return Task.FromResult(string.IsNullOrWhiteSpace(cs) ? null : new PostgresServer(cs, "environment"));
    }

    private static async Task<PostgresServer?> FromTestcontainers()
    {
        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder("postgres:15").Build();
        }
        catch (DockerUnavailableException)
        {
            return null; // no Docker engine here: fall back to a local cluster
        }
        await container.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new PostgresServer(container.GetConnectionString(), "testcontainers");
    }

    /// <summary>
    /// A cluster of its own, on its own port, that a test may stop and start (outage tests) without disturbing the
    /// shared server other test classes use at the same time. Removed at exit.
    /// </summary>
    public static async Task<(PostgresServer Server, LocalCluster Cluster)> StartOwnClusterAsync()
    {
        var cluster = await LocalCluster.CreateAsync();
        var server = new PostgresServer(cluster.AdminConnectionString, "own local cluster");
        await server.ExecuteAsync($"CREATE DATABASE \"{Template}\"");
        Migrations.Apply(server.ConnectionStringFor(Template) + ";Pooling=false", NullLogger.Instance);
        return (server, cluster);
    }

    public sealed class LocalCluster
    {
        private readonly string _bin;
        private readonly string _dir;
        private readonly bool _asRoot;
        private readonly string _options;

        private LocalCluster(string bin, string dir, bool asRoot, int port)
        {
            _bin = bin;
            _dir = dir;
            _asRoot = asRoot;
            Port = port;
            // Durability is worthless for a throwaway cluster: skip fsync and WAL flushes for speed. CREATE DATABASE
            // WAL-logs the whole template, so a small max_wal_size keeps a run's WAL from growing to a gigabyte.
            _options = $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                       "-c full_page_writes=off -c max_connections=300 -c max_wal_size=64MB -c min_wal_size=32MB";
        }

        public int Port { get; }

        public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

        public static async Task<PostgresServer> StartAsync()
        {
            var cluster = await CreateAsync();
            return new PostgresServer(cluster.AdminConnectionString, "local cluster");
        }

        public static async Task<LocalCluster> CreateAsync()
        {
            var bin = FindBinDirectory()
                ?? throw new InvalidOperationException(
                    "No PostgreSQL server binaries found (install Debian's postgresql package), no Docker engine answered, " +
                    "and ASSETFORGE_TEST_DATABASE is not set.");
            RemoveOrphans();
            var dir = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
            Directory.CreateDirectory(dir);
            var asRoot = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || geteuid() == 0;
            if (asRoot) await RunAsync("chown", ["postgres:postgres", dir]);

            await RunAsOwnerAsync(asRoot, Path.Combine(bin, "initdb"),
                ["-D", dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
            var cluster = new LocalCluster(bin, dir, asRoot, Ports.Free());
            await cluster.StartServerAsync();

            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    if (Directory.Exists(dir)) cluster.RemoveAsync().GetAwaiter().GetResult();
                }
                catch
                {
                    // Best effort: a leftover temp directory must not fail the run.
                }
            };
            return cluster;
        }

        private const string DirectoryPrefix = "assetforge-pg-";
        private static int _orphansRemoved;

        /// <summary>
        /// Clusters left by test processes that died before their exit handler ran (killed runs, crashed hosts):
        /// their servers are stopped and their directories deleted, so leftovers cannot fill the disk run by run.
        /// A cluster whose owning process still lives (a concurrent run) is left alone.
        /// </summary>
        private static void RemoveOrphans()
        {
            if (Interlocked.Exchange(ref _orphansRemoved, 1) == 1) return;
            foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
            {
                var owner = Path.GetFileName(dir)[DirectoryPrefix.Length..].Split('-')[0];
                if (!int.TryParse(owner, out var pid) || Directory.Exists($"/proc/{pid}")) continue;
                try
                {
                    var postmaster = Path.Combine(dir, "postmaster.pid");
                    if (File.Exists(postmaster) && int.TryParse(File.ReadLines(postmaster).FirstOrDefault(), out var server))
                    {
                        try { Process.GetProcessById(server).Kill(); } catch (ArgumentException) { } // already gone
                    }
                    Directory.Delete(dir, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException
                                              or System.ComponentModel.Win32Exception)
                {
                    // Not ours to remove (another user's run): leave it.
                }
            }
        }

        /// <summary>Starts the server and waits until it accepts connections.</summary>
        public Task StartServerAsync() => RunAsOwnerAsync(_asRoot, Path.Combine(_bin, "pg_ctl"),
            ["-D", _dir, "-l", Path.Combine(_dir, "server.log"), "-o", _options, "-w", "-t", "60", "start"]);

        /// <summary>Stops the server at once and deletes its directory.</summary>
        public async Task RemoveAsync()
        {
            try
            {
                await StopServerAsync("immediate");
            }
            catch (InvalidOperationException)
            {
                // Already stopped (an outage test's last step): the directory still goes.
            }
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort, as at exit.
            }
        }

        /// <summary>Stops the server ("fast": sessions are terminated with 57P01; "immediate": as a crash would).</summary>
        public Task StopServerAsync(string mode = "fast") =>
            RunAsOwnerAsync(_asRoot, Path.Combine(_bin, "pg_ctl"), ["-D", _dir, "-m", mode, "-w", "stop"]);

        private static string? FindBinDirectory()
        {
            var candidates = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                    .Where(c => c.Version >= 15 && File.Exists(Path.Combine(c.Bin, "initdb")))
                    .OrderByDescending(c => c.Version)
                    .Select(c => c.Bin)
                : [];
            return candidates.FirstOrDefault()
                ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
                    .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        }


        private static Task RunAsOwnerAsync(bool asRoot, string file, string[] args) =>
            asRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

        private static async Task RunAsync(string file, string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }

        [System.Runtime.InteropServices.DllImport("libc")]
        private static extern uint geteuid();
    }
}
