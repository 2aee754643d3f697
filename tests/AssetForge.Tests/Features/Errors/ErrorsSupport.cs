using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Features.Errors;

/// <summary>A clock the test sets: hours, defaults and "complete" are then exact, whatever the wall clock says.</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2031, 3, 10, 12, 34, 56, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The application with <see cref="TestClock"/> as its TimeProvider.</summary>
public class ClockedApiFactory : ApiFactory
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// Lets a test choose the TCP peer address the server sees (header X-Test-Peer), as a real connection from that
/// address would: it runs before the application's pipeline, so UseForwardedHeaders judges it like any peer.
/// </summary>
public sealed class PeerAddressFilter : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var peer))
            {
                context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer.ToString());
                context.Request.Headers.Remove(Header);
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>Rows arranged directly, for lists, statistics and aggregations over known data.</summary>
public static class ErrorRows
{
    public static Task<Guid> InsertAsync(NpgsqlDataSource db, DateTimeOffset createdAt, string endpoint = "/api/things",
        string severity = "error", string category = "unknown", string? externalService = null, int? statusCode = null,
        Guid? userId = null, bool resolved = false, string method = "GET", string message = "boom") =>
        db.ScalarAsync<Guid>("""
            INSERT INTO api_errors (endpoint, method, error_message, severity, category, external_service, status_code, user_id, resolved, created_at)
            VALUES ($1, $2, $3, $4::error_severity, $5::error_category, $6, $7, $8, $9, $10)
            RETURNING id
            """, endpoint, method, message, severity, category, externalService, statusCode, userId, resolved, createdAt.UtcDateTime);

    public static async Task<Guid> NewUserAsync(NpgsqlDataSource db) =>
        await db.ScalarAsync<Guid>("INSERT INTO users (privy_user_id) VALUES ($1) RETURNING id", $"did:privy:{Guid.NewGuid():N}");

    /// <summary>Polls until <paramref name="condition"/> holds: for work the API finishes after answering.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
