using System.Net;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Errors;

public sealed class GetErrorTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<(TestUser Reporter, Guid Id, string ETag)> ReportAsync()
    {
        var reporter = await factory.SignInAsync();
        var response = await reporter.Client.PostAsync("/api/errors", Http.Json("""
            {"endpoint":"/api/assets","method":"GET","message":"Not loading","stack":"at x","requestBody":{"q":1}}
            """));
        var body = await response.AssertStatusAsync(HttpStatusCode.Created);
        return (reporter, body.GetProperty("id").GetGuid(), response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task The_reporter_reads_the_whole_error_with_its_etag()
    {
        var (reporter, id, etag) = await ReportAsync();
        var response = await reporter.Client.GetAsync($"/api/errors/{id}");
        var error = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(etag, response.Headers.ETag?.ToString());
        Assert.Equal(reporter.Id, error.GetProperty("userId").GetGuid());
        Assert.Equal("at x", error.GetProperty("stack").GetString());
        Assert.Equal(1, error.GetProperty("requestBody").GetProperty("q").GetInt32());
        Assert.EndsWith("Z", error.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Another_member_gets_a_404_and_an_admin_gets_the_error()
    {
        var (_, id, _) = await ReportAsync();
        var stranger = await factory.SignInAsync();
        await (await stranger.Client.GetAsync($"/api/errors/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync($"/api/errors/{id}")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Anonymous_reports_are_visible_to_admins_only()
    {
        var body = await (await factory.CreateClient().PostAsync("/api/errors", Http.Json("""{"endpoint":"/x","method":"GET","message":"m"}""")))
            .AssertStatusAsync(HttpStatusCode.Created);
        var id = body.GetProperty("id").GetGuid();
        var member = await factory.SignInAsync();
        await (await member.Client.GetAsync($"/api/errors/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await factory.CreateClient().GetAsync($"/api/errors/{id}")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync($"/api/errors/{id}")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_id_is_404_and_malformed_id_is_400()
    {
        var admin = await factory.SignInAsync(admin: true);
        await (await admin.Client.GetAsync($"/api/errors/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await admin.Client.GetAsync("/api/errors/not-a-uuid")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
    }
}
