using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AssetForge.Tests.Support;

/// <summary>
/// The application with a <see cref="FakeTimeProvider"/> as its one clock: tests move time instead of sleeping or
/// back-dating rows, so hours, defaults, retention and "complete" are exact whatever the wall clock says.
/// </summary>
public class ClockedApiFactory : ApiFactory
{
    public static readonly DateTimeOffset Start = new(2031, 3, 10, 12, 34, 56, TimeSpan.Zero);

    private FakeTimeProvider? _clock;

    /// <summary>Where the clock starts: a fixed instant unless a factory needs the wall clock's (rows stamped by now()).</summary>
    protected virtual DateTimeOffset StartsAt => Start;

    public FakeTimeProvider Clock => _clock ??= new FakeTimeProvider(StartsAt);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Rows and waits every slice's tests arrange.</summary>
public static class Arrange
{
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
