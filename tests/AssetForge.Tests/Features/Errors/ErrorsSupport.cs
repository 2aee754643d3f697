using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetForge.Tests.Features.Errors;

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
}
