using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Users;

public sealed class GetCurrentUserTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task First_request_creates_the_user_from_the_token_subject()
    {
        var subject = Tokens.NewSubject();
        var me = await (await factory.ClientWith(Tokens.Member(subject)).GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);

        Assert.False(me.GetProperty("isAdmin").GetBoolean());
        var id = me.GetProperty("id").GetGuid();
        Assert.Equal(subject, await factory.Db.ScalarAsync<string>("SELECT privy_user_id FROM users WHERE id = $1", id));
        Assert.Equal("member", await factory.Db.ScalarAsync<string>("SELECT role FROM users WHERE id = $1", id));
    }

    [Fact]
    public async Task Email_and_name_claims_fill_the_new_row()
    {
        var subject = Tokens.NewSubject();
        var token = Tokens.Create(subject, claims: new Dictionary<string, object> { ["email"] = "ada@example.com", ["name"] = "Ada" });
        var me = await (await factory.ClientWith(token).GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
        var id = me.GetProperty("id").GetGuid();
        Assert.Equal("ada@example.com", await factory.Db.ScalarAsync<string>("SELECT email FROM users WHERE id = $1", id));
        Assert.Equal("Ada", await factory.Db.ScalarAsync<string>("SELECT display_name FROM users WHERE id = $1", id));
    }

    [Fact]
    public async Task Later_requests_do_not_write_the_users_row()
    {
        var user = await factory.SignInAsync();
        var version = await factory.Db.ScalarAsync<uint>("SELECT xmin FROM users WHERE id = $1", user.Id);
        for (var i = 0; i < 5; i++) await (await user.Client.GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(version, await factory.Db.ScalarAsync<uint>("SELECT xmin FROM users WHERE id = $1", user.Id));
    }

    [Fact]
    public async Task Twenty_racing_first_requests_create_exactly_one_user()
    {
        var subject = Tokens.NewSubject();
        var token = Tokens.Member(subject);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => factory.ClientWith(token).GetAsync("/api/me")));

        var ids = new HashSet<Guid>();
        foreach (var r in responses) ids.Add((await r.AssertStatusAsync(HttpStatusCode.OK)).GetProperty("id").GetGuid());
        Assert.Single(ids);
        Assert.Equal(1L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM users WHERE privy_user_id = $1", subject));
    }

    [Fact]
    public async Task Admin_comes_from_the_token_role()
    {
        var me = await (await factory.ClientWith(Tokens.Admin(Tokens.NewSubject())).GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
    }

    [Fact]
    public async Task Admin_comes_from_the_users_row_role()
    {
        var subject = Tokens.NewSubject();
        await factory.Db.ExecuteAsync("INSERT INTO users (privy_user_id, role) VALUES ($1, 'admin')", subject);
        var me = await (await factory.ClientWith(Tokens.Member(subject)).GetAsync("/api/me")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
    }
}
