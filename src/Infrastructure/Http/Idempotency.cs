using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Npgsql;

namespace AssetForge.Infrastructure.Http;

[DbRow]
public sealed partial record IdempotencyClaim(bool Locked, byte[]? Fingerprint, short? Status, string? Location, string? Etag,
    string? ContentType, byte[]? Body);

/// <summary>
/// <c>Idempotency-Key</c> on the POSTs that create something or start work (IETF httpapi idempotency-key draft,
/// with Stripe's semantics). With a key, the request runs inside one transaction that also writes the key's row
/// (caller, key, method, path, body fingerprint, and the answer): either the effect and its stored answer commit
/// together or neither does, so a crash between any two steps leaves exactly one effect per key. A transaction-scoped
/// advisory lock on (caller, key) is taken first without waiting: a second request while the first runs is a 409.
/// A retry after the commit gets the stored answer (status, body, Location, ETag) with <c>Idempotent-Replayed:
/// true</c>; the same key with another request is a 422. Only 2xx answers are kept: a refused request changed
/// nothing (its transaction is rolled back), so it may be retried with the same key. Without a key a request runs
/// as before, on the same (scoped, opened) connection.
/// </summary>
public sealed partial class IdempotencyFilter(IOptions<IdempotencySettings> options) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var connection = http.RequestServices.GetRequiredService<NpgsqlConnection>();
        var ct = http.RequestAborted;
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            await connection.OpenAsync(ct);
            return await next(context);
        }
        if (values.Count != 1 || !IsValidKey(values[0]))
            return Problems.Validation(Header, $"'{Header}' must be one value of 1 to {MaxKeyLength} printable ASCII characters.");

        var key = values[0]!;
        var caller = CurrentUser.From(http.User) is { } user ? "user:" + user.Id : "ip:" + http.Connection.RemoteIpAddress;
        var path = http.Request.Path + http.Request.QueryString;
        var fingerprint = await FingerprintAsync(http.Request, path, ct);

        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var claim = await ClaimAsync(connection, caller, key, ct);
        if (!claim.Locked)
        {
            http.Response.Headers.RetryAfter = "1";
            return Problems.Status(StatusCodes.Status409Conflict,
                $"A request with this {Header} is still being processed; retry after it has finished.", "Request in progress");
        }
        if (claim.Fingerprint is { } stored)
        {
            if (!stored.AsSpan().SequenceEqual(fingerprint))
                return Problems.Status(StatusCodes.Status422UnprocessableEntity,
                    $"This {Header} was already used for a different request (method, path or body); use a new key for a new request.",
                    "Idempotency key reused");
            return new Replay(claim);
        }

        var result = await next(context);
        if (result is not IResult answer)
            throw new InvalidOperationException($"Idempotent endpoint {path} must return an IResult.");

        // Run the answer into a buffer, so that it can be stored in the transaction before anything is sent.
        var response = http.Response;
        var original = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await answer.ExecuteAsync(http);
            await response.BodyWriter.FlushAsync(ct);
        }
        finally
        {
            response.Body = original;
        }
        var body = buffer.ToArray();

        if (response.StatusCode is >= 200 and < 300)
        {
            await StoreAsync(connection, caller, key, http.Request.Method, path, fingerprint, (short)response.StatusCode,
                NullIfEmpty(response.Headers.Location), NullIfEmpty(response.Headers.ETag), response.ContentType, body,
                options.Value.RetentionHours, ct);
            // Once the effect is in, finish committing even if the client has gone: its retry will find the answer.
            await transaction.CommitAsync(CancellationToken.None);
        }
        // else: disposing the transaction rolls back whatever the refused request did.

        response.ContentLength = body.Length;
        await original.WriteAsync(body, ct);
        return EmptyHttpResult.Instance;
    }

    /// <summary>1..255 characters from printable ASCII (the draft's sf-string); not only blanks.</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is >= ' ' and <= '~') && !string.IsNullOrWhiteSpace(key);

    private static async Task<byte[]> FingerprintAsync(HttpRequest request, string path, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.Method + " " + path + "\n"));
        // The body was buffered by UseIdempotencyKeys before the endpoint's binding read it.
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0) hash.AppendData(chunk, 0, read);
        }
        return hash.GetHashAndReset();
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 ? null : value.ToString();

    /// <summary>Writes a stored answer again, marked as a replay.</summary>
    private sealed class Replay(IdempotencyClaim stored) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var response = http.Response;
            response.StatusCode = stored.Status!.Value;
            if (stored.Location is { } location) response.Headers.Location = location;
            if (stored.Etag is { } etag) response.Headers.ETag = etag;
            if (stored.ContentType is { } type) response.ContentType = type;
            response.Headers[ReplayedHeader] = "true";
            response.ContentLength = stored.Body!.Length;
            await response.Body.WriteAsync(stored.Body, http.RequestAborted);
        }
    }

    // The lock is tried, never waited for: it is held by the transaction of a request still running with this key.
    // hashtextextended is stable across servers and versions, so every replica takes the same lock.
    [Query("""
        SELECT l.locked, k.fingerprint, k.status, k.location, k.etag, k.content_type, k.body
        FROM (SELECT pg_try_advisory_xact_lock(hashtextextended('idempotency ' || @caller || ' ' || @key, 0)) AS locked) l
        LEFT JOIN idempotency_keys k ON l.locked AND k.caller = @caller AND k.key = @key AND k.expires_at > now()
        """)]
    private static partial Task<IdempotencyClaim> ClaimAsync(NpgsqlConnection connection, string caller, string key, CancellationToken ct);

    // An expired row the removal job has not reached yet is replaced.
    [Execute("""
        INSERT INTO idempotency_keys (caller, key, method, path, fingerprint, status, location, etag, content_type, body, expires_at)
        VALUES (@caller, @key, @method, @path, @fingerprint, @status, @location, @etag, @contentType, @body,
                now() + make_interval(hours => @retentionHours))
        ON CONFLICT (caller, key) DO UPDATE SET
            method = EXCLUDED.method, path = EXCLUDED.path, fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
            location = EXCLUDED.location, etag = EXCLUDED.etag, content_type = EXCLUDED.content_type, body = EXCLUDED.body,
            created_at = now(), expires_at = EXCLUDED.expires_at
        """)]
    private static partial Task StoreAsync(NpgsqlConnection connection, string caller, string key, string method, string path,
        byte[] fingerprint, short status, string? location, string? etag, string? contentType, byte[] body, int retentionHours,
        CancellationToken ct);
}

/// <summary>Marks an endpoint whose requests may carry an Idempotency-Key (so its body is buffered for the fingerprint).</summary>
public sealed class IdempotentEndpoint;

public static class IdempotencyExtensions
{
    public static IServiceCollection AddAssetForgeIdempotency(this IServiceCollection services)
    {
        services.AddSingleton<IdempotencyKeyRetentionJob>();
        services.AddHostedService(sp => sp.GetRequiredService<IdempotencyKeyRetentionJob>());
        return services;
    }

    /// <summary>Buffers the body of requests with an Idempotency-Key to idempotent endpoints; after routing, before binding.</summary>
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Request.Headers.ContainsKey(IdempotencyFilter.Header) && http.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpoint>() is not null)
            http.Request.EnableBuffering();
        return next(http);
    });

    /// <summary>
    /// Accepts an optional Idempotency-Key. The handler must take the request's <see cref="NpgsqlConnection"/> (scoped,
    /// opened by the filter) and do all its writes on it, so they join the key's transaction.
    /// </summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) => builder
        .WithMetadata(new IdempotentEndpoint())
        .AddEndpointFilter<IdempotencyFilter>()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .AddOpenApiOperationTransformer((operation, context, _) =>
        {
            var hours = context.ApplicationServices.GetRequiredService<IOptions<IdempotencySettings>>().Value.RetentionHours;
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyFilter.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes retries safe: a repeat with the same key and body gets the first answer again " +
                              $"({IdempotencyFilter.ReplayedHeader}: true); the same key with another body is 422; while the first " +
                              $"request still runs, 409. Keys are per caller and kept {hours} h (Idempotency:RetentionHours).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyFilter.MaxKeyLength },
            });
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (!status.StartsWith('2') || response is not OpenApiResponse r) continue;
                r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                r.Headers[IdempotencyFilter.ReplayedHeader] = new OpenApiHeader
                {
                    Description = "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true")] },
                };
            }
            return Task.CompletedTask;
        });
}

/// <summary>Removes expired idempotency keys every Idempotency:JobIntervalSeconds, in batches.</summary>
public sealed partial class IdempotencyKeyRetentionJob(NpgsqlDataSource db, SchemaMigration schema, IOptions<JobSettings> jobs, IOptions<IdempotencySettings> options,
    TimeProvider clock, ILogger<IdempotencyKeyRetentionJob> logger) : Jobs.RecurringJob(db, schema, jobs, clock, logger)
{
    private readonly IdempotencySettings _settings = options.Value;

    protected override string Name => "idempotency.retention";

    protected override TimeSpan Interval => _settings.Interval;

    protected override async Task<long> RunAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        long total = 0;
        int deleted;
        do total += deleted = await DeleteExpiredAsync(connection, _settings.JobBatchSize, ct);
        while (deleted == _settings.JobBatchSize);
        if (total > 0) LogDeleted(logger, total);
        return total;
    }

    [Execute("""
        DELETE FROM idempotency_keys k
        USING (SELECT caller, key FROM idempotency_keys WHERE expires_at <= now() ORDER BY expires_at LIMIT @batchSize
               FOR UPDATE SKIP LOCKED) doomed
        WHERE k.caller = doomed.caller AND k.key = doomed.key
        """)]
    private static partial Task<int> DeleteExpiredAsync(NpgsqlConnection connection, int batchSize, CancellationToken ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} expired idempotency keys")]
    private static partial void LogDeleted(ILogger logger, long count);
}
