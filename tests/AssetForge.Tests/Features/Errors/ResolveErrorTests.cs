using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Errors;

public sealed class ResolveErrorTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private Task<Guid> ArrangeAsync() => ErrorRows.InsertAsync(factory.Db, DateTimeOffset.UtcNow, $"/resolve-{Guid.NewGuid():N}");

    private static HttpRequestMessage Resolve(Guid id, string resolution, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/errors/{id}/resolve")
        {
            Content = Http.Json(System.Text.Json.JsonSerializer.Serialize(new { resolution })),
        };
        return ifMatch is null ? request : request.WithIfMatch(ifMatch);
    }

    [Fact]
    public async Task An_admin_resolves_an_error_with_resolution_time_and_resolver()
    {
        var admin = await factory.SignInAsync(admin: true);
        var id = await ArrangeAsync();
        var response = await admin.Client.SendAsync(Resolve(id, "Fixed in 2.1.3"));
        var error = await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.True(error.GetProperty("resolved").GetBoolean());
        Assert.Equal("Fixed in 2.1.3", error.GetProperty("resolution").GetString());
        Assert.Equal(admin.Id, error.GetProperty("resolvedBy").GetGuid());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("""
            SELECT count(*) FROM api_errors
            WHERE id = $1 AND resolved AND resolution = 'Fixed in 2.1.3' AND resolved_by = $2 AND resolved_at > now() - interval '1 minute'
            """, id, admin.Id));
    }

    [Fact]
    public async Task Resolving_twice_is_a_409_that_keeps_the_first_resolution()
    {
        var first = await factory.SignInAsync(admin: true);
        var second = await factory.SignInAsync(admin: true);
        var id = await ArrangeAsync();
        await (await first.Client.SendAsync(Resolve(id, "first"))).AssertStatusAsync(HttpStatusCode.OK);
        var before = await factory.Db.ScalarAsync<string>("SELECT concat_ws('|', resolution, resolved_by, resolved_at) FROM api_errors WHERE id = $1", id);

        await (await second.Client.SendAsync(Resolve(id, "second"))).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(before, await factory.Db.ScalarAsync<string>("SELECT concat_ws('|', resolution, resolved_by, resolved_at) FROM api_errors WHERE id = $1", id));
        Assert.StartsWith($"first|{first.Id}|", before);
    }

    [Fact]
    public async Task Concurrent_resolutions_store_exactly_one()
    {
        var admins = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => factory.SignInAsync(admin: true)));
        var id = await ArrangeAsync();
        var responses = await Task.WhenAll(admins.Select((a, i) => a.Client.SendAsync(Resolve(id, $"by {i}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal($"by {winner}|{admins[winner].Id}", await factory.Db.ScalarAsync<string>(
            "SELECT concat_ws('|', resolution, resolved_by) FROM api_errors WHERE id = $1", id));
    }

    [Fact]
    public async Task A_stale_if_match_is_a_412_and_a_current_one_resolves()
    {
        var admin = await factory.SignInAsync(admin: true);
        var id = await ArrangeAsync();
        var etag = (await admin.Client.GetAsync($"/api/errors/{id}")).Headers.ETag!.ToString();
        await factory.Db.ExecuteAsync("UPDATE api_errors SET tags = '[\"touched\"]' WHERE id = $1", id);

        await (await admin.Client.SendAsync(Resolve(id, "stale", etag))).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.False(await factory.Db.ScalarAsync<bool>("SELECT resolved FROM api_errors WHERE id = $1", id));

        var current = (await admin.Client.GetAsync($"/api/errors/{id}")).Headers.ETag!.ToString();
        await (await admin.Client.SendAsync(Resolve(id, "current", current))).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_member_gets_a_403_and_nothing_changes()
    {
        var member = await factory.SignInAsync();
        var id = await ErrorRows.InsertAsync(factory.Db, DateTimeOffset.UtcNow, userId: member.Id);
        await (await member.Client.SendAsync(Resolve(id, "mine"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.False(await factory.Db.ScalarAsync<bool>("SELECT resolved FROM api_errors WHERE id = $1", id));
    }

    [Fact]
    public async Task Unknown_id_is_404_and_a_missing_resolution_is_400()
    {
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.SendAsync(Resolve(Guid.NewGuid(), "x"))).AssertProblemAsync(HttpStatusCode.NotFound);
        var id = await ArrangeAsync();
        var problem = await (await admin.Client.PostAsync($"/api/errors/{id}/resolve", Http.Json("{}"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("resolution", out _));
        await (await admin.Client.SendAsync(Resolve(id, ""))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(await factory.Db.ScalarAsync<bool>("SELECT resolved FROM api_errors WHERE id = $1", id));
    }
}
